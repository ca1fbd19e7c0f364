// Several organizations in one run (docs/cli.md#several-organizations): two emulators (two hosts,
// each with its own key) and one emulator holding two organizations. One plan covers both; apply
// applies both, a failure in one leaves the other applied; duplicates and stale plans are refused.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sampleSnapshot } from '../../src/emulator/sample.ts';
import { api, cli, control, emulator, type Emulator } from './harness.ts';

const T0 = '2026-01-01T00:00:00.000Z';
const SECOND = '22222222-2222-4222-8222-222222222222';
const SECOND_KEY = 'phx_second_org_owner_key_for_tests_0123456789';

let dir: string;
const running: Emulator[] = [];
const start = async (...args: Parameters<typeof emulator>) => {
  const emu = await emulator(...args);
  running.push(emu);
  return emu;
};
beforeEach(async () => { dir = await mkdtemp(join(tmpdir(), 'posthog-access-orgs-')); });
afterEach(async () => { await Promise.all(running.splice(0).map((e) => e.close())); });

const journal = () => ['--journal', join(dir, 'journal.jsonl')];
const writes = (emu: Emulator) => emu.requests.filter((r) => r.method !== 'GET' && r.path.startsWith('/api/'));
const teams = async (emu: Emulator, organization = emu.organization, key = emu.key) =>
  ((await api(emu, 'GET', `/api/organizations/${organization}/roles/`, undefined, key)).json.results as { name: string }[]).map((r) => r.name).sort();

/** A matrix for an organization on `emu`, its key in `keyEnv`; it adds the team `team`. */
async function matrix(name: string, emu: Emulator, keyEnv: string, team: string, organization = emu.organization): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, `version: 1\norganization:\n  id: "${organization}"\n  host: "${emu.url}"\n  api_key_env: ${keyEnv}\nteams:\n  ${team}: {}\n`);
  return file;
}

/** The environment's own host and key lead nowhere: only each matrix's can answer. */
const nowhere = { POSTHOG_HOST: 'http://127.0.0.1:9', POSTHOG_PERSONAL_API_KEY: 'phx_not_this_one', POSTHOG_ORG_ID: undefined };

