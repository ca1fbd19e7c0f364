// `review` against the emulator: each format, the live organization (no matrix) and a matrix's,
// two organizations in one run, `--record` and its refusal to overwrite, and the review_due notice
// of plan and drift. The clock is fixed (Date only) so ages and dates are exact.
import { mkdtemp, readFile, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { sampleSnapshot } from '../../src/emulator/sample.ts';
import type { Snapshot } from '../../src/emulator/snapshot.ts';
import { cli, emulator, type Emulator } from './harness.ts';
import { addSecondOrganization, SECOND, T0 } from './second-organization.ts';

const NOW = new Date('2026-11-30T09:00:00Z');

/** git with no configuration at all: the reviewer must come from --reviewer. */
const NO_GIT_USER = { GIT_DIR: '/nonexistent', GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' };

let dir: string;
let emu: Emulator | undefined;
beforeEach(async () => {
  vi.useFakeTimers({ toFake: ['Date'], now: NOW });
  dir = await mkdtemp(join(tmpdir(), 'posthog-access-review-'));
});
afterEach(async () => {
  await emu?.close();
  emu = undefined;
  vi.useRealTimers();
});

async function start(state: Snapshot = sampleSnapshot(NOW)): Promise<Emulator> {
  emu = await emulator({ state, now: () => NOW });
  return emu;
}

/** The sample's matrix, smaller: frank missing, erin to invite, temporary grants with notes, a review every 90 days. */
async function matrix(name = 'access-matrix.yaml', extra = 'review: { every_days: 90, records: reviews }\n'): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, [
    'version: 1',
    'organization: { id: "${POSTHOG_ORG_ID}" }',
    'members:',
    '  alice@example.com: owner',
    '  bob@example.com: admin',
    '  carol@example.com: member',
    '  dave@example.com: { level: admin, expires: 2026-01-31, then: member, note: "Pricing experiment, OPS-123" }',
    '  grace@example.com: { level: admin, expires: 2026-12-05, then: member, note: "on call" }',
    '  erin@example.com: member',
    'projects:',
    '  Production:',
    '    members:',
    '      carol@example.com: { level: admin, expires: 2026-03-16, note: "incident follow-up" }',
    '    secret_keys: { flag-service: { scopes: [feature_flag:read], rotate_after_days: 200 } }',
    extra,
  ].join('\n'));
  return file;
}

