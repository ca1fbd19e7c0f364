// Teams SCIM provisions, against the emulator's sample organization: a team declared
// managed_by: scim keeps the members PostHog has, and a role that shows no creator (as SCIM's do)
// survives prune.teams; grants may still name them.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { api, cli, control, emulator, type Emulator } from './harness.ts';

let emu: Emulator;
let dir: string;
beforeEach(async () => {
  emu = await emulator();
  dir = await mkdtemp(join(tmpdir(), 'posthog-access-scim-'));
});
afterEach(async () => { await emu.close(); });

type Role = { id: string; name: string; members: { user: { email: string } }[] };
const roles = async () => (await api(emu, 'GET', `/api/organizations/${emu.organization}/roles/`)).json.results as Role[];
const membersOf = (list: Role[], name: string) => list.find((r) => r.name === name)?.members.map((m) => m.user.email).sort();

describe('teams provisioned by SCIM', () => {
  it('are neither pruned nor changed; grants name them', async () => {
    // Marketing shows no creator, as a role SCIM created would.
    const state = (await control(emu, 'GET', '/_emulator/state')).json;
    for (const r of state.roles) if (r.name === 'Marketing') r.created_by_uuid = null;
    expect((await control(emu, 'PUT', '/_emulator/state', state)).status).toBe(200);
    const before = await roles();
    expect(membersOf(before, 'Product')?.length).toBeGreaterThan(0);
    expect(membersOf(before, 'Marketing')?.length).toBeGreaterThan(0);

    const file = join(dir, 'access-matrix.yaml');
    await writeFile(file, `version: 1
organization:
  id: \${POSTHOG_ORG_ID}
members:
  alice@example.com: owner
  bob@example.com: admin
teams:
  Engineering:
    members: [bob@example.com]
  Product:
    managed_by: scim
projects:
  Staging:
    teams: { Product: member }
prune:
  teams: true
`);
    const plan = await cli(emu, ['plan', '-m', file]);
    expect(plan.stdout).toContain('1 role not in the matrix shows no creator, as roles provisioned by SCIM do: left to the identity provider, never pruned: Marketing');
    expect(plan.stdout).not.toMatch(/- .*Product/);
    expect(plan.stdout).not.toMatch(/- .*Marketing/);
    expect((await cli(emu, ['apply', '-m', file, '--yes', '--journal', join(dir, 'journal.jsonl')])).code).toBe(0);

    const after = await roles();
    expect(membersOf(after, 'Product')).toEqual(membersOf(before, 'Product'));
    expect(membersOf(after, 'Marketing')).toEqual(membersOf(before, 'Marketing'));
    expect(membersOf(after, 'Engineering')).toEqual(['bob@example.com']);
    const rules = (await api(emu, 'GET', '/api/projects/2/access_controls/')).json.access_controls as { role: string | null; access_level: string }[];
    expect(rules).toContainEqual(expect.objectContaining({ role: after.find((r) => r.name === 'Product')!.id, access_level: 'member' }));
    expect((await cli(emu, ['drift', '-m', file])).code).toBe(0);
  });
});
