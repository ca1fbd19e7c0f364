// Invites: people in the matrix who are not in the organization yet are invited with their level
// and their direct project grants (private_project_access). PostHog has no invite update: sending
// a new invite replaces the earlier ones for that email, which is how an update (or an expired
// invite's renewal) is applied.
import { z } from 'zod';
import { ORG_LEVELS, ORG_LEVEL_NAMES, PROJECT_LEVELS, orgLevelName, type ProjectLevel } from '../../model/levels.ts';
import type { DesiredState } from '../../model/desired.ts';
import { effectiveGrant, temporaryOf, untilText } from '../expiry.ts';
import type { Temporary } from '../types.ts';
import { removedMember } from '../lookup.ts';
import { defineKind, type DesiredItem } from '../kind.ts';
import { ownersOnly } from './member.ts';

export const inviteShape = {
  value: z.object({ level: z.enum(ORG_LEVEL_NAMES), projects: z.record(z.string(), z.enum(PROJECT_LEVELS)), expired: z.boolean() }),
  subject: z.object({ email: z.string() }),
};

interface ProjectGrants {
  levels: Record<string, ProjectLevel>;
  /** The temporary ones among them, by project. */
  temporary: Record<string, Temporary>;
}

/**
 * Each person's direct project grants in force, by project name (none-level grants omitted): one
 * pass over the projects' grants, not one per invitee.
 */
function projectGrantsByEmail(desired: DesiredState, now: Date): Map<string, ProjectGrants> {
  const byEmail = new Map<string, ProjectGrants>();
  for (const [name, project] of Object.entries(desired.projects)) {
    for (const [email, grant] of Object.entries(project.members)) {
      const level = effectiveGrant(grant, now).level;
      if (!level || level === 'none') continue;
      let grants = byEmail.get(email);
      if (!grants) byEmail.set(email, (grants = { levels: {}, temporary: {} }));
      grants.levels[name] = level;
      const temporary = temporaryOf(grant);
      if (temporary) grants.temporary[name] = temporary;
    }
  }
  return byEmail;
}

/** How the invite's temporary grants end, for its reason: its level's, then each project grant's. */
function invitedUntil(level: Temporary | undefined, projects: Record<string, Temporary>): string | undefined {
  const ends = [
    ...(level ? [untilText(level.expires, level.then ?? undefined, 'removed from the organization')] : []),
    ...Object.entries(projects).map(([project, t]) => `${project} ${untilText(t.expires, t.then ?? undefined, 'no direct access')}`),
  ];
  return ends.length ? ends.join('; ') : undefined;
}

const lower = (v: unknown) => (typeof v === 'string' ? v.toLowerCase() : undefined);

export const inviteKind = defineKind({
  kind: 'invite',
  shape: inviteShape,
  key: (s) => s.email,
  scope: 'organization_member:write',
  section: 'Invites',
  label: 'invite',
  fingerprint: (actual) => ({ invites: actual.invites }),
  desired(ctx) {
    const items: DesiredItem<'invite'>[] = [];
    const grantsOf = projectGrantsByEmail(ctx.desired, ctx.now);
    for (const [email, grant] of Object.entries(ctx.desired.members)) {
      if (ctx.actual.members[email]) continue;
      const effective = effectiveGrant(grant, ctx.now);
      const existing = ctx.actual.invites[email];
      if (!effective.level) {
        if (existing) items.push({ subject: { email }, value: null, reason: effective.expiredReason, temporary: temporaryOf(grant) });
        continue;
      }
      const { levels: projects, temporary: temporaryProjects } = grantsOf.get(email) ?? { levels: {}, temporary: {} };
      if (existing && !existing.isExpired) {
        ctx.notices.push({ level: 'info', code: 'pending_invite', key: email, message: `${email} is invited (since ${existing.createdAt.slice(0, 10)}); team memberships and resource access follow once the invite is accepted` });
      }
      items.push({
        subject: { email },
        value: { level: effective.level, projects, expired: false },
        reason: [
          effective.expiredReason, // the grant's level ended and `then` is what is invited now
          existing?.isExpired ? 'the invite expired unanswered: sent again' : existing ? 'the invite differs from the matrix: sent again (PostHog replaces it)' : undefined,
        ].filter((r) => r !== undefined).join('; ') || undefined,
        until: invitedUntil(effective.until ? temporaryOf(grant) : undefined, temporaryProjects),
        temporary: temporaryOf(grant), temporaryProjects,
        note: grant.note,
        needs: Object.keys(projects).map((name) => `project:${name}`),
      });
    }
    return items;
  },
  actual: (ctx) =>
    Object.values(ctx.actual.invites).map((i) => ({
      subject: { email: i.email },
      value: { level: orgLevelName(i.level), projects: i.projects, expired: i.isExpired },
    })),
  prune: (ctx) => ({ enabled: ctx.desired.prune.invites, flag: 'prune.invites' }),
  refusals(changes, { actual }) {
    const owners = changes.filter((c) => c.action !== 'delete' && c.after.level === 'owner');
    return actual.organization.membershipLevel < ORG_LEVELS.owner && owners.length ? [ownersOnly(actual.me.email, owners)] : [];
  },
  attribution: {
    // A member the matrix keeps but someone removed in PostHog is invited again: their removal says who.
    scopes: ['OrganizationInvite', 'OrganizationMembership'],
    about: (change, entry) => {
      const email = change.subject.email.toLowerCase();
      return (entry.scope === 'OrganizationInvite' && (lower(entry.detail.name) === email || lower(entry.detail.context?.target_email) === email))
        || (change.action === 'create' && removedMember(entry, email));
    },
  },
});
