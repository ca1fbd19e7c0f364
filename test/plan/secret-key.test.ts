import { describe, expect, it } from 'vitest';
import { diff } from '../../src/plan/diff.ts';
import { applyChange } from '../../src/apply/apply.ts';
import type { ApplyEnv } from '../../src/apply/writers/index.ts';
import type { PlanOptions } from '../../src/plan/kind.ts';
import type { SecretSink } from '../../src/secrets/sink.ts';
import { lostValue, secretKeyKind } from '../../src/plan/kinds/secret-key.ts';
import type { Change } from '../../src/plan/types.ts';
import type { PostHogApi } from '../../src/posthog/types.ts';
import type { ActualState } from '../../src/model/actual.ts';
import type { SecretKeySpec } from '../../src/model/desired.ts';
import { actual, desired, patchOf, project, secretKey } from './builders.ts';

const NOW = new Date('2026-11-22T12:00:00Z');
const brief = (c: Change) => `${c.action} ${c.kind} ${c.key}`;
const keys = (secretKeys: Record<string, SecretKeySpec>, prune = false) =>
  desired({ projects: { Production: project({ secretKeys }) }, prune: { secretKeys: prune } });
const withKeys = (...list: ReturnType<typeof secretKey>[]) =>
  actual((a) => a.project('Production', { secretKeys: Object.fromEntries(list.map((k) => [k.label, k])) }));
const run = (d: ReturnType<typeof desired>, a: ActualState, options: PlanOptions = {}, now = NOW) => diff(d, a, now, options);

