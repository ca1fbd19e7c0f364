// Organization members and their level. Members join through invites (invite.ts); this kind
// changes levels and removes people.
import { ORG_LEVELS, levelRank, orgLevelName, type OrgLevelName } from '../../model/levels.ts';
import { effectiveGrant } from '../expiry.ts';
import type { DesiredItem, Kind } from '../kind.ts';
import { memberOf } from '../lookup.ts';

export const memberKind: Kind = {
  kind: 'member',
  desired(ctx) {
    const items: DesiredItem[] = [];
    for (const [email, grant] of Object.entries(ctx.desired.members)) {
      if (!ctx.actual.members[email]) continue; // not in the organization yet: invite.ts
      const effective = effectiveGrant(grant, ctx.now);
      if (effective.endsSoon) {
        ctx.notices.push({
          level: 'info', code: 'expiring', key: email,
          message: `${email}: ${grant.level} ends after ${effective.endsSoon}${grant.then ? `, then ${grant.then}` : ', then removed from the organization'}`,
        });
      }
      items.push({
        key: email,
        value: effective.level ? { level: effective.level } : null,
        reason: effective.expiredReason,
        note: grant.note,
        refs: { email },
      });
    }
    return items;
  },
  actual: (ctx) =>
    Object.values(ctx.actual.members).map((m) => ({ key: m.email, value: { level: orgLevelName(m.level) }, refs: { email: m.email } })),
  prune: (ctx) => ({ enabled: ctx.desired.prune.members, flag: 'prune.members' }),
  lowers: (before, after) => levelRank('organization', String(after.level)) < levelRank('organization', String(before.level)),
  async update(change, env) {
    const level = ORG_LEVELS[change.after?.level as OrgLevelName];
    await env.api.updateMemberLevel(env.orgId, memberOf(env, change.key).userUuid, level);
  },
  async delete(change, env) {
    const member = memberOf(env, change.key);
    // PostHog refuses to remove an owner ("Cannot leave the organization as its owner!"): demote first.
    if (member.level === ORG_LEVELS.owner) await env.api.updateMemberLevel(env.orgId, member.userUuid, ORG_LEVELS.member);
    await env.api.removeMember(env.orgId, member.userUuid);
  },
};