describe('two organizations on two hosts', () => {
  async function setup() {
    const us = await start();
    const eu = await start();
    const files = { us: await matrix('us.yaml', us, 'US_KEY', 'Analysts'), eu: await matrix('eu.yaml', eu, 'EU_KEY', 'Auditors') };
    const env = { ...nowhere, US_KEY: us.key, EU_KEY: eu.key };
    return { us, eu, files, env };
  }

  it('plan shows one plan with a part per organization; apply applies both; then plan and drift are empty for both', async () => {
    const { us, eu, files, env } = await setup();
    const text = await cli(null, ['plan', '-m', files.us, '-m', files.eu], env);
    expect(text.stderr).toBe('');
    expect(text.stdout.split('\n')[0]).toMatch(/^posthog-access plan · 2 organizations · at /);
    expect(text.stdout).toContain(`═══ organization Example Co · matrix ${files.us}`);
    expect(text.stdout).toContain(`═══ organization Example Co · matrix ${files.eu}`);
    expect(text.stdout).toContain(`${us.url} · organization id ${us.organization}`);
    expect(text.stdout).toContain(`${eu.url} · organization id ${eu.organization}`);
    expect(text.stdout).toContain('All 2 organizations: Plan: 2 to create, 0 to update, 0 to delete.');

    const json = JSON.parse((await cli(null, ['plan', '-m', files.us, '-m', files.eu, '--format', 'json'], env)).stdout);
    expect(json.organizations.map((o: { host: string; matrix: { file: string } }) => [o.host, o.matrix.file])).toEqual([[us.url, files.us], [eu.url, files.eu]]);
    expect(json.organizations.map((o: { changes: { id: string }[] }) => o.changes.map((c) => c.id))).toEqual([['team:Analysts'], ['team:Auditors']]);
    expect(json.summary).toMatchObject({ create: 2, update: 0, delete: 0 });

    const applied = await cli(null, ['apply', '-m', files.us, '-m', files.eu, '--yes', ...journal()], env);
    expect(applied.stderr).toBe('');
    expect(applied.code).toBe(0);
    expect(applied.stdout).toContain('All 2 organizations applied.');
    expect(await teams(us)).toContain('Analysts');
    expect(await teams(us)).not.toContain('Auditors');
    expect(await teams(eu)).toContain('Auditors');
    expect(await teams(eu)).not.toContain('Analysts');

    const again = await cli(null, ['plan', '-m', files.us, '-m', files.eu, '--format', 'json', '--detailed-exitcode'], env);
    expect(JSON.parse(again.stdout).organizations.map((o: { changes: unknown[] }) => o.changes)).toEqual([[], []]);
    expect(again.code).toBe(0);
    expect((await cli(null, ['drift', '-m', files.us, '-m', files.eu], env)).code).toBe(0);

    // Someone adds a team on one host: drift says so, in that organization's part only.
    expect((await api(eu, 'POST', `/api/organizations/${eu.organization}/roles/`, { name: 'Shadow' })).status).toBe(201);
    const drift = await cli(null, ['drift', '-m', files.us, '-m', files.eu, '--format', 'json'], env);
    expect(drift.code).toBe(0); // an unmanaged team is a notice, not a change (prune.teams is off)
    const shadow = (o: { notices: { message: string }[] }) => o.notices.some((n) => n.message.includes('Shadow'));
    expect(JSON.parse(drift.stdout).organizations.map(shadow)).toEqual([false, true]);
  });

  it('a failure in one organization leaves the other applied, and the exit code says so', async () => {
    const { us, eu, files, env } = await setup();
    await control(eu, 'POST', '/_emulator/faults', { path: '/api/organizations/*/roles/', method: 'POST', error_rate: 1, error_status: 500 });
    const run = await cli(null, ['apply', '-m', files.us, '-m', files.eu, '--yes', '--format', 'json', ...journal()], env);
    expect(run.code).toBe(1);
    const { apply } = JSON.parse(run.stdout);
    expect(apply.status).toBe('failed');
    expect(apply.organizations.map((o: { host: string; status: string; ok: number; failed: number }) => [o.host, o.status, o.ok, o.failed])).toEqual([[us.url, 'applied', 1, 0], [eu.url, 'failed', 0, 1]]);
    expect(await teams(us)).toContain('Analysts');
    expect(await teams(eu)).not.toContain('Auditors');

    // The text report says it per organization too; the next plan shows what is left.
    const again = await cli(null, ['apply', '-m', files.us, '-m', files.eu, '--yes', ...journal()], env);
    expect(again.code).toBe(1);
    expect(again.stdout).toContain(`Not all applied: Example Co (${files.eu}): failed. Done: Example Co (${files.us}).`);
    await control(eu, 'DELETE', '/_emulator/faults');
    const left = JSON.parse((await cli(null, ['plan', '-m', files.us, '-m', files.eu, '--format', 'json'], env)).stdout);
    expect(left.organizations.map((o: { changes: { id: string }[] }) => o.changes.map((c) => c.id))).toEqual([[], ['team:Auditors']]);
    const rest = await cli(null, ['apply', '-m', files.us, '-m', files.eu, '--yes', '--format', 'json', ...journal()], env);
    expect(rest.code).toBe(0);
    const done = JSON.parse(rest.stdout).apply;
    expect(done.status).toBe('applied'); // one applied, one with nothing to do
    expect(done.organizations.map((o: { status: string }) => o.status)).toEqual(['nothing_to_do', 'applied']);
    expect(await teams(eu)).toContain('Auditors');
  });

  it('a guard refusing one organization refuses only its changes; the other is applied', async () => {
    const { us, eu, files, env } = await setup();
    // In EU, removing a member is refused (max_deletes 0); US is applied.
    await writeFile(files.eu, `${await readFile(files.eu, 'utf8')}members:\n  alice@example.com: owner\nprune:\n  members: true\nsafety:\n  max_deletes: 0\n`);
    const run = await cli(null, ['apply', '-m', files.us, '-m', files.eu, '--yes', ...journal()], env);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/Not applied \(refused\): nothing was applied; the plan is refused:\n- max_deletes/);
    expect(run.stderr).toContain(`Example Co (${files.eu}): nothing was applied`);
    expect(await teams(us)).toContain('Analysts');
    expect(writes(eu)).toEqual([]);
  });

  it('on a terminal, asks only about what the gate lets through', async () => {
    const { us, eu, files, env } = await setup();
    await writeFile(files.eu, `${await readFile(files.eu, 'utf8')}members:\n  alice@example.com: owner\nprune:\n  members: true\nsafety:\n  max_deletes: 0\n`);
    const usChanges = JSON.parse((await cli(null, ['plan', '-m', files.us, '--format', 'json'], env)).stdout).organizations[0].changes.length;
    const declined = await cli(null, ['apply', '-m', files.us, '-m', files.eu, ...journal()], env, { answer: 'no' });
    expect(declined.stdout).toContain(`Apply ${usChanges} change${usChanges === 1 ? '' : 's'} to Example Co? Only 'yes' is accepted`);
    expect(declined.code).toBe(1);
    expect(writes(us)).toEqual([]);
    expect(writes(eu)).toEqual([]);
  });

  it('a saved plan applies both, or nothing when one organization moved, naming it', async () => {
    const { us, eu, files, env } = await setup();
    const saved = join(dir, 'plan.json');
    expect((await cli(null, ['plan', '-m', files.us, '-m', files.eu, '--out', saved], env)).code).toBe(0);
    // Someone changes the EU organization after the review.
    const frank = ((await api(eu, 'GET', `/api/organizations/${eu.organization}/members/`)).json.results as { user: { uuid: string; email: string } }[]).find((m) => m.user.email === 'frank@example.com')!;
    expect((await api(eu, 'PATCH', `/api/organizations/${eu.organization}/members/${frank.user.uuid}/`, { level: 8 })).status).toBe(200);
    const stale = await cli(null, ['apply', saved, ...journal()], env);
    expect(stale.code).toBe(1);
    expect(stale.stderr).toContain(`stale: Example Co (${files.eu}): the saved plan is stale: PostHog changed since it was made, in organization Example Co (${eu.organization}): (members)`);
    expect(stale.stderr).not.toContain(`stale: Example Co (${files.us})`);
    expect(writes(us)).toEqual([]);
    expect(writes(eu).filter((r) => r.method !== 'PATCH')).toEqual([]);

    const fresh = join(dir, 'fresh.json');
    expect((await cli(null, ['plan', '-m', files.us, '-m', files.eu, '--out', fresh], env)).code).toBe(0);
    const applied = await cli(null, ['apply', fresh, ...journal()], env);
    expect(applied.stderr).toBe('');
    expect(applied.code).toBe(0);
    expect(await teams(us)).toContain('Analysts');
    expect(await teams(eu)).toContain('Auditors');
  });

  it('explain, who-can and log read each matrix\'s organization with its host and key', async () => {
    const { files, env } = await setup();
    const explain = await cli(null, ['explain', 'carol@example.com', '-m', files.us, '-m', files.eu, '--format', 'json'], env);
    expect(explain.stderr).toBe('');
    expect(JSON.parse(explain.stdout).organizations).toHaveLength(2);
    // What carol created is read from each matrix's host with its key too.
    const offboarding = await cli(null, ['explain', 'carol@example.com', '--offboarding', '-m', files.us, '-m', files.eu, '--format', 'json'], env);
    expect(offboarding.stderr).toBe('');
    expect(JSON.parse(offboarding.stdout).organizations.map((o: { offboarding: { created: { name: string }[]; unread: unknown[] } }) =>
      [o.offboarding.created.map((c) => c.name), o.offboarding.unread])).toEqual([[['pricing-page-v2'], []], [['pricing-page-v2'], []]]);
    const whoCan = await cli(null, ['who-can', 'Production', '-m', files.us, '-m', files.eu], env);
    expect(whoCan.stderr).toBe('');
    expect(whoCan.code).toBe(0);
    const log = await cli(null, ['log', '-m', files.us, '-m', files.eu], env);
    expect(log.stderr).toBe('');
    expect(log.code).toBe(0);
    // CSV of both: one header, then both organizations' rows, every line ending in CRLF (util/csv.ts).
    expect((await cli(null, ['apply', '-m', files.us, '-m', files.eu, '--yes', ...journal()], env)).code).toBe(0);
    const csv = await cli(null, ['log', '-m', files.us, '-m', files.eu, '--format', 'csv'], env);
    expect(csv.stderr).toBe('');
    const rowsOf = async (file: string) => (await cli(null, ['log', '-m', file, '--format', 'csv'], env)).stdout.split('\r\n').length - 2;
    const rows = [await rowsOf(files.us), await rowsOf(files.eu)];
    expect(rows.every((n) => n > 0)).toBe(true);
    const lines = csv.stdout.split('\r\n');
    expect(lines[0]).toBe('when,who,activity,scope,item,field,before,after');
    expect(lines.filter((l) => l.startsWith('when,'))).toHaveLength(1);
    expect(lines.at(-1)).toBe('');
    expect(csv.stdout.replaceAll('\r\n', '')).not.toContain('\n');
    expect(lines.length - 2).toBe(rows[0]! + rows[1]!);
    expect(csv.stdout).toContain(',created,Role,Analysts,');
    expect(csv.stdout).toContain(',created,Role,Auditors,');
  });

  it('two organizations making a secret key value of one project and label in one run are refused before any write', async () => {
    const { us, eu, files, env } = await setup();
    for (const file of [files.us, files.eu]) await writeFile(file, `${await readFile(file, 'utf8')}projects:\n  Production:\n    secret_keys:\n      ci:\n        scopes: [feature_flag:read]\n`);
    const run = await cli(null, ['apply', '-m', files.us, '-m', files.eu, '--yes', '--secrets-file', join(dir, 'secrets.json'), ...journal()], env);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`Example Co (${files.us}) and Example Co (${files.eu}) both make a secret key value for Production/ci`);
    expect(writes(us)).toEqual([]);
    expect(writes(eu)).toEqual([]);
  });

  it('a directory stands for its *.yaml files, in name order', async () => {
    const { files, env } = await setup();
    const folder = join(dir, 'matrices');
    await mkdir(folder);
    await writeFile(join(folder, 'b-eu.yaml'), await readFile(files.eu, 'utf8'));
    await writeFile(join(folder, 'a-us.yaml'), await readFile(files.us, 'utf8'));
    await writeFile(join(folder, 'notes.txt'), 'not a matrix');
    const json = JSON.parse((await cli(null, ['plan', '-m', folder, '--format', 'json'], env)).stdout);
    expect(json.organizations.map((o: { matrix: { file: string } }) => o.matrix.file)).toEqual([join(folder, 'a-us.yaml'), join(folder, 'b-eu.yaml')]);
  });
});

