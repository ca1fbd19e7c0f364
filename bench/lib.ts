// What the benchmark is built from: the CLI run as a fresh process (as users run it), the emulator
// in its own process (calls are counted there, not by the client), and statistics over repeated
// runs (median and spread, never one sample).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { createInterface } from 'node:readline';
import { performance } from 'node:perf_hooks';

/**
 * The CLI as installed: bin/posthog-access.js beside package.json and the compiled dist/, built into
 * a scratch folder by run.ts (a leftover dist/ would shadow the sources). The bin is what users run:
 * it checks Node's version and turns on Node's compile cache before loading dist/cli/main.js.
 */
export const BUILD = '.bench-build';
export const CLI = `${BUILD}/bin/posthog-access.js`;

export interface Stats { median: number; min: number; max: number; runs: number }

export function stats(values: number[]): Stats {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median, min: sorted[0]!, max: sorted[sorted.length - 1]!, runs: sorted.length };
}

/** "1.23 s (1.20–1.31, 5 runs)" */
export function show(s: Stats, unit: 'ms' | 's' | 'MB' | '', digits = unit === 's' ? 2 : 0): string {
  const f = (v: number) => v.toFixed(digits);
  return `${f(s.median)}${unit && ` ${unit}`} (${f(s.min)}–${f(s.max)}, ${s.runs} runs)`;
}

export interface CliRun {
  code: number;
  /** Killed after `timeoutMs` (the run's other measurements are then meaningless). */
  timedOut: boolean;
  /** From spawn to exit, measured by the parent: start-up included. */
  wallMs: number;
  /** When the process was spawned (epoch ms), to compare with the emulator's request log. */
  spawnedAt: number;
  cpuMs: number;
  maxRssMb: number;
  packages: string[];
  stdout: string;
  stderr: string;
}

/**
 * One `posthog-access` command in a fresh process, running the compiled JavaScript. With `usage`,
 * a preload reports CPU, peak memory and the packages loaded (it costs a little start-up, so the
 * start-up benchmarks time runs without it).
 */
export interface RunOptions {
  env?: Record<string, string>;
  keepStdout?: boolean;
  /** Kill the process after this long (a case that cannot finish is reported as such, not waited for forever). */
  timeoutMs?: number;
}

export async function runCli(args: string[], options: RunOptions & { usage?: boolean } = {}): Promise<CliRun> {
  const preload = options.usage === false ? [] : ['--import', './bench/report-usage.mjs'];
  const run = await runNode([...preload, CLI, ...args], options);
  return { ...run, packages: [...new Set(run.packages.flatMap(chunkContents))].sort() };
}

/** What each file of the bundled CLI holds (written by run.ts from esbuild's metafile), by file name. */
export const CHUNKS = `${BUILD}/chunks.json`;
let chunks: Record<string, string[]> | undefined;

/** "chunk:main.js" (a file of the bundle report-usage.mjs saw loaded) → the packages and source folders in it. */
function chunkContents(name: string): string[] {
  if (!name.startsWith('chunk:')) return [name];
  chunks ??= existsSync(CHUNKS) ? JSON.parse(readFileSync(CHUNKS, 'utf8')) as Record<string, string[]> : {};
  return chunks[name.slice('chunk:'.length)] ?? [name];
}

/** From esbuild's metafile: each output file's name → the packages and posthog-access/<folder> it bundles. */
export function chunkIndex(meta: { outputs: Record<string, { inputs: Record<string, unknown> }> }): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [file, { inputs }] of Object.entries(meta.outputs)) {
    const groups = new Set<string>();
    for (const input of Object.keys(inputs)) {
      const pkg = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
      const own = /(?:^|\/)src\/([a-z]+)\//.exec(input);
      if (pkg) groups.add(pkg[1]!);
      else if (own) groups.add(`posthog-access/${own[1]}`);
    }
    out[basename(file)] = [...groups].sort();
  }
  return out;
}

