// Trust under failure and attack (issue 8), against the emulator: a journal that cannot be
// written, a run past --timeout, a dropped answer to a roll, a sink command that stores nothing,
// and the flags and hosts that used to slip through.
import { createServer, type Server } from 'node:http';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { planChecksum } from '../../src/plan/fingerprint.ts';
import { api, cli, control, emulator, type Emulator } from './harness.ts';

let emu: Emulator;
let dir: string;
const servers: Server[] = [];

beforeEach(async () => {
  emu = await emulator();
  dir = await mkdtemp(join(tmpdir(), 'posthog-access-trust-'));
});
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
  await emu.close();
});

const journalFile = () => join(dir, 'journal.jsonl');
const journal = () => ['--journal', journalFile()];

async function matrix(text: string): Promise<string> {
  const file = join(dir, 'access-matrix.yaml');
  await writeFile(file, text);
  return file;
}

const TEAMS = `version: 1
organization:
  id: \${POSTHOG_ORG_ID}
teams:
  Design: {}
  Data: {}
  Support: {}
`;

const KEYS = `version: 1
organization:
  id: \${POSTHOG_ORG_ID}
projects:
  Production:
    secret_keys:
      new-service:
        scopes: [feature_flag:read]
`;

async function productionId(): Promise<number> {
  const projects = (await api(emu, 'GET', `/api/organizations/${emu.organization}/projects/`)).json.results as { id: number; name: string }[];
  return projects.find((p) => p.name === 'Production')!.id;
}

