// Benchmarks (npm run bench): API calls against the minimum, and time and memory for large
// simulated organizations, against the emulator in a child process with injected latency.
// Targets from PRODUCT.md: plan of 2,000 members / 200 projects / 50 teams / 10,000 rules under
// 10 s at 50 ms per call, peak memory under 200 MB, validate of a 5,000-line matrix under 1 s.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { performance } from 'node:perf_hooks';
import { Agent, request } from 'undici';
import { generateMatrix, generateOrganization, type OrgSize } from './generate.ts';
import { parseMatrix } from '../src/matrix/load.ts';
import { bigMatrix, problemsOf } from '../test/matrix/helpers.ts';
import { createApiFromEnv } from '../src/posthog/api.ts';
import { LIST_PAGE_SIZE } from '../src/posthog/api.ts';
import { fetchActual } from '../src/state/fetch.ts';
import { readScopeOf } from '../src/plan/reads.ts';
import { buildPlan } from '../src/plan/plan.ts';
import { applyPlan } from '../src/apply/apply.ts';

interface Running { url: string; key: string; organization: string; child: ChildProcess }

async function startEmulatorProcess(state: unknown, dir: string, name: string): Promise<Running> {
  const file = join(dir, `${name}.json`);
  await writeFile(file, JSON.stringify(state));
  const child = spawn(process.execPath, ['src/cli/main.ts', 'emulator', '--quiet', '--port', '0', '--state', file], { stdio: ['ignore', 'pipe', 'inherit'] });
  const first = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`emulator exited with ${code}`)));
  });
  return { ...(JSON.parse(first) as { url: string; key: string; organization: string }), child };
}