describe('two matrices for one organization', () => {
  it('are refused before any call, naming both files, also when the host is written two ways', async () => {
    const emu = await start();
    const first = await matrix('first.yaml', emu, 'KEY', 'Analysts');
    const second = join(dir, 'second.yaml');
    await writeFile(second, (await readFile(first, 'utf8')).replace(emu.url, `${emu.url.replace('127.0.0.1', 'localhost')}/`).replace('Analysts', 'Auditors'));
    const run = await cli(null, ['plan', '-m', first, '-m', second], { ...nowhere, KEY: emu.key });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`${first} and ${second} both name organization ${emu.organization} on ${emu.url}: one organization is managed by one matrix`);
    expect(emu.requests).toEqual([]);
    const apply = await cli(null, ['apply', '-m', first, '-m', second, '--yes', ...journal()], { ...nowhere, KEY: emu.key });
    expect(apply.code).toBe(1);
    expect(emu.requests).toEqual([]);
  });

  it('@current and the id of the same organization: refused once PostHog names it, before any write and without waiting for its own lock', async () => {
    const emu = await start();
    const byId = await matrix('by-id.yaml', emu, 'KEY', 'Analysts');
    const current = await matrix('current.yaml', emu, 'OTHER_KEY', 'Auditors', '@current');
    const env = { ...nowhere, KEY: emu.key, OTHER_KEY: emu.key };
    const message = `both name organization ${emu.organization} on ${emu.url}: one organization is managed by one matrix`;
    const plan = await cli(null, ['plan', '-m', byId, '-m', current], env);
    expect(plan.code).toBe(1);
    expect(plan.stderr).toContain(`${byId} and ${current} ${message}`);
    const apply = await cli(null, ['apply', '-m', byId, '-m', current, '--yes', '--lock-wait', '600', ...journal()], env);
    expect(apply.code).toBe(1);
    expect(apply.stderr).toContain(message);
    expect(emu.requests.filter((r) => r.method !== 'GET')).toEqual([]);
  });
});

