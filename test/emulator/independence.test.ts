// The emulator is the tool's picture of PostHog: it must hold its own tables (levels, bounds,
// scopes, features) instead of importing the tool's, or one wrong table would pass on both sides.
// Every import of a value from a relative path outside src/emulator/ fails this test; `import type`
// (and `export type … from`) is fine, as are node: built-ins and npm packages.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../src/emulator');

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? tsFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []);
}

interface ImportSite { file: string; specifier: string; statement: string }

/** Value imports (static, re-exports and dynamic) of a source text; type-only ones are left out. */
function valueImports(source: string): { specifier: string; statement: string }[] {
  const out: { specifier: string; statement: string }[] = [];
  const text = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const staticRe = /^\s*(import|export)\s+([\s\S]*?)\s*from\s*['"]([^'"]+)['"]/gm;
  for (const m of text.matchAll(staticRe)) {
    const clause = m[2]!.trim();
    if (/^type\s/.test(clause)) continue;
    // `import { type A, type B } from` is type-only too
    const names = /^\{([\s\S]*)\}$/.exec(clause);
    if (names && names[1]!.split(',').map((n) => n.trim()).filter(Boolean).every((n) => n.startsWith('type '))) continue;
    out.push({ specifier: m[3]!, statement: m[0].trim() });
  }
  for (const m of text.matchAll(/^\s*import\s*['"]([^'"]+)['"]/gm)) out.push({ specifier: m[1]!, statement: m[0].trim() });
  for (const m of text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) out.push({ specifier: m[1]!, statement: m[0] });
  return out;
}

function outside(file: string, specifier: string): boolean {
  if (!specifier.startsWith('.')) return false; // node: built-ins and packages
  const target = resolve(dirname(file), specifier);
  return !(target === root || target.startsWith(root + sep));
}

describe('emulator independence', () => {
  it('no file under src/emulator/ imports a value from outside src/emulator/', () => {
    const offending: ImportSite[] = [];
    for (const file of tsFiles(root)) {
      for (const imp of valueImports(readFileSync(file, 'utf8'))) {
        if (outside(file, imp.specifier)) offending.push({ file: relative(root, file), ...imp });
      }
    }
    expect(offending).toEqual([]);
  });

  it('the check catches value imports and lets type-only imports through', () => {
    const file = join(root, 'x.ts');
    const found = (src: string): string[] => valueImports(src).filter((i) => outside(file, i.specifier)).map((i) => i.specifier);
    expect(found("import { PROJECT_LEVELS } from '../model/levels.ts';")).toEqual(['../model/levels.ts']);
    expect(found("import * as scopes from '../matrix/scopes.ts';")).toEqual(['../matrix/scopes.ts']);
    expect(found("export { x } from '../plan/x.ts';")).toEqual(['../plan/x.ts']);
    expect(found("const m = await import('../cli/main.ts');")).toEqual(['../cli/main.ts']);
    expect(found("import {\n  a,\n  b,\n} from '../model/levels.ts';")).toEqual(['../model/levels.ts']);
    expect(found("import { type A, b } from '../model/levels.ts';")).toEqual(['../model/levels.ts']);
    expect(found("import type { A } from '../model/levels.ts';")).toEqual([]);
    expect(found("import { type A, type B } from '../model/levels.ts';")).toEqual([]);
    expect(found("export type { A } from '../model/levels.ts';")).toEqual([]);
    expect(found("import { x } from './tables.ts';")).toEqual([]);
    expect(found("import { z } from 'zod';\nimport { readFileSync } from 'node:fs';")).toEqual([]);
  });
});
