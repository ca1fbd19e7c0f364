// Who gains or loses what: each person's effective access before and after a plan's changes,
// computed by the effective-access model (effective.ts) on the view as read and the view the
// changes leave (after.ts). Pure. So the plan's "who gains or loses what" says what PostHog will
// enforce: access reached through a team, a default or a removed team shows too, and a rule that
// changes nothing (an admin's own rule, a `none` under a team's grant in legacy mode) does not.
import { levelRank, type LevelContext } from '../model/levels.ts';
import type { Change, Subject } from '../plan/types.ts';
import { viewAfter } from './after.ts';
import { describeSource, projectAccess, resourceAccess, ruledResources, type AccessView, type Resolved } from './effective.ts';

/** One level as the plan shows it: the level and its source in words ("team Engineering"). */
export interface ShownLevel {
  level: string;
  source: string;
}

/** A place where access is resolved: a project, or a resource type in a project. */
export interface AccessPlace {
  project: string;
  resource?: string;
}

/**
 * One outcome for one person: the same levels before and after, for the same reasons, at each of
 * `places`. Grouped so a plan grows with distinct outcomes, not people × places (500 invitees
 * gaining the default in 250 projects are 500 entries, not 125,000).
 */
export interface AccessChange {
  email: string;
  direction: 'gains' | 'loses';
  /** Null: not in the organization (before: not yet; after: removed, or an invite withdrawn). */
  before: ShownLevel | null;
  after: ShownLevel | null;
  /** Ids of the plan's changes that name this person or these places: why it happens. */
  because: string[];
  /**
   * Where, in order: projects (no `resource`) or resource types in a project, never both kinds in
   * one entry. Empty for the organization level.
   */
  places: AccessPlace[];
}

const shown = (r: Resolved<string>): ShownLevel => ({ level: r.level, source: describeSource(r.source) });

function orgLevel(view: AccessView, email: string): ShownLevel | null {
  const person = view.people[email];
  if (!person) return null;
  return { level: person.level, source: person.pending ? 'invite' : '' };
}

function rank(context: LevelContext, level: ShownLevel | null): number {
  return level === null ? -1 : levelRank(context, level.level);
}

/**
 * The changes behind a person's change at a place, most direct first: their own rule there; the
 * place's default and team rules, its project, their teams' removal, their team memberships; their
 * membership or invite (first when they join or leave). For the organization level: their
 * membership or invite.
 */
function causes(index: ChangeIndex, email: string, before: AccessView, joinsOrLeaves: boolean, project?: string, resource?: string): string[] {
  const person = (index.byPerson.get(email) ?? []).map((i) => index.changes[i]!.id);
  if (project === undefined) return person;
  const own: string[] = [];
  const place: number[] = [];
  // Rules on the resource type itself come before the project's, which decide it only through project access.
  const projectWide: number[] = [];
  for (const i of index.byProject.get(project) ?? []) {
    const c = index.changes[i]!;
    const s: Subject = c.subject;
    if (c.kind === 'project') {
      place.push(i);
      continue;
    }
    const above = resource !== undefined && s.resource === undefined;
    if ((s.resource !== resource && !above) || (s.email !== undefined && s.email !== email)) continue;
    if (above) projectWide.push(i);
    else if (s.email === email) own.push(c.id);
    else place.push(i);
  }
  for (const i of index.teamRemovals) {
    const team = (index.changes[i]!.subject as Subject).team;
    if (team !== undefined && before.teams[team]?.includes(email)) place.push(i);
  }
  for (const i of index.membershipsOf.get(email) ?? []) place.push(i);
  place.sort((a, b) => a - b);
  const ids = (list: number[]) => list.map((i) => index.changes[i]!.id);
  // Joining or leaving the organization decides every place at once: that change first.
  return joinsOrLeaves ? [...person, ...own, ...ids(place), ...ids(projectWide)] : [...own, ...ids(place), ...ids(projectWide), ...person];
}

/** The plan's changes by what they name (positions in plan order), so each person and place looks only at its own. */
interface ChangeIndex {
  changes: readonly Change[];
  /** Member and invite changes, by email. */
  byPerson: Map<string, number[]>;
  /** Rule changes and the project's own, by project. */
  byProject: Map<string, number[]>;
  /** Team removals. */
  teamRemovals: number[];
  /** Team membership changes, by email. */
  membershipsOf: Map<string, number[]>;
}

