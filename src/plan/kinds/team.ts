// Teams are PostHog roles. Names match case-insensitively (as PostHog enforces uniqueness), so a
// difference in case only is a rename.
import { z } from 'zod';
import { findTeam } from '../../model/actual.ts';
import { defineKind } from '../kind.ts';
import { teamName } from '../lookup.ts';

export const teamShape = {
  value: z.object({ name: z.string() }),
  subject: z.object({ team: z.string() }),
};

export const teamKind = defineKind({
  kind: 'team',
  shape: teamShape,
  key: (s) => s.team,
  scope: 'organization:write',
  section: 'Teams',
  label: 'team',
  fingerprint: (actual) => ({ teams: actual.teams }),
  desired: (ctx) => Object.keys(ctx.desired.teams).map((name) => ({ subject: { team: name }, value: { name } })),
  actual: (ctx) => Object.values(ctx.actual.teams).map((t) => ({ subject: { team: teamName(ctx, t.name) }, value: { name: t.name } })),
  prune: (ctx) => ({ enabled: ctx.desired.prune.teams, flag: 'prune.teams' }),
  // Removing the role removes its memberships and its rules in every project too (PostHog cascades).
  cascade(change, rules, actual) {
    const memberships = Object.keys(findTeam(actual, change.subject.team)?.members ?? {}).length;
    return {
      count: memberships + rules,
      reason: `its ${memberships} membership${memberships === 1 ? '' : 's'} and its access rules in every project go with it${rules ? ` (${rules} in the projects the matrix names)` : ''}`,
    };
  },
  attribution: {
    scopes: ['Role'],
    about: (change, entry, actual) => entry.scope === 'Role' && entry.item_id === findTeam(actual, change.key)?.id,
  },
});
