// What a plan's changes do to who can reach what: the AccessView after applying them, and each
// person's effective access that goes down. Pure. The `protected` guard uses it, so a protected
// person losing access through a team, a default or a removed team is caught, not only through
// changes that name them.
import type { Change, Subject } from '../plan/types.ts';
import { levelRank, type ProjectLevel, type ResourceLevel } from '../model/levels.ts';
import { personAccess, projectAccess, resourceAccess, type AccessView, type ScopeRules } from './effective.ts';
import { append } from '../util/append.ts';

function clone(view: AccessView): AccessView {
  return structuredClone(view);
}

function scopeOf(view: AccessView, project: string, resource?: string): ScopeRules<string> {
  view.projects[project] ??= { teams: {}, members: {}, resources: {}, known: true };
  const p = view.projects[project];
  if (resource === undefined) return p;
  return (p.resources[resource] ??= { teams: {}, members: {} });
}

/** The view as it will be once `changes` are applied (PostHog's cascades included). */
export function viewAfter(before: AccessView, changes: readonly Change[]): AccessView {
  const view = clone(before);
  const removePerson = (email: string) => {
    delete view.people[email];
    for (const members of Object.values(view.teams)) {
      const i = members.indexOf(email);
      if (i >= 0) members.splice(i, 1);
    }
    for (const p of Object.values(view.projects)) {
      delete p.members[email];
      for (const scope of Object.values(p.resources)) delete scope.members[email];
    }
  };
  for (const change of changes) {
    switch (change.kind) {
      case 'member':
        if (change.action === 'delete') removePerson(change.subject.email);
        else if (view.people[change.subject.email]) view.people[change.subject.email]!.level = change.after.level;
        break;
      case 'invite':
        if (change.action === 'delete') {
          if (view.people[change.subject.email]?.pending) delete view.people[change.subject.email];
        } else if (!change.after.expired) {
          view.people[change.subject.email] = { email: change.subject.email, level: change.after.level, pending: true, invited: { ...change.after.projects } };
        }
        break;
      case 'team':
        if (change.action === 'delete') {
          delete view.teams[change.subject.team];
          for (const p of Object.values(view.projects)) {
            delete p.teams[change.subject.team];
            for (const scope of Object.values(p.resources)) delete scope.teams[change.subject.team];
          }
        } else if (change.action === 'create') view.teams[change.after.name] ??= [];
        break;
      case 'team_member': {
        const members = (view.teams[change.subject.team] ??= []);
        const i = members.indexOf(change.subject.email);
        if (change.action === 'delete' && i >= 0) members.splice(i, 1);
        if (change.action === 'create' && i < 0) members.push(change.subject.email);
        break;
      }
      case 'project_access':
      case 'resource_access': {
        const subject = change.subject;
        const scope = scopeOf(view, subject.project, 'resource' in subject ? subject.resource : undefined);
        const level = change.action === 'delete' ? undefined : change.after.level;
        if (subject.email !== undefined) {
          if (level === undefined) delete scope.members[subject.email];
          else scope.members[subject.email] = level;
        } else if (subject.team !== undefined) {
          if (level === undefined) delete scope.teams[subject.team];
          else scope.teams[subject.team] = level;
        } else if (level === undefined) delete scope.default;
        else scope.default = level;
        break;
      }
      default:
        break;
    }
  }
  return view;
}

export interface Loss {
  email: string;
  /** "organization", "Production", "Production / feature_flag". */
  where: string;
  before: string;
  after: string;
}

