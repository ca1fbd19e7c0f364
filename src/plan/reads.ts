// What a matrix needs read from PostHog beyond the organization's lists, as its kinds declare:
// the minimum, so a matrix without domains or keys costs no call for them.
import type { ActualState, ReadScope } from '../model/actual.ts';
import type { DesiredState } from '../model/desired.ts';
import type { DiffContext, PlanOptions } from './kind.ts';
import { partialView } from './partial-view.ts';
import { KINDS, kindOf } from './registry.ts';
import type { Change } from './types.ts';

export function readScopeOf(desired: DesiredState): ReadScope {
  const scope: ReadScope = { organization: desired.organization.id, projects: [], secretKeys: [], domains: false };
  for (const kind of KINDS) {
    const reads = kind.reads?.(desired);
    if (!reads) continue;
    scope.projects = union(scope.projects, reads.projects);
    scope.secretKeys = union(scope.secretKeys, reads.secretKeys);
    scope.domains ||= reads.domains ?? false;
  }
  return scope;
}

const union = (a: string[], b: string[] = []) => [...new Set([...a, ...b])];

export interface Removals { teams: string[]; members: string[] }

/**
 * The teams and people the changes remove: what they take with them in projects the matrix does not
 * name is read before the plan is final (src/state/fetch.ts `readRulesElsewhere`), so max_deletes
 * counts it. Empty when nothing of the kind is removed: then nothing more is read.
 */
export function removedSubjects(changes: readonly Change[]): Removals {
  const deletes = changes.filter((c) => c.action === 'delete');
  return {
    teams: deletes.flatMap((c) => (c.kind === 'team' ? [c.subject.team] : [])),
    members: deletes.flatMap((c) => (c.kind === 'member' ? [c.subject.email] : [])),
  };
}

/**
 * The teams and people a plan of `desired` against `actual` removes, foreseen from those two kinds'
 * diff alone: what they take with them is read before the plan is drafted, so it is drafted once,
 * after every read it needs (src/cli/pipeline.ts). The plan removes no one this leaves out: the
 * differ only drops changes from what the kinds give (a removal folded into another, a duplicate
 * name left alone, as here), and a partial view plans no removal (src/plan/partial-view.ts).
 */
export function foreseenRemovals(desired: DesiredState, actual: ActualState, now: Date, options: PlanOptions = {}): Removals {
  if (partialView(actual)) return { teams: [], members: [] };
  const ctx: DiffContext = { desired, actual, now, options, notices: [], manualSteps: [] };
  const removing = removedSubjects([...kindOf('team').diff(ctx), ...kindOf('member').diff(ctx)]);
  // A team name PostHog holds twice is left alone by the differ (src/plan/diff.ts), so not removed.
  const held = new Set((actual.duplicates ?? []).filter((d) => d.kind === 'team').map((d) => d.name.trim().toLowerCase()));
  return { ...removing, teams: removing.teams.filter((t) => !held.has(t.trim().toLowerCase())) };
}

/** What `plan` removes that `foreseen` did not name (none, unless the forecast above is wrong). */
export function unforeseen(plan: Removals, foreseen: Removals): Removals {
  const missing = (a: string[], b: string[]) => {
    const named = new Set(b);
    return a.filter((x) => !named.has(x));
  };
  return { teams: missing(plan.teams, foreseen.teams), members: missing(plan.members, foreseen.members) };
}
