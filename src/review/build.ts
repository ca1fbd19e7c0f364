// The periodic access review of one organization (docs/review.md): who is in it and how (members
// by level, with joined date, last login and 2FA), who can reach each project and resource type
// (effective access, from src/access/effective.ts, never computed here), teams, temporary grants,
// invites, the differences between PostHog and the matrix, keys past their rotation age, the
// matrix's notes, and the findings a reviewer acts on. Pure: PostHog as read, the matrix (when
// given) and the moment of the review in, plain data out.
import { personAccess, ruledResources, type AccessView, type PersonAccess, type ResolutionMode, type Source } from '../access/effective.ts';
import { viewOfActual } from '../access/view.ts';
import { findTeam, type ActualProject, type ActualState, type ActualSubjectRules } from '../model/actual.ts';
import type { DesiredState, Grant, SubjectGrants } from '../model/desired.ts';
import { orgLevelName, type OrgLevelName, type ProjectLevel } from '../model/levels.ts';
import { nameKey } from '../model/names.ts';
import { effectiveGrant, endOf, EXPIRING_SOON_DAYS } from '../plan/expiry.ts';
import { secretKeyBorn } from '../plan/kinds/secret-key.ts';
import { DAY_MS, daysSince, olderThan } from '../util/days.ts';
import { InternalError } from '../errors.ts';

/** A member who has not logged in for this many days is a finding. */
export const INACTIVE_DAYS = 90;
/** The rotation age of a project secret key the matrix gives none (`review --rotation-days`). */
export const DEFAULT_ROTATION_DAYS = 90;

export interface ReviewMember {
  email: string;
  level: OrgLevelName;
  joinedAt: string;
  lastLogin: string | null;
  twoFactor: boolean;
  /** Teams (PostHog roles) they are in, sorted. */
  teams: string[];
}

export interface ReviewInvite {
  email: string;
  level: OrgLevelName;
  createdAt: string;
  expired: boolean;
  /** Project name → level the invite grants on joining. */
  projects: Record<string, ProjectLevel>;
}

export interface ProjectHolder {
  email: string;
  /** Invited, not yet a member. */
  pending: boolean;
  level: string;
  source: Source;
  resources: { resource: string; level: string; source: Source }[];
}

export interface ReviewProject {
  project: string;
  /** False when the project's rules could not be read. */
  known: boolean;
  /** Resource types with a rule in the project, sorted. */
  resources: string[];
  /** Everyone whose project level is above none, sorted by email. */
  people: ProjectHolder[];
}

export type GrantStatus = 'in_force' | 'ending_soon' | 'expired';

/** A temporary grant of the matrix (one with `expires`). */
export interface TemporaryGrant {
  /** "admin on Production for carol@example.com", … */
  what: string;
  level: string;
  expires: string;
  then?: string;
  note?: string;
  status: GrantStatus;
  /** What PostHog holds for it now (null: nothing). */
  posthog: string | null;
  /** Expired, and PostHog still holds more than what follows it: the next apply reverts it. */
  stillPresent: boolean;
}

export interface ReviewSecretKey {
  project: string;
  label: string;
  scopes: string[];
  /** When its current value was made (last roll, else creation). */
  born: string;
  ageDays: number;
  lastUsedAt: string | null;
  rotateAfterDays: number;
  /** True when the matrix declares the key's rotate_after_days; false when the review's default applies. */
  declared: boolean;
  overdue: boolean;
}

export interface ReviewPersonalKey {
  /** The name under `api_keys`. */
  name: string;
  env: string;
  /** `audited` read with its own value; `variable_unset` / `unreadable` not read (why in `error`). */
  status: 'audited' | 'variable_unset' | 'unreadable';
  label?: string;
  born?: string;
  ageDays?: number;
  maxAgeDays?: number;
  overdue: boolean;
  error?: string;
}

export interface ReviewNote {
  what: string;
  note: string;
  expires?: string;
}

