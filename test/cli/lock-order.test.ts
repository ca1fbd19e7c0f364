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
    await waited;
    // Waiting for a, the first in order: b is not held meanwhile (another apply could take it).
    const free = await acquireApplyLock({ host: HOST, organization: b, waitMs: 0 });
    free.release();
    other.release();
    const locks = await locking;
    try {
      expect(locks.map((l) => l.organization)).toEqual([b, a]); // in the order of the matrices
      await expect(acquireApplyLock({ host: HOST, organization: b, waitMs: 0 })).rejects.toThrow(/another apply to organization/);
    } finally {
      for (const lock of locks) lock.release();
    }
  });

  it('refuses two matrices naming one organization before taking any lock', async () => {
    const org = randomUUID();
    const session = { env: { POSTHOG_HOST: HOST }, logger: { warn: () => {} } } as unknown as Session;
    const item = (file: string) => ({ file, session, api: {} as ClosablePostHogApi });
    await expect(lockOrganizations([item('x.yaml'), item('y.yaml')], () => org, 0)).rejects.toThrow(`x.yaml and y.yaml both name organization ${org} on ${HOST}`);
    const lock = await acquireApplyLock({ host: HOST, organization: org, waitMs: 0 }); // none left behind
    lock.release();
  });
});
