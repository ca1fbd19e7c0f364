// Effective access: the level each person has in each project and resource type, and the rule it
// comes from, as PostHog resolves it (docs/access.md). Pure. It is computed from an AccessView,
// built from the actual state (PostHog as read) or the desired state (what apply would leave), so
// every command that says who can reach what says it the same way.
import { levelRank, ORG_LEVELS, PROJECT_DEFAULT_LEVEL, resourceBounds, type OrgLevelName, type ProjectLevel, type ResourceLevel } from '../model/levels.ts';

/**
 * PostHog's two ways of combining rules, per organization (`uses_most_specific_access_resolution`):
 * `legacy` pools the rules that apply and the highest wins (a person's or team's rule on a project
 * still beats the project's default); `most_specific` takes the person's own rule, else their teams'
 * (highest), else the default, even when the more specific rule grants less.
 */
export type ResolutionMode = 'legacy' | 'most_specific';
export const RESOLUTION_MODES: readonly ResolutionMode[] = ['legacy', 'most_specific'];

/** Where a level comes from. `system_default` is PostHog's built-in level when no rule applies. */
export type SourceKind = 'member' | 'team' | 'default' | 'system_default' | 'organization_admin' | 'invite';

export interface Source {
  kind: SourceKind;
  /** The team whose rule decides (kind `team`). */
  team?: string;
}

export interface Resolved<L extends string> {
  level: L;
  source: Source;
}

/** Rules of one scope (a project, or a resource type within a project), subjects by name. */
export interface ScopeRules<L extends string> {
  default?: L;
  /** Team name → level. */
  teams: Record<string, L>;
  /** Lower-cased email → level. */
  members: Record<string, L>;
}

export interface ProjectRules extends ScopeRules<ProjectLevel> {
  resources: Record<string, ScopeRules<ResourceLevel>>;
  /** False when the project's rules were not read (the matrix does not name it): levels there are unknown. */
  known: boolean;
}

export interface Person {
  email: string;
  level: OrgLevelName;
  /** Not yet a member: a pending invite (actual) or someone apply will invite (desired). */
  pending: boolean;
  /** Project name → level granted by the invite (private_project_access), for pending people. */
  invited: Record<string, ProjectLevel>;
}

/** Everything resolution needs, whichever state it comes from. */
export interface AccessView {
  mode: ResolutionMode;
  /** The `access_control` feature: without it PostHog ignores every rule. */
  accessControl: boolean;
  /** The `role_based_access` feature: without it team (role) rules do not count. */
  roleBasedAccess: boolean;
  /** By lower-cased email. */
  people: Record<string, Person>;
  /** Team name → lower-cased emails of its members. */
  teams: Record<string, string[]>;
  projects: Record<string, ProjectRules>;
}

const isAdmin = (person: Person) => ORG_LEVELS[person.level] >= ORG_LEVELS.admin;

const teamIndexes = new WeakMap<AccessView['teams'], Map<string, string[]>>();

/** A person's teams, sorted: a list of their own. */
function teamsOf(view: AccessView, email: string): string[] {
  return [...teamsIn(view, email)];
}

const NO_TEAMS: readonly string[] = [];

/**
 * A person's teams, sorted, as indexed: resolution reads them, never changes them. Indexed once
 * per view (by its teams record: a view is not changed once built), since resolution asks for
 * every person in every project and resource type.
 */
function teamsIn(view: AccessView, email: string): readonly string[] {
  if (!view.roleBasedAccess) return NO_TEAMS;
  let index = teamIndexes.get(view.teams);
  if (!index) {
    index = new Map();
    for (const team of Object.keys(view.teams).sort()) {
      for (const member of new Set(view.teams[team])) {
        const list = index.get(member);
        if (list) list.push(team);
        else index.set(member, [team]);
      }
    }
    teamIndexes.set(view.teams, index);
  }
  return index.get(email) ?? NO_TEAMS;
}

/** Sources that name nothing, one of each: resolution runs for every person at every place, and they are never changed. */
const SOURCES = {
  member: Object.freeze<Source>({ kind: 'member' }),
  default: Object.freeze<Source>({ kind: 'default' }),
  system_default: Object.freeze<Source>({ kind: 'system_default' }),
  organization_admin: Object.freeze<Source>({ kind: 'organization_admin' }),
  invite: Object.freeze<Source>({ kind: 'invite' }),
} as const;

/**
 * One scope, by the organization's mode. Legacy, project (the project is an object): the person's
 * and their teams' rules pooled, highest wins, else the default rule. Legacy, resource type: the
 * person's, their teams' and the default rule all pooled, highest wins. Most specific, both: the
 * person's own rule, else their teams' (highest), else the default rule. Ties name the most
 * specific rule, and among teams the alphabetically first. Nothing applies → undefined (PostHog's
 * built-in level). Only the answer is allocated.
 */
