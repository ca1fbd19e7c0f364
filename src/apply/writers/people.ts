// Writes about people: invites, organization members, team memberships.
import { findTeam } from '../../model/actual.ts';
import { ORG_LEVELS } from '../../model/levels.ts';
import { ApiError } from '../../errors.ts';
import type { CreateChange, UpdateChange } from '../../plan/types.ts';
import type { InviteRequest } from '../../posthog/types.ts';
import { memberOf, projectIdOf, teamIdOf, type ApplyEnv, type Writer } from './writer.ts';

type InviteSend = CreateChange<'invite'> | UpdateChange<'invite'>;

function inviteRequest(change: InviteSend, env: ApplyEnv): InviteRequest {
  return {
    target_email: change.subject.email,
    level: ORG_LEVELS[change.after.level],
    private_project_access: Object.entries(change.after.projects).map(([name, level]) => ({ id: projectIdOf(env, name), level })),
  };
}

/** PostHog has no invite update: a new invite replaces the earlier ones for that email. */
async function sendInvite(change: InviteSend, env: ApplyEnv): Promise<void> {
  await env.api.createInvite(env.orgId, inviteRequest(change, env));
}

/** PostHog's bulk endpoint takes at most 20 invites a call. */
export const INVITES_PER_CALL = 20;

/**
 * Up to 20 invites in one call. PostHog validates them all before creating any; a 400 names one
 * only, and an invite refused while they are created (already a member) comes after the earlier
 * ones were made. So after a 400 each is sent on its own, which tells which failed and why (sending
 * one again only replaces the invite it made). Any other failure is every invite's.
 */
async function sendInvites(changes: InviteSend[], env: ApplyEnv): Promise<unknown[]> {
  const outcomes: unknown[] = changes.map(() => undefined);
  const requests: InviteRequest[] = [];
  const sent: number[] = [];
  changes.forEach((change, i) => {
    try {
      requests.push(inviteRequest(change, env));
      sent.push(i);
    } catch (e) {
      outcomes[i] = e;
    }
  });
  if (!requests.length) return outcomes;
  try {
    await env.api.createInvites(env.orgId, requests);
  } catch (e) {
    if (!(e instanceof ApiError && e.status === 400)) {
      for (const i of sent) outcomes[i] = e;
      return outcomes;
    }
    for (const i of sent) outcomes[i] = await sendInvite(changes[i] as InviteSend, env).then(() => undefined, (err: unknown) => err);
  }
  return outcomes;
}

export const inviteWriter: Writer<'invite'> = {
  create: sendInvite,
  update: sendInvite,
  bulk: { size: INVITES_PER_CALL, send: sendInvites },
  async delete(change, env) {
    const invite = env.actual.invites[change.subject.email];
    if (invite) await env.api.deleteInvite(env.orgId, invite.id);
  },
};

export const memberWriter: Writer<'member'> = {
  async update(change, env) {
    await env.api.updateMemberLevel(env.orgId, memberOf(env, change.subject.email).userUuid, ORG_LEVELS[change.after.level]);
  },
  async delete(change, env) {
    const member = memberOf(env, change.subject.email);
    // PostHog refuses to remove an owner ("Cannot leave the organization as its owner!"): demote first.
    if (member.level === ORG_LEVELS.owner) await env.api.updateMemberLevel(env.orgId, member.userUuid, ORG_LEVELS.member);
    await env.api.removeMember(env.orgId, member.userUuid);
  },
};

export const teamMemberWriter: Writer<'team_member'> = {
  async create(change, env) {
    await env.api.addRoleMember(env.orgId, teamIdOf(env, change.subject.team), memberOf(env, change.subject.email).userUuid);
  },
  async delete(change, env) {
    const team = findTeam(env.actual, change.subject.team);
    const membershipId = team?.members[change.subject.email];
    if (team && membershipId) await env.api.removeRoleMember(env.orgId, team.id, membershipId);
  },
};
