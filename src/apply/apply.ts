// The applier: carries a plan out against PostHog, phase by phase in plan order (what others refer
// to first, removals last), steps within a phase in parallel up to a bound. A failed step skips
// the steps that depend on it; the others go on. Every step is reported and journaled.
import type { Logger } from 'pino';
import type { ActualState } from '../model/actual.ts';
import type { PostHogApi } from '../posthog/types.ts';
import { phaseOf } from '../plan/registry.ts';
import { makesSecret } from '../plan/safety.ts';
import type { Change, ChangeKind, ChangeOf, OrganizationPlan } from '../plan/types.ts';
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
  const finished = new Map<string, { promise: Promise<void>; resolve: () => void }>();
  for (const c of plan.changes) {
    let resolve = () => {};
    const promise = new Promise<void>((r) => { resolve = r; });
    finished.set(c.id, { promise, resolve });
  }

  const run = async (change: Change): Promise<void> => {
    const mine = position.get(change.id) ?? 0;
    await Promise.all(change.dependsOn.filter((id) => (position.get(id) ?? Infinity) < mine).map((id) => finished.get(id)?.promise));
    const started = Date.now();
    const blocked = change.dependsOn.find((id) => status.get(id) !== 'ok');
    let result: StepResult;
    if (signal?.aborted) {
      result = { id: change.id, kind: change.kind, action: change.action, key: change.key, status: 'skipped', error: notStarted(signal), ms: 0 };
    } else if (stopped) {
      result = { id: change.id, kind: change.kind, action: change.action, key: change.key, status: 'skipped', error: 'not started: the journal could not be written', ms: 0 };
    } else if (blocked) {
      result = { id: change.id, kind: change.kind, action: change.action, key: change.key, status: 'skipped', error: `needs ${blocked}, which did not succeed`, ms: 0 };
    } else if (makesSecret(change) && !record({ time: new Date().toISOString(), change: journalChange(change), result: 'started' }, true)) {
      // Not even started: without the line, a lost answer would leave no trace of a key made.
      result = { id: change.id, kind: change.kind, action: change.action, key: change.key, status: 'skipped', error: 'not started: the journal could not be written', ms: 0 };
    } else {
      try {
        await applyChange(change, env);
        result = { id: change.id, kind: change.kind, action: change.action, key: change.key, status: 'ok', ms: Date.now() - started };
      } catch (e) {
        result = { id: change.id, kind: change.kind, action: change.action, key: change.key, status: 'failed', error: e instanceof Error ? e.message : String(e), ms: Date.now() - started };
      }
    }
    status.set(change.id, result.status);
    finished.get(change.id)?.resolve();
    results.push(result);
    options.onStep?.(result);
    const line = { stage: 'apply', change: change.id, action: change.action, result: result.status, ms: result.ms };
    if (result.status === 'ok') logger?.info(line, `${change.action} ${change.kind} ${change.key}`);
    else logger?.warn({ ...line, error: result.error }, `${result.status}: ${change.action} ${change.kind} ${change.key}`);
    record({ time: new Date().toISOString(), change: journalChange(change), result: result.status, error: result.error, ms: result.ms }, makesSecret(change));
  };

  for (const phase of groupByPhase(plan.changes)) await mapLimit(phase, options.concurrency ?? 4, run);

  // Report in plan order, whatever order the parallel steps finished in.
  const order = new Map(plan.changes.map((c, i) => [c.id, i]));
  results.sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));
  const count = (s: StepResult['status']) => results.filter((r) => r.status === s).length;
  return { results, ok: count('ok'), failed: count('failed'), skipped: count('skipped'), ...(stopped && { stopped }) };
}