function indexChanges(changes: readonly Change[]): ChangeIndex {
  const index: ChangeIndex = { changes, byPerson: new Map(), byProject: new Map(), teamRemovals: [], membershipsOf: new Map() };
  const add = (map: Map<string, number[]>, key: string, i: number) => {
    const list = map.get(key);
    if (list) list.push(i);
    else map.set(key, [i]);
  };
  changes.forEach((c, i) => {
    const s: Subject = c.subject;
    if (c.kind === 'member' || c.kind === 'invite') {
      if (s.email !== undefined) add(index.byPerson, s.email, i);
    } else if ((c.kind === 'project_access' || c.kind === 'resource_access' || c.kind === 'project') && s.project !== undefined) {
      add(index.byProject, s.project, i);
    } else if (c.kind === 'team' && c.action === 'delete' && s.team !== undefined) {
      index.teamRemovals.push(i);
    } else if (c.kind === 'team_member' && s.email !== undefined) {
      add(index.membershipsOf, s.email, i);
    }
  });
  return index;
}

/**
 * Where a plan's changes can move anyone's access, as viewAfter (after.ts) applies them: people
 * whose access may change anywhere (their membership, invite or teams change, or a team they are in
 * goes), and per project the people (their own rule), teams (a team's rule) or everyone (a default,
 * the project itself, a project new to the view) whose access there may change. Anyone else at a place resolves alike before
 * and after by construction: nothing their resolution reads moves. test/access/pruned.test.ts
 * compares the result with resolving everyone everywhere on generated organizations.
 */
interface Reach {
  /** People whose access may change in every project. */
  people: Set<string>;
  /** Projects where everyone's access may change. */
  everyone: Set<string>;
  /** Email → projects where a rule naming them changes. */
  own: Map<string, Set<string>>;
  /** Team → projects where a rule naming it changes. */
  team: Map<string, Set<string>>;
  /** Email → the teams they are in (before; unchanged for anyone not in `people`). */
  teamsOf: Map<string, string[]>;
}

function reachOf(before: AccessView, changes: readonly Change[]): Reach {
  const reach: Reach = { people: new Set(), everyone: new Set(), own: new Map(), team: new Map(), teamsOf: new Map() };
  const at = (map: Map<string, Set<string>>, key: string, project: string) => {
    const set = map.get(key);
    if (set) set.add(project);
    else map.set(key, new Set([project]));
  };
  for (const c of changes) {
    const s: Subject = c.subject;
    if (c.kind === 'member' || c.kind === 'invite' || c.kind === 'team_member') {
      if (s.email !== undefined) reach.people.add(s.email);
    } else if (c.kind === 'team') {
      for (const email of s.team === undefined ? [] : before.teams[s.team] ?? []) reach.people.add(email);
    } else if (c.kind === 'project' || c.kind === 'project_access' || c.kind === 'resource_access') {
      if (s.project === undefined) continue;
      if (c.kind !== 'project' && s.email !== undefined) at(reach.own, s.email, s.project);
      else if (c.kind !== 'project' && s.team !== undefined) at(reach.team, s.team, s.project);
      else reach.everyone.add(s.project);
      // A rule in a project PostHog had none of brings the project into view: everyone gets a level there.
      if (!before.projects[s.project]) reach.everyone.add(s.project);
    }
  }
  if (reach.team.size) {
    for (const [team, members] of Object.entries(before.teams)) {
      if (!reach.team.has(team)) continue;
      for (const email of members) {
        const list = reach.teamsOf.get(email);
        if (list) list.push(team);
        else reach.teamsOf.set(email, [team]);
      }
    }
  }
  return reach;
}

/** The projects (of `projects`, in order) where `email`'s access may change. */
function projectsToResolve(reach: Reach, email: string, projects: readonly string[]): readonly string[] {
  if (reach.people.has(email)) return projects;
  const own = reach.own.get(email);
  const teams = (reach.teamsOf.get(email) ?? []).map((t) => reach.team.get(t)!);
  if (!own && !teams.length) return reach.everyone.size ? projects.filter((p) => reach.everyone.has(p)) : [];
  return projects.filter((p) => reach.everyone.has(p) || own?.has(p) || teams.some((t) => t.has(p)));
}

/**
 * Every person whose effective access differs between `before` and the view after `changes`: the
 * organization level (joined, removed, changed), and per project whose rules were read the project
 * level and each resource type with a rule on either side. One entry per person and outcome
 * (direction, levels, causes), with the places it applies to; sorted by email, then organization
 * first, then by the first place (projects and resource types in name order). Only the places the
 * changes can reach are resolved (reachOf); `everywhere` resolves every person at every place, the
 * reference the pruned result is tested against.
 */
