// Access rules: project access (project_access) and resource-type access inside a project
// (resource_access). Both are PostHog AccessControl rows with the same subjects: the default for
// everyone, a team (role) or a member; PUT upserts one, `access_level: null` deletes it.
import { z } from 'zod';
import { findTeam, type ActualState, type ActualSubjectRules } from '../../model/actual.ts';
import type { DesiredState, Grant, SubjectGrants } from '../../model/desired.ts';
import type { Temporary } from '../types.ts';
import { PROJECT_DEFAULT_LEVEL, PROJECT_LEVELS, RESOURCE_LEVELS, levelRank, resourceBounds } from '../../model/levels.ts';
import { effectiveGrant, temporaryOf, untilText } from '../expiry.ts';
import { defineKind, type DiffContext, type FeatureNeed } from '../kind.ts';
import type { ActivityLogEntry } from '../../posthog/types.ts';
import { standing, teamName } from '../lookup.ts';
import { count } from '../../util/english.ts';

export const projectAccessShape = {
  value: z.object({ level: z.enum(PROJECT_LEVELS) }),
  subject: z.object({ project: z.string(), team: z.string().optional(), email: z.string().optional() }),
};

export const resourceAccessShape = {
  value: z.object({ level: z.enum(RESOURCE_LEVELS) }),
  subject: z.object({ project: z.string(), resource: z.string(), team: z.string().optional(), email: z.string().optional() }),
};

interface RuleSubject {
  project: string;
  resource?: string;
  team?: string;
  email?: string;
}

/** "Production / team:Engineering", "Production / feature_flag / default", "Production / member:a@x.io". */
export function ruleKey(s: RuleSubject): string {
  const who = s.team !== undefined ? `team:${s.team}` : s.email !== undefined ? `member:${s.email}` : 'default';
  return s.resource !== undefined ? `${s.project} / ${s.resource} / ${who}` : `${s.project} / ${who}`;
}

interface Rule<S, L> {
  subject: S;
  value: { level: L } | null;
  reason?: string;
  until?: string;
  temporary?: Temporary;
  note?: string;
  needs: string[];
}

/** PostHog's rule for a subject, as read (undefined when it has none or the project was not read). */
function actualRule(ctx: DiffContext, s: RuleSubject): { level: string; managedBy?: string } | undefined {
  const project = ctx.actual.projects[s.project];
  const scope = s.resource === undefined ? project : project?.resources[s.resource];
  if (!scope) return undefined;
  if (s.email !== undefined) return scope.members[s.email];
  if (s.team !== undefined) {
    const role = rolesByTeamName(ctx, scope.teams).get(s.team);
    return role === undefined ? undefined : scope.teams[role];
  }
  return scope.default;
}

const roleIndexes = new WeakMap<object, { desired: DiffContext['desired']; byTeam: Map<string, string> }>();

/**
 * A scope's rules of roles, by the matrix's spelling of the team (the first role in key order for
 * each), built once per scope: a scan per team rule made the diff quadratic in teams.
 */
function rolesByTeamName(ctx: DiffContext, teams: Readonly<Record<string, unknown>>): Map<string, string> {
  const cached = roleIndexes.get(teams);
  if (cached?.desired === ctx.desired) return cached.byTeam;
  const byTeam = new Map<string, string>();
  for (const role of Object.keys(teams)) {
    const name = teamName(ctx, role);
    if (!byTeam.has(name)) byTeam.set(name, role);
  }
  roleIndexes.set(teams, { desired: ctx.desired, byTeam });
  return byTeam;
}

/**
 * Rules PostHog marks as owned by another tool (Terraform) are left alone: neither changed nor
 * removed, whatever the matrix says; the plan names them once, per project.
 */
function managedElsewhereNotices(ctx: DiffContext): void {
  for (const p of namedProjects(ctx)) {
    const owned: string[] = [];
    const scopes: [string | undefined, ActualSubjectRules<string>][] = [[undefined, p], ...Object.entries(p.resources)];
    for (const [resource, rules] of scopes) {
      const base = { project: p.name, ...(resource !== undefined && { resource }) };
      if (rules.default?.managedBy) owned.push(`${ruleKey(base)} (${rules.default.managedBy})`);
      for (const [role, r] of Object.entries(rules.teams)) if (r.managedBy) owned.push(`${ruleKey({ ...base, team: teamName(ctx, role) })} (${r.managedBy})`);
      for (const [email, r] of Object.entries(rules.members)) if (r.managedBy) owned.push(`${ruleKey({ ...base, email })} (${r.managedBy})`);
    }
    if (owned.length) {
      ctx.notices.push({ level: 'info', code: 'managed_elsewhere', key: p.name, message: `${count(owned.length, 'access rule')} in ${p.name} ${owned.length === 1 ? 'is' : 'are'} managed by another tool, as PostHog marks them, and left alone (change them where they are managed): ${owned.join(', ')}` });
    }
  }
}

