// What a matrix needs read from PostHog beyond the organization's lists, as its kinds declare:
// the minimum, so a matrix without domains or keys costs no call for them.
import type { ReadScope } from '../model/actual.ts';
import type { DesiredState } from '../model/desired.ts';
import { KINDS } from './registry.ts';
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

/**
 * The teams and people the changes remove: what they take with them in projects the matrix does not
 * name is read before the plan is final (src/state/fetch.ts `readRulesElsewhere`), so max_deletes
 * counts it. Empty when nothing of the kind is removed: then nothing more is read.
 */
export function removedSubjects(changes: readonly Change[]): { teams: string[]; members: string[] } {
  const deletes = changes.filter((c) => c.action === 'delete');
  return {
    teams: deletes.flatMap((c) => (c.kind === 'team' ? [c.subject.team] : [])),
    members: deletes.flatMap((c) => (c.kind === 'member' ? [c.subject.email] : [])),
  };
}
