// Writes of the organization itself: projects, teams (roles), settings, SSO domains.
import { InternalError } from '../../errors.ts';
import { findTeam } from '../../model/actual.ts';
import { nameKey } from '../../model/names.ts';
import { DEFAULT_TEAM } from '../../plan/kinds/org-settings.ts';
import { projectIdOf, teamIdOf, type Writer } from './writer.ts';

// PostHog does not deduplicate what is created by POST across two applies at once (the lock only
// covers one machine): just before each create, the name is looked up again, and a project or role
// made meanwhile (by another apply) is used instead of making a second one.

export const projectWriter: Writer<'project'> = {
  async create(change, env) {
    const name = nameKey(change.subject.project);
    const made = (await env.api.listProjects(env.orgId)).filter((p) => nameKey(p.name) === name).sort((a, b) => a.id - b.id)[0];
    if (made) return made.id;
    return (await env.api.createProject(env.orgId, change.subject.project)).id;
  },
  async update(change, env) {
    await env.api.renameProject(projectIdOf(env, change.subject.project), change.after.name);
  },
};

export const teamWriter: Writer<'team'> = {
  async create(change, env) {
    const name = nameKey(change.subject.team);
    const made = (await env.api.listRoles(env.orgId)).find((r) => nameKey(r.name) === name);
    if (made) return made.id;
    return (await env.api.createRole(env.orgId, change.subject.team)).id;
  },
  async update(change, env) {
    await env.api.renameRole(env.orgId, teamIdOf(env, change.subject.team), change.subject.team);
  },
  async delete(change, env) {
    const team = findTeam(env.actual, change.subject.team);
    if (team) await env.api.deleteRole(env.orgId, team.id);
  },
};

export const orgSettingsWriter: Writer<'org_settings'> = {
  async update(change, env) {
    const body: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(change.after)) {
      if (JSON.stringify(change.before[key]) === JSON.stringify(value)) continue;
      if (key === DEFAULT_TEAM) body.default_role_id = value === null ? null : teamIdOf(env, String(value));
      else body[key] = value;
    }
    if (Object.keys(body).length) await env.api.updateOrganization(env.orgId, body);
  },
};

export const domainWriter: Writer<'domain'> = {
  async create(change, env) {
    await env.api.createDomain(env.orgId, change.subject.domain);
  },
  async update(change, env) {
    const domain = env.actual.domains?.[change.subject.domain];
    if (!domain) throw new InternalError(`domain "${change.key}" has no id: it was not found`);
    const { before, after } = change;
    const body: { jit_provisioning_enabled?: boolean; sso_enforcement?: string } = {};
    if (after.jit_provisioning !== undefined && after.jit_provisioning !== before.jit_provisioning) body.jit_provisioning_enabled = after.jit_provisioning;
    if (after.sso_enforcement !== undefined && after.sso_enforcement !== before.sso_enforcement) body.sso_enforcement = after.sso_enforcement;
    if (Object.keys(body).length) await env.api.updateDomain(env.orgId, domain.id, body);
  },
};