describe('secret keys: plan', () => {
  it.each([
    ['creates a declared key that is missing', { svc: { scopes: ['feature_flag:read'] } }, [], ['create secret_key Production / svc']],
    ['leaves a matching key alone (scopes as a set)', { svc: { scopes: ['query:read', 'feature_flag:read', 'query:read'] } }, [secretKey('svc', ['feature_flag:read', 'query:read'])], []],
    ['updates scopes that differ', { svc: { scopes: ['feature_flag:read', 'query:read'] } }, [secretKey('svc', ['feature_flag:read'])], ['update secret_key Production / svc']],
    ['rolls a key older than rotate_after_days (from created_at)', { svc: { scopes: ['feature_flag:read'], rotateAfterDays: 90 } }, [secretKey('svc', ['feature_flag:read'], { createdAt: '2026-07-01T00:00:00Z' })], ['update secret_key Production / svc']],
    ['does not roll a key rolled recently, whatever its creation', { svc: { scopes: ['feature_flag:read'], rotateAfterDays: 90 } }, [secretKey('svc', ['feature_flag:read'], { createdAt: '2025-01-01T00:00:00Z', lastRolledAt: '2026-11-01T00:00:00Z' })], []],
    ['does not roll a key exactly rotate_after_days old', { svc: { scopes: ['feature_flag:read'], rotateAfterDays: 90 } }, [secretKey('svc', ['feature_flag:read'], { createdAt: '2026-08-24T12:00:00Z' })], []],
    ['does not roll without rotate_after_days', { svc: { scopes: ['feature_flag:read'] } }, [secretKey('svc', ['feature_flag:read'], { createdAt: '2020-01-01T00:00:00Z' })], []],
    ['reports an unlisted key without prune', { svc: { scopes: ['feature_flag:read'] } }, [secretKey('svc', ['feature_flag:read']), secretKey('old', ['query:read'])], []],
  ])('%s', (_name, spec, existing, expected) => {
    expect(run(keys(spec), withKeys(...existing)).changes.map(brief)).toEqual(expected);
  });

  it('a create carries the project and label, needs the project, and holds no value', () => {
    const result = run(desired({ projects: { New: project({ secretKeys: { svc: { scopes: ['query:read', 'feature_flag:read'] } } }) } }), actual());
    const create = result.changes.find((c) => c.kind === 'secret_key');
    expect(create).toMatchObject({
      action: 'create', key: 'New / svc', after: { scopes: ['feature_flag:read', 'query:read'], roll: false },
      subject: { project: 'New', label: 'svc' }, dependsOn: ['project:New'], destructive: false,
    });
  });

  it('a roll is an update whose after has roll: true, with the reason', () => {
    const [roll] = run(keys({ svc: { scopes: ['feature_flag:read'], rotateAfterDays: 90 } }), withKeys(secretKey('svc', ['feature_flag:read'], { createdAt: '2026-07-01T00:00:00Z' }))).changes;
    expect(roll).toMatchObject({
      action: 'update', before: { scopes: ['feature_flag:read'], roll: false }, after: { scopes: ['feature_flag:read'], roll: true },
      reason: 'older than rotate_after_days (90 days)', subject: { project: 'Production', label: 'svc' }, destructive: false,
    });
    expect(patchOf(roll)).toEqual([{ op: 'replace', path: '/roll', value: true }]);
  });

  it('a roll and a scope change are one update', () => {
    const [change] = run(keys({ svc: { scopes: ['query:read'], rotateAfterDays: 30 } }), withKeys(secretKey('svc', ['feature_flag:read'], { createdAt: '2026-01-01T00:00:00Z' }))).changes;
    expect(change).toMatchObject({ action: 'update', after: { scopes: ['query:read'], roll: true }, reason: 'scopes differ from the matrix; older than rotate_after_days (30 days)' });
    expect(change?.destructive).toBe(true); // feature_flag:read is lost
  });

  it('dropping a scope lowers access; adding one does not', () => {
    const down = run(keys({ svc: { scopes: ['query:read'] } }), withKeys(secretKey('svc', ['query:read', 'feature_flag:read']))).changes[0];
    const up = run(keys({ svc: { scopes: ['query:read', 'feature_flag:read'] } }), withKeys(secretKey('svc', ['query:read']))).changes[0];
    expect(down?.destructive).toBe(true);
    expect(up?.destructive).toBe(false);
  });

  it.each([
    ['all declared keys (true)', true as const, ['Production / a', 'Production / b', 'Staging / a']],
    ['by label, in every project', ['a'], ['Production / a', 'Staging / a']],
    ['by Project/label', ['Staging/a'], ['Staging / a']],
    ['by "Project / label"', ['Production / b'], ['Production / b']],
  ])('--roll-secret-keys: %s', (_name, rollSecretKeys, expected) => {
    const d = desired({ projects: {
      Production: project({ secretKeys: { a: { scopes: ['query:read'] }, b: { scopes: ['query:read'] } } }),
      Staging: project({ secretKeys: { a: { scopes: ['query:read'] } } }),
    } });
    const a = actual((b) => b
      .project('Production', { secretKeys: { a: secretKey('a', ['query:read']), b: secretKey('b', ['query:read']) } })
      .project('Staging', { secretKeys: { a: secretKey('a', ['query:read']) } }));
    const result = run(d, a, { rollSecretKeys });
    expect(result.changes.map((c) => c.key)).toEqual(expected);
    for (const c of result.changes) expect(c).toMatchObject({ action: 'update', after: { roll: true }, reason: '--roll-secret-keys' });
  });

  it('--roll-secret-keys warns about a label no declared key has', () => {
    const result = run(keys({ svc: { scopes: ['query:read'] } }), withKeys(secretKey('svc', ['query:read'])), { rollSecretKeys: ['typo'] });
    expect(result.changes).toEqual([]);
    expect(result.notices).toContainEqual(expect.objectContaining({ level: 'warning', code: 'roll_unknown', key: 'typo' }));
  });

  it('--roll-secret-keys does not roll a key that is about to be created', () => {
    expect(run(keys({ svc: { scopes: ['query:read'] } }), withKeys(), { rollSecretKeys: true }).changes.map(brief)).toEqual(['create secret_key Production / svc']);
  });

  it('deletes unlisted keys in listed projects with prune.secret_keys (destructive, last)', () => {
    const result = run(keys({ svc: { scopes: ['query:read'] } }, true), withKeys(secretKey('svc', ['query:read']), secretKey('old', ['query:read'])));
    expect(result.changes.map(brief)).toEqual(['delete secret_key Production / old']);
    expect(result.changes[0]).toMatchObject({ destructive: true, reason: 'not in the matrix (prune.secret_keys)', subject: { project: 'Production', label: 'old' } });
  });

  it('never touches keys of projects the matrix does not list', () => {
    const a = actual((b) => b.project('Other', { secretKeys: { x: secretKey('x', ['query:read']) } }));
    expect(run(desired({ prune: { secretKeys: true } }), a).changes).toEqual([]);
  });

  it('the value never appears in a plan (it is not known when planning)', () => {
    const result = run(keys({ svc: { scopes: ['query:read'], rotateAfterDays: 1 } }), withKeys(secretKey('svc', ['query:read'], { createdAt: '2026-01-01T00:00:00Z' })));
    expect(JSON.stringify(result)).not.toContain('phs_');
  });
});

