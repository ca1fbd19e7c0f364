// One apply at a time per organization and PostHog host on this machine. Two applies at once both
// pass the freshness check and then both create what is missing (two projects of one name, two keys
// per label); the lock makes the second wait for the first, then read PostHog afresh. The lock is a
// file in a folder only this user can reach, holding the owner's PID: released when the apply ends,
// and taken over when that process no longer exists (a crash, a kill -9).
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { UnsafePlanError } from '../errors.ts';

export interface ApplyLock {
  /** The lock file, for messages. */
  readonly path: string;
  release(): void;
}

export interface LockOptions {
  /** PostHog's canonical host and the organization id: what the lock is for. */
  host: string;
  organization: string;
  /** How long to wait for another apply to finish before refusing (default 5 minutes; 0: refuse at once). */
  waitMs?: number;
  /** Where lock files live (default: a folder of this user's in the system's temporary folder). */
  dir?: string;
  signal?: AbortSignal;
  /** Told once when this apply starts waiting. */
  onWait?: (holder: string) => void;
  /** Injectable for tests. */
  pollMs?: number;
}

interface Holder {
  pid: number;
  machine: string;
  startedAt: string;
  host: string;
  organization: string;
}

export const DEFAULT_LOCK_WAIT_MS = 5 * 60_000;

/** Locks this process holds: a PID check cannot tell two applies in one process apart (tests, the demo). */
const held = new Set<string>();

export function lockDir(): string {
  let uid = 'user';
  try {
    uid = String(userInfo().uid);
  } catch { /* no user database: one folder for all */ }
  return join(tmpdir(), `posthog-access-${uid}`);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // exists, but another user's
  }
}

function readHolder(path: string): Holder | undefined {
  try {
    const h = JSON.parse(readFileSync(path, 'utf8')) as Holder;
    return Number.isInteger(h.pid) ? h : undefined;
  } catch {
    return undefined;
  }
}

const describe = (h: Holder | undefined) => (h ? `pid ${h.pid}, started ${h.startedAt}` : 'a process that has not written its details yet');

/** Whether the lock at `path` belongs to no running apply (its process is gone, or it is unreadable and old). */
function stale(path: string, h: Holder | undefined): boolean {
  if (held.has(path)) return false;
  if (h) return h.machine !== hostname() ? false : h.pid === process.pid || !alive(h.pid);
  try {
    return Date.now() - statSync(path).mtimeMs > 10_000; // a writer dies between create and write
  } catch {
    return true;
  }
}

export async function acquireApplyLock(options: LockOptions): Promise<ApplyLock> {
  const dir = options.dir ?? lockDir();
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const name = createHash('sha256').update(`${options.host}\n${options.organization}`).digest('hex').slice(0, 24);
  const path = join(dir, `apply-${name}.lock`);
  const me: Holder = { pid: process.pid, machine: hostname(), startedAt: new Date().toISOString(), host: options.host, organization: options.organization };
  const waitMs = options.waitMs ?? DEFAULT_LOCK_WAIT_MS;
  const deadline = Date.now() + waitMs;
  let told = false;
  for (;;) {
    try {
      writeFileSync(path, JSON.stringify(me), { flag: 'wx', mode: 0o600 });
      held.add(path);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const holder = readHolder(path);
    if (stale(path, holder)) {
      // Moved aside before removal: of two processes recovering it at once, one succeeds.
      const aside = `${path}.${process.pid}.stale`;
      try {
        renameSync(path, aside);
        rmSync(aside, { force: true });
      } catch { /* another process recovered it first */ }
      continue;
    }
    const who = describe(holder);
    if (Date.now() >= deadline || options.signal?.aborted) {
      const why = options.signal?.aborted ? (options.signal.reason as Error | undefined)?.message ?? 'interrupted' : waitMs ? `after waiting ${Math.round(waitMs / 1000)} s` : 'at once (--lock-wait 0)';
      throw new UnsafePlanError(
        `another apply to organization ${options.organization} on ${options.host} is running on this machine (${who}): nothing was applied, refused ${why}. ` +
          `Run again once it has finished (the lock file is ${path}; it is taken over by itself when that process no longer exists)`,
      );
    }
    if (!told) {
      options.onWait?.(who);
      told = true;
    }
    await new Promise((r) => setTimeout(r, Math.min(options.pollMs ?? 200, Math.max(1, deadline - Date.now()))));
  }

  // Once per lock taken: a second call must not let go of the same file taken again since (by
  // another apply of this process, which `held` then holds for).
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    held.delete(path);
    process.off('exit', release);
    try {
      const h = readHolder(path);
      if (h?.pid === me.pid && h.startedAt === me.startedAt) unlinkSync(path);
    } catch { /* gone already */ }
  };
  process.once('exit', release); // an exit without unwinding (process.exit) still releases it
  return { path, release };
}
