// What PostHog's two resolution modes mean for one organization's people. Pure, on the effective
// access model (effective.ts): who would gain or lose what if the organization switched modes, and
// which of the matrix's member `none` rules deny nothing in the organization's current mode.
import type { DesiredState, Grant } from '../model/desired.ts';
import { levelRank, type LevelContext } from '../model/levels.ts';
import { effectiveGrant } from '../plan/expiry.ts';
import {
  describeSource, projectAccess, resourceAccess, ruledResources,
  type AccessView, type Resolved, type ResolutionMode, type ScopeRules,
} from './effective.ts';

export interface SwitchChange {
  email: string;
  project: string;
  /** The resource type, absent for access to the project itself. */
  resource?: string;
  from: Resolved<string>;
  to: Resolved<string>;
  direction: 'gains' | 'loses';
}

const rank = (resource: string | undefined, level: string) => levelRank(resource === undefined ? 'project' : 'resource', level);

/**
 * Who can resolve differently in the two modes at a scope: the modes differ only where a person
 * has two of their own rule, a team's rule and the default (on a project, their own and a team's),
 * so only people with their own rule there or in a team with a rule there; sorted.
 */
function candidates(view: AccessView, scope: ScopeRules<string>): string[] {
  const emails = new Set(Object.keys(scope.members));
  for (const team of Object.keys(scope.teams)) for (const email of view.teams[team] ?? []) emails.add(email);
  return [...emails].filter((email) => view.people[email]).sort();
}

/**
 * Every person × project (and resource type with rules there) whose level differs between the
 * view's mode and `to`, sorted by project, resource, email. Projects whose rules were not read are
 * left out: nothing is known about them. Only the people who can differ at a scope are resolved
 * (candidates); `everywhere` resolves everyone, the reference that is tested against.
 */
export function switchChanges(view: AccessView, to: ResolutionMode, options: { everywhere?: boolean } = {}): SwitchChange[] {
  if (to === view.mode) return [];
  const target: AccessView = { ...view, mode: to };
  const out: SwitchChange[] = [];
  const everyone = Object.keys(view.people).sort();
  for (const project of Object.keys(view.projects).sort()) {
    const rules = view.projects[project]!;
    if (!rules.known) continue;
    for (const resource of [undefined, ...ruledResources(rules)]) {
      const scope = resource === undefined ? rules : rules.resources[resource]!;
      for (const email of options.everywhere ? everyone : candidates(view, scope)) {
        const at = (v: AccessView): Resolved<string> => (resource === undefined ? projectAccess(v, email, project) : resourceAccess(v, email, project, resource));
        const from = at(view);
        const now = at(target);
        if (from.level === now.level) continue;
        const direction = rank(resource, now.level) > rank(resource, from.level) ? 'gains' : 'loses';
        out.push({ email, project, ...(resource !== undefined && { resource }), from, to: now, direction });
      }
    }
  }
  return out;
}

/** "carol@example.com loses Production / feature_flag: editor (team Engineering) → none (own rule)". */
export function describeSwitchChange(c: SwitchChange): string {
  const where = c.resource === undefined ? c.project : `${c.project} / ${c.resource}`;
  return `${c.email} ${c.direction} ${where}: ${c.from.level} (${describeSource(c.from.source)}) → ${c.to.level} (${describeSource(c.to.source)})`;
}

export interface IneffectiveDeny {
  email: string;
  project: string;
  resource?: string;
  /** What decides instead, in the organization's mode. */
  decided: Resolved<string>;
  /** Whether the rule would deny in the other mode. */
  deniesInOtherMode: boolean;
}

const OTHER: Record<ResolutionMode, ResolutionMode> = { legacy: 'most_specific', most_specific: 'legacy' };

/**
 * The matrix's member `none` rules (in force at `at`) that leave the person with more than none
 * in the view's mode: a team's grant beats them in legacy mode, an organization admin is never
 * limited by rules. `view` is what apply would leave (viewOfDesired at `at`).
 */
export function ineffectiveDenies(desired: DesiredState, view: AccessView, at: Date): IneffectiveDeny[] {
  const out: IneffectiveDeny[] = [];
  const other: AccessView = { ...view, mode: OTHER[view.mode] };
  for (const [project, p] of Object.entries(desired.projects)) {
    const scopes: [string | undefined, Record<string, Grant<string>>][] = [
      [undefined, p.members],
      ...Object.entries(p.resources).map(([r, g]): [string, Record<string, Grant<string>>] => [r, g.members]),
    ];
    for (const [resource, members] of scopes) {
      const context: LevelContext = resource === undefined ? 'project' : 'resource';
      for (const [email, grant] of Object.entries(members)) {
        if (effectiveGrant(grant, at).level !== 'none' || !view.people[email]) continue;
        const resolve = (v: AccessView) => (resource === undefined ? projectAccess(v, email, project) : resourceAccess(v, email, project, resource));
        const decided = resolve(view);
        if (levelRank(context, decided.level) <= levelRank(context, 'none')) continue;
        out.push({ email, project, ...(resource !== undefined && { resource }), decided, deniesInOtherMode: resolve(other).level === 'none' });
      }
    }
  }
  return out.sort((a, b) => a.project.localeCompare(b.project) || (a.resource ?? '').localeCompare(b.resource ?? '') || a.email.localeCompare(b.email));
}

const MODE_NAME: Record<ResolutionMode, string> = { legacy: 'legacy ("highest wins")', most_specific: 'most-specific' };

/** The plan warning for one rule that denies nothing. */
export function describeIneffectiveDeny(d: IneffectiveDeny, mode: ResolutionMode): string {
  const where = d.resource === undefined ? d.project : `${d.project} / ${d.resource}`;
  const why = d.decided.source.kind === 'organization_admin'
    ? 'rules never limit an organization admin or owner'
    : `${describeSource(d.decided.source)} gives ${d.decided.level}, and the organization resolves access in ${MODE_NAME[mode]} mode`;
  const other = d.deniesInOtherMode ? `; it would deny in ${MODE_NAME[OTHER[mode]]} mode` : '';
  return `${d.email}: none on ${where} has no effect: ${why}${other}`;
}
