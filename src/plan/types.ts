// A plan is plain, versioned, serialisable data (docs/plan-json.md). Renderers and the applier
// are functions of it; nothing here does I/O. Each change is typed by its kind: its value and its
// subject are declared next to the kind's diff (src/plan/kinds/), and checked by zod when a saved
// plan is read (src/plan/read.ts).
import type { Operation } from 'fast-json-patch';
import type { z } from 'zod';
import type { ReadScope } from '../model/actual.ts';
import type { AccessChange } from '../access/changes.ts';
import type { projectShape } from './kinds/project.ts';
import type { teamShape } from './kinds/team.ts';
import type { orgSettingsShape } from './kinds/org-settings.ts';
import type { domainShape } from './kinds/domain.ts';
import type { inviteShape } from './kinds/invite.ts';
import type { memberShape } from './kinds/member.ts';
import type { teamMemberShape } from './kinds/team-member.ts';
import type { projectAccessShape, resourceAccessShape } from './kinds/access.ts';
import type { secretKeyShape } from './kinds/secret-key.ts';

export const PLAN_FORMAT_VERSION = 2;

export type Action = 'create' | 'update' | 'delete';

/**
 * What a change is about, as typed fields: the person, team, project, resource type, key label or
 * domain. Each kind's subject has the fields it needs (see KindTypes); none is parsed from a key.
 */
export interface Subject {
  email?: string;
  team?: string;
  project?: string;
  resource?: string;
  label?: string;
  domain?: string;
}

/** A kind's zod shapes: the value a change holds and its subject. */
export interface KindShape {
  value: z.ZodType;
  subject: z.ZodType<Subject>;
}

type Typed<S extends KindShape> = { value: z.output<S['value']>; subject: z.output<S['subject']> };

/** Every kind's value and subject types, in apply order (see src/plan/registry.ts). */
export interface KindTypes {
  project: Typed<typeof projectShape>;
  team: Typed<typeof teamShape>;
  org_settings: Typed<typeof orgSettingsShape>;
  domain: Typed<typeof domainShape>;
  invite: Typed<typeof inviteShape>;
  member: Typed<typeof memberShape>;
  team_member: Typed<typeof teamMemberShape>;
  project_access: Typed<typeof projectAccessShape>;
  resource_access: Typed<typeof resourceAccessShape>;
  secret_key: Typed<typeof secretKeyShape>;
}

export type ChangeKind = keyof KindTypes;
export type ValueOf<K extends ChangeKind> = KindTypes[K]['value'];
export type SubjectOf<K extends ChangeKind> = KindTypes[K]['subject'];

interface ChangeBase<K extends ChangeKind> {
  /** Stable id within the plan: `<kind>:<key>`. */
  id: string;
  kind: K;
  /** Natural key, human readable, made by the kind's `key` from the subject (email, team name, "Production / team:Engineering", …). */
  key: string;
  subject: SubjectOf<K>;
  /** Why: "declared in the matrix", "expired 2026-03-16", "not in the matrix (prune.members)", … */
  reason: string;
  /** The matrix's `note` on the grant, carried into the journal. */
  note?: string;
  /** A temporary grant (the matrix's `expires`): its last day, YYYY-MM-DD (UTC, inclusive). */
  expires?: string;
  /** With `expires`: what remains after it, a level, or null when nothing does (the person, membership or rule goes). */
  then?: string | null;
  /** An invite's temporary project grants (sent as private_project_access), by project. */
  temporaryProjects?: Record<string, Temporary>;
  /** A removal or a lowering of access: counted against safety.max_deletes. */
  destructive: boolean;
  /** Ids of changes that must succeed first. */
  dependsOn: string[];
}

/** A temporary grant's end: its last day and what remains after it (null: nothing). */
export interface Temporary {
  expires: string;
  then: string | null;
}

/** Something to make: holds what will exist. */
export interface CreateChange<K extends ChangeKind = ChangeKind> extends ChangeBase<K> {
  action: 'create';
  after: ValueOf<K>;
}

/** Something to change: what exists, what will, and the RFC 6902 operations between them. */
export interface UpdateChange<K extends ChangeKind = ChangeKind> extends ChangeBase<K> {
  action: 'update';
  before: ValueOf<K>;
  after: ValueOf<K>;
  patch: Operation[];
}

