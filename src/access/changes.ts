// Who gains or loses what: each person's effective access before and after a plan's changes,
// computed by the effective-access model (effective.ts) on the view as read and the view the
// changes leave (after.ts). Pure. So the plan's "who gains or loses what" says what PostHog will
// enforce: access reached through a team, a default or a removed team shows too, and a rule that
// changes nothing (an admin's own rule, a `none` under a team's grant in legacy mode) does not.
import { InternalError } from '../errors.ts';
import { levelRank, type LevelContext } from '../model/levels.ts';
import type { Change, Subject } from '../plan/types.ts';
import { viewAfter } from './after.ts';
import { finish } from '../util/slices.ts';
import { describeSource, projectAccess, resourceAccess, ruledResources, type AccessView, type ProjectRules, type Resolved } from './effective.ts';

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

interface CauseNode {
  next?: Map<number, CauseNode>;
  ids?: string[];
}

/** More levels-with-sources than a plan can hold (five levels for each of 400,000 sources): they number below it. */
const LEVELS_BELOW = 2 ** 21;

/**
 * The values many entries hold alike, made once per plan and shared: a plan can name 100,000
 * places of 2,000 people with a few dozen levels-with-sources, a few thousand places and a few
 * lists of causes. Each level has a number, so outcomes are told apart by numbers, not strings.
 */
class Shared {
  private readonly levels = new Map<ShownLevel | null, number>([[null, 0]]);
  /** Source kind → team ('' for none) → level. */
  private readonly resolved = new Map<string, Map<string, Map<string, ShownLevel>>>();
  /** Source in words → level. */
  private readonly inWords = new Map<string, Map<string, ShownLevel>>();
  private readonly places = new Map<string, { project: AccessPlace; resources: Map<string, AccessPlace> }>();
  /** Lists of causes as a tree of positions: no key string per lookup. */
  private readonly causes: CauseNode = {};

  private numbered(level: ShownLevel): ShownLevel {
    if (this.levels.size >= LEVELS_BELOW) throw new InternalError(`more than ${LEVELS_BELOW} levels with their sources in one plan`);
    this.levels.set(level, this.levels.size);
    return level;
  }

  /** The number of two levels made here (null counts), and an outcome's context and direction: equal for equal outcomes only. */
  outcome(context: LevelContext, direction: AccessChange['direction'], was: ShownLevel | null, now: ShownLevel | null): number {
    const kind = (context === 'organization' ? 0 : context === 'project' ? 2 : 4) + (direction === 'gains' ? 1 : 0);
    return (this.levels.get(was)! * LEVELS_BELOW + this.levels.get(now)!) * 6 + kind;
  }

  /** A resolved level with its source in words ("team Engineering"). */
  shown(r: Resolved<string>): ShownLevel {
    const byTeam = this.resolved.get(r.source.kind) ?? this.resolved.set(r.source.kind, new Map()).get(r.source.kind)!;
    const team = r.source.team ?? '';
    const byLevel = byTeam.get(team) ?? byTeam.set(team, new Map()).get(team)!;
    return byLevel.get(r.level) ?? byLevel.set(r.level, this.numbered({ level: r.level, source: describeSource(r.source) })).get(r.level)!;
  }

  /** A level whose source is said as is ("invite", "no project access", "" for none). */
  worded(level: string, source: string): ShownLevel {
    const byLevel = this.inWords.get(source) ?? this.inWords.set(source, new Map()).get(source)!;
    return byLevel.get(level) ?? byLevel.set(level, this.numbered({ level, source })).get(level)!;
  }

  place(project: string, resource?: string): AccessPlace {
    let at = this.places.get(project);
    if (!at) {
      at = { project: { project }, resources: new Map() };
      this.places.set(project, at);
    }
    if (resource === undefined) return at.project;
    return at.resources.get(resource) ?? at.resources.set(resource, { project, resource }).get(resource)!;
  }

  /** One list of change ids per distinct list of positions in `changes` (the first `count` of `positions`). */
  because(changes: readonly Change[], positions: readonly number[], count: number): string[] {
    let node = this.causes;
    for (let k = 0; k < count; k++) {
      node.next ??= new Map();
      node = node.next.get(positions[k]!) ?? node.next.set(positions[k]!, {}).get(positions[k]!)!;
    }
    return (node.ids ??= positions.slice(0, count).map((i) => changes[i]!.id));
  }
}

function orgLevel(shared: Shared, view: AccessView, email: string): ShownLevel | null {
  const person = view.people[email];
  if (!person) return null;
  return shared.worded(person.level, person.pending ? 'invite' : '');
}

