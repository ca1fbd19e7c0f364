import { describe, expect, it } from 'vitest';
import type { ActualState } from '../../src/model/actual.ts';
import { NOT_FINGERPRINTED, canonicalJson, fingerprint, moved } from '../../src/plan/fingerprint.ts';
import { actual } from './builders.ts';

describe('fingerprint', () => {
  const base = () => actual((b) => b.member('bob@x.io', 'member').project('Prod'));

  it('is the same for the same state, whatever the key order', () => {
    const state = base();
    const reversed = <T>(o: T): T => JSON.parse(JSON.stringify(o, (_k, v) => (v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).reverse()) : v)));
    expect(fingerprint(reversed(state))).toEqual(fingerprint(state));
    expect(canonicalJson({ b: 1, a: { d: 2, c: 3 } })).toBe(canonicalJson({ a: { c: 3, d: 2 }, b: 1 }));
  });

  it('writes exactly what JSON.stringify writes of sorted copies: saved plans keep their fingerprints', () => {
    // The definition canonicalJson writes without the copies: each object's entries sorted by code unit.
    const reference = (value: unknown) => JSON.stringify(value, (_key, v: unknown) =>
      v && typeof v === 'object' && !Array.isArray(v)
        ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
        : v);
    const state = actual((b) => b.member('bob@x.io', 'member').member('Ann@x.io', 'admin').project('Prod').project('10').project('9'));
    const tricky = {
      b: [1, undefined, () => 1, null, { z: undefined, y: Symbol('s'), x: NaN, w: -0, v: Infinity }],
      '10': 'ten', '9': 'nine', '0': 0, '007': 'not an index', '4294967295': 'too large', '-1': 'negative', '': 'empty',
      a: { when: new Date('2026-11-22T00:00:00Z'), 'é': 'accent', Z: 'upper', 'a"b': 'quote\n', nested: [[], {}, [{ '2': 2, '1': 1 }]] },
      f: () => 1, u: undefined, t: true, s: 'line\u2028',
    };
    for (const value of [state, tricky, [tricky, state.members], 'text', 3, null, true, { only: undefined }]) {
      expect(canonicalJson(value)).toBe(reference(value));
    }
    expect(canonicalJson(undefined)).toBe(reference(undefined));
    expect(fingerprint(state).digest).toMatch(/^[0-9a-f]{64}$/);
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

describe('fingerprint coverage', () => {
  // Every part of the state, present: a part added to ActualState must be added here (a type
  // error otherwise), and then be fingerprinted by some kind or declared NOT_FINGERPRINTED.
  const full: Required<ActualState> = {
    ...actual((b) => b.member('bob@x.io', 'member').invite('new@x.io', 'member').team('Eng', ['bob@x.io']).project('Prod').domain('x.io').identityProvider(['x.io'])),
    domains: {},
    identityProviders: [],
    apiKeys: { bi: { env: 'BI_KEY', found: false } },
    rulesElsewhere: { teams: { Eng: 3 }, members: {}, projects: 2 },
    duplicates: [{ kind: 'project', name: 'Prod', ids: [1, 2] }],
    secretKeyJournal: { 'Prod / svc': { started: '2026-11-22T00:00:00Z' } },
    secretKeySink: { file: 'secrets.json', exists: true, keys: { 'Prod / svc': 'other' } },
    created: { byEmail: { 'bob@x.io': [{ kind: 'feature_flag', project: 'Prod', id: 1, name: 'f', shared: true }] }, unread: [], projects: 1 },
  };

  it('covers every part of the actual state, or says why a part is left out', () => {
    const read = new Set<string>();
    const watched = new Proxy(full, { get: (target, name, receiver) => { read.add(String(name)); return Reflect.get(target, name, receiver); } });
    fingerprint(watched);
    const uncovered = Object.keys(full).filter((part) => !read.has(part) && !NOT_FINGERPRINTED.includes(part as keyof ActualState));
    expect(uncovered).toEqual([]);
  });

  it('moves when any fingerprinted part changes', () => {
    for (const part of Object.keys(full) as (keyof ActualState)[]) {
      if (NOT_FINGERPRINTED.includes(part)) continue;
      const changed = { ...full, [part]: Array.isArray(full[part]) ? [{ id: 'new' }] : { changed: { id: 'new', name: 'changed', domain: 'changed', email: 'changed', rulesLoaded: true } } };
      expect(fingerprint(changed).digest, part).not.toBe(fingerprint(full).digest);
    }
  });
});