describe('one emulator holding two organizations', () => {
  /** The sample organization, plus "Second Co" whose owner olivia has her own key. */
  function twoOrganizations() {
    const s = sampleSnapshot();
    s.organizations.push({ ...s.organizations[0]!, id: SECOND, name: 'Second Co', slug: 'second-co', default_role_id: null });
    s.users.push({ id: 100, uuid: '33333333-3333-4333-8333-333333333333', email: 'olivia@second.example', distinct_id: 'olivia', date_joined: T0, current_organization_id: SECOND } as (typeof s.users)[number]);
    s.memberships.push({ id: '44444444-4444-4444-8444-444444444444', organization_id: SECOND, user_uuid: '33333333-3333-4333-8333-333333333333', level: 15, joined_at: T0, updated_at: T0 });
    s.projects.push({ id: 910, uuid: '55555555-5555-4555-8555-555555555555', organization_id: SECOND, name: 'Production', api_token: 'phc_second', created_at: T0, updated_at: T0 } as (typeof s.projects)[number]);
    s.personal_api_keys.push({ id: 'second-owner', user_uuid: '33333333-3333-4333-8333-333333333333', label: 'owner', value: SECOND_KEY, scopes: ['*'], created_at: T0 } as unknown as (typeof s.personal_api_keys)[number]);
    return s;
  }

  it('plans and applies both with their own keys; then plan is empty for both', async () => {
    const emu = await start({ state: twoOrganizations() });
    const first = await matrix('first.yaml', emu, 'FIRST_KEY', 'Analysts');
    const second = await matrix('second.yaml', emu, 'SECOND_KEY', 'Auditors', SECOND);
    await writeFile(second, `${await readFile(second, 'utf8')}members:\n  olivia@second.example: owner\n  nina@second.example: member\n`);
    const env = { ...nowhere, FIRST_KEY: emu.key, SECOND_KEY };
    const plan = JSON.parse((await cli(null, ['plan', '-m', first, '-m', second, '--format', 'json'], env)).stdout);
    expect(plan.organizations.map((o: { organization: { name: string } }) => o.organization.name)).toEqual(['Example Co', 'Second Co']);
    expect(plan.organizations[1].changes.map((c: { id: string }) => c.id)).toEqual(['team:Auditors', 'invite:nina@second.example']);

    const applied = await cli(null, ['apply', '-m', first, '-m', second, '--yes', ...journal()], env);
    expect(applied.stderr).toBe('');
    expect(applied.code).toBe(0);
    expect(await teams(emu)).toContain('Analysts');
    expect(await teams(emu, SECOND, SECOND_KEY)).toEqual(['Auditors']);
    const again = await cli(null, ['plan', '-m', first, '-m', second, '--format', 'json', '--detailed-exitcode'], env);
    expect(JSON.parse(again.stdout).organizations.map((o: { changes: unknown[] }) => o.changes)).toEqual([[], []]);
    expect(again.code).toBe(0);
  });
});