describe('review of the live organization (no matrix)', () => {
  it('writes the Markdown review: members by level, effective access per project, teams, invites, keys, findings', async () => {
    const e = await start();
    const run = await cli(e, ['review']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const md = run.stdout;
    expect(md).toContain('# Access review, 2026-11-30\n\n## Example Co\n\n1 owner, 3 admins, 2 members; 1 pending invite, 1 expired invite; 3 teams; 3 projects · no matrix given');
    expect(md).toContain('**Owners (1)**\n\n| person | joined | last login | 2FA | teams |\n|---|---|---|---|---|\n| alice@example.com | 2024-12-10 | 2026-11-30 | yes |  |');
    expect(md).toContain('| grace@example.com | 2026-08-22 | never | **no** | Marketing |');
    expect(md).toContain('| frank@example.com | 2026-05-14 | 2026-08-27 | **no** | Engineering |');
    expect(md).toContain('**Pending invites (1)**\n\n| person | level | sent | projects |\n|---|---|---|---|\n| zoe@example.com | member | 2026-11-29 |  |');
    expect(md).toContain('**Expired invites, still present (1)**');
    expect(md).toContain('| Engineering | bob@example.com, frank@example.com |');
    // Effective access, as explain and who-can give it.
    expect(md).toContain('**Production**: 7 people\n\n| person | level | from | feature\\_flag |');
    expect(md).toContain('| carol@example.com | admin | own rule | editor (default rule) |');
    expect(md).toContain('| frank@example.com | member | team Engineering | editor (default rule) |');
    expect(md).toContain('| zoe@example.com (invited) | member | default rule | editor (default rule) |');
    expect(md).toContain('**Sandbox**: 5 people');
    expect(md).not.toMatch(/\*\*Sandbox\*\*[\s\S]*carol@example\.com[\s\S]*\*\*Staging\*\*/);
    expect(md).toContain('| Production | flag-service | feature\\_flag:read | 120 | 90 (review default) | 2026-11-29 | **past rotation age** |');
    expect(md).toContain('- frank@example.com (member) has not logged in for 95 days (last 2026-08-27)');
    expect(md).toContain('- the invite of henry@example.com expired unanswered (sent 2026-11-20): send it again or delete it');
    // Without a matrix there is nothing to compare: no matrix sections.
    expect(md).not.toContain('Temporary grants');
    expect(md).not.toContain('not in the matrix');
  });

  it('gives the documented JSON (formatVersion 1), with --rotation-days for keys the matrix gives no age', async () => {
    const e = await start();
    const run = await cli(e, ['review', '--format', 'json', '--rotation-days', '150']);
    expect(run.code).toBe(0);
    const doc = JSON.parse(run.stdout);
    expect(doc.formatVersion).toBe(1);
    expect(doc.date).toBe('2026-11-30');
    expect(doc.organizations).toHaveLength(1);
    const org = doc.organizations[0];
    expect(org).toMatchObject({ organization: 'Example Co', organization_id: e.organization, mode: 'legacy', matrix: null });
    expect(org.counts).toEqual({
      owners: 1, admins: 3, members: 2, pending_invites: 1, expired_invites: 1, teams: 3, projects: 3, temporary_grants: 0,
      ending_soon: 0, expired_still_present: 0, not_in_matrix: 0, not_in_posthog: 0, keys_overdue: 0, notes: 0, findings: 6,
    });
    expect(org.members[0]).toEqual({ email: 'alice@example.com', level: 'owner', joined_at: '2024-12-10T09:00:00.000Z', last_login: '2026-11-30T09:00:00.000Z', two_factor: true, teams: [] });
    const production = org.projects.find((p: { project: string }) => p.project === 'Production');
    expect(production.resources).toEqual(['feature_flag']);
    expect(production.people.find((p: { email: string }) => p.email === 'frank@example.com')).toEqual({
      email: 'frank@example.com', level: 'member', source: 'team', team: 'Engineering', resources: [{ resource: 'feature_flag', level: 'editor', source: 'default' }],
    });
    expect(org.secret_keys).toEqual([{
      project: 'Production', label: 'flag-service', scopes: ['feature_flag:read'], born: '2026-08-02T09:00:00.000Z', age_days: 120,
      last_used_at: '2026-11-29T09:00:00.000Z', rotate_after_days: 150, declared: false, overdue: false,
    }]);
    expect(org.findings.map((f: { code: string }) => f.code)).toEqual(['no_2fa', 'never_logged_in', 'no_2fa', 'no_2fa', 'inactive', 'invite_expired']);
  });

  it("resolves in the organization's mode (most specific here), as explain does", async () => {
    const state = sampleSnapshot(NOW);
    state.organizations[0]!.uses_most_specific_access_resolution = true;
    const e = await start(state);
    const md = (await cli(e, ['review'])).stdout;
    expect(md).toContain('### Who can reach each project (most-specific resolution)');
    const json = JSON.parse((await cli(e, ['review', '--format', 'json'])).stdout).organizations[0];
    expect(json.mode).toBe('most_specific');
    const explained = JSON.parse((await cli(e, ['explain', 'frank@example.com', '--format', 'json'])).stdout).organizations[0].projects;
    for (const p of explained) {
      const holder = json.projects.find((x: { project: string }) => x.project === p.project).people.find((h: { email: string }) => h.email === 'frank@example.com');
      expect(holder ? { level: holder.level, source: holder.source } : { level: 'none' }).toEqual(p.level === 'none' ? { level: 'none' } : { level: p.level, source: p.source });
    }
  });

  it('needs read scopes only (those docs/review.md names)', async () => {
    const state = sampleSnapshot(NOW);
    const value = 'phx_review_read_only_key_0123456789abcdefgh';
    const alice = state.users.find((u) => u.email === 'alice@example.com')!;
    const scopes = ['user:read', 'organization:read', 'organization_member:read', 'project:read', 'access_control:read'];
    state.personal_api_keys.push({ id: 'ro', user_uuid: alice.uuid, label: 'read only', value, scopes, created_at: T0 } as Snapshot['personal_api_keys'][number]);
    const e = await start(state);
    const run = await cli(e, ['review', '--format', 'json'], { POSTHOG_PERSONAL_API_KEY: value });
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout).organizations[0].secret_keys).toHaveLength(1);
  });

  it('gives CSV: one row per person and project, quoted, formula-like cells neutralised', async () => {
    const state = sampleSnapshot(NOW);
    // A team whose name a spreadsheet would run as a formula, with a comma that needs quoting.
    const frank = state.memberships.find((m) => m.user_uuid === state.users.find((u) => u.email === 'frank@example.com')!.uuid)!;
    const role = { id: '33333333-3333-4333-8333-333333333333', organization_id: state.organizations[0]!.id, name: '=SUM(1,2)', created_at: T0, created_by_uuid: null };
    state.roles.push(role as Snapshot['roles'][number]);
    state.role_memberships.push({ id: '33333333-3333-4333-8333-333333333334', role_id: role.id, membership_id: frank.id, joined_at: T0, updated_at: T0 });
    const e = await start(state);
    const run = await cli(e, ['review', '--format', 'csv']);
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\r\n');
    expect(lines[0]).toBe('organization,email,status,organization_level,joined,last_login,two_factor,teams,in_matrix,project,project_level,project_source,resources');
    expect(lines.at(-1)).toBe('');
    // 6 members and 1 invited person, 3 projects each.
    expect(lines.length - 2).toBe(7 * 3);
    expect(lines).toContain("Example Co,frank@example.com,member,member,2026-05-14,2026-08-27,no,\"'=SUM(1,2); Engineering\",,Production,member,team Engineering,feature_flag: editor (default rule)");
    expect(lines).toContain("Example Co,carol@example.com,member,member,2025-10-26,2026-11-25,no,,,Sandbox,none,default rule,");
    expect(lines).toContain("Example Co,zoe@example.com,invited,member,,,,,,Staging,admin,PostHog's default,");
  });
});