/** Something to remove: holds what exists. */
export interface DeleteChange<K extends ChangeKind = ChangeKind> extends ChangeBase<K> {
  action: 'delete';
  before: ValueOf<K>;
  /** How many things PostHog removes with it (memberships, rules): counted against safety.max_deletes. */
  cascade?: number;
}

export type ChangeOf<K extends ChangeKind> = CreateChange<K> | UpdateChange<K> | DeleteChange<K>;

/** A change of any kind: narrow on `kind` for its value and subject, on `action` for what it holds. */
export type Change = { [K in ChangeKind]: ChangeOf<K> }[ChangeKind];

export type NoticeLevel = 'info' | 'warning';

export interface Notice {
  level: NoticeLevel;
  /** Short machine-readable code, e.g. feature_missing, pending_invite, unmanaged, expiring. */
  code: string;
  message: string;
  key?: string;
}

/** A step PostHog's API cannot do for us (verify a domain, fix a personal key): told, not run. */
export interface ManualStep {
  key: string;
  message: string;
}

export interface Refusal {
  /** The rule that refuses (src/plan/safety.ts): self, protected, last_owner, permission, sso, verified_domains, max_deletes, scope, secrets, at, valid_until, host, stale. */
  guard: string;
  message: string;
  changeIds: string[];
}

export interface Fingerprint {
  /** sha256 over the whole relevant actual state. */
  digest: string;
  /** sha256 per section (organization, members, invites, teams, project:<name>) to name what moved. */
  sections: Record<string, string>;
}

export interface Summary {
  create: number;
  update: number;
  delete: number;
  destructive: number;
}

/** How PostHog combines access rules in the organization (`uses_most_specific_access_resolution`). */
export type Resolution = 'legacy' | 'most_specific';

/** `plan --resolution`: what switching the organization's mode would change for people. */
export interface ResolutionSwitch {
  from: Resolution;
  to: Resolution;
  /** Per person and place (a project, or a resource type in it), once the plan is applied; `source` in words. */
  changes: {
    email: string;
    project: string;
    resource?: string;
    direction: 'gains' | 'loses';
    from: { level: string; source: string };
    to: { level: string; source: string };
  }[];
  /** PostHog's own preview, compared by place and direction for the state as read, or why it was not. */
  posthog: { compared: true; onlyModel: string[]; onlyPostHog: string[]; objectRecords: number } | { compared: false; reason: string };
}

/**
 * One organization's part of a plan: what was read of it, its changes and what guards them. A run
 * over several matrices makes one of these per matrix (docs/plan-json.md).
 */
export interface OrganizationPlan {
  /** The PostHog host the organization lives on (canonical, see src/posthog/client.ts). */
  host: string;
  /** `resolution`: the organization's mode as read. */
  organization: { id: string; name: string; resolution?: Resolution };
  /** Only with `plan --resolution <mode>` naming the other mode. */
  resolutionSwitch?: ResolutionSwitch;
  /** The matrix the organization's changes come from (apply of a saved plan loads it again: its host and key variable). */
  matrix: { file: string; sha256: string };
  /** When the next grant in this organization's matrix starts or stops after `at` (ISO time). */
  validUntil: string | null;
  fingerprint: Fingerprint;
  /** What was read from PostHog; applying a saved plan re-reads the same to compare fingerprints. */
  read: ReadScope;
  /** The matrix's safety settings, so a saved plan is guarded the same way when applied. */
  safety: { maxDeletes: number; protected: string[] };
  changes: Change[];
  /** Who gains or loses what: each person's effective access the changes alter (src/access/changes.ts); absent in plans saved before it was recorded. */
  access?: AccessChange[];
  notices: Notice[];
  manualSteps: ManualStep[];
  /** Non-empty when a guard refuses this organization's changes; the plan is still shown. */
  refusals: Refusal[];
  summary: Summary;
}

export interface Plan {
  formatVersion: typeof PLAN_FORMAT_VERSION;
  tool: { name: 'posthog-access'; version: string };
  createdAt: string;
  /** The moment expiry is evaluated at (ISO time): `createdAt`, or `--at` for a plan to review only. */
  at: string;
  /** The earliest of the organizations' `validUntil`: the plan is stale from then. */
  validUntil: string | null;
  /** One per matrix, in the order the matrices were given. */
  organizations: OrganizationPlan[];
  /** The organizations' summaries added up. */
  summary: Summary;
  /** sha256 over what apply acts on (see planChecksum): a plan file edited after it was made is refused. */
  checksum: string;
}