/** Where `email`'s effective access goes down from `before` to `after` (gone counts as none). */
export function losses(before: AccessView, after: AccessView, email: string): Loss[] {
  const was = personAccess(before, email);
  if (!was) return [];
  const now = personAccess(after, email);
  if (!now) return [{ email, where: 'organization', before: was.level, after: 'removed' }];
  const out: Loss[] = [];
  if (levelRank('organization', now.level) < levelRank('organization', was.level)) out.push({ email, where: 'organization', before: was.level, after: now.level });
  for (const p of was.projects) {
    if (!p.known) continue;
    const level: ProjectLevel = after.projects[p.project] ? projectAccess(after, email, p.project).level : 'none';
    if (levelRank('project', level) < levelRank('project', p.level)) out.push({ email, where: p.project, before: p.level, after: level });
    const resources = new Set([...Object.keys(before.projects[p.project]?.resources ?? {}), ...Object.keys(after.projects[p.project]?.resources ?? {})]);
    for (const resource of [...resources].sort()) {
      const was: ResourceLevel = resourceAccess(before, email, p.project, resource).level;
      const is: ResourceLevel = resourceAccess(after, email, p.project, resource).level;
      if (levelRank('resource', is) < levelRank('resource', was)) out.push({ email, where: `${p.project} / ${resource}`, before: was, after: is });
    }
  }
  return out;
}

export interface ProtectedLosses {
  losses: Loss[];
  /** The changes that take the access away (destructive team, membership and rule changes there). */
  changes: Change[];
}

const emailOf = (c: Change): string | undefined => (c.subject as Subject).email;

const levelOf = (value: unknown): string | undefined =>
  value && typeof value === 'object' && typeof (value as { level?: unknown }).level === 'string' ? (value as { level: string }).level : undefined;

/**
 * Where protected people's access goes down with `changes`, and the changes that do it, on the
 * effective-access model: what each can reach before and after (an organization level, a project,
 * a resource type; a default lowered, a team's or their own rule deleted), the teams they lose (a
 * team removed, their membership of it: a team can carry rules in projects the plan does not read),
 * and any change that removes or lowers a grant naming them, even where it changes nothing today
 * (an admin's own rule).
 */
export function protectedLosses(before: AccessView, changes: readonly Change[], emails: readonly string[]): ProtectedLosses {
  if (!emails.length) return { losses: [], changes: [] };
  const after = viewAfter(before, changes);
  const lost: Loss[] = [];
  const responsible = new Set<Change>();
  for (const email of emails) {
    if (!before.people[email]) continue;
    const mine = losses(before, after, email);
    const removedFromOrg = mine.some((l) => l.where === 'organization' && l.after === 'removed');
    // Their teams: every team they are in now that they are not in afterwards.
    const teams = Object.keys(before.teams).filter((t) => before.teams[t]!.includes(email)).sort();
    const lostTeams = removedFromOrg ? [] : teams.filter((t) => !after.teams[t]?.includes(email));
    for (const team of lostTeams) mine.push({ email, where: `team ${team}`, before: 'member', after: after.teams[team] ? 'not a member' : 'removed' });
    // Grants naming them that go down, though their reach does not (yet) change.
    const named = changes.filter((c) => c.destructive && emailOf(c) === email);
    for (const c of named) {
      const where = c.kind === 'member' || c.kind === 'invite' ? 'organization' : c.key;
      if (mine.some((l) => l.where === where || (where === 'organization' && removedFromOrg))) continue;
      if (c.kind === 'team_member' && lostTeams.includes(c.subject.team)) continue;
      mine.push({ email, where, before: levelOf(c.action === 'create' ? undefined : c.before) ?? 'granted', after: c.action === 'delete' ? 'removed' : levelOf(c.after) ?? 'lowered' });
    }
    if (!mine.length) continue;
    append(lost, mine);
    const places = new Set(mine.map((l) => l.where.split(' / ')[0]));
    const teamsHit = new Set(teams);
    for (const c of changes) {
      if (emailOf(c) === email && (c.destructive || c.kind === 'member')) responsible.add(c);
      else if ((c.kind === 'team' || c.kind === 'team_member') && c.destructive && teamsHit.has(c.subject.team) && (c.kind === 'team' || c.subject.email === email)) responsible.add(c);
      else if ((c.kind === 'project_access' || c.kind === 'resource_access') && c.destructive && places.has(c.subject.project)) responsible.add(c);
    }
  }
  return { losses: lost, changes: changes.filter((c) => responsible.has(c)) };
}
