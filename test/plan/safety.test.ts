// The safety gate: one function decides every refusal, for plan (the guards) and for apply (a
// saved plan's time, host and state; the key's scopes; the secret sink).
import { describe, expect, it } from 'vitest';
import { buildPlan } from '../../src/plan/plan.ts';
import { overrideHint } from '../../src/plan/render/describe.ts';
import { gatedOrganizations, refusalsOf, removalCount, type GatedOrganization } from '../../src/plan/safety.ts';
import { actual, desired, project } from './builders.ts';

const NOW = new Date('2026-11-22T12:00:00Z');
const HOST = 'https://us.posthog.com';
const READ = { organization: '@current', projects: [], secretKeys: [], domains: false };

/** The plan's one organization, as the gate judges it. */
function planOf(d: ReturnType<typeof desired>, a: ReturnType<typeof actual>, at = NOW): GatedOrganization {
  return gatedOrganizations(buildPlan({ desired: d, actual: a, at, createdAt: NOW, host: HOST, matrix: { file: 'm.yaml', sha256: 'x'.repeat(64) }, read: READ }))[0]!;
}

const applying = (overrides: Partial<{ now: Date; host: string; saved: boolean; secretSink: boolean }> = {}) => ({ now: NOW, host: HOST, saved: true, secretSink: true, ...overrides });
const guards = (refusals: { guard: string }[]) => refusals.map((r) => r.guard);

describe('safety gate: a saved plan', () => {
  const a = actual((b) => b.member('bob@x.io', 'member'));
  const d = desired({ members: { 'bob@x.io': { level: 'admin' } } });

  it('applies as reviewed: same moment, same host, same state', () => {
    expect(refusalsOf(planOf(d, a), { actual: a, apply: applying() })).toEqual([]);
  });

  it('refuses a plan made --at another moment, before any read', () => {
    expect(guards(refusalsOf(planOf(d, a, new Date('2027-01-01T00:00:00Z')), { apply: applying() }))).toEqual(['at']);
  });

  it('refuses a plan past its validUntil', () => {
    const plan = planOf(desired({ members: { 'bob@x.io': { level: 'admin', expires: '2026-11-30' } } }), a);
    expect(plan.validUntil).toBe('2026-12-01T00:00:00.000Z');
    expect(refusalsOf(plan, { apply: applying({ now: new Date('2026-11-30T23:59:59Z') }) })).toEqual([]);
    expect(guards(refusalsOf(plan, { apply: applying({ now: new Date('2026-12-01T00:00:00Z') }) }))).toEqual(['valid_until']);
  });

  it('refuses a plan made against another host', () => {
    const [refusal] = refusalsOf(planOf(d, a), { apply: applying({ host: 'https://eu.posthog.com' }) });
    expect(refusal).toMatchObject({ guard: 'host', message: expect.stringContaining('made against https://us.posthog.com') });
  });

  it('refuses a plan whose organization moved since, naming what moved', () => {
    const moved = structuredClone(a);
    moved.members['bob@x.io']!.level = 8;
    const [refusal] = refusalsOf(planOf(d, a), { actual: moved, apply: applying() });
    expect(refusal).toMatchObject({ guard: 'stale', message: expect.stringContaining('(members)') });
  });

  it('a plan made in this run is not judged as a saved one', () => {
    expect(refusalsOf(planOf(d, a, new Date('2027-01-01T00:00:00Z')), { actual: a, apply: applying({ saved: false }) })).toEqual([]);
  });
});

describe('safety gate: before writing', () => {
  it('refuses making secret key values without a sink, and only then', () => {
    const d = desired({ projects: { Prod: project({ secretKeys: { svc: { scopes: ['query:read'] } } }) } });
    const a = actual((b) => b.project('Prod', { secretKeys: {} }));
    const plan = planOf(d, a);
    expect(plan.refusals).toEqual([]); // planning needs no sink
    const [refusal] = refusalsOf(plan, { actual: a, apply: applying({ secretSink: false }) });
    expect(refusal).toMatchObject({ guard: 'secrets', changeIds: ['secret_key:Prod / svc'], message: expect.stringContaining('--secrets-file') });
    expect(refusalsOf(plan, { actual: a, apply: applying() })).toEqual([]);
  });

  it('checks the key\'s scopes only when there is something to write', () => {
    const a = actual();
    a.key = null;
    expect(refusalsOf(planOf(desired(), a), { actual: a, apply: applying() })).toEqual([]);
    const b = actual((x) => x.member('bob@x.io', 'member'));
    b.key = null;
    expect(guards(refusalsOf(planOf(desired({ members: { 'bob@x.io': { level: 'admin' } } }), b), { actual: b, apply: applying() }))).toEqual(['scope']);
  });
});

describe('safety gate: max_deletes and its override', () => {
  it('counts what goes with a removed team, and the hint asks for that same number', () => {
    const a = actual((b) => b.member('bob@x.io', 'member').member('carol@x.io', 'member').team('Old', ['bob@x.io', 'carol@x.io']));
    const d = desired({ members: { 'bob@x.io': { level: 'member' }, 'carol@x.io': { level: 'member' } }, prune: { teams: true }, safety: { maxDeletes: 2, protected: [] } });
    const plan = planOf(d, a);
    const refusal = plan.refusals.find((r) => r.guard === 'max_deletes')!;
    expect(removalCount(plan.changes)).toEqual({ total: 3, cascaded: 2 });
    expect(refusal.message).toContain('--allow-deletes 3');
    // A refusal that does not say it (an older plan's wording) gets the hint with the gate's count.
    expect(overrideHint(plan, { ...refusal, message: 'too many removals' })).toBe('--allow-deletes 3');
    expect(refusalsOf(plan, { actual: a, allowDeletes: 3 })).toEqual([]);
  });
});
