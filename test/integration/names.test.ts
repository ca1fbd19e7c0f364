// Project names as PostHog matches them, against the emulator: the sample's "Production" spelt
// "production" in the matrix is renamed, never created again (PostHog would refuse with 409).
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { api, cli, emulator, type Emulator } from './harness.ts';

let emu: Emulator;
let dir: string;
beforeEach(async () => {
  emu = await emulator();
  dir = await mkdtemp(join(tmpdir(), 'posthog-access-names-'));
});
afterEach(async () => { await emu.close(); });

describe('project names', () => {
  it('a case-only difference is planned and applied as a rename; the rules follow', async () => {
    const file = join(dir, 'access-matrix.yaml');
    await writeFile(file, `version: 1
organization:
  id: \${POSTHOG_ORG_ID}
members:
  alice@example.com: owner
projects:
  production:
    members: { alice@example.com: admin }
`);
    const plan = await cli(emu, ['plan', '-m', file]);
    expect(plan.code).toBe(0);
    expect(plan.stdout).toMatch(/~ production {2}name: Production → production/);
    expect(plan.stdout).not.toMatch(/^\s*\+ production\s*$/m);

    emu.requests.length = 0;
    expect((await cli(emu, ['apply', '-m', file, '--yes', '--journal', join(dir, 'journal.jsonl')])).code).toBe(0);
    expect(emu.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/projects/'))).toEqual([]);
    const projects = (await api(emu, 'GET', `/api/organizations/${emu.organization}/projects/`)).json.results as { name: string }[];
    expect(projects.map((p) => p.name).sort()).toEqual(['Sandbox', 'Staging', 'production']);
    expect((await cli(emu, ['drift', '-m', file])).code).toBe(0);
  });
});
