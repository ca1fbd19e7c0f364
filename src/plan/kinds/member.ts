// Organization members and their level. Members join through invites (invite.ts); this kind
// changes levels and removes people. Its refusals keep the key's own user and the last owner, and
// leave owner changes to owners.
import { z } from 'zod';
import { rulesIn, teamsOfMember } from '../../model/actual.ts';
import { ORG_LEVELS, ORG_LEVEL_NAMES, levelRank, orgLevelName } from '../../model/levels.ts';
import { effectiveGrant, temporaryOf, untilText } from '../expiry.ts';
import { defineKind, type DesiredItem } from '../kind.ts';
import { refuse } from '../refuse.ts';
import { whereRules } from './team.ts';

export const memberShape = {
  value: z.object({ level: z.enum(ORG_LEVEL_NAMES) }),
  subject: z.object({ email: z.string() }),
};

const teamsRemovedBy = new WeakMap<ReadonlySet<string>, Set<string>>();

/**
 * The teams (lower-cased) among a plan's removals, found once per plan: every removed member's
 * cascade asks, and going through all removals for each made a plan of 32,000 removals take 10 s.
 */
function teamsRemoved(removing: ReadonlySet<string>): Set<string> {
  let teams = teamsRemovedBy.get(removing);
  if (!teams) {
    teams = new Set([...removing].filter((id) => id.startsWith('team:')).map((id) => id.slice('team:'.length).toLowerCase()));
    teamsRemovedBy.set(removing, teams);
  }
  return teams;
}

export const memberKind = defineKind({
  kind: 'member',
  shape: memberShape,
  key: (s) => s.email,
  scope: 'organization_member:write',
  section: 'Members',
  label: 'member',
  // Keyed by email, not listed in API order; last login and 2FA are left out (they change no plan).
  fingerprint: (actual) => ({
    members: Object.fromEntries(Object.values(actual.members).map(({ membershipId, userUuid, email, level }) => [email, { membershipId, userUuid, level }])),
  }),
  desired(ctx) {
    const items: DesiredItem<'member'>[] = [];
    for (const [email, grant] of Object.entries(ctx.desired.members)) {
      if (!ctx.actual.members[email]) continue; // not in the organization yet: invite.ts
      const effective = effectiveGrant(grant, ctx.now);
      if (effective.endsSoon) {
        ctx.notices.push({
          level: 'info', code: 'expiring', key: email,
          message: `${email}: ${grant.level} ends after ${effective.endsSoon}${grant.then ? `, then ${grant.then}` : ', then removed from the organization'}`,
        });
      }
      items.push({ subject: { email }, value: effective.level ? { level: effective.level } : null, reason: effective.expiredReason, until: effective.until && untilText(grant.expires!, grant.then, 'removed from the organization'), temporary: temporaryOf(grant), note: grant.note });
    }
    return items;
  },
  actual: (ctx) => Object.values(ctx.actual.members).map((m) => ({ subject: { email: m.email }, value: { level: orgLevelName(m.level) } })),
  prune: (ctx) => ({ enabled: ctx.desired.prune.members, flag: 'prune.members' }),
  lowers: (before, after) => levelRank('organization', after.level) < levelRank('organization', before.level),
  // Their team memberships and access rules go with them (PostHog cascades).
  // Counted from PostHog as read, not from the plan's own removals: every membership and rule goes
  // (a membership of a team the plan removes too is counted with the team).
  cascade(change, _folded, actual, removing) {
    const email = change.subject.email;
    const teamsGoing = teamsRemoved(removing);
    const memberships = teamsOfMember(actual, email).filter((team) => !teamsGoing.has(team.toLowerCase()));
    const named = memberships.length + rulesIn(actual, { email });
    const elsewhere = actual.rulesElsewhere?.members[email] ?? 0;
    return { count: named + elsewhere, reason: `their team memberships and access rules go with them${whereRules(named, elsewhere)}` };
  },
  refusals(changes, { actual }) {
    const out = [];
    const me = actual.me.email.toLowerCase();
    const self = changes.filter((c) => c.subject.email === me && c.destructive);
    if (self.length) out.push(refuse('self', `the plan would remove or demote ${me}, the user behind the running API key: change them from PostHog's settings, or run the tool with another admin's key`, self));

    const isOwner = (email: string) => actual.members[email]?.level === ORG_LEVELS.owner;
    const ownersLost = changes.filter((c) => isOwner(c.subject.email) && (c.action === 'delete' || c.after.level !== 'owner'));
    const ownersGained = changes.filter((c) => c.action === 'update' && c.after.level === 'owner' && !isOwner(c.subject.email));
    const owners = Object.values(actual.members).filter((m) => m.level === ORG_LEVELS.owner).length;
    if (ownersLost.length && owners - ownersLost.length + ownersGained.length < 1) {
      out.push(refuse('last_owner', 'the plan would leave the organization without an owner: keep at least one owner in the matrix', ownersLost));
    }
    const ownerWork = [...ownersLost, ...ownersGained];
    if (actual.organization.membershipLevel < ORG_LEVELS.owner && ownerWork.length) out.push(ownersOnly(actual.me.email, ownerWork));
    return out;
  },
  attribution: {
    scopes: ['OrganizationMembership'],
    about: (change, entry, actual) => entry.scope === 'OrganizationMembership' && entry.item_id === actual.members[change.subject.email]?.membershipId,
  },
});

/** Only an owner can make, demote or remove owners (PostHog's rule), also by invitation. */
export function ownersOnly(who: string, changes: { id: string }[]) {
  return refuse('permission', `only an owner can make, demote or remove owners, and ${who} (the key's user) is an admin: use an owner's key for these changes`, changes);
}