/** A proxy in front of the emulator that runs `before` for each request, then passes it on. */
async function interceptingProxy(before: (method: string, path: string) => Promise<void>): Promise<string> {
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    await before(req.method ?? '', req.url ?? '');
    const headers = Object.fromEntries(Object.entries(req.headers).filter(([k]) => k !== 'host' && k !== 'content-length')) as Record<string, string>;
    const upstream = await fetch(`${emu.url}${req.url}`, { method: req.method, headers, ...(chunks.length && { body: Buffer.concat(chunks) }) });
    res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json' });
    res.end(await upstream.text());
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

/**
 * A proxy in front of the emulator that passes everything on, except that for requests matching
 * `drop` it lets the emulator carry the request out, then cuts the connection before the answer.
 */
async function droppingProxy(drop: (method: string, path: string) => boolean): Promise<string> {
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const headers = Object.fromEntries(Object.entries(req.headers).filter(([k]) => k !== 'host' && k !== 'content-length')) as Record<string, string>;
    const upstream = await fetch(`${emu.url}${req.url}`, { method: req.method, headers, ...(chunks.length && { body: Buffer.concat(chunks) }) });
    const body = await upstream.text();
    if (drop(req.method ?? '', req.url ?? '')) {
      req.socket.destroy();
      return;
    }
    res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json' });
    res.end(body);
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

describe('a journal write failure stops the apply cleanly', () => {
  it('disk full (/dev/full): a report of what ran, a clear message, exit 1, no stack trace', async () => {
    const file = await matrix(TEAMS);
    const run = await cli(emu, ['apply', '-m', file, '--yes', '--concurrency', '1', '--journal', '/dev/full']);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('Apply: 1 done, 0 failed, 2 skipped.');
    expect(run.stdout).toContain('not started: the journal could not be written');
    expect(run.stdout).toContain('Apply stopped: the journal could not be written (ENOSPC');
    expect(run.stderr).toContain('apply stopped: the journal could not be written');
    expect(run.stderr).not.toContain('internal error');
    expect(run.stderr).not.toMatch(/\n\s+at /);
    const roles = (await api(emu, 'GET', `/api/organizations/${emu.organization}/roles/`)).json.results as { name: string }[];
    expect(roles.filter((r) => ['Design', 'Data', 'Support'].includes(r.name))).toHaveLength(1);
  });

  it('a journal that cannot be opened stops before any write', async () => {
    const file = await matrix(TEAMS);
    const notADirectory = join(dir, 'a-file');
    await writeFile(notADirectory, '');
    const run = await cli(emu, ['apply', '-m', file, '--yes', '--journal', join(notADirectory, 'journal.jsonl')]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`error: nothing was applied: --journal ${join(notADirectory, 'journal.jsonl')} cannot be opened (`);
    expect(emu.requests.filter((r) => r.method !== 'GET')).toEqual([]);
  });
});

describe('flags and environment in bounds', () => {
  it.each(['0', '33', '-1', 'two'])('--concurrency %s is refused', async (n) => {
    const run = await cli(emu, ['apply', '--yes', '--concurrency', n]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("option '--concurrency <n>' argument");
    expect(run.stderr).toContain('expected a whole number from 1 to 32');
  });

  it('a blank POSTHOG_HOST is an error, not the US cloud', async () => {
    const file = await matrix(TEAMS);
    const run = await cli(emu, ['plan', '-m', file], { POSTHOG_HOST: ' ' });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('error: POSTHOG_HOST is set but empty: set it to your PostHog (e.g. https://eu.posthog.com), or unset it for https://us.posthog.com\n');
  });

  it('a plan saved against http://localhost:PORT/ applies against http://127.0.0.1:PORT', async () => {
    const file = await matrix(TEAMS);
    const saved = join(dir, 'plan.json');
    const port = new URL(emu.url).port;
    expect((await cli(emu, ['plan', '-m', file, '--out', saved], { POSTHOG_HOST: `http://localhost:${port}/` })).code).toBe(0);
    expect(JSON.parse(await readFile(saved, 'utf8')).organizations[0].host).toBe(`http://127.0.0.1:${port}`);
    const run = await cli(emu, ['apply', saved, ...journal()], { POSTHOG_HOST: `http://127.0.0.1:${port}` });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
  });

  it('a refused list ends the plan at once: the reads started beside it are dropped, not waited for', async () => {
    const file = await matrix(`version: 1\norganization: { id: "\${POSTHOG_ORG_ID}" }\nprojects:\n  Production: { access: member }\n`);
    await control(emu, 'POST', '/_emulator/faults', { rules: [
      { path: '/api/organizations/*/members/', method: 'GET', error_rate: 1, error_status: 403 },
      // Far longer than the test may take: a plan waiting for these reads would fail the test.
      { path: 're:/access_controls/?$', method: 'GET', latency_ms: 60_000 },
    ] });
    try {
      const run = await cli(emu, ['plan', '-m', file]);
      expect(run.code).toBe(1);
      // Only the refusal is said: the dropped reads add nothing.
      expect(run.stderr).toMatch(/^error: [^\n]*members[^\n]*\n$/);
    } finally {
      await control(emu, 'DELETE', '/_emulator/faults');
    }
  });

  it('--timeout bounds the whole run and names what was still waiting', async () => {
    const file = await matrix(TEAMS);
    await control(emu, 'POST', '/_emulator/faults', { path: '/api/organizations/*/roles/', method: 'GET', latency_ms: 20_000 });
    const run = await cli(emu, ['plan', '-m', file, '--timeout', '1']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^error: --timeout 1 s reached: GET \/api\/organizations\/[^/]+\/roles\/\?limit=1000 was still waiting for PostHog\n$/);
    await control(emu, 'DELETE', '/_emulator/faults');
  });
});

describe('unknown outcomes of calls that make secrets are never silent', () => {
  it('a dropped answer to a roll: the journal recorded the start first, and the step names the key and what to do', async () => {
    const file = await matrix(KEYS);
    const secrets = join(dir, 'secrets.json');
    expect((await cli(emu, ['apply', '-m', file, '--yes', '--secrets-file', secrets, ...journal()])).code).toBe(0);
    const first = JSON.parse(await readFile(secrets, 'utf8')).Production['new-service'] as string;

    const proxy = await droppingProxy((method, path) => method === 'POST' && path.endsWith('/roll/'));
    const run = await cli(emu, ['apply', '-m', file, '--yes', '--roll-secret-keys', 'Production/new-service', '--secrets-file', secrets, ...journal()], { POSTHOG_HOST: proxy });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('✗ update secret_key Production / new-service: Production / new-service: the answer to the roll never arrived');
    expect(run.stdout).toContain('PostHog may have rolled it: then the old value no longer works and the new one reached no sink');
    expect(run.stdout).toContain('posthog-access apply --roll-secret-keys "Production/new-service"');

    // PostHog did roll it: the value the sink holds is dead, and the journal says a roll started.
    const pid = await productionId();
    expect((await api(emu, 'GET', `/api/projects/${pid}/feature_flags/local_evaluation/`, undefined, first)).status).toBe(401);
    const lines = (await readFile(journalFile(), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { result: string; change: { id: string } });
    const roll = lines.slice(-2);
    expect(roll.map((l) => [l.change.id, l.result])).toEqual([['secret_key:Production / new-service', 'started'], ['secret_key:Production / new-service', 'failed']]);

    // plan and drift find the value that reached no sink: a roll, with the reason; never "No changes".
    const planned = await cli(emu, ['plan', '-m', file, '--detailed-exitcode', ...journal()]);
    expect(planned.stdout).not.toContain('No changes');
    expect(planned.stdout).toContain('~ Production / new-service  roll: false → true');
    expect(planned.stdout).toMatch(/rolled on \S+ but its value never reached a sink \(the journal records the call that made it, started \S+, and no delivery\)/);
    expect(planned.code).toBe(2);
    const drift = await cli(emu, ['drift', '-m', file, ...journal()]);
    expect(drift.stdout).toContain('but its value never reached a sink');
    expect(drift.code).toBe(2);

    // Applying it puts a working value in the sink; then there is nothing left to do.
    const fixed = await cli(emu, ['apply', '-m', file, '--yes', '--secrets-file', secrets, ...journal()]);
    expect(fixed.code).toBe(0);
    const value = JSON.parse(await readFile(secrets, 'utf8')).Production['new-service'] as string;
    expect(value).not.toBe(first);
    expect((await api(emu, 'GET', `/api/projects/${pid}/feature_flags/local_evaluation/`, undefined, value)).status).toBe(200);
    const after = await cli(emu, ['plan', '-m', file, '--detailed-exitcode', ...journal()]);
    expect(after.stdout).toContain('No changes');
    expect(after.code).toBe(0);
  });

  it('a dropped answer to a create: plan finds the key PostHog made and plans a roll of it', async () => {
    const file = await matrix(KEYS);
    const proxy = await droppingProxy((method, path) => method === 'POST' && path.endsWith('/project_secret_api_keys/'));
    const run = await cli(emu, ['apply', '-m', file, '--yes', '--secrets-file', join(dir, 'secrets.json'), ...journal()], { POSTHOG_HOST: proxy });
    expect(run.code).toBe(1);
    const planned = await cli(emu, ['plan', '-m', file, ...journal()]);
    expect(planned.stdout).toMatch(/~ Production \/ new-service  roll: false → true\n\s+created on \S+ but its value never reached a sink/);
    // Without the journal (another machine) nothing is claimed: the key exists as declared.
    const elsewhere = await cli(emu, ['plan', '-m', file, '--journal', join(dir, 'none.jsonl')]);
    expect(elsewhere.stdout).toContain('No changes');
  });

  it('a --secrets-command that exits 0 without reading the value fails the step loudly', async () => {
    const file = await matrix(KEYS);
    const run = await cli(emu, ['apply', '-m', file, '--yes', '--secrets-command', 'echo stored', ...journal()]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('Production / new-service: PostHog created the key, but the secret sink failed 3 times (last: --secrets-command exited 0 without reading all of its stdin (the value), so it stored nothing');
    expect(run.stdout).toContain('the new value was kept only in memory and is lost with this run');
  });
});

describe('concurrent applies are safe', () => {
  const NEW = `version: 1
organization:
  id: \${POSTHOG_ORG_ID}
teams:
  Design: {}
  Data: {}
projects:
  Web:
    secret_keys:
      web-service:
        scopes: [feature_flag:read]
  Mobile: {}
`;
  const list = async (what: string) => (await api(emu, 'GET', `/api/organizations/${emu.organization}/${what}/`)).json.results as { id: number | string; name: string }[];

  it('two applies started together: the second waits for the first, then finds nothing to do; no duplicates', async () => {
    const file = await matrix(NEW);
    const runs = await Promise.all([1, 2].map((n) => cli(emu, ['apply', '-m', file, '--yes', '--secrets-file', join(dir, `secrets-${n}.json`), '--journal', join(dir, `journal-${n}.jsonl`)])));
    expect(runs.map((r) => r.code)).toEqual([0, 0]);
    expect(runs.some((r) => r.stderr.includes('another apply to this organization is running on this machine'))).toBe(true);
    expect(runs.filter((r) => r.stdout.includes('No changes'))).toHaveLength(1);
    const projects = await list('projects');
    expect(projects.filter((p) => p.name === 'Web')).toHaveLength(1);
    expect(projects.filter((p) => p.name === 'Mobile')).toHaveLength(1);
    expect((await list('roles')).filter((r) => r.name === 'Design' || r.name === 'Data')).toHaveLength(2);
    const web = projects.find((p) => p.name === 'Web')!;
    const keys = (await api(emu, 'GET', `/api/projects/${web.id}/project_secret_api_keys/`)).json.results as { label: string }[];
    expect(keys.filter((k) => k.label === 'web-service')).toHaveLength(1);
    const after = await cli(emu, ['plan', '-m', file, '--detailed-exitcode']);
    expect(after.stdout).toContain('No changes');
    expect(after.code).toBe(0);
  });

  it('one saved plan applied twice in parallel: applied once, the other refused as stale', async () => {
    const file = await matrix(NEW);
    const saved = join(dir, 'plan.json');
    expect((await cli(emu, ['plan', '-m', file, '--out', saved])).code).toBe(0);
    const runs = await Promise.all([1, 2].map((n) => cli(emu, ['apply', saved, '--secrets-file', join(dir, `secrets-${n}.json`), '--journal', join(dir, `journal-${n}.jsonl`)])));
    expect(runs.map((r) => r.code).sort()).toEqual([0, 1]);
    const refused = runs.find((r) => r.code === 1)!;
    expect(refused.stderr).toContain('the saved plan is stale: PostHog changed since it was made');
    expect((await list('projects')).filter((p) => p.name === 'Web')).toHaveLength(1);
  });

  it('another machine creating the same things meanwhile: each create looks its name up just before, and nothing is made twice', async () => {
    const file = await matrix(NEW);
    // The other apply (on another machine: no shared lock) makes Web, Design and Web's key just
    // after this one has read PostHog, before this one posts them.
    let otherWeb: number | undefined;
    const seen = new Map<string, number>();
    const proxy = await interceptingProxy(async (method, path) => {
      const n = (seen.get(`${method} ${path}`) ?? 0) + 1;
      seen.set(`${method} ${path}`, n);
      if (method !== 'GET') return;
      // The second read of the lists (the first is this apply's plan); the first of Web's keys.
      if (n === 2 && path.startsWith(`/api/organizations/${emu.organization}/projects/`)) {
        otherWeb = (await api(emu, 'POST', `/api/organizations/${emu.organization}/projects/`, { name: 'Web' })).json.id;
      } else if (n === 2 && path.startsWith(`/api/organizations/${emu.organization}/roles/`)) {
        await api(emu, 'POST', `/api/organizations/${emu.organization}/roles/`, { name: 'Design' });
      } else if (n === 1 && otherWeb !== undefined && path.startsWith(`/api/projects/${otherWeb}/project_secret_api_keys/`)) {
        await api(emu, 'POST', `/api/projects/${otherWeb}/project_secret_api_keys/`, { label: 'web-service', scopes: ['feature_flag:read'] });
      }
    });
    const run = await cli(emu, ['apply', '-m', file, '--yes', '--secrets-file', join(dir, 'secrets.json'), ...journal()], { POSTHOG_HOST: proxy });
    expect(run.stdout).toContain('✗ create secret_key Web / web-service: Web / web-service: a key of this label was made in PostHog after the plan was read (another apply at the same time?), so it was not made twice');
    expect(run.stdout).toContain('posthog-access apply --roll-secret-keys "Web/web-service"');
    expect(run.code).toBe(1);
    expect((await list('projects')).filter((p) => p.name === 'Web')).toHaveLength(1);
    expect((await list('roles')).filter((r) => r.name === 'Design')).toHaveLength(1);
    const keys = (await api(emu, 'GET', `/api/projects/${otherWeb}/project_secret_api_keys/`)).json.results as { label: string }[];
    expect(keys.filter((k) => k.label === 'web-service')).toHaveLength(1);
    const after = await cli(emu, ['plan', '-m', file, '--detailed-exitcode']);
    expect(after.stdout).toContain('No changes');
    expect(after.code).toBe(0);
  });

  it('--lock-wait 0 refuses at once while another apply holds the organization', async () => {
    const file = await matrix(NEW);
    const { acquireApplyLock } = await import('../../src/apply/lock.ts');
    const held = await acquireApplyLock({ host: emu.url.replace('localhost', '127.0.0.1'), organization: emu.organization });
    try {
      const run = await cli(emu, ['apply', '-m', file, '--yes', '--lock-wait', '0', '--secrets-file', join(dir, 's.json'), ...journal()]);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(`error: another apply to organization ${emu.organization} on ${emu.url.replace('localhost', '127.0.0.1')} is running on this machine`);
      expect(emu.requests.filter((r) => r.method !== 'GET')).toEqual([]);
    } finally {
      held.release();
    }
  });
});

describe('partial failure never lowers access the matrix keeps', () => {
  it('a 500 on the role update: the team grant behind it is skipped, and so is the default it protects', async () => {
    const file = await matrix(`version: 1
organization:
  id: \${POSTHOG_ORG_ID}
teams:
  engineering: {}
projects:
  Production:
    access: none
    teams:
      engineering: admin
`);
    const planned = await cli(emu, ['plan', '-m', file]);
    expect(planned.stdout).toContain('Production');
    await control(emu, 'POST', '/_emulator/faults', { path: '/api/organizations/*/roles/*/', method: 'PATCH', error_rate: 1, error_status: 500 });
    const run = await cli(emu, ['apply', '-m', file, '--yes', ...journal()]);
    await control(emu, 'DELETE', '/_emulator/faults');
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/✗ update team engineering: /);
    expect(run.stdout).toContain('- update project_access Production / team:engineering: needs team:engineering, which did not succeed');
    expect(run.stdout).toContain('- update project_access Production / default: needs project_access:Production / team:engineering, which did not succeed');
    // PostHog still lets everyone (and so the team) in as before: nobody was locked out.
    const pid = await productionId();
    const rules = (await api(emu, 'GET', `/api/projects/${pid}/access_controls/`)).json.access_controls as { role: string | null; organization_member: string | null; access_level: string }[];
    expect(rules.find((r) => !r.role && !r.organization_member)?.access_level).toBe('member');
  });
});

describe('a saved plan applies only as reviewed', () => {
  const GUARDED = `version: 1
organization:
  id: \${POSTHOG_ORG_ID}
members:
  alice@example.com: owner
  bob@example.com: admin
teams:
  Design: {}
safety:
  max_deletes: 10
  protected: [bob@example.com]
`;
  /** Edit a saved plan and give it the checksum of its new content, as anyone can. */
  async function tamper(file: string, edit: (plan: any) => void): Promise<void> {
    const plan = JSON.parse(await readFile(file, 'utf8'));
    edit(plan);
    const { checksum: _old, ...content } = plan;
    await writeFile(file, JSON.stringify({ ...content, checksum: planChecksum(content) }));
  }
  const writes = () => emu.requests.filter((r) => r.method !== 'GET');

  it('emptying safety.protected (checksum recomputed) is refused, saying what differs', async () => {
    const file = await matrix(GUARDED);
    const saved = join(dir, 'plan.json');
    expect((await cli(emu, ['plan', '-m', file, '--out', saved])).code).toBe(0);
    await tamper(saved, (p) => { p.organizations[0].safety.protected = []; p.organizations[0].safety.maxDeletes = 1000; });
    const run = await cli(emu, ['apply', saved, ...journal()]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('reviewed: the saved plan is not the plan the matrix');
    expect(run.stderr).toContain('safety ({"maxDeletes":1000,"protected":[]} in the file, {"maxDeletes":10,"protected":["bob@example.com"]} in the matrix)');
    expect(writes()).toEqual([]);
  });

  it('an appended owner invite (checksum recomputed) is refused, naming it', async () => {
    const file = await matrix(GUARDED);
    const saved = join(dir, 'plan.json');
    expect((await cli(emu, ['plan', '-m', file, '--out', saved])).code).toBe(0);
    await tamper(saved, (p) => {
      p.organizations[0].changes.push({ id: 'invite:mallory@evil.example', kind: 'invite', action: 'create', key: 'mallory@evil.example', subject: { email: 'mallory@evil.example' }, after: { level: 'owner', projects: {}, expired: false }, reason: 'declared in the matrix', destructive: false, dependsOn: [] });
      p.organizations[0].summary.create += 1;
      p.summary.create += 1;
    });
    const run = await cli(emu, ['apply', saved, ...journal()]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('changes the matrix and PostHog do not give now: invite:mallory@evil.example');
    expect(writes()).toEqual([]);
  });

  it('a review-only --at plan with createdAt moved to its --at (checksum recomputed) is refused', async () => {
    const file = await matrix(GUARDED.replace('  bob@example.com: admin\n', '  bob@example.com: admin\n  carol@example.com: { level: member, expires: 2026-12-01 }\n'));
    const saved = join(dir, 'plan.json');
    expect((await cli(emu, ['plan', '-m', file, '--out', saved, '--at', '2027-06-01'])).code).toBe(0);
    await tamper(saved, (p) => { p.createdAt = p.at; });
    const run = await cli(emu, ['apply', saved, ...journal()]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('reviewed: the saved plan is not the plan the matrix');
    expect(writes()).toEqual([]);
  });

  it('a matrix changed since the plan was made is refused', async () => {
    const file = await matrix(GUARDED);
    const saved = join(dir, 'plan.json');
    expect((await cli(emu, ['plan', '-m', file, '--out', saved])).code).toBe(0);
    await writeFile(file, GUARDED.replace('Design', 'Growth'));
    const run = await cli(emu, ['apply', saved, ...journal()]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`the matrix ${file} changed since the plan was made`);
    expect(writes()).toEqual([]);
  });

  it('an untouched plan applies', async () => {
    const file = await matrix(GUARDED);
    const saved = join(dir, 'plan.json');
    expect((await cli(emu, ['plan', '-m', file, '--out', saved])).code).toBe(0);
    const run = await cli(emu, ['apply', saved, ...journal()]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
  });
});

describe('protected covers every change that lowers a protected person\'s access', () => {
  it('a protected person behind a team removal: refused, naming them', async () => {
    const file = await matrix(`version: 1
organization:
  id: \${POSTHOG_ORG_ID}
members:
  alice@example.com: owner
  frank@example.com: member
teams:
  Product: {}
  Marketing: {}
prune:
  teams: true
safety:
  protected: [frank@example.com]
`);
    const run = await cli(emu, ['plan', '-m', file]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('- Engineering');
    expect(run.stderr).toContain('the plan is refused: the plan would remove or lower access of protected people (frank@example.com)');
  });

  it('a project default lowered below what a protected person has: refused; kept by their team rule: allowed', async () => {
    const lowered = await matrix(`version: 1
organization:
  id: \${POSTHOG_ORG_ID}
members:
  alice@example.com: owner
  frank@example.com: member
projects:
  Staging:
    access: member
safety:
  protected: [frank@example.com]
`);
    const refused = await cli(emu, ['plan', '-m', lowered]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('protected people (frank@example.com)');
    const kept = await matrix(`version: 1
organization:
  id: \${POSTHOG_ORG_ID}
members:
  alice@example.com: owner
  frank@example.com: member
projects:
  Production:
    access: none
safety:
  protected: [frank@example.com]
`);
    const allowed = await cli(emu, ['plan', '-m', kept]);
    expect(allowed.stderr).toBe('');
    expect(allowed.code).toBe(0);
  });
});

describe('max_deletes counts what a removal takes with it', () => {
  it('pruning a team with 30 rules in projects the matrix does not name and 1 membership counts all of it', async () => {
    const role = (await api(emu, 'POST', `/api/organizations/${emu.organization}/roles/`, { name: 'Old' })).json as { id: string };
    const members = (await api(emu, 'GET', `/api/organizations/${emu.organization}/members/`)).json.results as { user: { uuid: string; email: string } }[];
    const bob = members.find((m) => m.user.email === 'bob@example.com')!;
    expect((await api(emu, 'POST', `/api/organizations/${emu.organization}/roles/${role.id}/role_memberships/`, { user_uuid: bob.user.uuid })).status).toBe(201);
    const elsewhere: number[] = [];
    for (let i = 1; i <= 10; i++) {
      const project = (await api(emu, 'POST', `/api/organizations/${emu.organization}/projects/`, { name: `Elsewhere ${i}` })).json as { id: number };
      elsewhere.push(project.id);
      expect((await api(emu, 'PUT', `/api/projects/${project.id}/access_controls/`, { role: role.id, access_level: 'member' })).status).toBe(200);
      for (const resource of ['feature_flag', 'dashboard']) {
        expect((await api(emu, 'PUT', `/api/projects/${project.id}/resource_access_controls/`, { resource, role: role.id, access_level: 'viewer' })).status).toBe(200);
      }
    }
    const teams = `version: 1
organization:
  id: \${POSTHOG_ORG_ID}
members:
  alice@example.com: owner
  bob@example.com: admin
  carol@example.com: member
  dave@example.com: admin
  frank@example.com: member
  grace@example.com: admin
teams:
  Engineering: { members: [bob@example.com, frank@example.com] }
  Product: { members: [dave@example.com] }
  Marketing: { members: [grace@example.com] }
`;
    const readsElsewhere = () => emu.requests.filter((r) => r.method === 'GET' && elsewhere.some((id) => r.path.startsWith(`/api/projects/${id}/`))).length;

    // Nothing removed: nothing more is read.
    const quiet = await cli(emu, ['plan', '-m', await matrix(teams)]);
    expect(quiet.stderr).toBe('');
    expect(quiet.code).toBe(0);
    expect(readsElsewhere()).toBe(0);

    const run = await cli(emu, ['plan', '-m', await matrix(`${teams}prune:\n  teams: true\n`)]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('its 1 membership and its access rules in every project go with it (30 in projects it does not name)');
    expect(run.stderr).toContain('the plan removes or lowers 32 things, including 31 memberships and rules that go with removed members and teams, more than safety.max_deletes (10): review them, then run with --allow-deletes 32');
    // Two reads per project the matrix does not name, only now that a removal is planned.
    expect(readsElsewhere()).toBe(20);

    // The count holds when the plan is applied: PostHog removes all 31 with the role.
    const applied = await cli(emu, ['apply', '-m', await matrix(`${teams}prune:\n  teams: true\n`), '--yes', '--allow-deletes', '32', ...journal()]);
    expect(applied.code).toBe(0);
    for (const id of elsewhere) {
      expect((await api(emu, 'GET', `/api/projects/${id}/access_controls/`)).json.access_controls.filter((r: { role: string | null }) => r.role === role.id)).toEqual([]);
    }
  });
});

describe('names PostHog holds twice', () => {
  it('two projects and two roles of one name, made outside the tool: a manual step naming both ids, never a failed plan or a third', async () => {
    const state = (await control(emu, 'GET', '/_emulator/state')).json;
    const production = state.projects.find((p: { name: string }) => p.name === 'Production');
    const engineering = state.roles.find((r: { name: string }) => r.name === 'Engineering');
    const twinProject = { ...production, id: 99, uuid: '0190f7b3-0000-7000-8000-000000000099', api_token: 'phc_twin99' };
    const twinRole = { ...engineering, id: '0190f7b3-0000-7000-8000-0000000000aa' };
    state.projects.push(twinProject);
    state.roles.push(twinRole);
    expect((await control(emu, 'PUT', '/_emulator/state', state)).status).toBe(200);

    const file = await matrix(`version: 1
organization:
  id: \${POSTHOG_ORG_ID}
teams:
  Engineering: {}
  Design: {}
projects:
  Production:
    access: none
    teams:
      Engineering: admin
  Analytics: {}
`);
    const planned = await cli(emu, ['plan', '-m', file]);
    expect(planned.stderr).toBe('');
    expect(planned.code).toBe(0);
    expect(planned.stdout).toContain(`PostHog has 2 projects named "Production" (ids ${production.id}, 99)`);
    expect(planned.stdout).toContain(`PostHog has 2 teams (roles) named "Engineering" (ids ${engineering.id}, ${twinRole.id})`);
    expect(planned.stdout).toContain('Delete or rename the extra ones in PostHog, then plan again');
    expect(planned.stdout).not.toMatch(/^\s+[-+~] Production/m);
    expect(planned.stdout).toContain('+ Design');
    expect(planned.stdout).toContain('+ Analytics');
    const drift = await cli(emu, ['drift', '-m', file]);
    expect(drift.code).toBe(2);

    // Apply does what it can and nothing about the names it cannot tell apart.
    const applied = await cli(emu, ['apply', '-m', file, '--yes', ...journal()]);
    expect(applied.code).toBe(0);
    const projects = (await api(emu, 'GET', `/api/organizations/${emu.organization}/projects/`)).json.results as { name: string }[];
    expect(projects.filter((p) => p.name === 'Production')).toHaveLength(2);
    expect(projects.filter((p) => p.name === 'Analytics')).toHaveLength(1);
    expect(emu.requests.filter((r) => r.method !== 'GET' && (r.path.includes(`/projects/${production.id}/`) || r.path.includes('/projects/99/') || r.path.includes(engineering.id)))).toEqual([]);
  });
});

describe('secret keys PostHog holds twice', () => {
  it('two keys of one label: a manual step naming both ids, and no roll of either', async () => {
    // PostHog refuses a second label now; an older PostHog (or a race) may have left two.
    const pid = await productionId();
    const made = await api(emu, 'POST', `/api/projects/${pid}/project_secret_api_keys/`, { label: 'twin', scopes: ['feature_flag:read'] });
    expect(made.status).toBe(201);
    const state = (await control(emu, 'GET', '/_emulator/state')).json;
    const row = state.project_secret_api_keys.find((k: { id: string }) => k.id === made.json.id);
    state.project_secret_api_keys.push({ ...row, id: '0190f7b3-0000-7000-8000-0000000000bb' });
    expect((await control(emu, 'PUT', '/_emulator/state', state)).status).toBe(200);
    const ids = [made.json.id as string, '0190f7b3-0000-7000-8000-0000000000bb'];
    const file = await matrix(`version: 1
organization:
  id: \${POSTHOG_ORG_ID}
projects:
  Production:
    secret_keys:
      twin:
        scopes: [feature_flag:read]
`);
    const planned = await cli(emu, ['plan', '-m', file, '--roll-secret-keys', 'twin']);
    expect(planned.stderr).toBe('');
    expect(planned.code).toBe(0);
    expect(planned.stdout).toContain(`PostHog has 2 secret keys labelled "twin" in Production (ids ${ids.join(', ')})`);
    expect(planned.stdout).not.toContain('roll: false → true');
  });
});

describe('a key whose user is not an organization admin', () => {
  it('plan says so first and plans no create and no removal from its partial view', async () => {
    expect((await api(emu, 'PATCH', `/api/organizations/${emu.organization}/`, { members_can_see_org_members: false })).status).toBe(200);
    const carolKey = (await control(emu, 'POST', '/_emulator/keys', { email: 'carol@example.com', scopes: ['*'], label: 'carol' })).json.value as string;
    const file = await matrix(`version: 1
organization:
  id: \${POSTHOG_ORG_ID}
members:
  alice@example.com: owner
  bob@example.com: admin
  carol@example.com: member
  erin@example.com: member
teams:
  Engineering: { members: [bob@example.com] }
  Design: {}
projects:
  Production:
    access: none
  Web: {}
prune:
  members: true
  teams: true
`);
    const run = await cli(emu, ['plan', '-m', file, '--format', 'json'], { POSTHOG_PERSONAL_API_KEY: carolKey });
    const plan = JSON.parse(run.stdout).organizations[0] as { changes: { action: string; id: string }[]; notices: { code: string; message: string }[] };
    expect(plan.notices[0]?.code).toBe('partial_view');
    expect(plan.notices[0]?.message).toContain("carol@example.com (the key's user) is a member of Example Co, not an admin: PostHog shows it only part of the organization (members_can_see_org_members is off: members too), so this plan is made from a partial view and plans no create and no removal");
    expect(plan.changes.filter((c) => c.action !== 'update')).toEqual([]);

    const text = await cli(emu, ['plan', '-m', file], { POSTHOG_PERSONAL_API_KEY: carolKey });
    expect(text.stdout.split('\n').slice(0, 4).join('\n')).toContain("! carol@example.com (the key's user) is a member");
    expect(text.stdout).not.toMatch(/^\s+[+-] /m);
    // The same matrix with an admin's key removes and creates: the partial view only held them back.
    const admin = await cli(emu, ['plan', '-m', file, '--format', 'json', '--allow-deletes', '100']);
    const full = JSON.parse(admin.stdout).organizations[0] as { changes: { action: string }[]; notices: { code: string }[] };
    expect(full.changes.some((c) => c.action === 'delete')).toBe(true);
    expect(full.changes.some((c) => c.action === 'create')).toBe(true);
    expect(full.notices.some((n) => n.code === 'partial_view')).toBe(false);
  });
});