export interface Finding {
  /** no_2fa, never_logged_in, inactive, invite_expired, grant_ending_soon, grant_expired_present, not_in_matrix, not_in_posthog, secret_key_overdue, api_key_overdue, api_key_not_audited */
  code: string;
  message: string;
}

export interface ReviewCounts {
  owners: number;
  admins: number;
  members: number;
  pendingInvites: number;
  expiredInvites: number;
  teams: number;
  projects: number;
  temporaryGrants: number;
  endingSoon: number;
  expiredStillPresent: number;
  notInMatrix: number;
  notInPostHog: number;
  keysOverdue: number;
  notes: number;
  findings: number;
}

export interface OrganizationReview {
  organization: { id: string; name: string; mode: ResolutionMode };
  /** The matrix compared with PostHog, when one was given. */
  matrix?: { file: string };
  /** Owners, then admins, then members, each sorted by email. */
  members: ReviewMember[];
  invites: ReviewInvite[];
  teams: { team: string; members: string[] }[];
  projects: ReviewProject[];
  /** Every person's access to every project (level none included): the CSV's rows. */
  people: PersonAccess[];
  /** Only with a matrix. */
  temporaryGrants: TemporaryGrant[];
  /** Only with a matrix: members (and invites) PostHog has that the matrix does not list, and the reverse. */
  notInMatrix: { email: string; invited: boolean }[];
  notInPostHog: { email: string; invite: 'pending' | 'expired' | null }[];
  secretKeys: ReviewSecretKey[];
  personalKeys: ReviewPersonalKey[];
  notes: ReviewNote[];
  findings: Finding[];
  counts: ReviewCounts;
}

export interface ReviewInput {
  actual: ActualState;
  desired?: DesiredState;
  matrixFile?: string;
  now: Date;
  /** Rotation age of secret keys the matrix gives none. */
  rotationDays?: number;
}

const LEVEL_ORDER: Record<OrgLevelName, number> = { owner: 0, admin: 1, member: 2 };
const day = (iso: string) => iso.slice(0, 10);

function membersOf(actual: ActualState): ReviewMember[] {
  const teamsOf = new Map<string, string[]>();
  for (const team of Object.values(actual.teams)) {
    for (const email of Object.keys(team.members)) teamsOf.set(email, [...(teamsOf.get(email) ?? []), team.name]);
  }
  return Object.values(actual.members)
    .map((m) => ({ email: m.email, level: orgLevelName(m.level), joinedAt: m.joinedAt, lastLogin: m.lastLogin, twoFactor: m.is2faEnabled, teams: (teamsOf.get(m.email) ?? []).sort() }))
    .sort((a, b) => LEVEL_ORDER[a.level] - LEVEL_ORDER[b.level] || a.email.localeCompare(b.email));
}

/** The project pivot of everyone's effective access: who is above none, with their resource levels. */
function projectsOf(view: AccessView, people: PersonAccess[]): ReviewProject[] {
  // personAccess lists every project of the view in this same (sorted) order: index, not search.
  return Object.keys(view.projects).sort().map((project, index) => {
    const holders: ProjectHolder[] = [];
    for (const person of people) {
      const p = person.projects[index];
      if (p?.project !== project) throw new InternalError(`effective access listed ${p?.project} where ${project} was expected`);
      if (p.level === 'none') continue;
      holders.push({ email: person.email, pending: person.pending, level: p.level, source: p.source, resources: p.resources.map((r) => ({ resource: r.resource, level: r.level, source: r.source })) });
    }
    return { project, known: view.projects[project]!.known, resources: ruledResources(view.projects[project]!), people: holders };
  });
}

/** The project PostHog has under a matrix name (PostHog compares names ignoring case and spaces). */
function projectNamed(actual: ActualState, name: string): ActualProject | undefined {
  return actual.projects[name] ?? Object.values(actual.projects).find((p) => nameKey(p.name) === nameKey(name));
}

