// Build the published CLI (npm run build, run by prepack): src/ bundled by esbuild into dist/cli/,
// split at each command's import() so that a command loads only its own chunks (`validate` and
// `--help` load no HTTP client, logger or planner: test/cli/lazy-load.test.ts). Bundled with it: the
// small, pure-JavaScript packages every command needs at start (commander, zod, js-yaml): one file
// instead of a hundred or so to resolve and link took about a quarter off `validate`'s start,
// measured against the unbundled build (169 ms against 212 ms, median of 10 runs). The other
// dependencies stay packages of their own, loaded when a command needs them. Type checking is
// `npm run typecheck`'s (esbuild strips types without checking them).
import { build, type Metafile } from 'esbuild';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = new URL('../', import.meta.url);

/** Dependencies bundled into the CLI; every other dependency is loaded from node_modules. */
export const BUNDLED = ['commander', 'zod', 'js-yaml'];

/**
 * Build into `outdir` (it must be dist/cli beside the package's package.json: src/util/version.ts and
 * src/cli/demo.ts find package.json and the example matrix two folders up). Returns esbuild's
 * metafile: which sources and packages each output file holds (the benchmark reports what a command
 * loaded from it).
 */
export async function buildCli(outdir = fileURLToPath(new URL('dist/cli', root))): Promise<Metafile> {
  const manifest = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { dependencies: Record<string, string> };
  const result = await build({
    entryPoints: [fileURLToPath(new URL('src/cli/main.ts', root))],
    outdir,
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    external: Object.keys(manifest.dependencies).filter((d) => !BUNDLED.includes(d)),
    legalComments: 'none',
    logLevel: 'warning',
    metafile: true,
    // commander is CommonJS and calls require() for Node's own modules.
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  });
  // The bundled packages' licences travel with their code.
  const licences = BUNDLED.map((name) => {
    const dir = new URL(`node_modules/${name}/`, root);
    const file = ['LICENSE', 'LICENSE.md', 'LICENSE.txt', 'license'].map((f) => new URL(f, dir)).find((u) => existsSync(u));
    if (!file) throw new Error(`${name}: no licence file found in node_modules/${name}; the bundle must carry it`);
    return `${name}\n${'='.repeat(name.length)}\n\n${readFileSync(file, 'utf8').trim()}\n`;
  });
  writeFileSync(join(outdir, 'THIRD-PARTY-LICENSES.txt'), `Packages bundled into this folder, with their licences.\n\n${licences.join('\n')}`);
  return result.metafile;
}

if (import.meta.main) {
  rmSync(new URL('dist', root), { recursive: true, force: true });
  await buildCli();
}
