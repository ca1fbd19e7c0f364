import { describe, expect, it } from 'vitest';
import { effectiveGrant, endOf, nextBoundary } from '../../src/plan/expiry.ts';
import { desired, project } from './builders.ts';

describe('expiry', () => {
  it('a grant runs through the whole of its last day, UTC', () => {
    const grant = { level: 'admin' as const, expires: '2026-12-01', then: 'member' as const };
    expect(effectiveGrant(grant, new Date('2026-12-01T23:59:59Z')).level).toBe('admin');
    expect(effectiveGrant(grant, new Date('2026-12-02T00:00:00Z')).level).toBe('member');
    expect(new Date(endOf('2026-12-31')).toISOString()).toBe('2027-01-01T00:00:00.000Z');
  });

  it('nextBoundary: the first end of a grant after the given moment, wherever the grant is', () => {
    const d = desired({
      members: { 'a@x.io': { level: 'admin', expires: '2026-12-20' } },
      teams: { Eng: { members: [{ email: 'a@x.io', expires: '2027-01-05' }] } },
      projects: {
        P: project({
          members: { 'a@x.io': { level: 'admin', expires: '2026-11-01' } }, // already over
          resources: { insight: { teams: {}, members: { 'a@x.io': { level: 'viewer', expires: '2026-12-03' } } } },
        }),
      },
    });
    expect(nextBoundary(d, new Date('2026-11-22T12:00:00Z'))?.toISOString()).toBe('2026-12-04T00:00:00.000Z');
    expect(nextBoundary(d, new Date('2026-12-25T00:00:00Z'))?.toISOString()).toBe('2027-01-06T00:00:00.000Z');
    expect(nextBoundary(d, new Date('2027-02-01T00:00:00Z'))).toBeNull();
  });
});