describe('review with a matrix', () => {
  it('adds temporary grants (ending soon, expired but still present), both sides of the matrix, declared keys and notes', async () => {
    const e = await start();
    const file = await matrix();
    const run = await cli(e, ['review', '-m', file, '--format', 'json']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const org = JSON.parse(run.stdout).organizations[0];
    expect(org.matrix).toBe(file);
    expect(org.temporary_grants).toEqual([
      { what: 'admin in the organization for dave@example.com', level: 'admin', expires: '2026-01-31', then: 'member', note: 'Pricing experiment, OPS-123', status: 'expired', posthog: 'admin', still_present: true },
      { what: 'admin on Production for carol@example.com', level: 'admin', expires: '2026-03-16', note: 'incident follow-up', status: 'expired', posthog: 'admin', still_present: true },
      { what: 'admin in the organization for grace@example.com', level: 'admin', expires: '2026-12-05', then: 'member', note: 'on call', status: 'ending_soon', posthog: 'admin', still_present: false },
    ]);
    expect(org.not_in_matrix).toEqual([{ email: 'frank@example.com', invited: false }, { email: 'zoe@example.com', invited: true }]);
    expect(org.not_in_posthog).toEqual([{ email: 'erin@example.com', invite: null }]);
    expect(org.secret_keys[0]).toMatchObject({ label: 'flag-service', rotate_after_days: 200, declared: true, overdue: false });
    expect(org.notes).toEqual([
      { what: 'admin in the organization for dave@example.com', note: 'Pricing experiment, OPS-123', expires: '2026-01-31' },
      { what: 'admin in the organization for grace@example.com', note: 'on call', expires: '2026-12-05' },
      { what: 'admin on Production for carol@example.com', note: 'incident follow-up', expires: '2026-03-16' },
    ]);
    expect(org.counts).toMatchObject({ temporary_grants: 3, ending_soon: 1, expired_still_present: 2, not_in_matrix: 2, not_in_posthog: 1, keys_overdue: 0, notes: 3 });

    const md = (await cli(e, ['review', '-m', file])).stdout;
    expect(md).toContain('| admin on Production for carol@example.com | 2026-03-16 | nothing | **expired, still in PostHog (admin)** | incident follow-up |');
    expect(md).toContain('| admin in the organization for grace@example.com | 2026-12-05 | member | **ending soon** | on call |');
    expect(md).toContain('### In PostHog, not in the matrix (2)\n\n- frank@example.com\n- zoe@example.com (invited)');
    expect(md).toContain('### In the matrix, not in PostHog (1)\n\n- erin@example.com (not invited)');
    expect(md).toContain('- admin in the organization for dave@example.com expired 2026-01-31, and PostHog still holds admin: the next apply reverts it to member');

    const csv = (await cli(e, ['review', '-m', file, '--format', 'csv'])).stdout.split('\r\n');
    expect(csv.filter((l) => l.startsWith('Example Co,frank@example.com,')).every((l) => l.includes(',Engineering,no,'))).toBe(true);
    expect(csv.filter((l) => l.startsWith('Example Co,carol@example.com,')).every((l) => l.includes(',no,,yes,'))).toBe(true);
  });

  it('reviews two organizations from two matrices in one run', async () => {
    const state = addSecondOrganization(sampleSnapshot(NOW), { carol: false });
    const e = await start(state);
    const first = await matrix();
    const second = join(dir, 'second.yaml');
    await writeFile(second, `version: 1\norganization: { id: "${SECOND}" }\nmembers: { alice@example.com: owner, bob@example.com: member }\n`);
    const run = await cli(e, ['review', '-m', first, '-m', second, '--format', 'json']);
    expect(run.stderr).toBe('');
    const orgs = JSON.parse(run.stdout).organizations;
    expect(orgs.map((o: { organization: string }) => o.organization)).toEqual(['Example Co', 'Second Co']);
    expect(orgs[1].projects).toEqual([{ project: 'Analytics', resources: [], people: [{ email: 'alice@example.com', level: 'admin', source: 'organization_admin', resources: [] }] }]);
    expect(orgs[1].not_in_posthog).toEqual([{ email: 'bob@example.com', invite: null }]);
    // A directory of matrices, as plan takes it; the same organization twice is refused before any call.
    const both = join(dir, 'both');
    await mkdir(both, { recursive: true });
    await writeFile(join(both, 'a.yaml'), await readFile(first, 'utf8'));
    await writeFile(join(both, 'b.yaml'), await readFile(second, 'utf8'));
    const fromDir = await cli(e, ['review', '-m', both, '--format', 'json']);
    expect(fromDir.stderr).toBe('');
    expect(JSON.parse(fromDir.stdout).organizations.map((o: { organization: string }) => o.organization)).toEqual(['Example Co', 'Second Co']);
    const twice = await cli(e, ['review', '-m', second, '-m', join(both, 'b.yaml')]);
    expect(twice.code).toBe(1);
    expect(twice.stderr).toContain(`${second} and ${join(both, 'b.yaml')} both name organization ${SECOND}`);
    const md = (await cli(e, ['review', '-m', first, '-m', second])).stdout;
    expect(md.indexOf('## Example Co')).toBeGreaterThan(0);
    expect(md.indexOf('## Second Co')).toBeGreaterThan(md.indexOf('## Example Co'));
    const csv = (await cli(e, ['review', '-m', first, '-m', second, '--format', 'csv'])).stdout.split('\r\n');
    expect(csv.filter((l) => l.startsWith('organization,'))).toHaveLength(1); // one header for both
    expect(csv.filter((l) => l.startsWith('Example Co,'))).toHaveLength(7 * 3);
    expect(csv.filter((l) => l.startsWith('Second Co,'))).toEqual(['Second Co,alice@example.com,member,owner,2026-01-01,2026-11-30,yes,,yes,Analytics,admin,organization admin,']);

    // One record of both, into each matrix's review.records folder.
    await writeFile(second, `version: 1\norganization: { id: "${SECOND}" }\nmembers: { alice@example.com: owner, bob@example.com: member }\nreview: { records: second-reviews }\n`);
    const recorded = await cli(e, ['review', '-m', first, '-m', second, '--record', '--reviewer', 'Rita', '--format', 'json']);
    expect(recorded.stderr).toBe('');
    const files = [join(dir, 'reviews', 'access-review-2026-11-30.json'), join(dir, 'second-reviews', 'access-review-2026-11-30.json')];
    expect(JSON.parse(recorded.stdout).records).toEqual(files);
    for (const f of files) expect(JSON.parse(await readFile(f, 'utf8')).organizations.map((o: { organization: string }) => o.organization)).toEqual(['Example Co', 'Second Co']);
  });

  it('audits declared personal keys with their own values, against max_age_days, never showing a value', async () => {
    const state = sampleSnapshot(NOW);
    const value = 'phx_bi_dashboard_review_key_0123456789abcdef';
    const bob = state.users.find((u) => u.email === 'bob@example.com')!;
    state.personal_api_keys.push({ id: 'bi', user_uuid: bob.uuid, label: 'BI dashboard', value, scopes: ['insight:read'], created_at: '2026-05-04T09:00:00.000Z' } as Snapshot['personal_api_keys'][number]);
    const e = await start(state);
    const file = await matrix('keys.yaml', 'api_keys:\n  bi-dashboard: { env: BI_KEY, scopes: [insight:read], max_age_days: 90 }\n  forgotten: { env: FORGOTTEN_KEY, scopes: [insight:read] }\n');
    const run = await cli(e, ['review', '-m', file, '--format', 'json'], { BI_KEY: value });
    expect(run.stderr).toBe('');
    const org = JSON.parse(run.stdout).organizations[0];
    expect(org.personal_keys).toEqual([
      { name: 'bi-dashboard', env: 'BI_KEY', status: 'audited', label: 'BI dashboard', born: '2026-05-04T09:00:00.000Z', age_days: 210, max_age_days: 90, overdue: true },
      { name: 'forgotten', env: 'FORGOTTEN_KEY', status: 'variable_unset', overdue: false },
    ]);
    expect(org.findings).toContainEqual({ code: 'api_key_overdue', message: 'personal API key api_keys.bi-dashboard ("BI dashboard") is 210 days old, past its max_age_days (90)' });
    expect(org.findings).toContainEqual({ code: 'api_key_not_audited', message: 'personal API key api_keys.forgotten was not audited: $FORGOTTEN_KEY is not set where the review ran' });
    expect(org.counts.keys_overdue).toBe(1);
    for (const format of ['markdown', 'csv', 'json']) {
      const out = await cli(e, ['review', '-m', file, '--format', format, '--record', join(dir, format), '--reviewer', 'R'], { BI_KEY: value });
      expect(out.stdout + out.stderr + await readFile(join(dir, format, 'access-review-2026-11-30.json'), 'utf8')).not.toContain(value.slice(4, 20));
    }
  });

  it("reads each matrix's organization with the matrix's host and key", async () => {
    const e = await start();
    const file = join(dir, 'own-key.yaml');
    await writeFile(file, `version: 1\norganization: { id: "${'$'}{POSTHOG_ORG_ID}", host: "${e.url}", api_key_env: EXAMPLE_CO_KEY }\nmembers: { alice@example.com: owner }\n`);
    // The environment's host and key lead nowhere: only the matrix's can answer.
    const run = await cli(e, ['review', '-m', file, '--format', 'json'], { POSTHOG_HOST: 'http://127.0.0.1:9', POSTHOG_PERSONAL_API_KEY: 'phx_not_a_key_anywhere_000000000000', EXAMPLE_CO_KEY: e.key });
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout).organizations[0].organization).toBe('Example Co');
  });
});