function rank(context: LevelContext, level: ShownLevel | null): number {
  return level === null ? -1 : levelRank(context, level.level);
}

/** What is behind a person's changes everywhere: their membership or invite, their teams' removals and their team memberships. */
interface PersonCauses {
  /** Their member and invite changes. */
  person: readonly number[];
  /** Removals of teams they are in and their team membership changes, in plan order. */
  personal: number[];
  /** Joining or leaving decides every place at once: that change comes first. */
  joinsOrLeaves: boolean;
}

const NONE: readonly number[] = [];

function personCauses(index: ChangeIndex, email: string, joinsOrLeaves: boolean): PersonCauses {
  const personal = [...(index.removalsOf.get(email) ?? NONE), ...(index.membershipsOf.get(email) ?? NONE)].sort((a, b) => a - b);
  return { person: index.byPerson.get(email) ?? NONE, personal, joinsOrLeaves };
}

/**
 * The changes behind a person's change at a place, most direct first: their own rule there; the
 * place's default and team rules, its project, their teams' removal, their team memberships (in
 * plan order); rules on the project, which decide a resource type only through project access;
 * their membership or invite (first when they join or leave). For the organization level: their
 * membership or invite. Written as positions in plan order into `out`; returns how many.
 */
function causes(index: ChangeIndex, email: string, who: PersonCauses, project: string | undefined, resource: string | undefined, out: number[]): number {
  // Indexed loops: this runs for each person at each place whose level moves.
  const { changes } = index;
  const { person, personal } = who;
  let n = 0;
  if (project === undefined || who.joinsOrLeaves) for (let k = 0; k < person.length; k++) out[n++] = person[k]!;
  if (project === undefined) return n;
  const here = index.byProject.get(project) ?? NONE;
  for (let k = 0; k < here.length; k++) {
    const c = changes[here[k]!]!;
    const s: Subject = c.subject;
    if (c.kind !== 'project' && s.resource === resource && s.email === email) out[n++] = here[k]!;
  }
  let next = 0;
  for (let k = 0; k < here.length; k++) {
    const i = here[k]!;
    const c = changes[i]!;
    const s: Subject = c.subject;
    if (c.kind !== 'project' && (s.resource !== resource || s.email !== undefined)) continue;
    while (next < personal.length && personal[next]! < i) out[n++] = personal[next++]!;
    out[n++] = i;
  }
  while (next < personal.length) out[n++] = personal[next++]!;
  if (resource !== undefined) {
    for (let k = 0; k < here.length; k++) {
      const c = changes[here[k]!]!;
      const s: Subject = c.subject;
      if (c.kind !== 'project' && s.resource === undefined && (s.email === undefined || s.email === email)) out[n++] = here[k]!;
    }
  }
  if (!who.joinsOrLeaves) for (let k = 0; k < person.length; k++) out[n++] = person[k]!;
  return n;
}

/** The plan's changes by what they name (positions in plan order), so each person and place looks only at its own. */
interface ChangeIndex {
  changes: readonly Change[];
  /** Member and invite changes, by email. */
  byPerson: Map<string, number[]>;
  /** Rule changes and the project's own, by project. */
  byProject: Map<string, number[]>;
  /** Removals of teams, by the emails of their members (before). */
  removalsOf: Map<string, number[]>;
  /** Team membership changes, by email. */
  membershipsOf: Map<string, number[]>;
}

function indexChanges(before: AccessView, changes: readonly Change[]): ChangeIndex {
  const index: ChangeIndex = { changes, byPerson: new Map(), byProject: new Map(), removalsOf: new Map(), membershipsOf: new Map() };
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
      for (const email of new Set(before.teams[s.team] ?? [])) add(index.removalsOf, email, i);
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
 * the project itself, a project new to the view) whose access there may change. Anyone else at a
 * place resolves alike before and after by construction: nothing their resolution reads moves.
 * test/access/pruned.test.ts compares the result with resolving everyone everywhere on generated
 * organizations.
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
export function accessChanges(before: AccessView, changes: readonly Change[], options: { everywhere?: boolean; limit?: number } = {}): AccessChange[] {
  return finish(accessChangeSteps(before, changes, options));
}

/**
 * accessChanges in steps: it yields after each person, so that a caller can let other work run
 * between them (src/util/slices.ts; the plan's last reads go on meanwhile: src/cli/pipeline.ts).
 */
