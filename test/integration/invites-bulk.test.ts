// Invites go to PostHog in bulk (at most 20 a call), counted at the emulator, and arrive as sent.
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { api, cli, emulator, type Emulator } from './harness.ts';

let emu: Emulator;
let dir: string;
beforeEach(async () => {
  emu = await emulator();
  dir = await mkdtemp(join(tmpdir(), 'posthog-access-bulk-'));
});
afterEach(async () => { await emu.close(); });

describe('apply with many new people', () => {
  it('invites 25 people in 2 calls, and the next plan has nothing to do', async () => {
    const file = join(dir, 'access-matrix.yaml');
    expect((await cli(emu, ['export', '--out', file])).code).toBe(0);
    const newcomers = Array.from({ length: 25 }, (_, i) => `newcomer${i}@example.com`);
    const exported = await readFile(file, 'utf8');
    await writeFile(file, exported.replace(/^members:\n/m, `members:\n${newcomers.map((e) => `  ${e}: member\n`).join('')}`));
    emu.requests.length = 0;

    const applied = await cli(emu, ['apply', '-m', file, '--yes', '--journal', join(dir, 'journal.jsonl')]);
    expect(applied.code, applied.stderr).toBe(0);
    const writes = emu.requests.filter((r) => r.method !== 'GET' && r.path.startsWith('/api/'));
    expect(writes.map((r) => `${r.method} ${r.path.replace(/organizations\/[^/]+/, 'organizations/ORG')} ${r.status}`)).toEqual([
      'POST /api/organizations/ORG/invites/bulk/ 201',
      'POST /api/organizations/ORG/invites/bulk/ 201',
    ]);
    const invites = (await api(emu, 'GET', `/api/organizations/${emu.organization}/invites/?limit=1000`)).json.results as { target_email: string }[];
    expect(invites.map((i) => i.target_email)).toEqual(expect.arrayContaining(newcomers));
    expect((await cli(emu, ['plan', '-m', file, '--detailed-exitcode'])).code).toBe(0);
  });
});