/** The rules a project or resource type should have, with notices for grants ending soon or waiting for an invite. */
function desiredRules<S extends RuleSubject, L extends string>(ctx: DiffContext, scope: S, grants: SubjectGrants<L>, waitNotice: boolean): Rule<S, L>[] {
  const items: Rule<S, L>[] = [];
  const rule = (subject: S, grant: Grant<L>, extraNeeds: string[] = []) => {
    if (actualRule(ctx, subject)?.managedBy) return; // owned by another tool: left alone
    const key = ruleKey(subject);
    const effective = effectiveGrant(grant, ctx.now);
    if (effective.endsSoon) {
      ctx.notices.push({ level: 'info', code: 'expiring', key, message: `${key}: ${grant.level} ends after ${effective.endsSoon}, then ${grant.then ?? 'the rule is removed'}` });
    }
    items.push({
      subject, value: effective.level ? { level: effective.level } : null,
      // A rule that ends without `then` is removed: whatever else grants access applies then.
      reason: effective.expiredReason, until: effective.until && untilText(grant.expires!, grant.then, 'the rule is removed'),
      temporary: temporaryOf(grant), note: grant.note, needs: [`project:${scope.project}`, ...extraNeeds],
    });
  };
  if (grants.default) rule(scope, grants.default);
  for (const [team, grant] of Object.entries(grants.teams)) {
    // A SCIM team PostHog has no role for yet cannot take rules (the plan warns: scim_team_missing).
    if (ctx.desired.teams[team]?.managedBy === 'scim' && !findTeam(ctx.actual, team)) continue;
    rule({ ...scope, team }, grant, [`team:${team}`]);
  }
  for (const [email, grant] of Object.entries(grants.members)) {
    const who = standing(ctx, email);
    if (who === 'member') rule({ ...scope, email }, grant);
    else if (who === 'invitee' && waitNotice) {
      ctx.notices.push({ level: 'info', code: 'pending_invite', key: email, message: `${ruleKey(scope).replace(/ \/ default$/, '')}: access for ${email} waits for the invite to be accepted` });
    }
    // Invitees' project grants travel with the invite (private_project_access).
  }
  return items;
}

function actualRules<S extends RuleSubject, L extends string>(ctx: DiffContext, scope: S, rules: ActualSubjectRules<L>) {
  const items: { subject: S; value: { level: L } }[] = [];
  // Rules another tool owns are neither compared nor pruned.
  if (rules.default && !rules.default.managedBy) items.push({ subject: scope, value: { level: rules.default.level } });
  for (const [role, rule] of Object.entries(rules.teams)) if (!rule.managedBy) items.push({ subject: { ...scope, team: teamName(ctx, role) }, value: { level: rule.level } });
  for (const [email, rule] of Object.entries(rules.members)) if (!rule.managedBy) items.push({ subject: { ...scope, email }, value: { level: rule.level } });
  return items;
}

/** Projects the matrix names, as read (rules of other projects are never read, nor touched). */
function namedProjects(ctx: DiffContext) {
  return Object.keys(ctx.desired.projects).flatMap((name) => {
    const project = ctx.actual.projects[name];
    return project?.rulesLoaded ? [project] : [];
  });
}

const reads = (desired: DesiredState) => ({ projects: Object.keys(desired.projects) });

/** Each project the matrix names, with its rules and secret keys (last use left out: it changes no plan). */
export function projectSections(actual: ActualState): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const p of Object.values(actual.projects)) {
    if (!p.rulesLoaded) continue;
    const secretKeys = p.secretKeys && Object.fromEntries(Object.entries(p.secretKeys).map(([label, { lastUsedAt: _used, ...key }]) => [label, key]));
    out[`project:${p.name}`] = { ...p, secretKeys };
  }
  return out;
}

/**
 * Whether an activity entry is about this rule: an `AccessControl` entry of the rule's project
 * (`team_id`), resource and subject (the emulator logs rule writes so; PostHog's newest source read
 * was not seen logging them, docs/cli.md#drift). A removed member's rules come back with their
 * invite, which their removal attributes (src/plan/kinds/invite.ts).
 */
