// The example matrix against the emulator's sample organization: plan, apply, plan again (no
// changes); invites accepted lead to the memberships and grants that waited for them; saved plans
// are refused when PostHog moved; guards refuse before anything is written.
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { api, cli, control, emulator, type Emulator } from './harness.ts';

const EXAMPLE = 'access-matrix.example.yaml';
let emu: Emulator;
let dir: string;

beforeEach(async () => {
  emu = await emulator();
  dir = await mkdtemp(join(tmpdir(), 'posthog-access-'));
});
afterEach(async () => { await emu.close(); }); // also checks every request is a known PostHog operation

/** Where apply journals its steps and hands the rolled flag-service key (the example rotates it). */
const journal = () => ['--journal', join(dir, 'journal.jsonl'), '--secrets-file', join(dir, 'secrets.json')];

describe('the example matrix on the sample organization', () => {
  it('plans changes, applies them, and then plans nothing', async () => {
    const first = await cli(emu, ['plan', '-m', EXAMPLE, '--detailed-exitcode']);
    expect(first.code).toBe(2);
    expect(first.stdout).toContain('+ Data Warehouse');
    expect(first.stdout).toMatch(/erin@example\.com/);

    const applied = await cli(emu, ['apply', '-m', EXAMPLE, '--yes', ...journal()]);
    expect(applied.stdout).toContain('0 failed, 0 skipped');
    expect(applied.code).toBe(0);

    const again = await cli(emu, ['plan', '-m', EXAMPLE, '--detailed-exitcode']);
    expect(again.stdout).toContain('No changes');
    expect(again.code).toBe(0);
  });

  it('gives an invitee her project access with the invite and her team once she joins', async () => {
    await cli(emu, ['apply', '-m', EXAMPLE, '--yes', ...journal()]);
    const invite = (await control(emu, 'GET', '/_emulator/state')).json.invites.find((i: { target_email: string }) => i.target_email === 'erin@example.com');
    expect(invite.private_project_access).toEqual([{ id: expect.any(Number), level: 'member' }]);
    expect((await control(emu, 'POST', '/_emulator/invites/accept', { email: 'erin@example.com' })).status).toBeLessThan(300);

    // Product is the default team: PostHog puts her there on joining, so nothing waits.
    const after = await cli(emu, ['plan', '-m', EXAMPLE, '--format', 'json', '--detailed-exitcode']);
    expect(JSON.parse(after.stdout).organizations[0].changes).toEqual([]);
    const roles = (await api(emu, 'GET', '/api/organizations/@current/roles/')).json.results as { name: string; members: { user: { email: string } }[] }[];
    expect(roles.find((r) => r.name === 'Product')?.members.map((m) => m.user.email)).toContain('erin@example.com');
  });

  it('warns at plan time about exactly the people who would join the default team and lose it (not those already members)', async () => {
    const plan = JSON.parse((await cli(emu, ['plan', '-m', EXAMPLE, '--format', 'json'])).stdout);
    const warned = plan.organizations[0].notices.filter((n: { code: string }) => n.code === 'default_team_pruned');
    // alice, bob and carol are members already (never join again); erin is listed in Product; henry is re-invited.
    expect(warned).toEqual([{
      level: 'warning', code: 'default_team_pruned', key: 'default_team',
      message: 'default_team: Product with prune.teams: 1 person still to join (henry@example.com) is not under teams.Product.members: '
        + 'PostHog puts them in Product when they join and the next apply takes them out. List them there to keep them in it, set prune.teams: false, or remove default_team (docs/matrix.md, "default_team with prune.teams")',
    }]);
    expect((await cli(emu, ['plan', '-m', EXAMPLE])).stdout).toContain('default_team: Product with prune.teams: 1 person still to join (henry@example.com)');
    // docs/matrix.md shows this very warning.
    expect(await readFile('docs/matrix.md', 'utf8')).toContain(`\n${warned[0].message}\n`);

    // As warned: henry joins, PostHog puts him in Product, and the next plan takes him out.
    await cli(emu, ['apply', '-m', EXAMPLE, '--yes', ...journal()]);
    expect((await control(emu, 'POST', '/_emulator/invites/accept', { email: 'henry@example.com' })).status).toBeLessThan(300);
    const after = JSON.parse((await cli(emu, ['plan', '-m', EXAMPLE, '--format', 'json'])).stdout).organizations[0];
    expect(after.changes.map((c: { id: string; action: string }) => `${c.action} ${c.id}`)).toContain('delete team_member:Product / henry@example.com');
    expect(after.notices.filter((n: { code: string }) => n.code === 'default_team_pruned')).toEqual([]);
  });

  it('adds a person to the teams that waited for her invite to be accepted', async () => {
    const matrix = join(dir, 'waiting.yaml');
    await writeFile(matrix, [
      'version: 1',
      'members: { alice@example.com: owner, new@example.com: member }',
      'teams: { Engineering: { members: [new@example.com] } }',
      'projects:',
      '  Production:',
      '    members: { new@example.com: member }',
      '    resources: { feature_flag: { members: { new@example.com: editor } } }',
    ].join('\n'));
    await cli(emu, ['apply', '-m', matrix, '--yes', ...journal()]);
    const pending = JSON.parse((await cli(emu, ['plan', '-m', matrix, '--format', 'json'])).stdout);
    expect(pending.organizations[0].changes).toEqual([]);
    expect(pending.organizations[0].notices.map((n: { code: string }) => n.code)).toContain('pending_invite');

    await control(emu, 'POST', '/_emulator/invites/accept', { email: 'new@example.com' });
    const waiting = JSON.parse((await cli(emu, ['plan', '-m', matrix, '--format', 'json'])).stdout);
    // The project grant came with the invite; the team and the resource rule waited for her.
    expect(waiting.organizations[0].changes.map((c: { id: string }) => c.id)).toEqual([
      'team_member:Engineering / new@example.com',
      'resource_access:Production / feature_flag / member:new@example.com',
    ]);
    expect((await cli(emu, ['apply', '-m', matrix, '--yes', ...journal()])).code).toBe(0);
    expect((await cli(emu, ['plan', '-m', matrix, '--detailed-exitcode'])).code).toBe(0);
  });

  it('journals every applied step without the key', async () => {
    await cli(emu, ['apply', '-m', EXAMPLE, '--yes', ...journal()]);
    const lines = (await readFile(join(dir, 'journal.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.length).toBeGreaterThan(5);
    // A call that makes a secret key value is journaled as started first, then with its result.
    const started = lines.filter((l) => l.result === 'started');
    expect(started.every((l) => l.change.kind === 'secret_key')).toBe(true);
    for (const s of started) expect(lines.find((l) => l.change.id === s.change.id && l.result !== 'started')?.result).toBe('ok');
    expect(lines.filter((l) => l.result !== 'started').every((l) => l.result === 'ok')).toBe(true);
    expect(JSON.stringify(lines)).not.toContain(emu.key);
  });
});

describe('drift', () => {
  it('exits 2 when PostHog drifted and says who changed what, from the activity log', async () => {
    expect((await cli(emu, ['apply', '-m', EXAMPLE, '--yes', ...journal()])).code).toBe(0);
    // An unverified domain is drift too (a manual step) until its TXT record is verified.
    expect((await cli(emu, ['drift', '-m', EXAMPLE])).code).toBe(2);
    await control(emu, 'POST', '/_emulator/domains/verify', { domain: 'example.org', verified: true });
    expect((await cli(emu, ['apply', '-m', EXAMPLE, '--yes', ...journal()])).code).toBe(0);
    expect((await cli(emu, ['drift', '-m', EXAMPLE])).code).toBe(0);

    // Someone makes carol an admin in PostHog's settings, outside the matrix.
    const carol = (await api(emu, 'GET', '/api/organizations/@current/members/?email=carol@example.com')).json.results[0];
    expect((await api(emu, 'PATCH', `/api/organizations/@current/members/${carol.user.uuid}/`, { level: 8 })).status).toBe(200);

    const drift = await cli(emu, ['drift', '-m', EXAMPLE]);
    expect(drift.code).toBe(2);
    expect(drift.stdout).toContain('~ carol@example.com');
    expect(drift.stdout).toContain('carol@example.com: last changed in PostHog — level: 1 → 8 by alice@example.com');
  });
});

describe('saved plans', () => {
  it('applies a saved plan to the state it was made from', async () => {
    const out = join(dir, 'plan.json');
    expect((await cli(emu, ['plan', '-m', EXAMPLE, '--out', out])).code).toBe(0);
    const applied = await cli(emu, ['apply', out, ...journal()]);
    expect(applied.code).toBe(0);
    expect((await cli(emu, ['plan', '-m', EXAMPLE, '--detailed-exitcode'])).code).toBe(0);
  });

  it('refuses a stale plan and names what moved, changing nothing', async () => {
    const out = join(dir, 'plan.json');
    await cli(emu, ['plan', '-m', EXAMPLE, '--out', out]);
    await control(emu, 'POST', '/_emulator/members', { email: 'newcomer@example.com', level: 1 });
    await control(emu, 'DELETE', '/_emulator/requests');
    const applied = await cli(emu, ['apply', out, ...journal()]);
    expect(applied.code).toBe(1);
    expect(applied.stderr).toContain('stale');
    expect(applied.stderr).toContain('members');
    const requests = (await control(emu, 'GET', '/_emulator/requests')).json as { method: string }[];
    expect(requests.filter((r) => r.method !== 'GET')).toEqual([]);
  });
});

describe('saved plans are applied only as computed', () => {
  it('refuses a plan computed --at another moment (for review only)', async () => {
    const out = join(dir, 'at.json');
    await cli(emu, ['plan', '-m', EXAMPLE, '--at', '2027-01-01', '--out', out]);
    const run = await cli(emu, ['apply', out, ...journal()]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('--at');
    expect(emu.requests.filter((r) => r.method !== 'GET')).toEqual([]);
  });

  it('refuses a plan once a grant in the matrix has started or ended since', async () => {
    const matrix = join(dir, 'soon.yaml');
    await writeFile(matrix, 'version: 1\nmembers:\n  alice@example.com: owner\n  bob@example.com: { level: admin, expires: 2099-06-30, then: member }\n');
    const out = join(dir, 'soon.json');
    await cli(emu, ['plan', '-m', matrix, '--out', out]);
    expect(JSON.parse(await readFile(out, 'utf8')).validUntil).toBe('2099-07-01T00:00:00.000Z');
    vi.useFakeTimers({ toFake: ['Date'], now: new Date('2099-07-01T00:00:01Z') });
    try {
      const run = await cli(emu, ['apply', out, ...journal()]);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('stale: a grant in the matrix started or ended at 2099-07-01');
    } finally {
      vi.useRealTimers();
    }
  });

  it('refuses a plan file edited after it was made', async () => {
    const out = join(dir, 'edited.json');
    await cli(emu, ['plan', '-m', EXAMPLE, '--out', out]);
    const plan = JSON.parse(await readFile(out, 'utf8'));
    plan.organizations[0].safety.maxDeletes = 1000;
    await writeFile(out, JSON.stringify(plan));
    const run = await cli(emu, ['apply', out, ...journal()]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('checksum');
  });

  it('refuses options that would change a saved plan, rather than ignoring them', async () => {
    const out = join(dir, 'flags.json');
    await cli(emu, ['plan', '-m', EXAMPLE, '--out', out]);
    const run = await cli(emu, ['apply', out, '--roll-secret-keys', ...journal()]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('--roll-secret-keys cannot change a saved plan');
    expect((await cli(emu, ['apply', out, '--at', '2027-01-01'])).code).toBe(1); // unknown option for apply
  });
});

describe('guards against the emulator', () => {
  it('refuses more removals than max_deletes and writes nothing', async () => {
    const matrix = join(dir, 'm.yaml');
    await writeFile(matrix, 'version: 1\nmembers:\n  alice@example.com: owner\nprune:\n  members: true\nsafety:\n  max_deletes: 1\n');
    await control(emu, 'DELETE', '/_emulator/requests');
    const planned = await cli(emu, ['plan', '-m', matrix, '--format', 'json']);
    expect(planned.code).toBe(1);
    expect(JSON.parse(planned.stdout).organizations[0].refusals.map((r: { guard: string }) => r.guard)).toEqual(['max_deletes']);
    expect(planned.stderr).toContain('the plan is refused: the plan removes or lowers 12 things, including 7 memberships and rules that go with removed members and teams');

    const run = await cli(emu, ['apply', '-m', matrix, '--yes', ...journal()]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/max_deletes/);
    const requests = (await control(emu, 'GET', '/_emulator/requests')).json as { method: string }[];
    expect(requests.filter((r) => r.method !== 'GET')).toEqual([]);

    const allowed = await cli(emu, ['apply', '-m', matrix, '--yes', '--allow-deletes', '12', ...journal()]);
    expect(allowed.code).toBe(0);
    expect((await cli(emu, ['plan', '-m', matrix, '--detailed-exitcode'])).code).toBe(0);
  });

  it('asks on a terminal and applies only on "yes"', async () => {
    const declined = await cli(emu, ['apply', '-m', EXAMPLE, ...journal()], {}, { answer: 'y' });
    expect(declined.stdout).toContain("Only 'yes' is accepted");
    expect(declined.stdout).toContain('Apply cancelled: nothing was changed.');
    expect(declined.code).toBe(1);
    expect(emu.requests.filter((r) => r.method !== 'GET')).toEqual([]);

    const accepted = await cli(emu, ['apply', '-m', EXAMPLE, ...journal()], {}, { answer: 'yes' });
    expect(accepted.stdout).toContain('0 failed, 0 skipped');
    expect(accepted.code).toBe(0);
  });

  it('needs --yes when not on a terminal', async () => {
    const run = await cli(emu, ['apply', '-m', EXAMPLE]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('--yes');
  });
});