export function* accessChangeSteps(before: AccessView, changes: readonly Change[], options: { everywhere?: boolean; limit?: number } = {}): Generator<void, AccessChange[]> {
  if (!changes.length) return [];
  const after = viewAfter(before, changes);
  yield;
  const index = indexChanges(before, changes);
  const reach = options.everywhere ? undefined : reachOf(before, changes);
  yield;
  const out: AccessChange[] = [];
  const shared = new Shared();
  const emails = [...new Set([...Object.keys(before.people), ...Object.keys(after.people)])].sort();
  const projects = [...new Set([...Object.keys(before.projects), ...Object.keys(after.projects)])].sort();
  // Per project: the resource types with a rule on either side, sorted.
  const ruled = new Map<string, string[]>();
  const resourcesOf = (project: string, b: ProjectRules | undefined, a: ProjectRules | undefined): string[] =>
    ruled.get(project) ?? ruled.set(project, [...new Set([...(b ? ruledResources(b) : []), ...(a ? ruledResources(a) : [])])].sort()).get(project)!;
  // Each person's projects to resolve, found once: counted against the limit, then resolved.
  const toResolveOf = emails.map((e) => (reach ? projectsToResolve(reach, e, projects) : projects));
  if (options.limit !== undefined) {
    // Counted before any is resolved: the work (and the list) grows with people × places reached.
    let places = 0;
    for (const list of toResolveOf) {
      for (const p of list) places += 1 + resourcesOf(p, before.projects[p], after.projects[p]).length;
      if (places > options.limit) throw new AccessListTooLarge(options.limit);
      yield;
    }
  }
  const noProjectAccess = shared.worded('none', 'no project access');
  // A person's outcomes so far, by causes, then by context, direction and levels: one entry each, places appended.
  const outcomes = new Map<string[], Map<number, AccessChange>>();
  const positions: number[] = [];
  let email = '';
  let who: PersonCauses = personCauses(index, email, false);
  const add = (context: LevelContext, was: ShownLevel | null, now: ShownLevel | null, project?: string, resource?: string) => {
    // Outside the organization a project or resource level is none: joining or leaving where one had none changes nothing.
    const none = context === 'organization' ? undefined : 'none';
    if ((was?.level ?? none) === (now?.level ?? none)) return;
    const because = shared.because(changes, positions, causes(index, email, who, project, resource, positions));
    const direction = rank(context, now) > rank(context, was) ? 'gains' : 'loses';
    const id = shared.outcome(context, direction, was, now);
    const alike = outcomes.get(because) ?? outcomes.set(because, new Map()).get(because)!;
    let entry = alike.get(id);
    if (!entry) {
      entry = { email, direction, before: was, after: now, because, places: [] };
      alike.set(id, entry);
      out.push(entry);
    }
    if (project !== undefined) entry.places.push(shared.place(project, resource));
  };
  for (let i = 0; i < emails.length; i++) {
    email = emails[i]!;
    outcomes.clear();
    // Whether they are in the organization on each side (their levels are resolved per place below).
    const was = before.people[email];
    const now = after.people[email];
    who = personCauses(index, email, !was || !now);
    add('organization', orgLevel(shared, before, email), orgLevel(shared, after, email));
    const toResolve = toResolveOf[i]!;
    for (let p = 0; p < toResolve.length; p++) {
      const project = toResolve[p]!;
      const b = before.projects[project];
      const a = after.projects[project];
      if ((b && !b.known) || (a && !a.known)) continue;
      const wasProject = was && b ? shared.shown(projectAccess(before, email, project)) : null;
      const nowProject = now && a ? shared.shown(projectAccess(after, email, project)) : null;
      add('project', wasProject, nowProject, project);
      const resources = resourcesOf(project, b, a);
      for (let r = 0; r < resources.length; r++) {
        const resource = resources[r]!;
        // A resource level counts only where the person reaches the project.
        const wasHere = !wasProject ? null : wasProject.level === 'none' ? noProjectAccess : shared.shown(resourceAccess(before, email, project, resource));
        const nowHere = !nowProject ? null : nowProject.level === 'none' ? noProjectAccess : shared.shown(resourceAccess(after, email, project, resource));
        add('resource', wasHere, nowHere, project, resource);
      }
    }
    yield;
  }
  return out;
}

/** The plan's changes reach more people × places than a plan resolves (`limit` of accessChanges). */
export class AccessListTooLarge extends Error {
  readonly limit: number;
  constructor(limit: number) {
    super(`the changes reach more than ${limit} person × place pairs`);
    this.limit = limit;
  }
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
