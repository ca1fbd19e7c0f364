// Calls made with one key by one process still count at PostHog for the next: the client keeps
// their times in a file under the cache directory, named by a hash, never holding the key.
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cacheDirOf, callLogFile, readCallLog, writeCallLog } from '../../src/posthog/call-log.ts';
import { PostHogClient } from '../../src/posthog/client.ts';
import { RateLimiter } from '../../src/posthog/rate-limiter.ts';
import { cli, emulator, type Emulator } from '../integration/harness.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'call-log-'));
});
afterEach(async () => {
  vi.useRealTimers();
  await rm(dir, { recursive: true, force: true });
});

describe('the call log file', () => {
  it('lives under $XDG_CACHE_HOME, else $HOME/.cache; with neither there is none', () => {
    expect(cacheDirOf({ XDG_CACHE_HOME: '/x', HOME: '/h' })).toBe(join('/x', 'posthog-access'));
    expect(cacheDirOf({ HOME: '/h' })).toBe(join('/h', '.cache', 'posthog-access'));
    expect(cacheDirOf({})).toBeUndefined();
  });

  it('is named by a hash of host and key, holds only times, and is readable by its owner only', async () => {
    const key = 'phx_SECRETsecretSECRETsecret1234';
    const file = callLogFile(dir, 'https://us.posthog.com', key);
    expect(file).not.toContain(key);
    expect(callLogFile(dir, 'https://eu.posthog.com', key)).not.toBe(file);
    writeCallLog(file, dir, [1_000, 2_000], 3_000);
    const text = await readFile(file, 'utf8');
    expect(text).not.toContain('SECRET');
    expect(readCallLog(file, 3_000)).toEqual([1_000, 2_000]);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it('merges with what another process wrote, without counting the times it started from twice', () => {
    const file = callLogFile(dir, 'https://us.posthog.com', 'phx_k');
    writeCallLog(file, dir, [1_000, 2_000], 5_000); // process A
    const seen = readCallLog(file, 5_000); // process B starts from A's calls
    writeCallLog(file, dir, [1_500], 5_000); // meanwhile process C adds one
    writeCallLog(file, dir, [...seen, 4_000, 4_000], 5_000); // B: A's calls plus two of its own at the same ms
    expect(readCallLog(file, 5_000)).toEqual([1_000, 1_500, 2_000, 4_000, 4_000]);
  });

  it('forgets calls older than an hour, and starts empty from a damaged file', async () => {
    const file = callLogFile(dir, 'https://us.posthog.com', 'phx_k');
    writeCallLog(file, dir, [0, 3_600_000, 3_700_000], 3_700_000);
    expect(readCallLog(file, 3_700_000)).toEqual([3_600_000, 3_700_000]);
    await writeFile(file, '{"format":1,"calls":[1,');
    expect(readCallLog(file, 10)).toEqual([]);
    for (const damaged of ['null', '7', '"calls"', '[]']) {
      await writeFile(file, damaged);
      expect(readCallLog(file, 10)).toEqual([]);
    }
  });
});

describe('back to back with one key, counted at the emulator', () => {
  // A small limit on both sides, so the test needs few calls; Date is faked (the emulator's
  // throttle reads it too) and the client's sleep moves it, so nothing waits in real time.
  const LIMIT = 10;
  let emu: Emulator;
  beforeEach(async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: Date.UTC(2026, 10, 30, 12) });
    emu = await emulator({ rateLimit: { perMinute: LIMIT, perHour: 1_000 } });
  });
  afterEach(async () => {
    await emu.close();
  });

  const sleep = async (ms: number) => { vi.setSystemTime(Date.now() + Math.max(0, ms)); };
  async function run(calls: number, callLogDir?: string): Promise<void> {
    const client = new PostHogClient({
      key: emu.key, host: emu.url, sleep, now: () => Date.now(),
      rateLimiter: new RateLimiter({ windows: [{ limit: LIMIT, windowMs: 60_000 }], sleep, now: () => Date.now() }),
      ...(callLogDir && { callLogDir }),
    });
    try {
      for (let i = 0; i < calls; i++) await client.get('/api/users/@me/');
    } finally {
      await client.close();
    }
  }
  const statuses = () => emu.requests.filter((r) => r.path.startsWith('/api/')).map((r) => r.status);

  it('the second process paces from the first one\'s calls and meets no 429', async () => {
    await run(8, dir);
    await run(8, dir);
    expect(statuses()).toEqual(Array(16).fill(200));
  });

  it('without the log, the second process would meet a 429 (what the log prevents)', async () => {
    await run(8);
    await run(8);
    expect(statuses().filter((s) => s === 429).length).toBeGreaterThan(0);
    expect(statuses().filter((s) => s === 200)).toHaveLength(16);
  });
});

describe('the CLI', () => {
  it('plan and apply leave the times of their calls in the cache directory, never the key', async () => {
    const emu = await emulator();
    try {
      const cache = join(dir, 'cache');
      const plan = await cli(emu, ['plan', '-m', 'access-matrix.example.yaml', '--out', join(dir, 'plan.json')], { XDG_CACHE_HOME: cache });
      expect(plan.code, plan.stderr).toBe(0);
      const files = await readdir(join(cache, 'posthog-access'));
      expect(files).toHaveLength(1);
      const file = join(cache, 'posthog-access', files[0]!);
      expect(await readFile(file, 'utf8')).not.toContain(emu.key);
      const sent = emu.requests.filter((r) => r.path.startsWith('/api/')).length;
      expect(readCallLog(file, Date.now())).toHaveLength(sent);
      const apply = await cli(emu, ['apply', join(dir, 'plan.json'), '--journal', join(dir, 'journal.jsonl'), '--secrets-file', join(dir, 'secrets.json')], { XDG_CACHE_HOME: cache });
      expect(apply.code, apply.stderr).toBe(0);
      expect(readCallLog(file, Date.now())).toHaveLength(emu.requests.filter((r) => r.path.startsWith('/api/')).length);
    } finally {
      await emu.close();
    }
  });
});
