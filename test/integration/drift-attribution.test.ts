// drift says who made PostHog drift, from the organization's activity log: also for a member
// removed in PostHog (their re-invite, team memberships and rules) and for changed access rules.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { api, cli, control, emulator } from './harness.ts';

describe('drift attribution', () => {
  it('names who removed a member and who changed an access rule', async () => {
    const emu = await emulator();
    try {
      const dir = await mkdtemp(join(tmpdir(), 'posthog-access-drift-'));
      const matrix = join(dir, 'matrix.yaml');
      expect((await cli(emu, ['export', '--out', matrix])).code).toBe(0);
      expect((await cli(emu, ['plan', '-m', matrix, '--detailed-exitcode'])).code).toBe(0);

      const state = (await control(emu, 'GET', '/_emulator/state')).json;
      const uuid = (email: string) => state.users.find((u: { email: string }) => u.email === email).uuid;
      const membership = (email: string) => state.memberships.find((m: { user_uuid: string }) => m.user_uuid === uuid(email)).id;
      // Bob (an admin, with his own key) removes carol and changes frank's rule on Sandbox.
      const bob = (await control(emu, 'POST', '/_emulator/keys', { email: 'bob@example.com', scopes: ['*'] })).json.value as string;
      expect((await api(emu, 'DELETE', `/api/organizations/${emu.organization}/members/${uuid('carol@example.com')}/`, undefined, bob)).status).toBe(204);
      expect((await api(emu, 'PUT', '/api/projects/3/access_controls/', { organization_member: membership('frank@example.com'), access_level: 'member' }, bob)).status).toBe(200);

      const drift = await cli(emu, ['drift', '-m', matrix, '--format', 'json']);
      expect(drift.code).toBe(2);
      // carol's own rule on Production comes back with her invite (its project grant).
      const notices = JSON.parse(drift.stdout).organizations[0].notices.filter((n: { code: string }) => n.code === 'changed_by');
      const today = new Date().toISOString().slice(0, 10);
      expect(notices.map((n: { key: string; message: string }) => [n.key, n.message])).toEqual(expect.arrayContaining([
        ['carol@example.com', `carol@example.com: last changed in PostHog — deleted by bob@example.com on ${today}`],
        ['Sandbox / member:frank@example.com', `Sandbox / member:frank@example.com: last changed in PostHog — access_level: "admin" → "member" by bob@example.com on ${today}`],
      ]));
    } finally {
      await emu.close();
    }
  });
});