// --- apply ------------------------------------------------------------------------------------

interface Call { op: string; args: unknown[] }

/** PostHog's keys of a project as the state holds them (what apply reads just before making a value). */
const listed = (state: ActualState, projectId: number) => Object.values(Object.values(state.projects).find((p) => p.id === projectId)?.secretKeys ?? {})
  .map((k) => ({ id: k.id, label: k.label, mask_value: 'phs_…', created_at: k.createdAt, last_used_at: k.lastUsedAt, last_rolled_at: k.lastRolledAt, scopes: k.scopes }));

function fakeEnv(state: ActualState, options: { sink?: boolean; failSink?: boolean; posthog?: ActualState } = {}) {
  const calls: Call[] = [];
  const delivered: { project: string; label: string; value: string }[] = [];
  let n = 0;
  const response = (label: string, scopes: string[]) => ({ id: `new-${++n}`, label, value: `phs_value_${n}`, mask_value: 'phs_…', created_at: NOW.toISOString(), last_used_at: null, last_rolled_at: null, scopes });
  const api = {
    createSecretKey: async (projectId: number, body: { label: string; scopes: string[] }) => { calls.push({ op: 'create', args: [projectId, body] }); return response(body.label, body.scopes); },
    updateSecretKey: async (projectId: number, keyId: string, body: { scopes: string[] }) => { calls.push({ op: 'update', args: [projectId, keyId, body] }); return { ...response('x', body.scopes), value: null }; },
    rollSecretKey: async (projectId: number, keyId: string) => { calls.push({ op: 'roll', args: [projectId, keyId] }); return response('x', []); },
    deleteSecretKey: async (projectId: number, keyId: string) => { calls.push({ op: 'delete', args: [projectId, keyId] }); },
    listSecretKeys: async (projectId: number) => listed(options.posthog ?? state, projectId),
  } as unknown as PostHogApi;
  const sink: SecretSink = {
    async deliver(secret) {
      if (options.failSink) throw new Error('store unavailable');
      delivered.push(secret);
    },
  };
  const env: ApplyEnv = { api, orgId: 'org-1', actual: state, created: new Map(), ...(options.sink !== false && { secrets: sink }) };
  return { env, calls, delivered };
}

async function applyAll(changes: Change[], env: ApplyEnv): Promise<void> {
  for (const c of changes) await applyChange(c, env);
}