describe('two emulator processes', () => {
  const root = join(import.meta.dirname, '..', '..');
  /** `posthog-access emulator` in its own process; its first line says where and with which key. */
  async function emulatorProcess(): Promise<{ child: ChildProcess; url: string; key: string; organization: string }> {
    const child = spawn(process.execPath, [join(root, 'src/cli/main.ts'), 'emulator', '--port', '0', '--quiet'], { stdio: ['ignore', 'pipe', 'inherit'] });
    const first = await new Promise<string>((resolve) => createInterface({ input: child.stdout! }).once('line', resolve));
    return { child, ...(JSON.parse(first) as { url: string; key: string; organization: string }) };
  }

  it('plan and apply two organizations, one per process, then plan is empty for both', async () => {
    const servers = await Promise.all([emulatorProcess(), emulatorProcess()]);
    try {
      const files: string[] = [];
      const env: Record<string, string | undefined> = { ...nowhere };
      for (const [i, s] of servers.entries()) {
        const file = join(dir, `org-${i}.yaml`);
        await writeFile(file, `version: 1\norganization:\n  id: "${s.organization}"\n  host: "${s.url}"\n  api_key_env: ORG_${i}_KEY\nteams:\n  Team ${i}: {}\n`);
        env[`ORG_${i}_KEY`] = s.key;
        files.push(file);
      }
      const args = files.flatMap((f) => ['-m', f]);
      const planned = JSON.parse((await cli(null, ['plan', ...args, '--format', 'json'], env)).stdout);
      expect(planned.organizations.map((o: { host: string; changes: { id: string }[] }) => [o.host, o.changes.map((c) => c.id)])).toEqual([[servers[0]!.url, ['team:Team 0']], [servers[1]!.url, ['team:Team 1']]]);
      const applied = await cli(null, ['apply', ...args, '--yes', ...journal()], env);
      expect(applied.stderr).toBe('');
      expect(applied.code).toBe(0);
      const again = await cli(null, ['plan', ...args, '--detailed-exitcode'], env);
      expect(again.code).toBe(0);
      expect(again.stdout).toContain('All 2 organizations: No changes. PostHog matches the matrix.');
    } finally {
      for (const s of servers) s.child.kill();
    }
  }, 60_000);
});
