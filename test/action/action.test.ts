// The GitHub Action as GitHub runs it: its bundle, executed by node with the runner's environment
// (event payload file, GITHUB_STEP_SUMMARY, GITHUB_OUTPUT, GITHUB_API_URL, the Actions runtime
// variables) against a fake GitHub and the PostHog emulator, both on 127.0.0.1.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { buildAction } from '../../scripts/build-action.ts';
import { api, cli, control, emulator, type Emulator } from '../integration/harness.ts';
import { fakeGitHub, type FakeGitHub } from './fake-github.ts';

let bundle: string;
let dir: string;
let emu: Emulator;
let gh: FakeGitHub;
let workspace: string;
let runs = 0;

// Every test runs the bundle in one to three fresh Node processes: slow on a loaded machine (no timing asserted).
vi.setConfig({ testTimeout: 180_000, hookTimeout: 60_000 });

const MATRIX = `version: 1
organization:
  id: \${POSTHOG_ORG_ID}
members:
  alice@example.com: owner
  bob@example.com: admin
  carol@example.com: admin
teams:
  Engineering:
    members: [bob@example.com, carol@example.com]
`;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'posthog-access-action-'));
  bundle = await buildAction(join(dir, 'bundle', 'index.mjs'));
}, 60_000);
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

beforeEach(async () => {
  emu = await emulator();
  gh = await fakeGitHub();
  workspace = await mkdtemp(join(dir, 'workspace-'));
  await writeFile(join(workspace, 'access-matrix.yaml'), MATRIX);
});
afterEach(async () => {
  expect(gh.unknown).toEqual([]); // the Action used no GitHub endpoint the fake does not know
  await gh.close();
  await emu.close();
});

