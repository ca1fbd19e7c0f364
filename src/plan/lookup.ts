// Natural-key lookups shared by the kinds: matrix spelling of team names, who is a member or an
// invitee, and who administers the organization.
import type { ActivityLogEntry } from '../posthog/types.ts';
import { findTeam, type ActualState } from '../model/actual.ts';
import { ORG_LEVELS } from '../model/levels.ts';
import { keyIgnoringCase } from '../util/case-index.ts';
import { effectiveGrant } from './expiry.ts';
import type { DiffContext } from './kind.ts';

/** The matrix's spelling of a PostHog role name (names match case-insensitively). */
export function teamName(ctx: Pick<DiffContext, 'desired'>, roleName: string): string {
  if (ctx.desired.teams[roleName]) return roleName;
  return keyIgnoringCase(ctx.desired.teams, roleName) ?? roleName;
}

/**
 * Whether a team's role and members belong to SCIM (the identity provider pushes a group of that
 * name): declared `managed_by: scim`, or, for a role the matrix does not declare, one PostHog
 * shows no creator for, which is how the roles SCIM provisions look. The tool leaves these alone.
 */
export function scimManaged(ctx: Pick<DiffContext, 'desired' | 'actual'>, name: string): boolean {
  const declared = ctx.desired.teams[name];
  if (declared) return declared.managedBy === 'scim';
  return findTeam(ctx.actual, name)?.noCreator === true;
}

/**
 * A person's standing: a member staying, a member whose grant has ended (leaving: their removal
 * takes their memberships and rules with it), someone to invite, or none of these.
 */
export function standing(ctx: Pick<DiffContext, 'desired' | 'actual' | 'now'>, email: string): 'member' | 'leaving' | 'invitee' | 'absent' {
  const grant = ctx.desired.members[email];
  const inForce = grant !== undefined && effectiveGrant(grant, ctx.now).level !== null;
  if (ctx.actual.members[email]) return grant && !inForce ? 'leaving' : 'member';
  return inForce ? 'invitee' : 'absent';
}

/** Emails of the people who administer the organization: owners, admins and the key's user. */
export function administrators(actual: ActualState): string[] {
  const me = actual.me.email.toLowerCase();
  return Object.values(actual.members).filter((m) => m.level >= ORG_LEVELS.admin || m.email === me).map((m) => m.email).sort();
}

/**
 * Whether `entry` is the removal of `email`'s membership (PostHog logs it as an
 * `OrganizationMembership` `deleted` entry whose context names the user): what a removed member's
 * re-invite, team memberships and rules are drift from.
 */
export function removedMember(entry: ActivityLogEntry, email: string | undefined): boolean {
  const who = entry.detail.context?.user_email;
  return email !== undefined && entry.scope === 'OrganizationMembership' && entry.activity === 'deleted'
    && typeof who === 'string' && who.toLowerCase() === email.toLowerCase();
}