function resolveScope<L extends string>(
  context: 'project' | 'resource', mode: ResolutionMode, rules: ScopeRules<L>, email: string, teams: readonly string[],
): Resolved<L> | undefined {
  const own = rules.members[email];
  // The highest team rule among the person's teams (sorted), the first on a tie.
  let teamLevel: L | undefined;
  let teamName: string | undefined;
  for (const team of teams) {
    const level = rules.teams[team];
    if (level !== undefined && (teamLevel === undefined || levelRank(context, level) > levelRank(context, teamLevel))) {
      teamLevel = level;
      teamName = team;
    }
  }
  if (mode === 'most_specific') {
    if (own !== undefined) return { level: own, source: SOURCES.member };
    if (teamLevel !== undefined) return { level: teamLevel, source: { kind: 'team', team: teamName! } };
    return rules.default === undefined ? undefined : { level: rules.default, source: SOURCES.default };
  }
  // Legacy: the highest of the pool, the earlier (more specific) on a tie.
  let best: 'member' | 'team' | 'default' | undefined;
  let level: L | undefined;
  if (own !== undefined) {
    best = 'member';
    level = own;
  }
  if (teamLevel !== undefined && (level === undefined || levelRank(context, teamLevel) > levelRank(context, level))) {
    best = 'team';
    level = teamLevel;
  }
  // On a project the default counts only when neither the person nor their teams have a rule.
  const defaultCounts = context === 'resource' || best === undefined;
  if (defaultCounts && rules.default !== undefined && (level === undefined || levelRank(context, rules.default) > levelRank(context, level))) {
    best = 'default';
    level = rules.default;
  }
  if (best === undefined) return undefined;
  return best === 'team' ? { level: level!, source: { kind: 'team', team: teamName! } } : { level: level!, source: SOURCES[best] };
}

export interface ResourceAccess extends Resolved<ResourceLevel> {
  resource: string;
}

export interface ProjectAccess extends Resolved<ProjectLevel> {
  project: string;
  /** Resource types with a rule in this project (or asked for), sorted. */
  resources: ResourceAccess[];
  /** False when the project's rules were not read: the levels are what PostHog does without rules. */
  known: boolean;
}

export interface PersonAccess {
  email: string;
  level: OrgLevelName;
  pending: boolean;
  teams: string[];
  projects: ProjectAccess[];
}

/** The resource types that carry a rule in a project, sorted: the ones worth naming. */
export function ruledResources(project: ProjectRules): string[] {
  return Object.keys(project.resources).sort();
}

/** A person's level on one resource type of one project. */
export function resourceAccess(view: AccessView, email: string, projectName: string, resource: string): Resolved<ResourceLevel> {
  const person = view.people[email];
  const bounds = resourceBounds(resource);
  if (person && isAdmin(person)) return { level: bounds.maximum, source: SOURCES.organization_admin };
  const project = view.projects[projectName];
  const rules = project?.resources[resource];
  if (!view.accessControl || !rules) return { level: bounds.default, source: SOURCES.system_default };
  const resolved = resolveScope('resource', view.mode, rules, email, teamsIn(view, email));
  return resolved ?? { level: bounds.default, source: SOURCES.system_default };
}

/** A person's level on a project. */
export function projectAccess(view: AccessView, email: string, projectName: string): Resolved<ProjectLevel> {
  const person = view.people[email];
  if (person && isAdmin(person)) return { level: 'admin', source: SOURCES.organization_admin };
  const rules = view.accessControl ? view.projects[projectName] : undefined;
  if (!rules) return { level: PROJECT_DEFAULT_LEVEL, source: SOURCES.system_default };
  // An invite's project grant becomes the person's own rule when they join.
  const invited = person?.pending ? person.invited[projectName] : undefined;
  if (invited !== undefined) return { level: invited, source: SOURCES.invite };
  return resolveScope('project', view.mode, rules, email, teamsIn(view, email)) ?? { level: PROJECT_DEFAULT_LEVEL, source: SOURCES.system_default };
}

/** Everything a person can reach: per project (sorted), per resource type with a rule there. */
export function personAccess(view: AccessView, email: string): PersonAccess | undefined {
  const person = view.people[email];
  if (!person) return undefined;
  const projects = Object.keys(view.projects).sort().map((name): ProjectAccess => {
    const project = view.projects[name]!;
    return {
      project: name, ...projectAccess(view, email, name), known: project.known,
      resources: ruledResources(project).map((resource) => ({ resource, ...resourceAccess(view, email, name, resource) })),
    };
  });
  return { email, level: person.level, pending: person.pending, teams: teamsOf(view, email), projects };
}

export interface Holder<L extends string> extends Resolved<L> {
  email: string;
  pending: boolean;
}

/**
 * Everyone who can reach a project (level above none), or a resource type in it (project access
 * above none and the resource level above none), sorted by email.
 */
export function whoCan(view: AccessView, projectName: string, resource?: string): Holder<string>[] {
  const out: Holder<string>[] = [];
  for (const email of Object.keys(view.people).sort()) {
    const pending = view.people[email]!.pending;
    const project = projectAccess(view, email, projectName);
    if (project.level === 'none') continue;
    if (resource === undefined) {
      out.push({ email, pending, ...project });
      continue;
    }
    const onResource = resourceAccess(view, email, projectName, resource);
    if (onResource.level !== 'none') out.push({ email, pending, ...onResource });
  }
  return out;
}

/** "team Engineering", "default", … for text and Markdown. */
export function describeSource(source: Source): string {
  switch (source.kind) {
    case 'team': return `team ${source.team}`;
    case 'member': return 'own rule';
    case 'default': return 'default rule';
    case 'system_default': return "PostHog's default";
    case 'organization_admin': return 'organization admin';
    case 'invite': return 'invite';
  }
}
