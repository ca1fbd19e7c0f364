// Access rules are PostHog AccessControl rows: PUT upserts one, `access_level: null` deletes it.
import type { AccessControlPut } from '../../posthog/types.ts';
import type { ChangeOf } from '../../plan/types.ts';
import { memberOf, projectIdOf, teamIdOf, type ApplyEnv, type Writer } from './writer.ts';

type RuleChange = ChangeOf<'project_access'> | ChangeOf<'resource_access'>;

function put(change: RuleChange, env: ApplyEnv, level: string | null) {
  const s = change.subject;
  const body: AccessControlPut = { access_level: level };
  if ('resource' in s) body.resource = s.resource;
  if (s.team !== undefined) body.role = teamIdOf(env, s.team);
  if (s.email !== undefined) body.organization_member = memberOf(env, s.email).membershipId;
  const projectId = projectIdOf(env, s.project);
  return change.kind === 'project_access' ? env.api.putProjectAccessControl(projectId, body) : env.api.putResourceAccessControl(projectId, body);
}

export const projectAccessWriter: Writer<'project_access'> = {
  async create(change, env) { await put(change, env, change.after.level); },
  async update(change, env) { await put(change, env, change.after.level); },
  async delete(change, env) { await put(change, env, null); },
};

export const resourceAccessWriter: Writer<'resource_access'> = {
  async create(change, env) { await put(change, env, change.after.level); },
  async update(change, env) { await put(change, env, change.after.level); },
  async delete(change, env) { await put(change, env, null); },
};
