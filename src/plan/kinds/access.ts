// Access rules: project access (project_access) and resource-type access inside a project
// (resource_access). Both are PostHog AccessControl rows with the same subjects: the default for
// everyone, a team (role) or a member; PUT upserts one, `access_level: null` deletes it.
import type { ActualSubjectRules } from '../../model/actual.ts';
import type { Grant, SubjectGrants } from '../../model/desired.ts';
import { PROJECT_DEFAULT_LEVEL, levelRank, resourceBounds } from '../../model/levels.ts';
import type { AccessControlPut } from '../../posthog/types.ts';
import { effectiveGrant } from '../expiry.ts';
import type { ActualItem, ApplyEnv, DesiredItem, DiffContext, Kind } from '../kind.ts';
import { memberOf, projectIdOf, standing, teamIdOf, teamName } from '../lookup.ts';
import type { Change, ChangeKind } from '../types.ts';

interface Scope {
  project: string;
  /** Resource type; absent for project access. */
  resource?: string;
}

const prefix = (s: Scope) => (s.resource ? `${s.project} / ${s.resource}` : s.project);

function desiredRules(ctx: DiffContext, scope: Scope, grants: SubjectGrants<string>, kind: ChangeKind): DesiredItem[] {
  const items: DesiredItem[] = [];
  const base = { project: scope.project, ...(scope.resource ? { resource: scope.resource } : {}) };
  const needs = [`project:${scope.project}`];
  const rule = (key: string, grant: Grant<string>, refs: Record<string, string>, extraNeeds: string[] = []) => {
    const effective = effectiveGrant(grant, ctx.now);
    if (effective.endsSoon) {
      ctx.notices.push({ level: 'info', code: 'expiring', key, message: `${key}: ${grant.level} ends after ${effective.endsSoon}${grant.then ? `, then ${grant.then}` : ''}` });
    }
    items.push({
      key, value: effective.level ? { level: effective.level } : null,
      reason: effective.expiredReason, note: grant.note, refs: { ...base, ...refs }, needs: [...needs, ...extraNeeds],
    });
  };
  if (grants.default) rule(`${prefix(scope)} / default`, grants.default, {});
  for (const [team, grant] of Object.entries(grants.teams)) rule(`${prefix(scope)} / team:${team}`, grant, { team }, [`team:${team}`]);
  for (const [email, grant] of Object.entries(grants.members)) {
    const who = standing(ctx, email);
    if (who === 'member') rule(`${prefix(scope)} / member:${email}`, grant, { email });
    else if (who === 'invitee' && kind === 'resource_access') {
      ctx.notices.push({ level: 'info', code: 'pending_invite', key: email, message: `${prefix(scope)}: access for ${email} waits for the invite to be accepted` });
    }
    // Invitees' project grants travel with the invite (private_project_access).
  }
  return items;
}

function actualRules(ctx: DiffContext, scope: Scope, rules: ActualSubjectRules<string>): ActualItem[] {
  const items: ActualItem[] = [];
  const base = { project: scope.project, ...(scope.resource ? { resource: scope.resource } : {}) };
  if (rules.default) items.push({ key: `${prefix(scope)} / default`, value: { level: rules.default.level }, refs: base });
  for (const [role, rule] of Object.entries(rules.teams)) {
    const team = teamName(ctx, role);
    items.push({ key: `${prefix(scope)} / team:${team}`, value: { level: rule.level }, refs: { ...base, team } });
  }
  for (const [email, rule] of Object.entries(rules.members)) {
    items.push({ key: `${prefix(scope)} / member:${email}`, value: { level: rule.level }, refs: { ...base, email } });
  }
  return items;
}

function body(change: Change, env: ApplyEnv, level: string | null): AccessControlPut {
  const put: AccessControlPut = { access_level: level };
  if (change.refs.resource) put.resource = String(change.refs.resource);
  if (change.refs.team) put.role = teamIdOf(env, String(change.refs.team));
  if (change.refs.email) put.organization_member = memberOf(env, String(change.refs.email)).membershipId;
  return put;
}

function accessKind(kind: 'project_access' | 'resource_access'): Kind {
  const context = kind === 'project_access' ? 'project' : 'resource';
  const put = (change: Change, env: ApplyEnv, level: string | null) => {
    const projectId = projectIdOf(env, String(change.refs.project));
    return kind === 'project_access'
      ? env.api.putProjectAccessControl(projectId, body(change, env, level))
      : env.api.putResourceAccessControl(projectId, body(change, env, level));
  };
  return {
    kind,
    desired(ctx) {
      return Object.entries(ctx.desired.projects).flatMap(([project, p]) =>
        kind === 'project_access'
          ? desiredRules(ctx, { project }, p, kind)
          : Object.entries(p.resources).flatMap(([resource, g]) => desiredRules(ctx, { project, resource }, g, kind)),
      );
    },
    actual(ctx) {
      return Object.keys(ctx.desired.projects).flatMap((name) => {
        const project = ctx.actual.projects[name];
        if (!project?.rulesLoaded) return [];
        return kind === 'project_access'
          ? actualRules(ctx, { project: name }, project)
          : Object.entries(project.resources).flatMap(([resource, r]) => actualRules(ctx, { project: name, resource }, r));
      });
    },
    prune: (ctx) => ({ enabled: ctx.desired.prune.projectAccess, flag: 'prune.project_access' }),
    lowers: (before, after) => levelRank(context, String(after.level)) < levelRank(context, String(before.level)),
    // A default rule replaces PostHog's own default (admin on a project, editor or the resource's
    // default on a resource): below that, it takes access away from everyone. A member or team
    // rule only adds (the highest level among the rules that match wins).
    implicit: (item) => {
      if (item.refs?.team || item.refs?.email) return undefined;
      return { level: kind === 'project_access' ? PROJECT_DEFAULT_LEVEL : resourceBounds(String(item.refs?.resource)).default };
    },
    async create(change, env) { await put(change, env, String(change.after?.level)); },
    async update(change, env) { await put(change, env, String(change.after?.level)); },
    async delete(change, env) { await put(change, env, null); },
  };
}

export const projectAccessKind = accessKind('project_access');
export const resourceAccessKind = accessKind('resource_access');
