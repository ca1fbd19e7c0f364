// What a matrix needs read from PostHog beyond the organization's lists, as its kinds declare:
// the minimum, so a matrix without domains or keys costs no call for them.
import type { ReadScope } from '../model/actual.ts';
import type { DesiredState } from '../model/desired.ts';
import { KINDS } from './registry.ts';

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
