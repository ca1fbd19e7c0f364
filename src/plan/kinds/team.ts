// Teams are PostHog roles. Names match case-insensitively (as PostHog enforces uniqueness), so a
// difference in case only is a rename.
import { findTeam } from '../../model/actual.ts';
import type { Kind } from '../kind.ts';
import { teamIdOf, teamName } from '../lookup.ts';

export const teamKind: Kind = {
  kind: 'team',
  desired: (ctx) => Object.keys(ctx.desired.teams).map((name) => ({ key: name, value: { name } })),
  // refs.members: removing the role removes its memberships too (PostHog cascades).
  actual: (ctx) =>
    Object.values(ctx.actual.teams).map((t) => ({ key: teamName(ctx, t.name), value: { name: t.name }, refs: { members: Object.keys(t.members).length } })),
  prune: (ctx) => ({ enabled: ctx.desired.prune.teams, flag: 'prune.teams' }),
  async create(change, env) {
    const role = await env.api.createRole(env.orgId, change.key);
    env.created.teams.set(change.key, role.id);
  },
  async update(change, env) {
    await env.api.renameRole(env.orgId, teamIdOf(env, change.key), change.key);
  },
  async delete(change, env) {
    const team = findTeam(env.actual, change.key);
    if (team) await env.api.deleteRole(env.orgId, team.id);
  },
};