const jwt = (runId: number) => {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part({ alg: 'none', typ: 'JWT' })}.${part({ scp: `Actions.GenericRead Actions.Results:run-${runId}:job-1` })}.sig`;
};

interface ActionRun { code: number; stdout: string; summary: string; outputs: Record<string, string> }

/** Run the Action's bundle once, as the runner would for this event. */
async function runAction(eventName: string, payload: object, extra: { sha: string; ref?: string; inputs?: Record<string, string>; env?: Record<string, string> }): Promise<ActionRun> {
  const id = ++runs;
  const runDir = join(dir, `run-${id}`);
  await mkdir(runDir);
  const files = { event: join(runDir, 'event.json'), summary: join(runDir, 'summary.md'), output: join(runDir, 'output.txt') };
  await writeFile(files.event, JSON.stringify({ repository: { default_branch: 'main', name: 'access', owner: { login: 'acme' } }, ...payload }));
  await writeFile(files.summary, '');
  await writeFile(files.output, '');
  const inputs = Object.fromEntries(Object.entries({ 'github-token': 'ghs_fake_token', matrix: 'access-matrix.yaml', ...extra.inputs }).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v]));
  const env = {
    PATH: process.env.PATH, HOME: process.env.HOME,
    GITHUB_ACTIONS: 'true', GITHUB_EVENT_NAME: eventName, GITHUB_EVENT_PATH: files.event, GITHUB_SHA: extra.sha, GITHUB_REF: extra.ref ?? 'refs/heads/main',
    GITHUB_REPOSITORY: 'acme/access', GITHUB_RUN_ID: String(1000 + id), GITHUB_API_URL: gh.url, GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_STEP_SUMMARY: files.summary, GITHUB_OUTPUT: files.output, GITHUB_WORKSPACE: workspace, RUNNER_TEMP: runDir,
    ACTIONS_RUNTIME_TOKEN: jwt(1000 + id), ACTIONS_RESULTS_URL: `${gh.url}/`,
    POSTHOG_HOST: emu.url, POSTHOG_PERSONAL_API_KEY: emu.key, POSTHOG_ORG_ID: emu.organization,
    ...inputs, ...extra.env,
  };
  const { code, stdout } = await new Promise<{ code: number; stdout: string }>((resolve) => {
    execFile(process.execPath, [bundle], { cwd: workspace, env }, (error, out) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout: out }));
  });
  const outputs: Record<string, string> = {};
  const text = await readFile(files.output, 'utf8');
  for (const m of text.matchAll(/^(.+?)<<(ghadelimiter_[^\n]+)\n([\s\S]*?)\n\2$/gm)) outputs[m[1]!] = m[3]!;
  return { code, stdout, summary: await readFile(files.summary, 'utf8'), outputs };
}

const pullRequest = (number: number, sha: string) => ({ action: 'synchronize', number, pull_request: { number, head: { sha }, base: { ref: 'main' } } });
const HEAD_1 = 'a'.repeat(40);
const HEAD_2 = 'b'.repeat(40);
const MERGE = 'c'.repeat(40);
const calls = (method: string, path: RegExp) => gh.requests.filter((r) => r.method === method && path.test(r.path));
const writesTo = async (e: Emulator) => ((await control(e, 'GET', '/_emulator/requests')).json as { method: string; path: string }[])
  .filter((r) => r.method !== 'GET' && r.path.startsWith('/api/'));

describe('on a pull request', () => {
  it('plans, comments once, then updates that comment; the plan is saved as an artifact of the head commit', async () => {
    const first = await runAction('pull_request', pullRequest(7, HEAD_1), { sha: 'f'.repeat(40) });
    expect(first.code).toBe(0);
    expect(first.outputs).toMatchObject({ command: 'plan', changes: 'true' });
    expect(calls('POST', /\/issues\/7\/comments$/)).toHaveLength(1);
    expect(gh.comments).toHaveLength(1);
    expect(gh.comments[0]!.body).toContain('<!-- posthog-access:plan -->');
    expect(gh.comments[0]!.body).toContain('carol@example.com');
    expect(first.summary).toContain('carol@example.com');
    expect(gh.artifacts.map((a) => a.name)).toEqual([`posthog-access-plan-${HEAD_1}`]);
    expect(await writesTo(emu)).toEqual([]); // planning changes nothing

    // A new push to the pull request: the same comment, edited in place.
    await writeFile(join(workspace, 'access-matrix.yaml'), MATRIX.replace('carol@example.com: admin', 'carol@example.com: member'));
    const second = await runAction('pull_request', pullRequest(7, HEAD_2), { sha: 'e'.repeat(40) });
    expect(second.code).toBe(0);
    expect(calls('POST', /\/issues\/7\/comments$/)).toHaveLength(1);
    expect(calls('PATCH', /\/issues\/comments\/\d+$/)).toHaveLength(1);
    expect(gh.comments).toHaveLength(1);
    expect(gh.comments[0]!.body).toContain(HEAD_2.slice(0, 7));
    expect(gh.artifacts.map((a) => a.name)).toEqual([`posthog-access-plan-${HEAD_1}`, `posthog-access-plan-${HEAD_2}`]);
  });

  it('an invalid matrix: at most ten annotations at file:line:col, every problem in the summary, the job fails', async () => {
    const members = Array.from({ length: 12 }, (_, i) => `  p${i}@example.com: admni\n`).join('');
    await writeFile(join(workspace, 'access-matrix.yaml'), `version: 1\nmembers:\n${members}`);
    const r = await runAction('pull_request', pullRequest(8, HEAD_1), { sha: HEAD_1 });
    expect(r.code).toBe(1);
    const annotations = r.stdout.split('\n').filter((l) => l.startsWith('::error ') && l.includes('file=access-matrix.yaml'));
    expect(annotations).toHaveLength(10);
    expect(annotations[0]).toMatch(/^::error title=posthog-access,file=access-matrix\.yaml,line=3,col=\d+::members\."p0@example\.com": "admni" is not an organization level/);
    expect(r.summary).toContain('12 problems');
    for (let i = 0; i < 12; i++) expect(r.summary).toContain(`access-matrix.yaml:${i + 3}:`);
    expect(gh.comments).toHaveLength(1);
    expect(gh.artifacts).toEqual([]);
  });

  it("validate's warnings are annotated on the file and fail nothing: default_team with prune.teams", async () => {
    await writeFile(join(workspace, 'access-matrix.yaml'), `${MATRIX.replace('organization:\n  id: ${POSTHOG_ORG_ID}', 'organization:\n  id: ${POSTHOG_ORG_ID}\n  default_team: Engineering')}prune:\n  teams: true\n`);
    const r = await runAction('pull_request', pullRequest(9, HEAD_1), { sha: HEAD_1, inputs: { command: 'validate' } });
    expect(r.code).toBe(0);
    expect(r.outputs.command).toBe('validate');
    const warnings = r.stdout.split('\n').filter((l) => l.startsWith('::warning '));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^::warning title=posthog-access,file=access-matrix\.yaml,line=4,col=3::default_team: Engineering puts everyone who joins in Engineering.*alice@example\.com/);
    expect(r.stdout).not.toContain('::error');
  });

  it('a plan longer than a comment can hold: the comment has the summary and a link, the job summary the whole plan', async () => {
    const many = Array.from({ length: 700 }, (_, i) => `  person-number-${i}-with-a-long-address@example.com: member\n`).join('');
    await writeFile(join(workspace, 'access-matrix.yaml'), MATRIX.replace('teams:', `${many}teams:`));
    const r = await runAction('pull_request', pullRequest(9, HEAD_1), { sha: HEAD_1 });
    expect(r.code).toBe(0);
    const body = gh.comments[0]!.body;
    expect(body.length).toBeLessThanOrEqual(65_536);
    expect(body).toContain('longer than a comment can be');
    expect(body).toContain('https://github.com/acme/access/actions/runs/');
    expect(r.summary.length).toBeGreaterThan(65_536);
    expect(r.summary).toContain('person-number-699-with-a-long-address@example.com');
  });
});

describe('after merge', () => {
  async function planOnPullRequest(sha: string): Promise<void> {
    const r = await runAction('pull_request', pullRequest(7, sha), { sha });
    expect(r.code).toBe(0);
    gh.pullsOfCommit.set(MERGE, [{ number: 7, merged_at: new Date().toISOString(), head: { sha }, base: { ref: 'main' } }]);
  }

  it("applies the plan reviewed on the merged pull request's head commit, downloaded from its artifact", async () => {
    await planOnPullRequest(HEAD_1);
    const r = await runAction('push', { ref: 'refs/heads/main', after: MERGE }, { sha: MERGE });
    expect(r.code).toBe(0);
    expect(r.outputs).toMatchObject({ command: 'apply', applied: 'true' });
    expect(calls('GET', /\/actions\/artifacts$/).map((c) => c.query.name)).toEqual([`posthog-access-plan-${HEAD_1}`]);
    expect(calls('GET', /\/actions\/artifacts\/\d+\/zip$/)).toHaveLength(1);
    const members = (await api(emu, 'GET', `/api/organizations/${emu.organization}/members/`)).json.results as { user: { email: string }; level: number }[];
    expect(members.find((m) => m.user.email === 'carol@example.com')!.level).toBe(8);
    expect(gh.comments).toHaveLength(1);
    expect(gh.comments[0]!.body).toContain('**Applied**');
    expect(gh.comments[0]!.body).toContain('carol@example.com'); // the reviewed plan stays below
    expect(r.summary).toContain('**Applied**');
  });

  it('refuses when PostHog moved since the plan was made, and says why in the pull request and the summary', async () => {
    await planOnPullRequest(HEAD_1);
    const grace = ((await api(emu, 'GET', `/api/organizations/${emu.organization}/members/`)).json.results as { user: { uuid: string; email: string } }[])
      .find((m) => m.user.email === 'grace@example.com')!;
    expect((await api(emu, 'PATCH', `/api/organizations/${emu.organization}/members/${grace.user.uuid}/`, { level: 1 })).status).toBe(200);
    await control(emu, 'DELETE', '/_emulator/requests');
    const r = await runAction('push', { ref: 'refs/heads/main', after: MERGE }, { sha: MERGE });
    expect(r.code).toBe(1);
    expect(r.outputs.applied).toBe('false');
    expect(await writesTo(emu)).toEqual([]);
    for (const text of [gh.comments[0]!.body, r.summary]) {
      expect(text).toContain('stale');
      expect(text).toContain('members');
      expect(text).toContain('open a new pull request');
    }
  });

  it('refuses when no plan was saved for the head commit: never a plan nobody saw', async () => {
    gh.pullsOfCommit.set(MERGE, [{ number: 7, merged_at: new Date().toISOString(), head: { sha: HEAD_2 }, base: { ref: 'main' } }]);
    const r = await runAction('push', { ref: 'refs/heads/main', after: MERGE }, { sha: MERGE });
    expect(r.code).toBe(1);
    expect(await writesTo(emu)).toEqual([]);
    expect(gh.comments[0]!.body).toContain('No saved plan was found');
    expect(r.summary).toContain(`posthog-access-plan-${HEAD_2}`);
  });

  it('refuses when the merged matrix is not the one planned on the head commit', async () => {
    await planOnPullRequest(HEAD_1);
    await writeFile(join(workspace, 'access-matrix.yaml'), `${MATRIX}  Product:\n    members: [dave@example.com]\n`);
    const r = await runAction('push', { ref: 'refs/heads/main', after: MERGE }, { sha: MERGE });
    expect(r.code).toBe(1);
    expect(await writesTo(emu)).toEqual([]);
    expect(gh.comments[0]!.body).toContain('differs from the one planned');
  });

  it('a push to another branch does nothing', async () => {
    const r = await runAction('push', { ref: 'refs/heads/feature' }, { sha: MERGE, ref: 'refs/heads/feature' });
    expect(r.code).toBe(0);
    expect(r.outputs.command).toBe('none');
    expect(gh.requests).toEqual([]);
  });
});

describe('on a schedule', () => {
  it('opens one labelled drift issue, updates it while drift lasts, closes it when drift is gone', async () => {
    const r1 = await runAction('schedule', { schedule: '0 6 * * *' }, { sha: MERGE });
    expect(r1.code).toBe(0);
    expect(r1.outputs.drift).toBe('true');
    expect(gh.issues).toHaveLength(1);
    expect(gh.issues[0]).toMatchObject({ state: 'open', labels: ['posthog-access-drift'] });
    expect(gh.issues[0]!.body).toContain('carol@example.com');

    const r2 = await runAction('schedule', {}, { sha: MERGE });
    expect(r2.code).toBe(0);
    expect(gh.issues).toHaveLength(1);
    expect(calls('POST', /\/issues$/)).toHaveLength(1);
    expect(calls('PATCH', /\/issues\/\d+$/)).toHaveLength(1);

    const applied = await cli(emu, ['apply', '--yes', '--matrix', join(workspace, 'access-matrix.yaml')]);
    expect(applied.code).toBe(0);
    const r3 = await runAction('schedule', {}, { sha: MERGE });
    expect(r3.code).toBe(0);
    expect(r3.outputs.drift).toBe('false');
    expect(gh.issues[0]!.state).toBe('closed');
    expect(gh.comments.filter((c) => c.issue === gh.issues[0]!.number)[0]!.body).toContain('No drift any more');
  });
});

describe('several organizations', () => {
  it('plans every matrix of a directory in one plan and one comment, and applies it after merge; drift covers both', async () => {
    const eu = await emulator();
    try {
      await mkdir(join(workspace, 'matrices'));
      const teamIn = (e: Emulator, keyEnv: string, team: string) => `version: 1\norganization:\n  id: "${e.organization}"\n  host: "${e.url}"\n  api_key_env: ${keyEnv}\nteams:\n  ${team}: {}\n`;
      await writeFile(join(workspace, 'matrices', 'eu.yaml'), teamIn(eu, 'EU_KEY', 'Auditors'));
      await writeFile(join(workspace, 'matrices', 'us.yaml'), teamIn(emu, 'US_KEY', 'Analysts'));
      const extra = { inputs: { matrix: 'matrices' }, env: { US_KEY: emu.key, EU_KEY: eu.key } };

      const planned = await runAction('pull_request', pullRequest(9, HEAD_1), { sha: HEAD_1, ...extra });
      expect(planned.code).toBe(0);
      const body = gh.comments[0]!.body;
      expect(body).toContain('| `matrices/eu.yaml` | Example Co | 1 to create |');
      expect(body).toContain('| `matrices/us.yaml` | Example Co | 1 to create |');
      expect(body).toContain('## posthog-access plan for 2 organizations');
      expect(body.indexOf('Auditors')).toBeLessThan(body.indexOf('Analysts')); // in name order: eu.yaml, us.yaml
      expect(gh.artifacts.map((a) => a.name)).toEqual([`posthog-access-plan-${HEAD_1}`]);
      expect(await writesTo(emu)).toEqual([]);
      expect(await writesTo(eu)).toEqual([]);

      gh.pullsOfCommit.set(MERGE, [{ number: 9, merged_at: new Date().toISOString(), head: { sha: HEAD_1 }, base: { ref: 'main' } }]);
      const applied = await runAction('push', { ref: 'refs/heads/main', after: MERGE }, { sha: MERGE, ...extra });
      expect(applied.code).toBe(0);
      expect(applied.outputs.applied).toBe('true');
      expect(applied.summary).toContain('- `matrices/eu.yaml`, `matrices/us.yaml`: applied as reviewed');
      const roles = async (e: Emulator) => ((await api(e, 'GET', `/api/organizations/${e.organization}/roles/`)).json.results as { name: string }[]).map((r) => r.name);
      expect(await roles(emu)).toContain('Analysts');
      expect(await roles(eu)).toContain('Auditors');

      // Someone adds a member in one organization: the drift issue names that matrix only.
      await control(eu, 'POST', '/_emulator/members', { email: 'mallory@example.com', level: 8 });
      await writeFile(join(workspace, 'matrices', 'eu.yaml'), `${teamIn(eu, 'EU_KEY', 'Auditors')}members:\n  alice@example.com: owner\nprune:\n  members: true\nsafety:\n  max_deletes: 100\n`);
      const drifted = await runAction('schedule', {}, { sha: MERGE, ...extra });
      expect(drifted.code).toBe(0);
      expect(drifted.outputs.drift).toBe('true');
      expect(gh.issues[0]!.body).toContain('PostHog differs from `matrices/eu.yaml` as of');
      expect(gh.issues[0]!.body).toContain('## posthog-access drift for 2 organizations');
    } finally {
      await eu.close();
    }
  });
});
