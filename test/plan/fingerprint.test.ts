import { describe, expect, it } from 'vitest';
import { canonicalJson, fingerprint, moved } from '../../src/plan/fingerprint.ts';
import { actual } from './builders.ts';

describe('fingerprint', () => {
  const base = () => actual((b) => b.member('bob@x.io', 'member').project('Prod'));

  it('is the same for the same state, whatever the key order', () => {
    const state = base();
    const reversed = <T>(o: T): T => JSON.parse(JSON.stringify(o, (_k, v) => (v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).reverse()) : v)));
    expect(fingerprint(reversed(state))).toEqual(fingerprint(state));
    expect(canonicalJson({ b: 1, a: { d: 2, c: 3 } })).toBe(canonicalJson({ a: { c: 3, d: 2 }, b: 1 }));
  });

  it('names the sections that moved', () => {
    const before = base();
    const after = structuredClone(before);
    after.members['bob@x.io']!.level = 8;
    after.projects.Prod!.members['bob@x.io'] = { level: 'admin' };
    expect(moved(fingerprint(before), fingerprint(after))).toEqual(['members', 'project:Prod']);
  });

  it('ignores what does not change a plan: logins, 2FA, key use', () => {
    const before = base();
    before.projects.Prod!.secretKeys = { svc: { id: 'k', label: 'svc', scopes: ['feature_flag:read'], createdAt: '2026-01-01', lastRolledAt: null, lastUsedAt: null } };
    const after = structuredClone(before);
    after.members['bob@x.io']!.lastLogin = '2026-11-22T00:00:00Z';
    after.members['bob@x.io']!.is2faEnabled = false;
    after.projects.Prod!.secretKeys!.svc!.lastUsedAt = '2026-11-22T00:00:00Z';
    expect(moved(fingerprint(before), fingerprint(after))).toEqual([]);
    after.projects.Prod!.secretKeys!.svc!.scopes = ['query:read'];
    expect(moved(fingerprint(before), fingerprint(after))).toEqual(['project:Prod']);
  });
});
