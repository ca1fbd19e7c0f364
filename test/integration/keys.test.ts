// Project secret keys and the personal API key audit against the emulator: creates, rolls and
// deletes converge and the new values reach only the secret sink; apply without a sink is refused
// before any write; no key value — the running key, an audited personal key, a created or rolled
// secret — appears in anything the tool prints or writes, except the sink.
import { mkdtemp, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { matchOperation } from '../../src/emulator/routes.ts';
import { api, cli, control, emulator, type Emulator } from './harness.ts';

let emu: Emulator;
let dir: string;

beforeEach(async () => {
  emu = await emulator();
  dir = await mkdtemp(join(tmpdir(), 'posthog-access-keys-'));
});
afterEach(async () => {
  const unknown = emu.requests.filter((r) => r.path.startsWith('/api/') && !matchOperation(r.method, r.path));
  await emu.close();
  expect(unknown).toEqual([]);
});

const MATRIX = `version: 1
projects:
  Production:
    secret_keys:
      flag-service:
        scopes: [feature_flag:read]
        rotate_after_days: 90
      new-service:
        scopes: [feature_flag:read, query:read]
prune:
  secret_keys: true
`;

async function matrix(text = MATRIX): Promise<string> {
  const file = join(dir, 'access-matrix.yaml');
  await writeFile(file, text);
  return file;
}

async function productionId(): Promise<number> {
  const projects = (await api(emu, 'GET', `/api/organizations/${emu.organization}/projects/`)).json.results as { id: number; name: string }[];
  return projects.find((p) => p.name === 'Production')!.id;
}

async function secretKeys(projectId: number): Promise<{ id: string; label: string; scopes: string[]; last_rolled_at: string | null }[]> {
  return (await api(emu, 'GET', `/api/projects/${projectId}/project_secret_api_keys/`)).json.results;
}

/** Whether a project secret key value works (the one endpoint such a key reaches on the emulator). */
async function works(projectId: number, value: string): Promise<number> {
  return (await api(emu, 'GET', `/api/projects/${projectId}/feature_flags/local_evaluation/`, undefined, value)).status;
}

const writes = () => emu.requests.filter((r) => r.path.startsWith('/api/') && r.method !== 'GET');
const journal = () => ['--journal', join(dir, 'journal.jsonl')];

describe('project secret keys', () => {
  it('create, roll (past rotate_after_days) and delete (prune) converge; values go only to --secrets-file', async () => {
    const pid = await productionId();
    const stale = await api(emu, 'POST', `/api/projects/${pid}/project_secret_api_keys/`, { label: 'old-service', scopes: ['feature_flag:read'] });
    expect(stale.status).toBe(201);
    const file = await matrix();

    const planned = await cli(emu, ['plan', '-m', file, '--detailed-exitcode']);
    expect(planned.code).toBe(2);
    expect(planned.stdout).toContain('Secret keys');
    expect(planned.stdout).toContain('+ Production / new-service');
    expect(planned.stdout).toContain('~ Production / flag-service  roll: false → true');
    expect(planned.stdout).toContain('older than rotate_after_days (90 days)');
    expect(planned.stdout).toContain('- Production / old-service');

    const secrets = join(dir, 'secrets.json');
    const applied = await cli(emu, ['apply', '-m', file, '--yes', '--secrets-file', secrets, ...journal()]);
    expect(applied.stderr).toBe('');
    expect(applied.stdout).toContain('0 failed, 0 skipped');
    expect(applied.code).toBe(0);

    expect((await stat(secrets)).mode & 0o777).toBe(0o600);
    const values = JSON.parse(await readFile(secrets, 'utf8')) as Record<string, Record<string, string>>;
    expect(Object.keys(values)).toEqual(['Production']);
    expect(Object.keys(values.Production!).sort()).toEqual(['flag-service', 'new-service']);
    for (const value of Object.values(values.Production!)) {
      expect(value).toMatch(/^phs_/);
      expect(await works(pid, value)).toBe(200);
      for (const text of [applied.stdout, applied.stderr, await readFile(join(dir, 'journal.jsonl'), 'utf8')]) expect(text).not.toContain(value);
    }
    const keys = await secretKeys(pid);
    expect(keys.map((k) => k.label).sort()).toEqual(['flag-service', 'new-service']);
    expect(keys.find((k) => k.label === 'flag-service')!.last_rolled_at).not.toBeNull();
    expect(keys.find((k) => k.label === 'new-service')!.scopes.sort()).toEqual(['feature_flag:read', 'query:read']);

    const again = await cli(emu, ['plan', '-m', file, '--detailed-exitcode']);
    expect(again.stdout).toContain('No changes');
    expect(again.code).toBe(0);
  });

  it('scope changes are a PATCH and need no sink; --roll-secret-keys rolls on demand through --secrets-command', async () => {
    const pid = await productionId();
    const file = await matrix();
    const secrets = join(dir, 'secrets.json');
    expect((await cli(emu, ['apply', '-m', file, '--yes', '--secrets-file', secrets, ...journal()])).code).toBe(0);
    const first = JSON.parse(await readFile(secrets, 'utf8')).Production['flag-service'] as string;

    const narrower = await matrix(MATRIX.replace('[feature_flag:read, query:read]', '[feature_flag:read]'));
    const patched = await cli(emu, ['apply', '-m', narrower, '--yes', ...journal()]);
    expect(patched.stdout).toContain('~ Production / new-service  scopes: [feature_flag:read, query:read] → [feature_flag:read]');
    expect(patched.code).toBe(0);
    expect((await secretKeys(pid)).find((k) => k.label === 'new-service')!.scopes).toEqual(['feature_flag:read']);

    const out = join(dir, 'from-command');
    const rolled = await cli(emu, [
      'apply', '-m', narrower, '--yes', '--roll-secret-keys', 'Production/flag-service', ...journal(),
      '--secrets-command', `cat > "${out}.$POSTHOG_PROJECT.$POSTHOG_SECRET_KEY_LABEL"`,
    ]);
    expect(rolled.stdout).toContain('--roll-secret-keys');
    expect(rolled.code).toBe(0);
    expect(await readdir(dir)).toContain('from-command.Production.flag-service');
    const second = await readFile(`${out}.Production.flag-service`, 'utf8');
    expect(second).toMatch(/^phs_/);
    expect(second).not.toBe(first);
    expect(await works(pid, second)).toBe(200);
    expect(await works(pid, first)).toBe(401);
    expect(rolled.stdout + rolled.stderr).not.toContain(second);
  });

  it('apply without a sink is refused before any write, saying which flag to pass', async () => {
    const file = await matrix();
    const saved = join(dir, 'plan.json');
    expect((await cli(emu, ['plan', '-m', file, '--out', saved])).code).toBe(0);
    for (const args of [['apply', '-m', file, '--yes'], ['apply', saved]]) {
      await control(emu, 'DELETE', '/_emulator/requests');
      emu.requests.length = 0;
      const run = await cli(emu, [...args, ...journal()]);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('nothing was applied');
      expect(run.stderr).toMatch(/secrets: the plan creates or rolls 2 project secret keys \(Production \/ flag-service, Production \/ new-service\).*--secrets-file FILE.*--secrets-command CMD/);
      expect(writes()).toEqual([]);
    }
  });

  it('a sink that cannot take the values stops apply before any write', async () => {
    const file = await matrix();
    const { symlink } = await import('node:fs/promises');
    const link = join(dir, 'link.json');
    await symlink(join(dir, 'elsewhere.json'), link);
    emu.requests.length = 0;
    const run = await cli(emu, ['apply', '-m', file, '--yes', '--secrets-file', link, ...journal()]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('symbolic link');
    expect(writes()).toEqual([]);
  });

  it('--secrets-file and --secrets-command together are refused', async () => {
    const run = await cli(emu, ['apply', '-m', await matrix(), '--yes', '--secrets-file', join(dir, 's.json'), '--secrets-command', 'cat']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('choose one');
  });
});

describe('personal API key audit', () => {
  const AUDITED = `version: 1
projects:
  Production: {}
api_keys:
  bi-dashboard:
    env: POSTHOG_KEY_BI
    scopes: [insight:read, dashboard:read]
    projects: [Production]
    max_age_days: 90
`;

  async function mint(body: Record<string, unknown>): Promise<string> {
    const minted = await control(emu, 'POST', '/_emulator/keys', { email: 'alice@example.com', label: 'bi', ...body });
    expect(minted.status).toBe(201);
    return minted.json.value as string;
  }

  it('a key that matches is quiet; a differing one is a manual step and drift', async () => {
    const pid = await productionId();
    const file = await matrix(AUDITED);
    const good = await mint({ scopes: ['dashboard:read', 'insight:read'], scoped_teams: [pid] });
    const fine = await cli(emu, ['drift', '-m', file], { POSTHOG_KEY_BI: good });
    expect(fine.stdout).not.toContain('api_key:bi-dashboard');
    expect(fine.code).toBe(0);

    const bad = await mint({ scopes: ['*'], created_at: new Date(Date.now() - 200 * 86_400_000).toISOString() });
    const drift = await cli(emu, ['drift', '-m', file], { POSTHOG_KEY_BI: bad });
    expect(drift.code).toBe(2);
    expect(drift.stdout).toContain('api_key:bi-dashboard');
    expect(drift.stdout).toContain('it has every scope (*), broader than declared');
    expect(drift.stdout).toContain('it is not limited to projects (organization-wide)');
    expect(drift.stdout).toMatch(/it is 200 days old .* past max_age_days \(90\)/);
    expect(drift.stdout).toContain('Settings → Personal API keys → "bi" → Edit');
    expect(drift.stdout).toContain('→ Roll');
    // Never an API call to change it: PostHog refuses that to personal keys.
    expect(emu.requests.filter((r) => r.path.startsWith('/api/personal_api_keys') && r.method !== 'GET')).toEqual([]);
  });

  it('an unset variable is a warning, and an error with --strict (before any call)', async () => {
    const file = await matrix(AUDITED);
    const warned = await cli(emu, ['plan', '-m', file]);
    expect(warned.code).toBe(0);
    expect(warned.stdout).toContain('$POSTHOG_KEY_BI is not set');
    emu.requests.length = 0;
    const strict = await cli(emu, ['plan', '-m', file, '--strict']);
    expect(strict.code).toBe(1);
    expect(strict.stderr).toContain('error: api_keys.bi-dashboard: $POSTHOG_KEY_BI is not set');
    expect(emu.requests.filter((r) => r.path.startsWith('/api/'))).toEqual([]);
  });

  it('a key PostHog rejects is a warning naming its variable, not the value', async () => {
    const bogus = 'phx_not_a_real_key_0123456789abcdef';
    const run = await cli(emu, ['plan', '-m', await matrix(AUDITED)], { POSTHOG_KEY_BI: bogus });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('api_keys.bi-dashboard: the key in $POSTHOG_KEY_BI could not be read');
    expect(run.stdout).toContain('check $POSTHOG_KEY_BI');
    expect(run.stdout + run.stderr).not.toContain(bogus);
  });
});

describe('secrets', () => {
  it('no key value reaches stdout, stderr (debug logs), the saved plan or the journal: only the sink file', async () => {
    const pid = await productionId();
    const personal = await mint();
    const file = await matrix(`${MATRIX}api_keys:
  bi-dashboard:
    env: POSTHOG_KEY_BI
    scopes: [insight:read]
    projects: [Production]
    max_age_days: 30
`);
    const env = { POSTHOG_KEY_BI: personal };
    const saved = join(dir, 'plan.json');
    const journalFile = join(dir, 'journal.jsonl');
    const secrets = join(dir, 'secrets.json');
    const runs = [
      await cli(emu, ['--log-level', 'debug', 'plan', '-m', file, '--out', saved, '--format', 'json'], env),
      await cli(emu, ['--log-level', 'debug', 'apply', saved, '--journal', journalFile, '--secrets-file', secrets], env),
      await cli(emu, ['--log-level', 'debug', 'drift', '-m', file, '--format', 'markdown'], env),
      await cli(emu, ['--log-level', 'debug', 'drift', '-m', file], env),
    ];
    expect(runs.map((r) => r.code)).toEqual([0, 0, 2, 2]); // drift: the personal key's manual step
    expect(runs[0]!.stderr).toContain('"stage"'); // debug logs were written, and searched
    expect(runs[3]!.stdout).toContain('api_key:bi-dashboard');

    const created = JSON.parse(await readFile(secrets, 'utf8')) as Record<string, Record<string, string>>;
    const secretValues = Object.values(created.Production ?? {});
    expect(secretValues).toHaveLength(2); // flag-service rolled, new-service created
    for (const v of secretValues) expect(await works(pid, v)).toBe(200);
    const known = [emu.key, personal, ...secretValues];

    const written = [await readFile(saved, 'utf8'), await readFile(journalFile, 'utf8')];
    expect(written[1]).toContain('secret_key:Production / new-service'); // the change is journaled, without its value
    for (const text of [...runs.flatMap((r) => [r.stdout, r.stderr]), ...written]) {
      for (const value of known) expect(text).not.toContain(value);
    }
    const files = (await readdir(dir)).filter((f) => f !== 'secrets.json');
    for (const f of files) {
      const text = await readFile(join(dir, f), 'utf8');
      for (const value of secretValues) expect(text).not.toContain(value);
    }
  });

  async function mint(): Promise<string> {
    const minted = await control(emu, 'POST', '/_emulator/keys', {
      email: 'bob@example.com', label: 'bi', scopes: ['insight:read', 'query:read'], created_at: new Date(Date.now() - 45 * 86_400_000).toISOString(),
    });
    expect(minted.status).toBe(201);
    return minted.json.value as string;
  }
});
