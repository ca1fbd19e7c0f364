// The applier: carries a plan out against PostHog, phase by phase in plan order (what others refer
// to first, removals last), steps within a phase in parallel up to a bound. A failed step skips
// the steps that depend on it; the others go on. Every step is reported and journaled.
import type { Logger } from 'pino';
import type { ActualState } from '../model/actual.ts';
import type { PostHogApi } from '../posthog/types.ts';
import { phaseOf } from '../plan/registry.ts';
import { makesSecret } from '../plan/safety.ts';
import type { Change, ChangeKind, ChangeOf, CreateChange, OrganizationPlan, UpdateChange } from '../plan/types.ts';
import type { SecretSink } from '../secrets/sink.ts';
import { mapLimit } from '../util/concurrency.ts';
import type { Journal } from './journal.ts';
import { WRITERS, type ApplyEnv, type Writer } from './writers/index.ts';

export interface StepResult {
  id: string;
  kind: Change['kind'];
  action: Change['action'];
  key: string;
  status: 'ok' | 'failed' | 'skipped';
  error?: string;
  ms: number;
}

export interface ApplyReport {
  results: StepResult[];
  ok: number;
  failed: number;
  skipped: number;
  /** Why apply stopped before the end (the journal could not be written), if it did. */
  stopped?: string;
}

export interface ApplyOptions {
  api: PostHogApi;
  /** One organization's part of a plan (a plan over several is applied one organization at a time, each with its own api). */
  plan: Pick<OrganizationPlan, 'changes'>;
  /** The state the plan applies to (re-read by the caller). */
  actual: ActualState;
  concurrency?: number;
  logger?: Pick<Logger, 'info' | 'warn' | 'error'>;
  journal?: Journal;
  signal?: AbortSignal;
  /** Where new and rolled secret key values go (--secrets-file, --secrets-command). */
  secrets?: SecretSink;
  /** Called as each step finishes (progress on stderr). */
  onStep?: (result: StepResult) => void;
}

/** Why steps were not started once the run's signal fired: Ctrl-C, or --timeout (its reason names it). */
function notStarted(signal: AbortSignal): string {
  const reason = signal.reason as { name?: string; message?: string } | undefined;
  return reason?.name === 'TimeoutError' && reason.message ? `not started: ${reason.message}` : 'interrupted';
}

function groupByPhase(changes: Change[]): Change[][] {
  const phases = new Map<number, Change[]>();
  for (const c of changes) {
    const phase = phaseOf(c);
    const list = phases.get(phase);
    if (list) list.push(c);
    else phases.set(phase, [c]);
  }
  return [...phases.entries()].sort(([a], [b]) => a - b).map(([, list]) => list);
}

/**
 * A phase's steps as the calls that carry them: one change each, except where the kind's writer
 * sends several in one call (invites: PostHog's bulk endpoint), batched in plan order. A change
 * that waits for another of the same phase goes alone, so a batch never waits inside itself.
 */
function batchesOf(phase: Change[]): Change[][] {
  const inPhase = new Set(phase.map((c) => c.id));
  const batches: Change[][] = [];
  const open = new Map<ChangeKind, Change[]>();
  for (const change of phase) {
    const bulk = change.action === 'delete' ? undefined : WRITERS[change.kind].bulk;
    if (!bulk || change.dependsOn.some((id) => inPhase.has(id))) {
      batches.push([change]);
      continue;
    }
    let batch = open.get(change.kind);
    if (!batch || batch.length >= bulk.size) {
      open.set(change.kind, (batch = []));
      batches.push(batch);
    }
    batch.push(change);
  }
  return batches;
}

/** Several creates or updates of one kind in one call: per change, undefined when done, else its error. */
async function sendTogether(changes: Change[], env: ApplyEnv): Promise<unknown[]> {
  const writer = WRITERS[(changes[0] as Change).kind] as Writer<ChangeKind>;
  if (!writer.bulk) throw new Error(`${(changes[0] as Change).kind} has no bulk step`);
  return writer.bulk.send(changes as (CreateChange<ChangeKind> | UpdateChange<ChangeKind>)[], env);
}

/** One change, by its kind's writer; a create's new id goes to `env.created` for later steps. */
async function write<K extends ChangeKind>(writer: Writer<K>, change: ChangeOf<K>, env: ApplyEnv): Promise<void> {
  const missing = () => new Error(`${change.kind} has no ${change.action} step`);
  switch (change.action) {
    case 'create': {
      if (!writer.create) throw missing();
      const id = await writer.create(change, env);
      if (id !== undefined) env.created.set(change.id, id);
      return;
    }
    case 'update':
      if (!writer.update) throw missing();
      return writer.update(change, env);
    case 'delete':
      if (!writer.delete) throw missing();
      return writer.delete(change, env);
  }
}

/** Carry out one change (the applier's step, without journal or ordering). */
export function applyChange(change: Change, env: ApplyEnv): Promise<void> {
  return write(WRITERS[change.kind], change, env);
}

const sides = (c: Change) => ({ before: c.action === 'create' ? null : c.before, after: c.action === 'delete' ? null : c.after });

