// What a plan's changes do to who can reach what: the AccessView after applying them, and each
// person's effective access that goes down. Pure. The `protected` guard uses it, so a protected
// person losing access through a team, a default or a removed team is caught, not only through
// changes that name them.
import type { Change } from '../plan/types.ts';
import { levelRank, type ProjectLevel, type ResourceLevel } from '../model/levels.ts';
import { personAccess, projectAccess, resourceAccess, type AccessView, type ScopeRules } from './effective.ts';

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
    for (const p of Object.values(view.projects)) for (const scope of [p, ...Object.values(p.resources)]) delete scope.members[email];
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
          for (const p of Object.values(view.projects)) for (const scope of [p, ...Object.values(p.resources)]) delete scope.teams[change.subject.team];
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

/** Where protected people's effective access goes down with `changes`, and the changes that do it. */
export function protectedLosses(before: AccessView, changes: readonly Change[], emails: readonly string[]): ProtectedLosses {
  if (!emails.length) return { losses: [], changes: [] };
  const after = viewAfter(before, changes);
  const lost = emails.flatMap((email) => losses(before, after, email));
  if (!lost.length) return { losses: [], changes: [] };
  const projects = new Set(lost.map((l) => l.where.split(' / ')[0]));
  const people = new Set(lost.map((l) => l.email));
  const teamsOfPeople = new Set(Object.entries(before.teams).filter(([, members]) => members.some((m) => people.has(m))).map(([t]) => t));
  const responsible = changes.filter((c) => {
    if (!c.destructive && c.action !== 'create') return false;
    if (c.kind === 'team' || c.kind === 'team_member') return c.destructive && teamsOfPeople.has(c.subject.team);
    if (c.kind === 'project_access' || c.kind === 'resource_access') return projects.has(c.subject.project);
    return false;
  });
  return { losses: lost, changes: responsible };
}