describe('secret keys: apply', () => {
  const old = secretKey('svc', ['feature_flag:read'], { createdAt: '2026-01-01T00:00:00Z' });
  const state = withKeys(old, secretKey('gone', ['query:read']));
  const projectId = state.projects.Production!.id;

  it('creates, hands the value to the sink only', async () => {
    const a = withKeys();
    const { env, calls, delivered } = fakeEnv(a);
    const { changes } = run(keys({ svc: { scopes: ['query:read'] } }), a);
    await applyAll(changes, env);
    expect(calls).toEqual([{ op: 'create', args: [a.projects.Production!.id, { label: 'svc', scopes: ['query:read'] }] }]);
    expect(delivered).toEqual([{ project: 'Production', label: 'svc', value: 'phs_value_1' }]);
    expect(JSON.stringify(changes)).not.toContain('phs_value');
  });

  it('creates in a project created earlier in the same apply', async () => {
    const { env, calls, delivered } = fakeEnv(actual());
    env.created.set('project:New', 77);
    const { changes } = run(desired({ projects: { New: project({ secretKeys: { svc: { scopes: ['query:read'] } } }) } }), actual());
    await applyAll(changes.filter((c) => c.kind === 'secret_key'), env);
    expect(calls[0]?.args[0]).toBe(77);
    expect(delivered[0]).toMatchObject({ project: 'New', label: 'svc' });
  });

  it('patches scopes, rolls, and deletes with prune', async () => {
    const { env, calls, delivered } = fakeEnv(state);
    const { changes } = run(keys({ svc: { scopes: ['query:read'], rotateAfterDays: 90 } }, true), state);
    await applyAll(changes, env);
    expect(calls).toEqual([
      { op: 'update', args: [projectId, old.id, { scopes: ['query:read'] }] },
      { op: 'roll', args: [projectId, old.id] },
      { op: 'delete', args: [projectId, state.projects.Production!.secretKeys!.gone!.id] },
    ]);
    expect(delivered).toEqual([{ project: 'Production', label: 'svc', value: 'phs_value_2' }]);
  });

  it('a roll alone does not patch scopes', async () => {
    const { env, calls } = fakeEnv(state);
    const { changes } = run(keys({ svc: { scopes: ['feature_flag:read'] } }), state, { rollSecretKeys: ['svc'] });
    await applyAll(changes, env);
    expect(calls.map((c) => c.op)).toEqual(['roll']);
  });

  it('without a sink, a create or roll fails before calling PostHog, saying which flag to pass', async () => {
    const { env, calls } = fakeEnv(state, { sink: false });
    const roll = run(keys({ svc: { scopes: ['query:read'] } }), state, { rollSecretKeys: true }).changes[0]!;
    await expect(applyChange(roll, env)).rejects.toThrow(/--secrets-file FILE or --secrets-command CMD/);
    const create = run(keys({ other: { scopes: ['query:read'] } }), state).changes[0]!;
    await expect(applyChange(create, env)).rejects.toThrow(/--secrets-file/);
    expect(calls).toEqual([]);
  });

  it('a scope change alone needs no sink', async () => {
    const { env, calls } = fakeEnv(state, { sink: false });
    await applyAll(run(keys({ svc: { scopes: ['query:read'] } }), state).changes, env);
    expect(calls.map((c) => c.op)).toEqual(['update']);
  });

  it('a key made or rolled in PostHog after the plan read it (another apply at the same time) is not made or rolled again', async () => {
    const a = withKeys();
    const made = structuredClone(a);
    made.projects.Production!.secretKeys = { svc: secretKey('svc', ['query:read']) };
    const meanwhile = fakeEnv(a, { posthog: made });
    const create = run(keys({ svc: { scopes: ['query:read'] } }), a).changes[0]!;
    await expect(applyChange(create, meanwhile.env)).rejects.toThrow('Production / svc: a key of this label was made in PostHog after the plan was read (another apply at the same time?), so it was not made twice; its value went where that apply sent it. if this run\'s sink must hold it, roll it: posthog-access apply --roll-secret-keys "Production/svc"');
    expect(meanwhile.calls).toEqual([]);

    const rolled = structuredClone(state);
    rolled.projects.Production!.secretKeys!.svc!.lastRolledAt = '2026-11-22T11:59:00Z';
    const twice = fakeEnv(state, { posthog: rolled });
    const roll = run(keys({ svc: { scopes: ['feature_flag:read'] } }), state, { rollSecretKeys: true }).changes[0]!;
    await expect(applyChange(roll, twice.env)).rejects.toThrow('Production / svc: the key was rolled in PostHog after the plan was read (another apply at the same time?), so it was not rolled again');
    expect(twice.calls).toEqual([]);
    expect(twice.delivered).toEqual([]);
  });

  it('a failing sink fails the step, says to roll again, and does not leak the value', async () => {
    const { env } = fakeEnv(state, { failSink: true });
    const roll = run(keys({ svc: { scopes: ['feature_flag:read'] } }), state, { rollSecretKeys: true }).changes[0]!;
    const error = await applyChange(roll, env).catch((e: Error) => e);
    expect((error as Error).message).toMatch(/secret sink failed 3 times \(last: store unavailable\); the new value was kept only in memory and is lost with this run\. The old value no longer works\..*--roll-secret-keys "Production\/svc"/);
    expect((error as Error).message).not.toContain('phs_value');
  });
});

describe('secret keys: values that reached no sink', () => {
  const key = (createdAt: string, lastRolledAt: string | null = null) => ({ createdAt, lastRolledAt });
  it('a roll that started and was made, with no delivery after it, is lost', () => {
    expect(lostValue(key('2026-01-01T00:00:00Z', '2026-11-22T10:00:05Z'), { started: '2026-11-22T10:00:00Z', delivered: '2026-11-01T00:00:00Z' }))
      .toBe('rolled on 2026-11-22T10:00:05Z but its value never reached a sink (the journal records the call that made it, started 2026-11-22T10:00:00Z, and no delivery): rolled again so that one does');
  });
  it('is not lost once delivered, when PostHog did not make it (made before the call), or without a journal', () => {
    expect(lostValue(key('2026-01-01T00:00:00Z', '2026-11-22T10:00:05Z'), { started: '2026-11-22T10:00:00Z', delivered: '2026-11-22T10:00:06Z' })).toBeUndefined();
    expect(lostValue(key('2026-01-01T00:00:00Z', '2026-11-01T00:00:00Z'), { started: '2026-11-22T10:00:00Z' })).toBeUndefined();
    expect(lostValue(key('2026-01-01T00:00:00Z'), undefined)).toBeUndefined();
    expect(lostValue(key('2026-01-01T00:00:00Z'), { delivered: '2026-01-01T00:00:01Z' })).toBeUndefined();
  });
  it('a create whose answer never arrived is lost too, and the plan rolls the key', () => {
    const a = withKeys(secretKey('svc', ['query:read'], { createdAt: '2026-11-22T11:00:01Z' }));
    a.secretKeyJournal = { 'Production / svc': { started: '2026-11-22T11:00:00Z' } };
    const { changes } = run(keys({ svc: { scopes: ['query:read'] } }), a);
    expect(changes).toMatchObject([{ id: 'secret_key:Production / svc', action: 'update', after: { roll: true } }]);
    expect(changes[0]?.reason).toContain('created on 2026-11-22T11:00:01Z but its value never reached a sink');
  });
});

