// A plan is plain, versioned, serialisable data (docs/plan-json.md). Renderers and the applier
// are functions of it; nothing here does I/O.
import type { Operation } from 'fast-json-patch';

export const PLAN_FORMAT_VERSION = 1;

export type Action = 'create' | 'update' | 'delete';

/** Every kind of change, in apply order (see src/plan/registry.ts). */
export type ChangeKind =
  | 'project'
  | 'team'
  | 'org_settings'
  | 'domain'
  | 'invite'
  | 'member'
  | 'team_member'
  | 'project_access'
  | 'resource_access'
  | 'secret_key';

export type Value = Record<string, unknown>;

export interface Change {
  /** Stable id within the plan: `<kind>:<key>`. */
  id: string;
  kind: ChangeKind;
  action: Action;
  /** Natural key, human readable (email, team name, "Production / team:Engineering", …). */
  key: string;
  /** Existing value (update, delete); null for create. */
  before: Value | null;
  /** Desired value (create, update); null for delete. */
  after: Value | null;
  /** RFC 6902 operations turning `before` into `after` (updates only). */
  patch?: Operation[];
  /** Why: "declared in the matrix", "expired 2026-03-16", "not in the matrix (prune.members)", … */
  reason: string;
  /** The matrix's `note` on the grant, carried into the journal. */
  note?: string;
  /** A removal or a lowering of access: counted against safety.max_deletes. */
  destructive: boolean;
  /** Ids of changes that must succeed first. */
  dependsOn: string[];
  /** Server ids and names the applier needs; never secrets. */
  refs: Record<string, string | number | null>;
}

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
  /** guard name: self, protected, last_owner, max_deletes, permission, scope */
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

export interface Plan {
  formatVersion: typeof PLAN_FORMAT_VERSION;
  tool: { name: 'posthog-access'; version: string };
  createdAt: string;
  /** The moment expiry is evaluated at (ISO time): `createdAt`, or `--at` for a plan to review only. */
  at: string;
  /** When the next grant in the matrix starts or stops after `at` (ISO time): the plan is stale from then. */
  validUntil: string | null;
  host: string;
  organization: { id: string; name: string };
  matrix: { file: string; sha256: string };
  fingerprint: Fingerprint;
  /** What was read from PostHog; applying a saved plan re-reads the same to compare fingerprints. */
  read: { organization: string; projects: string[]; secretKeys: string[]; domains: boolean };
  /** The matrix's safety settings, so a saved plan is guarded the same way when applied. */
  safety: { maxDeletes: number; protected: string[] };
  changes: Change[];
  notices: Notice[];
  manualSteps: ManualStep[];
  /** Non-empty when a guard refuses the plan; the plan is still shown. */
  refusals: Refusal[];
  summary: { create: number; update: number; delete: number; destructive: number };
  /** sha256 over what apply acts on (see planChecksum): a plan file edited after it was made is refused. */
  checksum: string;
}