function statusOf(expires: string, now: Date): GrantStatus {
  const end = endOf(expires);
  if (now.getTime() >= end) return 'expired';
  return end - now.getTime() <= EXPIRING_SOON_DAYS * DAY_MS ? 'ending_soon' : 'in_force';
}

/** Every grant of the matrix, described, with what PostHog holds for it now. */
interface Described {
  what: string;
  grant: Grant<string>;
  posthog: string | null;
}

function describedGrants(desired: DesiredState, actual: ActualState): Described[] {
  const out: Described[] = [];
  for (const [email, grant] of Object.entries(desired.members)) {
    const m = actual.members[email];
    out.push({ what: `${grant.level} in the organization for ${email}`, grant, posthog: m ? orgLevelName(m.level) : null });
  }
  for (const [name, team] of Object.entries(desired.teams)) {
    const members = findTeam(actual, name)?.members ?? {};
    for (const m of team.members) {
      out.push({ what: `membership of ${name} for ${m.email}`, grant: { level: 'member', ...(m.expires && { expires: m.expires }), ...(m.note && { note: m.note }) }, posthog: members[m.email] ? 'member' : null });
    }
  }
  const scope = (where: string, grants: SubjectGrants<string>, rules: ActualSubjectRules<string> | undefined) => {
    if (grants.default) out.push({ what: `${grants.default.level} on ${where} by default`, grant: grants.default, posthog: rules?.default?.level ?? null });
    for (const [team, grant] of Object.entries(grants.teams)) out.push({ what: `${grant.level} on ${where} for team ${team}`, grant, posthog: rules?.teams[team]?.level ?? null });
    for (const [email, grant] of Object.entries(grants.members)) out.push({ what: `${grant.level} on ${where} for ${email}`, grant, posthog: rules?.members[email]?.level ?? null });
  };
  for (const [name, project] of Object.entries(desired.projects)) {
    const existing = projectNamed(actual, name);
    scope(name, project, existing);
    for (const [resource, grants] of Object.entries(project.resources)) scope(`${name} / ${resource}`, grants, existing?.resources[resource]);
  }
  return out;
}

function temporaryGrants(described: Described[], now: Date): TemporaryGrant[] {
  const out: TemporaryGrant[] = [];
  for (const { what, grant, posthog } of described) {
    if (!grant.expires) continue;
    const status = statusOf(grant.expires, now);
    const after = status === 'expired' ? effectiveGrant(grant, now).level : undefined;
    out.push({
      what, level: grant.level, expires: grant.expires, ...(grant.then && { then: grant.then }), ...(grant.note && { note: grant.note }),
      status, posthog, stillPresent: status === 'expired' && posthog !== null && posthog !== (after ?? null),
    });
  }
  return out.sort((a, b) => a.expires.localeCompare(b.expires) || a.what.localeCompare(b.what));
}

function secretKeysOf(actual: ActualState, desired: DesiredState | undefined, now: Date, rotationDays: number): ReviewSecretKey[] {
  const out: ReviewSecretKey[] = [];
  for (const project of Object.values(actual.projects)) {
    const declared = desired && Object.entries(desired.projects).find(([name]) => nameKey(name) === nameKey(project.name))?.[1].secretKeys;
    for (const key of Object.values(project.secretKeys ?? {})) {
      const policy = declared?.[key.label]?.rotateAfterDays;
      const born = secretKeyBorn(key);
      const rotateAfterDays = policy ?? rotationDays;
      out.push({
        project: project.name, label: key.label, scopes: [...key.scopes].sort(), born, ageDays: daysSince(born, now), lastUsedAt: key.lastUsedAt,
        rotateAfterDays, declared: policy !== undefined, overdue: olderThan(born, rotateAfterDays, now),
      });
    }
  }
  return out.sort((a, b) => a.project.localeCompare(b.project) || a.label.localeCompare(b.label));
}

