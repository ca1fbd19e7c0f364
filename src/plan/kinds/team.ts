// Teams are PostHog roles. Names match case-insensitively (as PostHog enforces uniqueness), so a
// difference in case only is a rename.
import { z } from 'zod';
import { findTeam, rulesIn } from '../../model/actual.ts';
import { defineKind, type DiffContext } from '../kind.ts';
import { scimManaged, teamName } from '../lookup.ts';
import { count } from '../../util/english.ts';

export const teamShape = {
  value: z.object({ name: z.string() }),
  subject: z.object({ team: z.string() }),
};

/** What the plan says about teams SCIM manages: missing ones, and roles that look provisioned by SCIM. */
function scimNotices(ctx: DiffContext): void {
  for (const [name, team] of Object.entries(ctx.desired.teams)) {
    const role = findTeam(ctx.actual, name);
    if (team.managedBy === 'scim' && !role) {
      ctx.notices.push({ level: 'warning', code: 'scim_team_missing', key: name, message: `team "${name}" is managed_by: scim, but PostHog has no role of that name yet: its grants wait until the identity provider pushes the group "${name}"` });
    }
  }
  const provisioned = Object.values(ctx.actual.teams).filter((t) => !ctx.desired.teams[teamName(ctx, t.name)] && t.noCreator).map((t) => t.name).sort();
  if (provisioned.length) {
    ctx.notices.push({ level: 'info', code: 'scim', message: `${count(provisioned.length, 'role')} not in the matrix ${provisioned.length === 1 ? 'shows' : 'show'} no creator, as roles provisioned by SCIM do: left to the identity provider, never pruned: ${provisioned.join(', ')}` });
  }
}

/** Where what goes with a removal is: "(2 in the projects the matrix names, 30 in projects it does not name)". */
export function whereRules(named: number, elsewhere: number): string {
  const parts = [...(named ? [`${named} in the projects the matrix names`] : []), ...(elsewhere ? [`${elsewhere} in projects it does not name`] : [])];
  return parts.length ? ` (${parts.join(', ')})` : '';
}

export const teamKind = defineKind({
  kind: 'team',
  shape: teamShape,
  key: (s) => s.team,
  scope: 'organization:write',
  section: 'Teams',
  label: 'team',
  fingerprint: (actual) => ({ teams: actual.teams }),
  desired(ctx) {
    scimNotices(ctx);
    return Object.keys(ctx.desired.teams).filter((name) => !scimManaged(ctx, name)).map((name) => ({ subject: { team: name }, value: { name } }));
  },
  // Roles SCIM manages are neither renamed nor pruned: the identity provider owns them.
  actual: (ctx) => Object.values(ctx.actual.teams)
    .filter((t) => !scimManaged(ctx, teamName(ctx, t.name)))
    .map((t) => ({ subject: { team: teamName(ctx, t.name) }, value: { name: t.name } })),
  prune: (ctx) => ({ enabled: ctx.desired.prune.teams, flag: 'prune.teams' }),
  // Removing the role removes its memberships and its rules in every project too (PostHog cascades).
  // Counted from PostHog as read, not from the plan's own removals: every rule goes, pruned or not.
  cascade(change, _folded, actual) {
    const role = findTeam(actual, change.subject.team);
    const memberships = Object.keys(role?.members ?? {}).length;
    const rules = rulesIn(actual, { team: change.subject.team });
    const elsewhere = role ? actual.rulesElsewhere?.teams[role.name] ?? 0 : 0;
    return {
      count: memberships + rules + elsewhere,
      reason: `its ${memberships} membership${memberships === 1 ? '' : 's'} and its access rules in every project go with it${whereRules(rules, elsewhere)}`,
    };
  },
  attribution: {
    scopes: ['Role'],
    about: (change, entry, actual) => entry.scope === 'Role' && entry.item_id === findTeam(actual, change.key)?.id,
  },
});