describe('secret keys: what the secrets file holds (--secrets-file)', () => {
  const sinkOf = (keys: NonNullable<ActualState['secretKeySink']>['keys'], exists = true) => ({ file: 'secrets.json', exists, keys });
  const held = (verdict: 'current' | 'other' | 'none' | 'unknown', journal?: ActualState['secretKeyJournal']) => {
    const a = withKeys({ ...secretKey('svc', ['query:read'], { createdAt: '2026-11-22T11:00:01Z' }), mask: 'phs_...wxyz' });
    a.secretKeySink = sinkOf({ 'Production / svc': verdict });
    if (journal) a.secretKeyJournal = journal;
    return run(keys({ svc: { scopes: ['query:read'] } }), a);
  };

  it('a dead value or none: a manual step naming the roll to ask for, nothing rolled and no mask shown; the current one: nothing', () => {
    for (const [verdict, what] of [['other', 'holds a value that is not the key\'s current one'], ['none', 'holds no value for it']] as const) {
      const result = held(verdict);
      expect(result.changes).toEqual([]);
      expect(result.manualSteps).toEqual([{
        key: 'secret_key:Production / svc',
        message: `Production / svc: the secrets file ${what} (--secrets-file secrets.json). If the service's value is lost, roll the key so that the file holds one that works: posthog-access apply --roll-secret-keys "Production/svc" --secrets-file secrets.json; if the service holds a working value (the file is a stale copy, or shared with another organization), put that value in the file instead`,
      }]);
      expect(JSON.stringify(result)).not.toContain('wxyz');
    }
    expect(held('current').changes).toEqual([]);
    expect(held('current').manualSteps).toEqual([]);
  });

  it('a file holding the current value shows it reached a sink, whatever the journal says; a dead one leaves the journal\'s reason', () => {
    const journal = { 'Production / svc': { started: '2026-11-22T11:00:00Z' } };
    expect(held('current', journal).changes).toEqual([]);
    expect(held('other', journal).changes[0]?.reason).toContain('never reached a sink (the journal records');
  });

  it('no mask from PostHog: not rolled, a warning says it cannot be compared', () => {
    const result = held('unknown');
    expect(result.changes).toEqual([]);
    expect(result.notices).toContainEqual({ level: 'warning', code: 'secret_key_unchecked', key: 'Production / svc', message: 'Production / svc: PostHog gives no mask of its value, so it cannot be compared with --secrets-file secrets.json' });
  });

  it('no file at all: a manual step naming the keys it would roll, nothing rolled; none when the plan rolls them anyway', () => {
    const a = withKeys(secretKey('svc', ['query:read']), secretKey('old', ['query:read'], { createdAt: '2026-01-01T00:00:00Z' }));
    a.secretKeySink = sinkOf({ 'Production / svc': 'none', 'Production / old': 'none' }, false);
    const result = run(keys({ svc: { scopes: ['query:read'] }, old: { scopes: ['query:read'], rotateAfterDays: 30 } }), a);
    expect(result.changes.map(brief)).toEqual(['update secret_key Production / old']);
    expect(result.changes[0]?.reason).toBe('older than rotate_after_days (30 days)');
    expect(result.manualSteps).toEqual([{ key: 'secret_key:secrets-file', message: '--secrets-file secrets.json does not exist, so it holds no value for Production / svc, which PostHog has: give the path of the file apply writes; if their values are lost, roll them (posthog-access apply --roll-secret-keys "Production/svc" --secrets-file secrets.json)' }]);
  });
});
