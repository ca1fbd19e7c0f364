// The apply lock: one apply per organization and host on this machine; a second waits or is
// refused; released at the end; taken over from a process that no longer exists.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { acquireApplyLock } from '../../src/apply/lock.ts';
import { UnsafePlanError } from '../../src/errors.ts';

const target = { host: 'https://eu.posthog.com', organization: '0190-org' };
const fresh = () => mkdtempSync(join(tmpdir(), 'posthog-access-lock-'));

describe('acquireApplyLock', () => {
  it('holds a file naming this process, removed on release', async () => {
    const dir = fresh();
    const lock = await acquireApplyLock({ ...target, dir });
    expect(JSON.parse(readFileSync(lock.path, 'utf8'))).toMatchObject({ pid: process.pid, machine: hostname(), ...target });
    lock.release();
    expect(existsSync(lock.path)).toBe(false);
  });

  it('a second apply to the same organization waits for the first, then goes on', async () => {
    const dir = fresh();
    const first = await acquireApplyLock({ ...target, dir });
    const waited: string[] = [];
    const second = acquireApplyLock({ ...target, dir, pollMs: 10, onWait: (h) => waited.push(h) });
    await new Promise((r) => setTimeout(r, 100));
    expect(waited).toEqual([`pid ${process.pid}, started ${JSON.parse(readFileSync(first.path, 'utf8')).startedAt}`]);
    first.release();
    const lock = await second;
    expect(existsSync(lock.path)).toBe(true);
    lock.release();
  });

  it('a lock released twice lets go once: the same file taken again meanwhile stays held, and is released by its own release', async () => {
    const dir = fresh();
    const first = await acquireApplyLock({ ...target, dir });
    first.release();
    const second = await acquireApplyLock({ ...target, dir, waitMs: 0 });
    first.release(); // again: a no-op
    await expect(acquireApplyLock({ ...target, dir, waitMs: 0 })).rejects.toThrow(UnsafePlanError);
    second.release();
    expect(existsSync(second.path)).toBe(false);
  });

  it('refuses when the wait is over, naming the holder and the lock file', async () => {
    const dir = fresh();
    const first = await acquireApplyLock({ ...target, dir });
    const err = await acquireApplyLock({ ...target, dir, waitMs: 0 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnsafePlanError);
    expect((err as Error).message).toBe(`another apply to organization 0190-org on https://eu.posthog.com is running on this machine (pid ${process.pid}, started ${JSON.parse(readFileSync(first.path, 'utf8')).startedAt}): nothing was applied, refused at once (--lock-wait 0). Run again once it has finished (the lock file is ${first.path}; it is taken over by itself when that process no longer exists)`);
    first.release();
  });

  it('another organization or host is not held up', async () => {
    const dir = fresh();
    const first = await acquireApplyLock({ ...target, dir });
    const other = await acquireApplyLock({ ...target, organization: 'other-org', dir, waitMs: 0 });
    const elsewhere = await acquireApplyLock({ ...target, host: 'https://us.posthog.com', dir, waitMs: 0 });
    for (const l of [first, other, elsewhere]) l.release();
  });

  it('takes over the lock of a process that crashed (its PID no longer exists)', async () => {
    const dir = fresh();
    const lock = await acquireApplyLock({ ...target, dir });
    lock.release();
    const dead = spawnSync(process.execPath, ['-e', 'process.exit(0)']).pid!;
    writeFileSync(lock.path, JSON.stringify({ pid: dead, machine: hostname(), startedAt: '2026-11-30T09:00:00.000Z', ...target }));
    const taken = await acquireApplyLock({ ...target, dir, waitMs: 0 });
    expect(JSON.parse(readFileSync(taken.path, 'utf8')).pid).toBe(process.pid);
    taken.release();
  });

  it('a stopped run stops waiting', async () => {
    const dir = fresh();
    const first = await acquireApplyLock({ ...target, dir });
    const controller = new AbortController();
    const pending = acquireApplyLock({ ...target, dir, pollMs: 10, signal: controller.signal }).catch((e: Error) => e);
    controller.abort(new DOMException('--timeout 1 s reached', 'TimeoutError'));
    expect(((await pending) as Error).message).toContain('nothing was applied, refused --timeout 1 s reached');
    first.release();
  });
});