export async function runNode(args: string[], options: RunOptions = {}): Promise<CliRun> {
  const spawnedAt = Date.now();
  const started = performance.now();
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1', ...options.env } });
  let stdout = '';
  let stdoutBytes = 0;
  let stderr = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    stdoutBytes += chunk.length;
    if (options.keepStdout) stdout += chunk;
  });
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => { stderr += chunk; });
  let timedOut = false;
  const timer = options.timeoutMs === undefined ? undefined : setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, options.timeoutMs);
  const code = await new Promise<number>((resolve) => child.once('close', (c) => resolve(c ?? -1)));
  clearTimeout(timer);
  const wallMs = performance.now() - started;
  const last = stderr.trimEnd().split('\n').pop() ?? '';
  let usage = { cpuMs: NaN, maxRssMb: NaN, packages: [] as string[] };
  if (last.startsWith('{"code"')) {
    usage = JSON.parse(last);
    stderr = stderr.slice(0, stderr.lastIndexOf(last)).trimEnd();
  }
  if (!options.keepStdout) stdout = `(${stdoutBytes} characters)`;
  return { code, timedOut, wallMs, spawnedAt, cpuMs: usage.cpuMs, maxRssMb: usage.maxRssMb, packages: usage.packages, stdout, stderr };
}

export interface RequestLogEntry { method: string; path: string; query: string; status: number; time: string }

/** The emulator in its own process, driven through its control API (docs/emulator.md). */
export class EmulatorProcess {
  readonly url: string;
  readonly key: string;
  private readonly child: ChildProcess;

  private constructor(url: string, key: string, child: ChildProcess) {
    this.url = url;
    this.key = key;
    this.child = child;
  }

  static async start(state: unknown, dir: string, name: string): Promise<EmulatorProcess> {
    const file = join(dir, `${name}.json`);
    await writeFile(file, JSON.stringify(state));
    const child = spawn(process.execPath, [CLI, 'emulator', '--quiet', '--port', '0', '--state', file], { stdio: ['ignore', 'pipe', 'inherit'] });
    const first = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout! }).once('line', resolve);
      child.once('exit', (code) => reject(new Error(`emulator exited with ${code}`)));
    });
    const { url, key } = JSON.parse(first) as { url: string; key: string };
    return new EmulatorProcess(url, key, child);
  }

  async control(method: string, path: string, body?: unknown): Promise<any> {
    const res = await fetch(`${this.url}${path}`, {
      method, headers: { 'content-type': 'application/json' }, ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return res.status === 204 ? undefined : res.json();
  }

  /** A fresh key of the organization's owner: PostHog's rate limits count per key. */
  async mintKey(): Promise<string> {
    const { value } = await this.control('POST', '/_emulator/keys', { email: 'person0@example.com', scopes: ['*'], label: 'bench' });
    return value as string;
  }

  /** Put the organization back as it was (between runs that write). */
  async load(state: unknown): Promise<void> {
    await this.control('PUT', '/_emulator/state', state);
  }

  async latency(ms: number, jitterMs = 5): Promise<void> {
    if (ms > 0) await this.control('POST', '/_emulator/faults', { seed: 1, rules: [{ path: '/api/**', latency_ms: ms, jitter_ms: jitterMs }] });
    else await this.control('DELETE', '/_emulator/faults');
  }

  /** PostHog's 480/minute and 4,800/hour per key, or none (a self-hosted instance may have none). */
  async rateLimit(enabled: boolean): Promise<void> {
    await this.control('POST', '/_emulator/rate_limit', enabled ? {} : { enabled: false });
  }

  async clearRequests(): Promise<void> {
    await this.control('DELETE', '/_emulator/requests');
  }

  async requests(): Promise<RequestLogEntry[]> {
    return this.control('GET', '/_emulator/requests');
  }

  env(key: string): Record<string, string> {
    return { POSTHOG_HOST: this.url, POSTHOG_PERSONAL_API_KEY: key };
  }

  /** Stops it and waits for it to exit (it saves its state on the way out: its folder must still be there). */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill('SIGTERM');
    await exited;
  }
}

/** Calls as the emulator saw them: all, throttled (429), writes, and when the first and last arrived. */
export function callsOf(log: RequestLogEntry[]) {
  const times = log.map((r) => Date.parse(r.time));
  return {
    calls: log.length,
    throttled: log.filter((r) => r.status === 429).length,
    reads: log.filter((r) => r.method === 'GET').length,
    writes: log.filter((r) => r.method !== 'GET').length,
    firstAt: times.length ? Math.min(...times) : NaN,
    lastAt: times.length ? Math.max(...times) : NaN,
    firstWriteAt: Math.min(...log.filter((r) => r.method !== 'GET').map((r) => Date.parse(r.time))),
  };
}
