// Invites: people in the matrix who are not in the organization yet are invited with their level
// and their direct project grants (private_project_access). PostHog has no invite update: sending
// a new invite replaces the earlier ones for that email, which is how an update (or an expired
// invite's renewal) is applied.
import { ORG_LEVELS, orgLevelName, type OrgLevelName, type ProjectLevel } from '../../model/levels.ts';
import type { DesiredState } from '../../model/desired.ts';
import { effectiveGrant } from '../expiry.ts';
import type { ApplyEnv, DesiredItem, Kind } from '../kind.ts';
import { projectIdOf } from '../lookup.ts';
import type { Change } from '../types.ts';

/** The direct project grants in force for a person, by project name (none-level grants omitted). */
function projectGrants(desired: DesiredState, email: string, now: Date): Record<string, ProjectLevel> {
  const grants: Record<string, ProjectLevel> = {};
  for (const [name, project] of Object.entries(desired.projects)) {
    const grant = project.members[email];
    const level = grant ? effectiveGrant(grant, now).level : null;
    if (level && level !== 'none') grants[name] = level;
  }
  return grants;
}

async function send(change: Change, env: ApplyEnv): Promise<void> {
  const after = change.after as { level: OrgLevelName; projects: Record<string, ProjectLevel> };
  await env.api.createInvite(env.orgId, {
    target_email: change.key,
    level: ORG_LEVELS[after.level],
    private_project_access: Object.entries(after.projects).map(([name, level]) => ({ id: projectIdOf(env, name), level })),
  });
}

export const inviteKind: Kind = {
  kind: 'invite',
  desired(ctx) {
    const items: DesiredItem[] = [];
    for (const [email, grant] of Object.entries(ctx.desired.members)) {
      if (ctx.actual.members[email]) continue;
      const effective = effectiveGrant(grant, ctx.now);
      const existing = ctx.actual.invites[email];
      if (!effective.level) {
        if (existing) items.push({ key: email, value: null, reason: effective.expiredReason, refs: { email } });
        continue;
      }
      const projects = projectGrants(ctx.desired, email, ctx.now);
      if (existing && !existing.isExpired) {
        ctx.notices.push({ level: 'info', code: 'pending_invite', key: email, message: `${email} is invited (since ${existing.createdAt.slice(0, 10)}); team memberships and resource access follow once the invite is accepted` });
      }
      items.push({
        key: email,
        value: { level: effective.level, projects, expired: false },
        reason: existing?.isExpired ? 'the invite expired unanswered: sent again' : existing ? 'the invite differs from the matrix: sent again (PostHog replaces it)' : undefined,
        note: grant.note,
        refs: { email },
        needs: Object.keys(projects).map((name) => `project:${name}`),
      });
    }
    return items;
  },
  actual: (ctx) =>
    Object.values(ctx.actual.invites).map((i) => ({
      key: i.email,
      value: { level: orgLevelName(i.level), projects: i.projects, expired: i.isExpired },
      refs: { email: i.email },
    })),
  prune: (ctx) => ({ enabled: ctx.desired.prune.invites, flag: 'prune.invites' }),
  create: send,
  update: send,
  async delete(change, env) {
    const invite = env.actual.invites[change.key];
    if (invite) await env.api.deleteInvite(env.orgId, invite.id);
  },
};