describe('review --record', () => {
  it('writes a dated record (reviewer, date, counts, findings) and never overwrites it without --force', async () => {
    const e = await start();
    const file = await matrix();
    const run = await cli(e, ['review', '-m', file, '--record', '--reviewer', 'Rita Reviewer <rita@example.com>']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const path = join(dir, 'reviews', 'access-review-2026-11-30.json');
    expect(run.stdout).toContain(`Recorded by Rita Reviewer &lt;rita@example.com&gt; in \`${path}\`.`);
    const record = JSON.parse(await readFile(path, 'utf8'));
    expect(record).toMatchObject({ formatVersion: 1, kind: 'posthog-access review record', date: '2026-11-30', reviewer: 'Rita Reviewer <rita@example.com>', generated_at: NOW.toISOString() });
    expect(record.organizations).toHaveLength(1);
    expect(record.organizations[0]).toMatchObject({ organization: 'Example Co', organization_id: e.organization, matrix: file, counts: { owners: 1, expired_still_present: 2 } });
    expect(record.organizations[0].findings.map((f: { code: string }) => f.code)).toContain('grant_expired_present');

    const again = await cli(e, ['review', '-m', file, '--record', '--reviewer', 'Someone Else']);
    expect(again.code).toBe(1);
    expect(again.stderr).toBe(`error: ${path} exists: a review of 2026-11-30 is already recorded, and review never overwrites a record; pass --force to replace it\n`);
    expect(JSON.parse(await readFile(path, 'utf8')).reviewer).toBe('Rita Reviewer <rita@example.com>');

    const forced = await cli(e, ['review', '-m', file, '--record', '--reviewer', 'Someone Else', '--force', '--format', 'json']);
    expect(forced.code).toBe(0);
    expect(JSON.parse(forced.stdout).records).toEqual([path]);
    expect(JSON.parse(await readFile(path, 'utf8')).reviewer).toBe('Someone Else');
  });

  it('takes the reviewer from git, and without git user nor --reviewer says to pass --reviewer; a folder given is used as is', async () => {
    const e = await start();
    const gitconfig = join(dir, 'gitconfig');
    await writeFile(gitconfig, '[user]\n\tname = Gil Git\n\temail = gil@example.com\n');
    const out = join(dir, 'elsewhere');
    const run = await cli(e, ['review', '--record', out], { ...NO_GIT_USER, GIT_CONFIG_GLOBAL: gitconfig });
    expect(run.stderr).toBe('');
    expect(JSON.parse(await readFile(join(out, 'access-review-2026-11-30.json'), 'utf8')).reviewer).toBe('Gil Git <gil@example.com>');

    const before = e.requests.length;
    const nobody = await cli(e, ['review', '--record', join(dir, 'other')], NO_GIT_USER);
    expect(nobody.code).toBe(1);
    expect(nobody.stderr).toBe('error: review --record needs to know who reviewed, and git has no user.name or user.email here: pass --reviewer "Your Name <you@example.com>"\n');
    expect(e.requests.length).toBe(before); // refused before PostHog is read

    const noFolder = await cli(e, ['review', '--record', '--reviewer', 'Rita']);
    expect(noFolder.code).toBe(1);
    expect(noFolder.stderr).toContain('--record needs a folder');
  });
});

describe('review.every_days in plan and drift', () => {
  it('warns when no record exists or the newest is older, and not after a review is recorded', async () => {
    const e = await start();
    const file = await matrix();
    const reviews = join(dir, 'reviews');
    const plan = await cli(e, ['plan', '-m', file]);
    expect(plan.stdout).toContain(`no access review is recorded in ${reviews} (review.every_days: 90): review access and record it: \`posthog-access review --matrix ${file} --record\`, then commit the record`);
    const json = JSON.parse((await cli(e, ['plan', '-m', file, '--format', 'json'])).stdout);
    expect(json.organizations[0].notices.filter((n: { code: string }) => n.code === 'review_due')).toHaveLength(1);

    await mkdir(reviews);
    await writeFile(join(reviews, 'access-review-2026-07-01.json'), JSON.stringify({ organizations: [{ organization_id: e.organization }] }));
    // A newer record of another organization does not count for this one.
    await writeFile(join(reviews, 'access-review-2026-11-01.json'), JSON.stringify({ organizations: [{ organization_id: SECOND }] }));
    const drift = await cli(e, ['drift', '-m', file]);
    expect(drift.code).toBe(2);
    expect(drift.stdout).toContain(`the last access review recorded in ${reviews} is from 2026-07-01, 152 days ago (review.every_days: 90)`);

    await cli(e, ['review', '-m', file, '--record', '--reviewer', 'Rita']);
    for (const command of ['plan', 'drift']) expect((await cli(e, [command, '-m', file])).stdout).not.toContain('access review');
  });

  it('says nothing when the matrix declares no review.every_days', async () => {
    const e = await start();
    const file = await matrix('plain.yaml', '');
    expect((await cli(e, ['plan', '-m', file])).stdout).not.toContain('access review');
  });
});