async function control(emu: Running, path: string, body: unknown): Promise<any> {
  const res = await fetch(`${emu.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

/**
 * `posthog-access plan` as users run it: the compiled build (no type stripping), in its own
 * process, with its own key (rate limits are per key).
 */
async function planInChild(emu: Running, matrix: string): Promise<{ code: number; seconds: number; maxRssMb: number }> {
  const { value: key } = await control(emu, '/_emulator/keys', { email: 'person0@example.com', scopes: ['*'], label: 'bench' });
  const child = spawn(process.execPath, ['--import', './bench/report-usage.mjs', `${BUILD}/cli/main.js`, 'plan', '--format', 'json', '-m', matrix], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, POSTHOG_HOST: emu.url, POSTHOG_PERSONAL_API_KEY: key },
  });
  let stderr = '';
  child.stderr!.on('data', (chunk) => { stderr += chunk; });
  await new Promise((resolve) => child.once('exit', resolve));
  return JSON.parse(stderr.trim().split('\n').pop() ?? '{}');
}

const BUILD = '.bench-build';

const rows: { benchmark: string; measured: string; target: string; ok: boolean }[] = [];
const record = (benchmark: string, measured: string, target: string, ok: boolean) => {
  rows.push({ benchmark, measured, target, ok });
  process.stdout.write(`${ok ? 'ok  ' : 'MISS'} ${benchmark}: ${measured} (target ${target})\n`);
};

async function planLarge(dir: string): Promise<void> {
  const size: OrgSize = { members: 2_000, projects: 200, teams: 50, rulesPerProject: 50, seed: 7 };
  const emu = await startEmulatorProcess(generateOrganization(size), dir, 'large');
  try {
    await control(emu, '/_emulator/faults', { seed: 1, rules: [{ path: '/api/**', latency_ms: 50, jitter_ms: 5 }] });
    const matrixText = generateMatrix(size, 11);
    const matrixFile = join(dir, 'large-matrix.yaml');
    await writeFile(matrixFile, matrixText);
    const { desired } = parseMatrix(matrixText, 'generated.yaml', {});
    const api = createApiFromEnv({ key: emu.key, host: emu.url });
    try {
      const started = performance.now();
      const read = readScopeOf(desired);
      const actual = await fetchActual(api, read);
      const plan = buildPlan({ desired, actual, at: new Date(), createdAt: new Date(), host: emu.url, matrix: { file: 'generated.yaml', sha256: '' }, read });
      const seconds = (performance.now() - started) / 1000;
      const named = Object.keys(desired.projects).filter((p) => actual.projects[p]).length;
      const minimum = 3 + Math.ceil(size.members / LIST_PAGE_SIZE) + 3 + 2 * named;
      const rules = Object.values(actual.projects).reduce((n, p) => n + Object.keys(p.members).length + Object.keys(p.teams).length + (p.default ? 1 : 0)
        + Object.values(p.resources).reduce((m, r) => m + Object.keys(r.members).length + Object.keys(r.teams).length + (r.default ? 1 : 0), 0), 0);
      record('plan: API calls', `${api.requestCount} calls for ${size.members} members, ${named} named projects, ${rules} rules`, `the minimum, ${minimum}`, api.requestCount === minimum);
      record('plan: time at 50 ms per call', `${seconds.toFixed(2)} s (${plan.changes.length} changes)`, '< 10 s', seconds < 10);
      const cli = await planInChild(emu, matrixFile);
      record('plan: the published CLI in its own process (load, fetch, plan, JSON)', `${cli.seconds.toFixed(2)} s, peak memory ${cli.maxRssMb.toFixed(0)} MB`, '< 10 s, < 200 MB', cli.code === 0 && cli.seconds < 10 && cli.maxRssMb < 200);

    } finally {
      await api.close();
    }
  } finally {
    emu.child.kill('SIGTERM');
  }
}

/** Apply under PostHog's rate limit (the emulator enforces 480/minute), with forced 429s absorbed. */
async function applyMedium(dir: string): Promise<void> {
  const size: OrgSize = { members: 300, projects: 20, teams: 10, rulesPerProject: 12, seed: 21 };
  const emu = await startEmulatorProcess(generateOrganization(size), dir, 'medium');
  try {
    await control(emu, '/_emulator/faults', { seed: 2, rules: [{ path: '/api/**', latency_ms: 50, jitter_ms: 5 }, { path: '/api/projects/**', method: 'PUT', throttle_count: 5, retry_after: 1 }] });
    const { desired } = parseMatrix(generateMatrix(size, 13), 'generated.yaml', {});
    const api = createApiFromEnv({ key: emu.key, host: emu.url });
    try {
      const read = readScopeOf(desired);
      const actual = await fetchActual(api, read);
      const plan = buildPlan({ desired, actual, at: new Date(), createdAt: new Date(), host: emu.url, matrix: { file: 'generated.yaml', sha256: '' }, read });
      const started = performance.now();
      const before = api.requestCount;
      const report = await applyPlan({ api, plan, actual, concurrency: 8 });
      const seconds = (performance.now() - started) / 1000;
      record('apply: 50 ms per call, 5 forced 429s', `${report.ok} done, ${report.failed} failed, ${report.skipped} skipped in ${seconds.toFixed(1)} s, ${api.requestCount - before} calls for ${plan.changes.length} changes`, 'every step done, 429s absorbed', report.failed === 0 && report.skipped === 0);
    } finally {
      await api.close();
    }
  } finally {
    emu.child.kill('SIGTERM');
  }
}

async function validateLarge(): Promise<void> {
  const size: OrgSize = { members: 1_500, projects: 120, teams: 40, rulesPerProject: 16, seed: 3 };
  const text = generateMatrix(size, 5);
  const lines = text.split('\n').length;
  parseMatrix(text, 'warmup.yaml', {}); // JIT warm-up, as a second run in CI would be
  const started = performance.now();
  parseMatrix(text, 'generated.yaml', {});
  const ms = performance.now() - started;
  record('validate', `${lines} lines in ${ms.toFixed(0)} ms`, '< 1,000 ms for 5,000 lines', ms < 1000 * Math.max(1, lines / 5000));

  // The error path must not be quadratic either: thousands of problems, all reported.
  const broken = bigMatrix(2000, 20, true);
  problemsOf(broken);
  const errorsStarted = performance.now();
  const problems = problemsOf(broken).length;
  const errorMs = performance.now() - errorsStarted;
  record('validate with errors', `${problems} problems in ${broken.split('\n').length} lines reported in ${errorMs.toFixed(0)} ms`, '< 1,000 ms', errorMs < 1000);
}

async function emulatorThroughput(dir: string): Promise<void> {
  const size: OrgSize = { members: 100_000, projects: 1_000, teams: 100, rulesPerProject: 5, seed: 9 };
  const emu = await startEmulatorProcess({ ...generateOrganization(size), rate_limit: false }, dir, 'huge');
  const agent = new Agent({ connections: 16 });
  try {
    const total = 5_000;
    let sent = 0;
    const started = performance.now();
    const worker = async () => {
      while (sent < total) {
        const offset = (sent++ * 97) % size.members;
        const res = await request(`${emu.url}/api/organizations/@current/members/?limit=100&offset=${offset}`, { dispatcher: agent, headers: { authorization: `Bearer ${emu.key}` } });
        await res.body.dump();
        if (res.statusCode !== 200) throw new Error(`status ${res.statusCode}`);
      }
    };
    await Promise.all(Array.from({ length: 16 }, worker));
    const perSecond = total / ((performance.now() - started) / 1000);
    record('emulator: 100,000 members, 1,000 projects', `${perSecond.toFixed(0)} member-page requests/s on loopback`, '> 1,000 requests/s', perSecond > 1000);
  } finally {
    await agent.close();
    emu.child.kill('SIGTERM');
  }
}

const dir = await mkdtemp(join(tmpdir(), 'posthog-access-bench-'));
// Measure the CLI as published (compiled as `npm run build` does), built into a scratch folder
// inside the project (for node_modules) and removed after: a leftover dist/ would be preferred by
// bin/posthog-access.js over the sources being edited.
execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json', '--outDir', BUILD], { stdio: 'inherit' });
process.on('exit', () => rmSync(BUILD, { recursive: true, force: true }));
await validateLarge();
await planLarge(dir);
await applyMedium(dir);
await emulatorThroughput(dir);
const missed = rows.filter((r) => !r.ok).length;
process.stdout.write(`\n${rows.length - missed} of ${rows.length} benchmarks within target.\n`);
process.exitCode = missed ? 1 : 0;
