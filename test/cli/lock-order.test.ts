// apply -m a.yaml -m b.yaml takes its organizations' locks in one order (by host, then id),
// whatever the order of the matrices: two applies of the same organizations listed in other orders
// must not each hold one and wait for the other's until --lock-wait runs out.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { acquireApplyLock } from '../../src/apply/lock.ts';
import { lockOrganizations } from '../../src/cli/commands.ts';
import type { Session } from '../../src/cli/pipeline.ts';
import type { ClosablePostHogApi } from '../../src/posthog/api.ts';

const HOST = 'https://eu.posthog.com';

describe('apply locks several organizations in one order', () => {
  it('holds none while it waits for the first in order, though its matrix is listed second', async () => {
    const run = randomUUID();
    const [a, b] = [`${run}-a`, `${run}-b`];
    let waiting!: () => void;
    const waited = new Promise<void>((resolve) => { waiting = resolve; });
    const session = { env: { POSTHOG_HOST: HOST }, logger: { warn: () => waiting() } } as unknown as Session;
    const item = (file: string, organization: string) => ({ file, organization, session, api: {} as ClosablePostHogApi });

    const other = await acquireApplyLock({ host: HOST, organization: a }); // another apply holds a
    const locking = lockOrganizations([item('b.yaml', b), item('a.yaml', a)], (i) => i.organization, 30);
    try {
      await waited;
      // Waiting for a, the first in order: b is not held meanwhile (another apply could take it).
      const free = await acquireApplyLock({ host: HOST, organization: b, waitMs: 0 });
      free.release();
      other.release();
      const locks = await locking;
      expect(locks.map((l) => l.organization)).toEqual([b, a]); // in the order of the matrices
      await expect(acquireApplyLock({ host: HOST, organization: b, waitMs: 0 })).rejects.toThrow(/another apply to organization/);
    } finally {
      other.release();
      await locking.then((locks) => locks.forEach((l) => l.release()), () => {});
    }
  });

  it('waits --lock-wait once for the run, not once per organization', async () => {
    const run = randomUUID();
    const [a, b] = [`${run}-a`, `${run}-b`];
    const session = { env: { POSTHOG_HOST: HOST }, logger: { warn: () => {} } } as unknown as Session;
    const item = (file: string, organization: string) => ({ file, organization, session, api: {} as ClosablePostHogApi });
    const held = [await acquireApplyLock({ host: HOST, organization: a }), await acquireApplyLock({ host: HOST, organization: b })];
    try {
      // a is released after 1.5 s of a 2 s wait: b, still held, has what is left of it (0.5 s), not
      // another 2 s (3.5 s in all).
      setTimeout(() => held[0]!.release(), 1_500);
      const started = Date.now();
      await expect(lockOrganizations([item('a.yaml', a), item('b.yaml', b)], (i) => i.organization, 2)).rejects.toThrow(/^b\.yaml: another apply to organization/);
      expect(Date.now() - started).toBeLessThan(3_000);
      // a, taken meanwhile, was let go when b was refused.
      (await acquireApplyLock({ host: HOST, organization: a, waitMs: 0 })).release();
    } finally {
      for (const lock of held) lock.release();
    }
  });

  it('refuses two matrices naming one organization before taking any lock', async () => {
    const org = randomUUID();
    let waitedForLock = false;
    const session = { env: { POSTHOG_HOST: HOST }, logger: { warn: () => { waitedForLock = true; } } } as unknown as Session;
    const item = (file: string) => ({ file, session, api: {} as ClosablePostHogApi });
    // Another apply holds it: taking the lock first would wait here (30 s) before refusing.
    const other = await acquireApplyLock({ host: HOST, organization: org });
    try {
      await expect(lockOrganizations([item('x.yaml'), item('y.yaml')], () => org, 30)).rejects.toThrow(`x.yaml and y.yaml both name organization ${org} on ${HOST}`);
      expect(waitedForLock).toBe(false);
    } finally {
      other.release();
    }
  });
});