export async function applyPlan(options: ApplyOptions): Promise<ApplyReport> {
  const { api, plan, actual, logger, journal, signal } = options;
  const env: ApplyEnv = { api, orgId: actual.organization.id, actual, created: new Map(), ...(options.secrets && { secrets: options.secrets }) };
  const status = new Map<string, StepResult['status']>();
  const results: StepResult[] = [];
  let stopped: string | undefined;
  const journalChange = (change: Change) => ({ id: change.id, kind: change.kind, action: change.action, key: change.key, reason: change.reason, note: change.note, ...sides(change) });
  /** A journal that cannot be written stops the apply: nothing more runs unrecorded. */
  const record = (entry: Parameters<Journal['write']>[0], flush = false): boolean => {
    if (!journal || stopped) return !stopped;
    try {
      journal.write(entry, { flush });
      return true;
    } catch (e) {
      stopped = `the journal could not be written (${e instanceof Error ? e.message : String(e)}): apply stopped, and no further step was started. Free the space or fix the path (--journal), then run plan again to see where PostHog is`;
      logger?.error({ stage: 'apply', change: entry.change.id }, stopped);
      return false;
    }
  };

  // Steps of one phase run in parallel: a step waits for the steps it depends on that come before
  // it in plan order (a restriction for the grants it protects); later ones cannot be waited for.
  const position = new Map(plan.changes.map((c, i) => [c.id, i]));
  // A promise for each change another one waits for (most wait for none and are waited for by none).
  const awaited = new Set<string>();
  for (const c of plan.changes) for (const id of c.dependsOn) awaited.add(id);
  const finished = new Map<string, { promise: Promise<void>; resolve: () => void }>();
  for (const c of plan.changes) {
    if (!awaited.has(c.id)) continue;
    let resolve = () => {};
    const promise = new Promise<void>((r) => { resolve = r; });
    finished.set(c.id, { promise, resolve });
  }

  const stepOf = (change: Change, status: StepResult['status'], ms: number, error?: string): StepResult =>
    ({ id: change.id, kind: change.kind, action: change.action, key: change.key, status, ...(error !== undefined && { error }), ms });
  /** Waits for what the change depends on; the result when it must not run, else undefined. */
  const prepare = async (change: Change): Promise<StepResult | undefined> => {
    const mine = position.get(change.id) ?? 0;
    await Promise.all(change.dependsOn.filter((id) => (position.get(id) ?? Infinity) < mine).map((id) => finished.get(id)?.promise));
    const blocked = change.dependsOn.find((id) => status.get(id) !== 'ok');
    if (signal?.aborted) return stepOf(change, 'skipped', 0, notStarted(signal));
    if (stopped) return stepOf(change, 'skipped', 0, 'not started: the journal could not be written');
    if (blocked) return stepOf(change, 'skipped', 0, `needs ${blocked}, which did not succeed`);
    if (makesSecret(change) && !record({ time: new Date().toISOString(), change: journalChange(change), result: 'started' }, true)) {
      // Not even started: without the line, a lost answer would leave no trace of a key made.
      return stepOf(change, 'skipped', 0, 'not started: the journal could not be written');
    }
    return undefined;
  };
  const finish = (change: Change, result: StepResult): void => {
    status.set(change.id, result.status);
    finished.get(change.id)?.resolve();
    results.push(result);
    options.onStep?.(result);
    const line = { stage: 'apply', change: change.id, action: change.action, result: result.status, ms: result.ms };
    if (result.status === 'ok') logger?.info(line, `${change.action} ${change.kind} ${change.key}`);
    else logger?.warn({ ...line, error: result.error }, `${result.status}: ${change.action} ${change.kind} ${change.key}`);
    record({ time: new Date().toISOString(), change: journalChange(change), result: result.status, error: result.error, ms: result.ms }, makesSecret(change));
  };
  const failure = (e: unknown) => (e instanceof Error ? e.message : String(e));

  /** One change on its own call. */
  const attempt = async (change: Change): Promise<StepResult> => {
    const started = Date.now();
    try {
      await applyChange(change, env);
      return stepOf(change, 'ok', Date.now() - started);
    } catch (e) {
      return stepOf(change, 'failed', Date.now() - started, failure(e));
    }
  };
  const run = async (change: Change): Promise<void> => finish(change, (await prepare(change)) ?? (await attempt(change)));

  /** Changes one call carries together (src/apply/writers: a writer's `bulk`); each is reported as its own step. */
  const runBatch = async (batch: Change[]): Promise<void> => {
    if (batch.length === 1) return run(batch[0] as Change);
    const ready: Change[] = [];
    for (const change of batch) {
      const skipped = await prepare(change);
      if (skipped) finish(change, skipped);
      else ready.push(change);
    }
    if (ready.length === 1) return finish(ready[0] as Change, await attempt(ready[0] as Change));
    if (!ready.length) return;
    const started = Date.now();
    const outcomes = await sendTogether(ready, env).catch((e: unknown) => ready.map(() => e));
    ready.forEach((change, i) => {
      const error = outcomes[i];
      finish(change, error === undefined ? stepOf(change, 'ok', Date.now() - started) : stepOf(change, 'failed', Date.now() - started, failure(error)));
    });
  };

  for (const phase of groupByPhase(plan.changes)) await mapLimit(batchesOf(phase), options.concurrency ?? 4, runBatch);

  // Report in plan order, whatever order the parallel steps finished in: each result put in its
  // change's place (one pass, where a sort looked positions up at each of its n·log n comparisons).
  const places: StepResult[][] = plan.changes.map(() => []);
  for (const r of results) places[position.get(r.id) ?? 0]!.push(r);
  const inOrder = places.flat();
  const count = (s: StepResult['status']) => inOrder.filter((r) => r.status === s).length;
  return { results: inOrder, ok: count('ok'), failed: count('failed'), skipped: count('skipped'), ...(stopped && { stopped }) };
}