function aboutRule(subject: RuleSubject, entry: ActivityLogEntry, actual: ActualState): boolean {
  if (entry.scope !== 'AccessControl') return false;
  const project = actual.projects[subject.project];
  const context = entry.detail.context ?? {};
  if (!project || entry.team_id !== project.id || context.resource !== (subject.resource ?? 'project')) return false;
  if (subject.resource !== undefined && context.resource_id != null) return false;
  if (subject.email !== undefined) return context.organization_member === actual.members[subject.email]?.membershipId && context.organization_member !== undefined;
  if (subject.team !== undefined) return context.role === findTeam(actual, subject.team)?.id && context.role !== undefined;
  return !context.organization_member && !context.role;
}

const attribution = { scopes: ['AccessControl'], about: (change: { subject: RuleSubject }, entry: ActivityLogEntry, actual: ActualState) => aboutRule(change.subject, entry, actual) };

// Rules are removed with the member or team they name (PostHog cascades).
const goesWith = (s: RuleSubject) => [...(s.email !== undefined ? [`member:${s.email}`] : []), ...(s.team !== undefined ? [`team:${s.team}`] : [])];

/** Team rules need role_based_access; no rule is enforced without access_control (PostHog's AvailableFeature keys). */
const TEAM_RULES: FeatureNeed = {
  id: 'role_based_access',
  features: ['role_based_access'],
  message: (n) => `${count(n, 'team rule')} ${n === 1 ? 'needs' : 'need'} the "role_based_access" feature, which this organization lacks: PostHog will refuse them (403). Upgrade, or drop team grants from the matrix`,
};
const RULES: FeatureNeed = {
  id: 'access_control',
  features: ['access_control', 'advanced_permissions'],
  message: () => 'this organization lacks the "access_control" feature: PostHog stores the access rules but does not enforce them until it is enabled',
};
const features = (c: { action: string; subject: RuleSubject }) => (c.action === 'delete' ? [] : c.subject.team !== undefined ? [TEAM_RULES, RULES] : [RULES]);

export const projectAccessKind = defineKind({
  kind: 'project_access',
  shape: projectAccessShape,
  key: ruleKey,
  scope: 'access_control:write',
  section: 'Project access',
  label: 'project access',
  reads,
  fingerprint: projectSections,
  desired: (ctx) => {
    managedElsewhereNotices(ctx);
    return Object.entries(ctx.desired.projects).flatMap(([project, p]) => desiredRules(ctx, { project }, p, false));
  },
  actual: (ctx) => namedProjects(ctx).flatMap((p) => actualRules(ctx, { project: p.name }, p)),
  prune: (ctx) => ({ enabled: ctx.desired.prune.projectAccess, flag: 'prune.project_access' }),
  lowers: (before, after) => levelRank('project', after.level) < levelRank('project', before.level),
  // A default rule replaces PostHog's own default (admin on a project): below that, it takes access
  // away from everyone. A member or team rule only adds (the highest level among the rules that match wins).
  implicit: (item) => (item.subject.team !== undefined || item.subject.email !== undefined ? undefined : { level: PROJECT_DEFAULT_LEVEL }),
  goesWith,
  features,
  attribution,
});

export const resourceAccessKind = defineKind({
  kind: 'resource_access',
  shape: resourceAccessShape,
  key: ruleKey,
  scope: 'access_control:write',
  section: 'Resource access',
  label: 'resource access',
  reads,
  fingerprint: projectSections,
  desired: (ctx) =>
    Object.entries(ctx.desired.projects).flatMap(([project, p]) =>
      Object.entries(p.resources).flatMap(([resource, g]) => desiredRules(ctx, { project, resource }, g, true))),
  actual: (ctx) => namedProjects(ctx).flatMap((p) => Object.entries(p.resources).flatMap(([resource, r]) => actualRules(ctx, { project: p.name, resource }, r))),
  prune: (ctx) => ({ enabled: ctx.desired.prune.projectAccess, flag: 'prune.project_access' }),
  lowers: (before, after) => levelRank('resource', after.level) < levelRank('resource', before.level),
  // A default rule replaces the resource type's own default (editor, or its bound): see project access.
  implicit: (item) => (item.subject.team !== undefined || item.subject.email !== undefined ? undefined : { level: resourceBounds(item.subject.resource).default }),
  goesWith,
  features,
  attribution,
});