export function accessChanges(before: AccessView, changes: readonly Change[], options: { everywhere?: boolean } = {}): AccessChange[] {
  if (!changes.length) return [];
  const after = viewAfter(before, changes);
  const index = indexChanges(changes);
  const reach = options.everywhere ? undefined : reachOf(before, changes);
  const out: AccessChange[] = [];
  const emails = [...new Set([...Object.keys(before.people), ...Object.keys(after.people)])].sort();
  const projects = [...new Set([...Object.keys(before.projects), ...Object.keys(after.projects)])].sort();
  const key = (l: ShownLevel | null) => (l === null ? '' : `${l.level}\u0001${l.source}`);
  for (const email of emails) {
    // This person's outcomes so far, by context, levels and causes: one entry each, places appended.
    const outcomes = new Map<string, AccessChange>();
    const add = (context: LevelContext, was: ShownLevel | null, now: ShownLevel | null, project?: string, resource?: string) => {
      // Outside the organization a project or resource level is none: joining or leaving where one had none changes nothing.
      const none = context === 'organization' ? undefined : 'none';
      if ((was?.level ?? none) === (now?.level ?? none)) return;
      const because = causes(index, email, before, !before.people[email] || !after.people[email], project, resource);
      const direction = rank(context, now) > rank(context, was) ? 'gains' : 'loses';
      const id = `${context}\u0000${direction}\u0000${key(was)}\u0000${key(now)}\u0000${because.join('\u0000')}`;
      let entry = outcomes.get(id);
      if (!entry) {
        entry = { email, direction, before: was, after: now, because, places: [] };
        outcomes.set(id, entry);
        out.push(entry);
      }
      if (project !== undefined) entry.places.push(resource === undefined ? { project } : { project, resource });
    };
    add('organization', orgLevel(before, email), orgLevel(after, email));
    // Whether they are in the organization on each side (their levels are resolved per place below).
    const was = before.people[email];
    const now = after.people[email];
    for (const project of reach ? projectsToResolve(reach, email, projects) : projects) {
      const b = before.projects[project];
      const a = after.projects[project];
      if ((b && !b.known) || (a && !a.known)) continue;
      const level = (view: AccessView, present: typeof was) => (present && view.projects[project] ? shown(projectAccess(view, email, project)) : null);
      const wasProject = level(before, was);
      const nowProject = level(after, now);
      add('project', wasProject, nowProject, project);
      const resources = new Set([...(b ? ruledResources(b) : []), ...(a ? ruledResources(a) : [])]);
      for (const resource of [...resources].sort()) {
        // A resource level counts only where the person reaches the project.
        const at = (view: AccessView, p: ShownLevel | null): ShownLevel | null => {
          if (!p) return null;
          return p.level === 'none' ? { level: 'none', source: 'no project access' } : shown(resourceAccess(view, email, project, resource));
        };
        add('resource', at(before, wasProject), at(after, nowProject), project, resource);
      }
    }
  }
  return out;
}

/** "Production / feature_flag", "Production". */
export function placeOf(p: AccessPlace): string {
  return p.resource === undefined ? p.project : `${p.project} / ${p.resource}`;
}

/** How many places a line names before "and N more". */
export const PLACES_SHOWN = 5;

/**
 * "organization", "Production", "3 projects (Alpha, Beta, Gamma)", "250 projects (Alpha, Beta,
 * Gamma, Delta, Epsilon and 245 more)", "2 resource types (Production / dashboard, Staging / insight)".
 */
export function placesOf(places: readonly AccessPlace[]): string {
  if (places.length === 0) return 'organization';
  if (places.length === 1) return placeOf(places[0]!);
  const kind = places[0]!.resource === undefined ? 'projects' : 'resource types';
  const names = places.slice(0, PLACES_SHOWN).map(placeOf);
  const more = places.length - names.length;
  const list = more > 0 ? `${names.join(', ')} and ${more} more` : names.join(', ');
  return `${places.length} ${kind} (${list})`;
}

/** "Production: admin (own rule) → member (default rule)", "organization: member (invite)", "2 projects (Alpha, Beta): member (default rule) → removed". */
export function describeAccessChange(c: AccessChange): string {
  const level = (l: ShownLevel) => (l.source === '' ? l.level : `${l.level} (${l.source})`);
  const from = c.before === null ? '' : `${level(c.before)} → `;
  return `${placesOf(c.places)}: ${from}${c.after === null ? 'removed' : level(c.after)}`;
}
