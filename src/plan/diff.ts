// The differ: a pure function of (desired, actual, now). It asks each kind for its changes, folds
// what PostHog removes by cascade into the removal that causes it, and orders the result. No I/O,
// no clock, no kind named.
import type { ActualState } from '../model/actual.ts';
import type { DesiredState } from '../model/desired.ts';
import type { DiffContext, PlanOptions } from './kind.ts';
import { KINDS, kindOf, orderChanges, subjectOf } from './registry.ts';
import type { Change, ManualStep, Notice } from './types.ts';
import { withDependents } from './dependents.ts';
import { append } from '../util/append.ts';
import { finish } from '../util/slices.ts';

export interface DiffResult {
  changes: Change[];
  notices: Notice[];
  manualSteps: ManualStep[];
}

/**
 * Removing a member or a team takes their memberships and rules with it (PostHog cascades, as
 * each kind's `goesWith` says), so separate removals of those would be redundant: fold them into
 * the removal that causes them, which records how many things go with it (`cascade`, counted
 * against safety.max_deletes) and says so in its reason.
 */
function foldCascades(changes: Change[], actual: ActualState): Change[] {
  const deleting = new Set(changes.filter((c) => c.action === 'delete').map((c) => c.id));
  const folded = new Map<string, number>();
  const kept = changes.filter((c) => {
    if (c.action !== 'delete') return true;
    const cause = goesWith(c).find((id) => deleting.has(id));
    if (!cause) return true;
    folded.set(cause, (folded.get(cause) ?? 0) + 1);
    return false;
  });
  for (const c of kept) if (c.action === 'delete') describeCascade(c, folded.get(c.id) ?? 0, actual, deleting);
  return kept;
}

function goesWith(change: Change): string[] {
  const kind = kindOf(change.kind);
  return kind.goesWith?.(change.subject) ?? [];
}

function describeCascade(change: Extract<Change, { action: 'delete' }>, folded: number, actual: ActualState, removing: ReadonlySet<string>): void {
  const kind = kindOf(change.kind);
  const cascade = kind.cascade?.(change, folded, actual, removing);
  if (!cascade) return;
  change.cascade = cascade.count;
  change.reason += `; ${cascade.reason}`;
}

/**
 * A restriction (a lower default, a deleted rule or membership, a demotion) runs only once the
 * grants that keep the matrix's people at their declared access have succeeded: the grants in the
 * same project and resource type, and the grants of the person it restricts, that apply runs
 * before it (the changes are in apply order here). When such a grant
 * fails, the restriction is skipped as its dependent, instead of taking access the matrix keeps
 * (a team's rule failing while the project default drops to none would lock the team out).
 * A person's removal needs nothing: they are leaving.
 */
function protectGrants(changes: Change[]): void {
  // The grants by scope (project, then resource type or none) and by person, as positions in apply
  // order: a restriction looks only at its own two lists.
  const byScope = new Map<string, Map<string | undefined, number[]>>();
  const byPerson = new Map<string, number[]>();
  const add = <K>(index: Map<K, number[]>, key: K, at: number) => {
    const list = index.get(key);
    if (list) list.push(at);
    else index.set(key, [at]);
  };
  const scopeOf = (project: string) => byScope.get(project) ?? byScope.set(project, new Map()).get(project)!;
  for (let at = 0; at < changes.length; at++) {
    const g = changes[at]!;
    if (g.destructive || g.action === 'delete') continue;
    const of = subjectOf(g);
    if (of.label !== undefined) continue;
    if (of.project !== undefined && g.kind !== 'project') add(scopeOf(of.project), of.resource ?? undefined, at);
    if (of.email !== undefined) add(byPerson, of.email, at);
  }
  const none: number[] = [];
  for (let mine = 0; mine < changes.length; mine++) {
    const c = changes[mine]!;
    if (!c.destructive || (c.kind === 'member' && c.action === 'delete')) continue;
    const { project, resource, email } = subjectOf(c);
    const sameScope = project !== undefined ? byScope.get(project)?.get(resource ?? undefined) ?? none : none;
    const samePerson = email !== undefined ? byPerson.get(email) ?? none : none;
    // Both lists are in apply order: merge them, each grant once, only those that run before it.
    let i = 0;
    let j = 0;
    for (;;) {
      const pa = i < sameScope.length ? sameScope[i]! : Infinity;
      const pb = j < samePerson.length ? samePerson[j]! : Infinity;
      const at = Math.min(pa, pb);
      if (at >= mine) break;
      if (pa <= pb) i++;
      if (pb <= pa) j++;
      if (changes[at]!.id !== c.id) c.dependsOn.push(changes[at]!.id);
    }
  }
}

/**
 * A name PostHog holds more than once (two projects, two roles: made outside the tool, or by two
 * applies at once on different machines) cannot be told apart by the matrix: every change about it,
 * and every change that needs one of those, is left out, and a manual step names each id.
 */
function leaveDuplicatesAlone(changes: Change[], actual: ActualState, manualSteps: ManualStep[]): Change[] {
  const same = (a: string | undefined, b: string) => a !== undefined && a.trim().toLowerCase() === b.trim().toLowerCase();
  const left = new Set<string>();
  for (const d of actual.duplicates ?? []) {
    const about = changes.filter((c) => {
      const subject = subjectOf(c);
      if (d.kind === 'secret_key') return subject.project === d.project && subject.label === d.name;
      return same(d.kind === 'project' ? subject.project : subject.team, d.name);
    });
    for (const c of about) left.add(c.id);
    const untouched = about.length ? ` (${about.length} change${about.length === 1 ? '' : 's'} not planned)` : '';
    const held = d.kind === 'secret_key'
      ? `${d.ids.length} secret keys labelled "${d.name}" in ${d.project}`
      : `${d.ids.length} ${d.kind === 'project' ? 'projects' : 'teams (roles)'} named "${d.name}"`;
    const alone = d.kind === 'secret_key' ? `${d.project} / ${d.name}` : d.name;
    manualSteps.push({
      key: d.kind === 'secret_key' ? `secret_key:${alone}` : `${d.kind}:${d.name}`,
      message: `PostHog has ${held} (ids ${d.ids.join(', ')}), made outside posthog-access or by two applies at once: the matrix cannot tell them apart, so the plan leaves "${alone}" alone${untouched}. Delete or rename the extra ones in PostHog, then plan again`,
    });
  }
  // What needs a change left out waits with it.
  const out = withDependents(changes, left);
  return changes.filter((c) => !out.has(c.id));
}

export function diff(desired: DesiredState, actual: ActualState, now: Date, options: PlanOptions = {}): DiffResult {
  return finish(diffSteps(desired, actual, now, options));
}

/** diff in steps, one kind each, so that a caller can let other work run between them (src/util/slices.ts). */
export function* diffSteps(desired: DesiredState, actual: ActualState, now: Date, options: PlanOptions = {}): Generator<void, DiffResult> {
  const ctx: DiffContext = { desired, actual, now, options, notices: [], manualSteps: [] };
  const all: Change[] = [];
  for (const kind of KINDS) {
    append(all, kind.diff(ctx));
    yield;
  }
  const changes = leaveDuplicatesAlone(orderChanges(foldCascades(all, actual)), actual, ctx.manualSteps);
  protectGrants(changes);
  const ids = new Set(changes.map((c) => c.id));
  for (const c of changes) c.dependsOn = [...new Set(c.dependsOn)].filter((id) => ids.has(id));
  return { changes, notices: ctx.notices, manualSteps: ctx.manualSteps };
}