function personalKeysOf(actual: ActualState, desired: DesiredState | undefined, now: Date): ReviewPersonalKey[] {
  if (!desired) return [];
  return Object.entries(desired.apiKeys).sort(([a], [b]) => a.localeCompare(b)).map(([name, spec]): ReviewPersonalKey => {
    const audit = actual.apiKeys?.[name];
    const maxAge = spec.maxAgeDays !== undefined ? { maxAgeDays: spec.maxAgeDays } : {};
    if (!audit?.found) return { name, env: spec.env, status: 'variable_unset', overdue: false, ...maxAge };
    if (!audit.key) return { name, env: spec.env, status: 'unreadable', overdue: false, ...maxAge, ...(audit.error && { error: audit.error }) };
    const born = audit.key.lastRolledAt ?? audit.key.createdAt;
    return {
      name, env: spec.env, status: 'audited', label: audit.key.label, born, ageDays: daysSince(born, now), ...maxAge,
      overdue: spec.maxAgeDays !== undefined && olderThan(born, spec.maxAgeDays, now),
    };
  });
}

function notesOf(described: Described[]): ReviewNote[] {
  return described.filter((d) => d.grant.note).map((d) => ({ what: d.what, note: d.grant.note!, ...(d.grant.expires && { expires: d.grant.expires }) }));
}

/** Members and invites on one side and not the other (expired grants with nothing after them are expected gone). */
function compareWithMatrix(actual: ActualState, desired: DesiredState, now: Date): Pick<OrganizationReview, 'notInMatrix' | 'notInPostHog'> {
  const invited = new Set(Object.values(actual.invites).filter((i) => !i.isExpired).map((i) => i.email));
  const expired = new Set(Object.values(actual.invites).filter((i) => i.isExpired).map((i) => i.email));
  const notInMatrix = [
    ...Object.keys(actual.members).filter((e) => !desired.members[e]).map((email) => ({ email, invited: false })),
    ...[...invited].filter((e) => !desired.members[e] && !actual.members[e]).map((email) => ({ email, invited: true })),
  ].sort((a, b) => a.email.localeCompare(b.email));
  const notInPostHog = Object.entries(desired.members)
    .filter(([email, grant]) => !actual.members[email] && effectiveGrant(grant, now).level !== null)
    .map(([email]) => ({ email, invite: invited.has(email) ? 'pending' as const : expired.has(email) ? 'expired' as const : null }))
    .sort((a, b) => a.email.localeCompare(b.email));
  return { notInMatrix, notInPostHog };
}

function findingsOf(r: Omit<OrganizationReview, 'findings' | 'counts'>, now: Date): Finding[] {
  const out: Finding[] = [];
  for (const m of r.members) {
    if (!m.twoFactor) out.push({ code: 'no_2fa', message: `${m.email} (${m.level}) has no two-factor authentication` });
    if (m.lastLogin === null) out.push({ code: 'never_logged_in', message: `${m.email} (${m.level}) has never logged in (joined ${day(m.joinedAt)})` });
    else if (daysSince(m.lastLogin, now) > INACTIVE_DAYS) out.push({ code: 'inactive', message: `${m.email} (${m.level}) has not logged in for ${daysSince(m.lastLogin, now)} days (last ${day(m.lastLogin)})` });
  }
  for (const i of r.invites) if (i.expired) out.push({ code: 'invite_expired', message: `the invite of ${i.email} expired unanswered (sent ${day(i.createdAt)}): send it again or delete it` });
  for (const g of r.temporaryGrants) {
    if (g.status === 'ending_soon') out.push({ code: 'grant_ending_soon', message: `${g.what} ends after ${g.expires}, then ${g.then ?? 'nothing'}${g.note ? ` (${g.note})` : ''}` });
    if (g.stillPresent) out.push({ code: 'grant_expired_present', message: `${g.what} expired ${g.expires}, and PostHog still holds ${g.posthog}: the next apply reverts it to ${g.then ?? 'nothing'}` });
  }
  for (const p of r.notInMatrix) out.push({ code: 'not_in_matrix', message: `${p.email} is ${p.invited ? 'invited to' : 'a member of'} the organization in PostHog but not in the matrix` });
  for (const p of r.notInPostHog) out.push({ code: 'not_in_posthog', message: `${p.email} is in the matrix but not a member in PostHog${p.invite === 'pending' ? ' (invited, pending)' : p.invite === 'expired' ? ' (their invite expired)' : ' (not invited yet)'}` });
  for (const k of r.secretKeys) {
    if (k.overdue) out.push({ code: 'secret_key_overdue', message: `project secret key ${k.project} / ${k.label} is ${k.ageDays} days old, past ${k.declared ? 'its rotate_after_days' : 'the review\'s rotation age'} (${k.rotateAfterDays})` });
  }
  for (const k of r.personalKeys) {
    if (k.overdue) out.push({ code: 'api_key_overdue', message: `personal API key api_keys.${k.name} ("${k.label}") is ${k.ageDays} days old, past its max_age_days (${k.maxAgeDays})` });
    if (k.status !== 'audited') out.push({ code: 'api_key_not_audited', message: `personal API key api_keys.${k.name} was not audited: ${k.status === 'variable_unset' ? `$${k.env} is not set where the review ran` : k.error ?? 'PostHog did not answer'}` });
  }
  return out;
}

