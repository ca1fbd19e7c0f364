// The differ: a pure function of (desired, actual, now). It asks each kind what should exist and
// what does, and turns the difference into ordered changes. No I/O, no clock.
import jsonpatch from 'fast-json-patch';
import type { ActualState } from '../model/actual.ts';
import type { DesiredState } from '../model/desired.ts';
import type { ActualItem, DesiredItem, DiffContext, Kind, PlanOptions } from './kind.ts';
import { standing } from './lookup.ts';
import { KINDS } from './registry.ts';
import type { Change, ManualStep, Notice } from './types.ts';

export interface DiffResult {
  changes: Change[];
  notices: Notice[];
  manualSteps: ManualStep[];
}

const UNMANAGED_LISTED = 10;

function diffKind(kind: Kind, ctx: DiffContext): Change[] {
  const desired = kind.desired(ctx);
  const actual = new Map<string, ActualItem>(kind.actual(ctx).map((a) => [a.key, a]));
  const changes: Change[] = [];
  const base = (item: DesiredItem | ActualItem) => ({ id: `${kind.kind}:${item.key}`, kind: kind.kind, key: item.key, dependsOn: [] as string[] });
  const seen = new Set<string>();

  for (const want of desired) {
    seen.add(want.key);
    const have = actual.get(want.key);
    const refs = { ...have?.refs, ...want.refs };
    const note = want.note ? { note: want.note } : {};
    if (want.value === null) {
      if (have) changes.push({ ...base(want), action: 'delete', before: have.value, after: null, reason: want.reason ?? 'ended', ...note, destructive: true, refs });
    } else if (!have) {
      const implicit = kind.implicit?.(want);
      const destructive = implicit !== undefined && (kind.lowers?.(implicit, want.value) ?? false);
      changes.push({ ...base(want), action: 'create', before: null, after: want.value, reason: want.reason ?? 'declared in the matrix', ...note, destructive, refs, dependsOn: want.needs ?? [] });
    } else {
      const patch = jsonpatch.compare(have.value, want.value); // empty: the same value, nothing to do
      if (patch.length) {
        changes.push({
          ...base(want), action: 'update', before: have.value, after: want.value, patch,
          reason: want.reason ?? 'differs from the matrix', ...note,
          destructive: kind.lowers?.(have.value, want.value) ?? false, refs, dependsOn: want.needs ?? [],
        });
      }
    }
  }

  const prune = kind.prune?.(ctx);
  const unmanaged: string[] = [];
  for (const have of actual.values()) {
    if (seen.has(have.key)) continue;
    if (prune?.enabled) {
      changes.push({ ...base(have), action: 'delete', before: have.value, after: null, reason: `not in the matrix (${prune.flag})`, destructive: true, refs: have.refs ?? {} });
    } else if (!(typeof have.refs?.email === 'string' && standing(ctx, have.refs.email) === 'leaving')) {
      unmanaged.push(have.key); // (a leaving person's memberships and rules go with their removal)
    }
  }
  if (unmanaged.length > 0) {
    const shown = unmanaged.slice(0, UNMANAGED_LISTED).join(', ');
    const more = unmanaged.length > UNMANAGED_LISTED ? ` and ${unmanaged.length - UNMANAGED_LISTED} more` : '';
    const why = prune ? `${prune.flag} is off` : 'the tool never deletes these';
    ctx.notices.push({ level: 'info', code: 'unmanaged', message: `${unmanaged.length} ${kind.kind} not in the matrix, left alone (${why}): ${shown}${more}` });
  }
  return changes;
}

/**
 * Removing a member or a team takes their memberships and rules with it (PostHog cascades), so
 * separate removals of those would be redundant: fold them into the removal that causes them,
 * and record how many things go with it (`refs.cascade`, counted against safety.max_deletes).
 */
function foldCascades(changes: Change[]): Change[] {
  const leaving = new Set(changes.filter((c) => c.kind === 'member' && c.action === 'delete').map((c) => c.key));
  const dropped = new Set(changes.filter((c) => c.kind === 'team' && c.action === 'delete').map((c) => c.key));
  const folded = new Map<string, number>();
  const kept = changes.filter((c) => {
    if (c.kind !== 'team_member' && c.kind !== 'project_access' && c.kind !== 'resource_access') return true;
    const cause = leaving.has(String(c.refs.email)) ? `member:${c.refs.email}` : dropped.has(String(c.refs.team)) ? `team:${c.refs.team}` : null;
    if (!cause || c.action !== 'delete') return true;
    folded.set(cause, (folded.get(cause) ?? 0) + 1);
    return false;
  });
  for (const c of kept) {
    if (c.action !== 'delete') continue;
    if (c.kind === 'member') {
      const n = folded.get(c.id) ?? 0;
      c.refs.cascade = n;
      c.reason += `; their team memberships and access rules go with them${n ? ` (${n} in the projects the matrix names)` : ''}`;
    } else if (c.kind === 'team') {
      const memberships = Number(c.refs.members ?? 0);
      const rules = folded.get(c.id) ?? 0;
      c.refs.cascade = memberships + rules;
      c.reason += `; its ${memberships} membership${memberships === 1 ? '' : 's'} and its access rules in every project go with it${rules ? ` (${rules} in the projects the matrix names)` : ''}`;
    }
  }
  return kept;
}

const PHASE = new Map(KINDS.map((k, i) => [k.kind, i]));

/** Apply order: creates and updates by kind; within a kind, grants before restrictions; removals last, in reverse. */
export function phaseOf(c: Change): number {
  const p = PHASE.get(c.kind) ?? 0;
  return c.action === 'delete' ? 2 * KINDS.length - p : p;
}

export function orderChanges(changes: Change[]): Change[] {
  return [...changes].sort(
    (a, b) => phaseOf(a) - phaseOf(b) || Number(a.destructive) - Number(b.destructive) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0),
  );
}

export function diff(desired: DesiredState, actual: ActualState, now: Date, options: PlanOptions = {}): DiffResult {
  const ctx: DiffContext = { desired, actual, now, options, notices: [], manualSteps: [] };
  const changes = orderChanges(foldCascades(KINDS.flatMap((kind) => diffKind(kind, ctx))));
  const ids = new Set(changes.map((c) => c.id));
  for (const c of changes) c.dependsOn = [...new Set(c.dependsOn)].filter((id) => ids.has(id));
  return { changes, notices: ctx.notices, manualSteps: ctx.manualSteps };
}
