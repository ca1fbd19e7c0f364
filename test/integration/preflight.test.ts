// The preflight: before any write, the running key must have every scope the plan needs and must
// not be limited to projects. A read-only key can still plan (e.g. for pull-request comments).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, control, emulator, type Emulator } from './harness.ts';

const EXAMPLE = 'access-matrix.example.yaml';
const READ_ONLY = ['user:read', 'organization:read', 'organization_member:read', 'project:read', 'access_control:read'];
let emu: Emulator;
beforeAll(async () => { emu = await emulator(); });
afterAll(async () => { await emu.close(); });

const keyFor = async (body: Record<string, unknown>) => (await control(emu, 'POST', '/_emulator/keys', { email: 'alice@example.com', ...body })).json.value as string;
const writes = () => emu.requests.filter((r) => r.method !== 'GET');

describe('preflight', () => {
  it('a read-only key plans, and apply names the scopes it lacks without writing', async () => {
    const key = await keyFor({ scopes: READ_ONLY, label: 'read-only' });
    const plan = await cli(emu, ['plan', '-m', EXAMPLE, '--detailed-exitcode'], { POSTHOG_PERSONAL_API_KEY: key });
    expect(plan.code).toBe(2);
    expect(plan.stdout).toContain('needs scopes the running key lacks');

    emu.requests.length = 0;
    const apply = await cli(emu, ['apply', '-m', EXAMPLE, '--yes'], { POSTHOG_PERSONAL_API_KEY: key });
    expect(apply.code).toBe(1);
    expect(apply.stderr).toContain("lacks 'access_control:write', 'organization:write', 'organization_member:write', 'project:write'");
    expect(writes()).toEqual([]);
  });

  it('a key limited to projects gets a clear error and writes nothing', async () => {
    const key = await keyFor({ scopes: ['*'], scoped_teams: [1], label: 'project-only' });
    emu.requests.length = 0;
    const run = await cli(emu, ['apply', '-m', EXAMPLE, '--yes'], { POSTHOG_PERSONAL_API_KEY: key });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('scoped projects');
    expect(run.stderr).not.toContain(key);
    expect(writes()).toEqual([]);
  });
});