export function buildReview(input: ReviewInput): OrganizationReview {
  const { actual, desired, now } = input;
  const view = viewOfActual(actual);
  const people = Object.keys(view.people).sort().map((email) => personAccess(view, email)!);
  const described = desired ? describedGrants(desired, actual) : [];
  const partial: Omit<OrganizationReview, 'findings' | 'counts'> = {
    organization: { id: actual.organization.id, name: actual.organization.name, mode: view.mode },
    ...(input.matrixFile !== undefined && { matrix: { file: input.matrixFile } }),
    members: membersOf(actual),
    invites: Object.values(actual.invites)
      .map((i) => ({ email: i.email, level: orgLevelName(i.level), createdAt: i.createdAt, expired: i.isExpired, projects: { ...i.projects } }))
      .sort((a, b) => Number(a.expired) - Number(b.expired) || a.email.localeCompare(b.email)),
    teams: Object.values(actual.teams).map((t) => ({ team: t.name, members: Object.keys(t.members).sort() })).sort((a, b) => a.team.localeCompare(b.team)),
    projects: projectsOf(view, people),
    people,
    temporaryGrants: temporaryGrants(described, now),
    ...(desired ? compareWithMatrix(actual, desired, now) : { notInMatrix: [], notInPostHog: [] }),
    secretKeys: secretKeysOf(actual, desired, now, input.rotationDays ?? DEFAULT_ROTATION_DAYS),
    personalKeys: personalKeysOf(actual, desired, now),
    notes: notesOf(described),
  };
  const findings = findingsOf(partial, now);
  const level = (l: OrgLevelName) => partial.members.filter((m) => m.level === l).length;
  const counts: ReviewCounts = {
    owners: level('owner'), admins: level('admin'), members: level('member'),
    pendingInvites: partial.invites.filter((i) => !i.expired).length, expiredInvites: partial.invites.filter((i) => i.expired).length,
    teams: partial.teams.length, projects: partial.projects.length,
    temporaryGrants: partial.temporaryGrants.length,
    endingSoon: partial.temporaryGrants.filter((g) => g.status === 'ending_soon').length,
    expiredStillPresent: partial.temporaryGrants.filter((g) => g.stillPresent).length,
    notInMatrix: partial.notInMatrix.length, notInPostHog: partial.notInPostHog.length,
    keysOverdue: partial.secretKeys.filter((k) => k.overdue).length + partial.personalKeys.filter((k) => k.overdue).length,
    notes: partial.notes.length, findings: findings.length,
  };
  return { ...partial, findings, counts };
}
