// Who is in each team (PostHog role memberships). Memberships have no update: added or removed.
// People still invited get theirs once they join.
import { findTeam } from '../../model/actual.ts';
import { inForce } from '../expiry.ts';
import type { DesiredItem, Kind } from '../kind.ts';
import { memberOf, standing, teamIdOf, teamName } from '../lookup.ts';

const keyOf = (team: string, email: string) => `${team} / ${email}`;

export const teamMemberKind: Kind = {
  kind: 'team_member',
  desired(ctx) {
    const items: DesiredItem[] = [];
    for (const [team, { members }] of Object.entries(ctx.desired.teams)) {
      for (const m of members) {
        const who = standing(ctx, m.email);
        if (who !== 'member') continue; // invitees wait for their invite; leavers go with their removal
        items.push({
          key: keyOf(team, m.email),
          value: inForce(m.expires, ctx.now) ? {} : null,
          reason: inForce(m.expires, ctx.now) ? undefined : `expired ${m.expires}`,
          note: m.note,
          refs: { team, email: m.email },
          needs: [`team:${team}`],
        });
      }
    }
    return items;
  },
  actual(ctx) {
    // Only the teams the matrix declares: other roles are the team kind's business.
    return Object.values(ctx.actual.teams)
      .filter((t) => ctx.desired.teams[teamName(ctx, t.name)])
      .flatMap((t) =>
        Object.keys(t.members).map((email) => {
          const team = teamName(ctx, t.name);
          return { key: keyOf(team, email), value: {}, refs: { team, email } };
        }),
      );
  },
  prune: (ctx) => ({ enabled: ctx.desired.prune.teams, flag: 'prune.teams' }),
  async create(change, env) {
    await env.api.addRoleMember(env.orgId, teamIdOf(env, String(change.refs.team)), memberOf(env, String(change.refs.email)).userUuid);
  },
  async delete(change, env) {
    const team = findTeam(env.actual, String(change.refs.team));
    const membershipId = team?.members[String(change.refs.email)];
    if (team && membershipId) await env.api.removeRoleMember(env.orgId, team.id, membershipId);
  },
};
