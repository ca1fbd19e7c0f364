// The "Unclaimed cases" list of docs/emulator.md, generated from unclaimed.ts.
// `node test/conformance/unclaimed-doc.ts` rewrites that list; docs.test.ts checks it is current.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { UNCLAIMED } from './unclaimed.ts';

export const START = '<!-- conformance:unclaimed:start (generated: node test/conformance/unclaimed-doc.ts) -->';
export const END = '<!-- conformance:unclaimed:end -->';
export const DOC = fileURLToPath(new URL('../../docs/emulator.md', import.meta.url));

/** The list as Markdown: one heading line per PostHog test file, one bullet per case. */
export function unclaimedMarkdown(): string {
  const byFile = new Map<string, [string, string][]>();
  for (const [id, reason] of Object.entries(UNCLAIMED)) {
    const at = id.indexOf('::');
    const file = id.slice(0, at);
    if (!byFile.has(file)) byFile.set(file, []);
    byFile.get(file)!.push([id.slice(at + 2), reason]);
  }
  const lines: string[] = [];
  for (const [file, cases] of [...byFile].sort(([a], [b]) => a.localeCompare(b))) {
    lines.push('', `\`${file}\` (${cases.length}):`, '');
    for (const [name, reason] of cases) lines.push(`- \`${name}\`: ${reason}`);
  }
  return lines.join('\n').trimStart();
}

/** The section of the doc between the markers, or null without them. */
export function docSection(text: string): string | null {
  const s = text.indexOf(START);
  const e = text.indexOf(END);
  if (s < 0 || e < s) return null;
  return text.slice(s + START.length, e).trim();
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const text = readFileSync(DOC, 'utf8');
  const s = text.indexOf(START);
  const e = text.indexOf(END);
  if (s < 0 || e < s) throw new Error(`docs/emulator.md has no ${START} … ${END} section`);
  writeFileSync(DOC, `${text.slice(0, s + START.length)}\n\n${unclaimedMarkdown()}\n\n${text.slice(e)}`);
}
