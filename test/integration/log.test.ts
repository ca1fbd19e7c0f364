// `log` against the emulator: access changes made through the API come back newest first, with who,
// what, before and after; --since, --limit and the formats; no licence or no admin says exactly that.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { api, cli, control, emulator, type Emulator } from './harness.ts';

let emu: Emulator;
beforeEach(async () => {
  emu = await emulator();
  const dir = await mkdtemp(join(tmpdir(), 'posthog-access-log-'));
  // Changes made through the API: the example matrix applied.
  const applied = await cli(emu, ['apply', '-m', 'access-matrix.example.yaml', '--yes', '--journal', join(dir, 'j.jsonl'), '--secrets-file', join(dir, 's.json')]);
  expect(applied.code).toBe(0);
});
afterEach(async () => { await emu.close(); });

describe('log', () => {
  it('lists access changes newest first: when, who, what, before and after', async () => {
    const run = await cli(emu, ['log', '--format', 'json']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const json = JSON.parse(run.stdout);
    expect(json).toMatchObject({ formatVersion: 1, organization: 'Example Co' });
    const entries = json.entries as { when: string; who: string; scope: string; activity: string; item: string; changes: { field: string; before: unknown; after: unknown }[] }[];
    expect(entries.length).toBeGreaterThan(3);
    expect([...entries].sort((a, b) => (a.when < b.when ? 1 : a.when > b.when ? -1 : 0)).map((e) => e.when)).toEqual(entries.map((e) => e.when));
    expect(entries.every((e) => e.who === 'alice@example.com')).toBe(true);
    expect(entries).toContainEqual(expect.objectContaining({ scope: 'OrganizationInvite', activity: 'created', item: 'erin@example.com' }));
    expect(entries.some((e) => e.scope === 'AccessControl' && e.changes.some((c) => c.field === 'access_level'))).toBe(true);

    const text = await cli(emu, ['log', '--limit', '2']);
    expect(text.stdout.split('\n').filter((l) => l.startsWith('  '))).toHaveLength(2);
    expect(text.stdout).toMatch(/^Access changes in Example Co, newest first \(2\):\n  \d{4}-\d\d-\d\d \d\d:\d\d  alice@example\.com  /);

    const csv = await cli(emu, ['log', '--format', 'csv']);
    expect(csv.stdout.split('\r\n')[0]).toBe('when,who,activity,scope,item,field,before,after');
    expect(csv.stdout).toMatch(/,alice@example\.com,created,OrganizationInvite,erin@example\.com,/);
    const markdown = await cli(emu, ['log', '--format', 'markdown']);
    expect(markdown.stdout).toContain('| when (UTC) | who | what | item | before → after |');

    const future = await cli(emu, ['log', '--since', '2999-01-01']);
    expect(future.stdout).toBe("No access changes in Example Co's activity log for this range.\n");
    const bad = await cli(emu, ['log', '--since', 'yesterday']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--since yesterday: not a date');
  });

  it('pages to the end of the range', async () => {
    const before = JSON.parse((await cli(emu, ['log', '--format', 'json', '--limit', '100000'])).stdout).entries.length;
    const carol = (await control(emu, 'GET', '/_emulator/state')).json.users.find((u: { email: string }) => u.email === 'carol@example.com').uuid;
    for (let i = 0; i < 60; i++) {
      for (const level of [8, 1]) expect((await api(emu, 'PATCH', `/api/organizations/@current/members/${carol}/`, { level })).status).toBe(200);
    }
    emu.requests.length = 0;
    const after = JSON.parse((await cli(emu, ['log', '--format', 'json', '--limit', '100000'])).stdout).entries;
    expect(after).toHaveLength(before + 120);
    expect(after[0]).toMatchObject({ scope: 'OrganizationMembership', item: 'carol@example.com', changes: [{ field: 'level', before: 8, after: 1 }] });
    expect(emu.requests.filter((r) => r.path.endsWith('/advanced_activity_logs/')).length).toBe(Math.ceil((before + 120) / 100));
  });

  it('says exactly what is missing: the audit-log licence, or an admin key with the scope', async () => {
    const state = (await control(emu, 'GET', '/_emulator/state')).json;
    const features = state.organizations[0].available_product_features.map((f: { key: string }) => f.key).filter((k: string) => k !== 'audit_logs');
    const key = (await control(emu, 'POST', '/_emulator/keys', { email: 'carol@example.com', scopes: ['*'] })).json.value as string;
    const notAdmin = await cli(emu, ['log'], { POSTHOG_PERSONAL_API_KEY: key });
    expect(notAdmin.code).toBe(1);
    expect(notAdmin.stderr).toContain("PostHog refused to show Example Co's activity log");
    expect(notAdmin.stderr).toContain('activity_log:read scope whose user is an organization admin or owner');
    await control(emu, 'POST', '/_emulator/features', { features });
    const unlicensed = await cli(emu, ['log']);
    expect(unlicensed.code).toBe(1);
    expect(unlicensed.stderr).toBe('error: Example Co has no audit logs: PostHog keeps the activity log only with the audit_logs feature (its paid plans), so there is nothing to show\n');
  });
});
