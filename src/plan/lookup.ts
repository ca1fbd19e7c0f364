// Natural-key lookups shared by the kinds: matrix spelling of team names, who is a member or an
// invitee, and (for the applier) the server ids behind a name.
import { findTeam, type ActualMember } from '../model/actual.ts';
import { InternalError } from '../errors.ts';
import { effectiveGrant } from './expiry.ts';
import type { ApplyEnv, DiffContext } from './kind.ts';

/** The matrix's spelling of a PostHog role name (names match case-insensitively). */
export function teamName(ctx: DiffContext, roleName: string): string {
  if (ctx.desired.teams[roleName]) return roleName;
  const lower = roleName.toLowerCase();
  return Object.keys(ctx.desired.teams).find((n) => n.toLowerCase() === lower) ?? roleName;
}

/**
 * A person's standing: a member staying, a member whose grant has ended (leaving: their removal
 * takes their memberships and rules with it), someone to invite, or none of these.
 */
export function standing(ctx: DiffContext, email: string): 'member' | 'leaving' | 'invitee' | 'absent' {
  const grant = ctx.desired.members[email];
  const inForce = grant !== undefined && effectiveGrant(grant, ctx.now).level !== null;
  if (ctx.actual.members[email]) return grant && !inForce ? 'leaving' : 'member';
  return inForce ? 'invitee' : 'absent';
}

export function projectIdOf(env: ApplyEnv, name: string): number {
  const id = env.created.projects.get(name) ?? env.actual.projects[name]?.id;
  if (id === undefined) throw new InternalError(`project "${name}" has no id: it was neither found nor created`);
  return id;
}

export function teamIdOf(env: ApplyEnv, name: string): string {
  const id = env.created.teams.get(name) ?? findTeam(env.actual, name)?.id;
  if (id === undefined) throw new InternalError(`team "${name}" has no id: it was neither found nor created`);
  return id;
}

export function memberOf(env: ApplyEnv, email: string): ActualMember {
  const member = env.actual.members[email];
  if (!member) throw new InternalError(`${email} is not a member of the organization`);
  return member;
}
