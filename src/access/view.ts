// The two AccessViews effective access is computed from: PostHog as read (actual), and what PostHog
// would hold after apply (the matrix at a moment, over what the matrix leaves alone). Pure.
import { findTeam, type ActualState, type ActualSubjectRules } from '../model/actual.ts';
import type { DesiredState, Grant, SubjectGrants } from '../model/desired.ts';
import { orgLevelName, type ProjectLevel, type ResourceLevel } from '../model/levels.ts';
import { effectiveGrant, inForce } from '../plan/expiry.ts';
import type { AccessView, Person, ProjectRules, ResolutionMode, ScopeRules } from './effective.ts';

/** The organization's mode; PostHog treats an unset flag as legacy. */
export function modeOf(actual: ActualState): ResolutionMode {
  return actual.organization.resolutionMode ?? 'legacy';
}

function features(actual: ActualState): Pick<AccessView, 'mode' | 'accessControl' | 'roleBasedAccess'> {
  const has = (f: string) => actual.organization.features.includes(f);
  return { mode: modeOf(actual), accessControl: has('access_control'), roleBasedAccess: has('role_based_access') };
}

function actualScope<L extends string>(rules: ActualSubjectRules<L>): ScopeRules<L> {
  return {
    ...(rules.default && { default: rules.default.level }),
    teams: Object.fromEntries(Object.entries(rules.teams).map(([t, r]) => [t, r.level])),
    members: Object.fromEntries(Object.entries(rules.members).map(([e, r]) => [e, r.level])),
  };
}

/** PostHog as read. Pending invites are people too, with what they get when they join. */
export function viewOfActual(actual: ActualState): AccessView {
  const people: Record<string, Person> = {};
  for (const invite of Object.values(actual.invites)) {
    if (invite.isExpired) continue;
    people[invite.email] = { email: invite.email, level: orgLevelName(invite.level), pending: true, invited: { ...invite.projects } };
  }
  for (const m of Object.values(actual.members)) people[m.email] = { email: m.email, level: orgLevelName(m.level), pending: false, invited: {} };
  const projects: Record<string, ProjectRules> = {};
  for (const p of Object.values(actual.projects)) {
    projects[p.name] = {
      ...actualScope(p), known: p.rulesLoaded,
      resources: Object.fromEntries(Object.entries(p.resources).map(([r, rules]) => [r, actualScope(rules)])),
    };
  }
  return {
    ...features(actual), people, projects,
    teams: Object.fromEntries(Object.values(actual.teams).map((t) => [t.name, Object.keys(t.members).sort()])),
  };
}

function inForceLevel<L extends string>(grant: Grant<L>, at: Date): L | null {
  return effectiveGrant(grant, at).level;
}

/** The matrix's rules for a scope at `at`, over PostHog's when the section is not pruned. */
function desiredScope<L extends string>(grants: SubjectGrants<L>, existing: ActualSubjectRules<L> | undefined, keepUnstated: boolean, at: Date): ScopeRules<L> {
  const base = keepUnstated && existing ? actualScope(existing) : { teams: {}, members: {} } as ScopeRules<L>;
  const out: ScopeRules<L> = { ...base, teams: { ...base.teams }, members: { ...base.members } };
  if (grants.default) {
    const level = inForceLevel(grants.default, at);
    if (level === null) delete out.default;
    else out.default = level;
  }
  for (const [team, grant] of Object.entries(grants.teams)) {
    const level = inForceLevel(grant, at);
    if (level === null) delete out.teams[team];
    else out.teams[team] = level;
  }
  for (const [email, grant] of Object.entries(grants.members)) {
    const level = inForceLevel(grant, at);
    if (level === null) delete out.members[email];
    else out.members[email] = level;
  }
  return out;
}

/**
 * What PostHog would hold after applying the matrix at `at`: the matrix's grants in force then, and
 * what the matrix leaves alone (sections it does not prune, projects it does not name). People the
 * matrix adds are `pending` (apply invites them); their project grants count as their own rules.
 */
export function viewOfDesired(desired: DesiredState, actual: ActualState, at: Date): AccessView {
  const people: Record<string, Person> = {};
  if (!desired.prune.members) for (const m of Object.values(actual.members)) people[m.email] = { email: m.email, level: orgLevelName(m.level), pending: false, invited: {} };
  for (const [email, grant] of Object.entries(desired.members)) {
    const level = inForceLevel(grant, at);
    if (level === null) {
      delete people[email];
      continue;
    }
    people[email] = { email, level, pending: !actual.members[email], invited: {} };
  }

  const teams: Record<string, string[]> = {};
  if (!desired.prune.teams) for (const t of Object.values(actual.teams)) teams[t.name] = Object.keys(t.members);
  for (const [name, team] of Object.entries(desired.teams)) {
    if (team.managedBy === 'scim') {
      // SCIM keeps its members, whatever prune says: apply never touches them.
      teams[name] = Object.keys(findTeam(actual, name)?.members ?? {});
      continue;
    }
    const stated = team.members.filter((m) => inForce(m.expires, at)).map((m) => m.email);
    // A stated membership decides (an expired one goes whatever prune says); the rest stay unless pruned.
    const named = new Set(team.members.map((m) => m.email));
    const kept = desired.prune.teams ? [] : Object.keys(actual.teams[name]?.members ?? {}).filter((e) => !named.has(e));
    teams[name] = [...new Set([...kept, ...stated])];
  }
  for (const name of Object.keys(teams)) teams[name] = teams[name]!.filter((e) => people[e] && !people[e].pending).sort();
  // Someone apply will invite joins their teams once they accept: count them, as the matrix intends.
  for (const [name, team] of Object.entries(desired.teams)) {
    for (const m of team.members) if (people[m.email]?.pending && inForce(m.expires, at) && !teams[name]!.includes(m.email)) teams[name]!.push(m.email);
    teams[name]!.sort();
  }

  const projects: Record<string, ProjectRules> = {};
  for (const p of Object.values(actual.projects)) {
    projects[p.name] = {
      ...actualScope(p), known: p.rulesLoaded,
      resources: Object.fromEntries(Object.entries(p.resources).map(([r, rules]) => [r, actualScope(rules)])),
    };
  }
  const keep = !desired.prune.projectAccess;
  for (const [name, project] of Object.entries(desired.projects)) {
    const existing = actual.projects[name];
    const resources: Record<string, ScopeRules<ResourceLevel>> = keep && existing
      ? Object.fromEntries(Object.entries(existing.resources).map(([r, rules]) => [r, actualScope(rules)]))
      : {};
    for (const [resource, grants] of Object.entries(project.resources)) resources[resource] = desiredScope<ResourceLevel>(grants, existing?.resources[resource], keep, at);
    projects[name] = { ...desiredScope<ProjectLevel>(project, existing, keep, at), resources, known: true };
  }
  // Rules of people and teams that will be gone go with them (PostHog cascades).
  for (const project of Object.values(projects)) {
    for (const scope of [project, ...Object.values(project.resources)]) {
      for (const email of Object.keys(scope.members)) if (!people[email]) delete scope.members[email];
      for (const team of Object.keys(scope.teams)) if (!teams[team]) delete scope.teams[team];
    }
  }
  return { ...features(actual), people, teams, projects };
}
