// Who is in each team (PostHog role memberships). Memberships have no update: added or removed.
// People still invited get theirs once they join.
import { z } from 'zod';
import { effectiveGrant, inForce, untilText } from '../expiry.ts';
import { defineKind, type DesiredItem } from '../kind.ts';
import { scimManaged, standing, teamName } from '../lookup.ts';
import { listedPeople, unlistedInDefaultTeam } from '../../matrix/warnings.ts';
import { count } from '../../util/english.ts';

export const teamMemberShape = {
  value: z.object({}),
  subject: z.object({ team: z.string(), email: z.string() }),
};

const lower = (v: unknown) => (typeof v === 'string' ? v.toLowerCase() : undefined);

export const teamMemberKind = defineKind({
  kind: 'team_member',
  shape: teamMemberShape,
  key: (s) => `${s.team} / ${s.email}`,
  scope: 'organization:write',
  section: 'Team memberships',
  label: 'team membership',
  fingerprint: (actual) => ({ teams: actual.teams }),
  desired(ctx) {
    const items: DesiredItem<'team_member'>[] = [];
    // validate's default_team warning made exact: of the people the default team does not list,
    // those still to join (to invite, or invited) get it from PostHog on joining and lose it on
    // the next apply; members already in the organization never join again.
    const unlisted = unlistedInDefaultTeam(ctx.desired);
    const joiners = unlisted?.emails.filter((email) => standing(ctx, email) === 'invitee') ?? [];
    if (unlisted && joiners.length) {
      const { team } = unlisted;
      ctx.notices.push({
        level: 'warning', code: 'default_team_pruned', key: 'default_team',
        message: `default_team: ${team} with prune.teams: ${count(joiners.length, 'person', 'people')} still to join (${listedPeople(joiners)}) ${joiners.length === 1 ? 'is' : 'are'} not under teams.${team}.members: `
          + `PostHog puts them in ${team} when they join and the next apply takes them out. List them there to keep them in it, set prune.teams: false, or remove default_team (docs/matrix.md, "default_team with prune.teams")`,
      });
    }
    for (const [team, { members }] of Object.entries(ctx.desired.teams)) {
      if (scimManaged(ctx, team)) continue; // (it lists no members: SCIM keeps them)
      for (const m of members) {
        const who = standing(ctx, m.email);
        if (who !== 'member') continue; // invitees wait for their invite; leavers go with their removal
        const endsSoon = m.expires && effectiveGrant({ level: 'member', expires: m.expires }, ctx.now).endsSoon;
        if (endsSoon) ctx.notices.push({ level: 'info', code: 'expiring', key: `${team} / ${m.email}`, message: `${team} / ${m.email}: the membership ends after ${endsSoon}, then out of ${team}` });
        items.push({
          subject: { team, email: m.email },
          value: inForce(m.expires, ctx.now) ? {} : null,
          reason: inForce(m.expires, ctx.now) ? undefined : `expired ${m.expires}`,
          until: m.expires && inForce(m.expires, ctx.now) ? untilText(m.expires, undefined, `out of ${team}`) : undefined,
          temporary: m.expires ? { expires: m.expires, then: null } : undefined,
          note: m.note,
          needs: [`team:${team}`],
        });
      }
    }
    return items;
  },
  actual(ctx) {
    // Only the teams the matrix declares, and not those SCIM manages: other roles are the team kind's business.
    return Object.values(ctx.actual.teams)
      .filter((t) => ctx.desired.teams[teamName(ctx, t.name)] && !scimManaged(ctx, teamName(ctx, t.name)))
      .flatMap((t) => Object.keys(t.members).map((email) => ({ subject: { team: teamName(ctx, t.name), email }, value: {} })));
  },
  prune: (ctx) => ({ enabled: ctx.desired.prune.teams, flag: 'prune.teams' }),
  goesWith: (s) => [`member:${s.email}`, `team:${s.team}`],
  attribution: {
    scopes: ['RoleMembership', 'Role'],
    about: (change, entry) => {
      const context = entry.detail.context ?? {};
      return (entry.scope === 'RoleMembership' || entry.scope === 'Role') &&
        lower(context.role_name) === lower(change.subject.team) && lower(context.user_email) === change.subject.email.toLowerCase();
    },
  },
});
