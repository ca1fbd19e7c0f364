// docs/adopt.md stays true: its export of the sample organization is what `export` writes, the plan
// right after has no changes, and its examples of a first change and of pruning invites show what
// the page says.
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sampleSnapshot } from '../../src/emulator/sample.ts';
import { cli, emulator, type Emulator } from './harness.ts';

const doc = readFileSync('docs/adopt.md', 'utf8');
const blocks = [...doc.matchAll(/```(\w*)\n([\s\S]*?)```/g)].map((m) => ({ lang: m[1] ?? '', body: m[2] ?? '' }));
const NOW = new Date('2026-11-30T09:00:00Z');
const UUID = /id: [0-9a-f-]{36}/;

let emu: Emulator;
let file: string;
beforeEach(async () => {
  emu = await emulator({ state: sampleSnapshot(NOW), now: () => NOW });
  file = join(await mkdtemp(join(tmpdir(), 'posthog-access-adopt-')), 'access-matrix.yaml');
});
afterEach(async () => { await emu.close(); });

describe('docs/adopt.md', () => {
  it('shows what export writes for the sample organization, in 9 calls plus 3 per project', async () => {
    const shown = blocks.find((b) => b.lang === 'yaml' && b.body.startsWith('# Access matrix exported'))!.body;
    await cli(emu, ['export', '--out', file]);
    expect(emu.requests.filter((r) => r.path.startsWith('/api/'))).toHaveLength(9 + 3 * 3);
    expect((await readFile(file, 'utf8')).replace(UUID, 'id: ?')).toBe(shown.replace(UUID, 'id: ?'));
  });

  it('validates and plans no changes right after, and shows the first change and pruning as described', async () => {
    await cli(emu, ['export', '--out', file]);
    expect((await cli(emu, ['validate', '--matrix', file])).code).toBe(0);
    expect((await cli(emu, ['plan', '--matrix', file, '--detailed-exitcode'])).code).toBe(0);

    const exported = await readFile(file, 'utf8');
    const staging = blocks.find((b) => b.body.startsWith('  Staging:'))!.body;
    await writeFile(file, exported.replace('  Staging: {}\n', staging));
    const first = await cli(emu, ['plan', '--matrix', file, '--format', 'json']);
    expect(JSON.parse(first.stdout).organizations[0].changes.map((c: { kind: string; key: string; after: unknown }) => [c.kind, c.key, c.after]))
      .toEqual([['project_access', 'Staging / member:carol@example.com', { level: 'admin' }]]);

    const prune = blocks.find((b) => b.lang === 'yaml' && b.body.startsWith('prune:'))!.body;
    await writeFile(file, exported.replace(/prune:\n(  .*\n)+/, prune.replace(/ +#.*$/gm, '')));
    const pruned = await cli(emu, ['plan', '--matrix', file]);
    const shown = blocks.find((b) => b.lang === '' && b.body.startsWith('Invites (1 to delete)'))!.body;
    expect(pruned.stdout).toContain(shown);
  });
});
