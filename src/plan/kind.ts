// The one small interface every resource kind implements (STYLE.md principle 5). A kind says what
// should exist and what does, keyed by natural key; the shared differ (diff.ts) does the rest.
// Its apply functions run one change against PostHog (used by the applier only).
import type { DesiredState } from '../model/desired.ts';
import type { ActualState } from '../model/actual.ts';
import type { PostHogApi } from '../posthog/types.ts';
import type { Change, ChangeKind, ManualStep, Notice, Value } from './types.ts';

export type Refs = Record<string, string | number | null>;

/** Choices the user makes per run that change what the plan does (CLI flags). */
export interface PlanOptions {
  /** `--roll-secret-keys`: roll these project secret keys (labels, "Project/label"), or all declared ones. */
  rollSecretKeys?: true | string[];
  /** `--allow-sso-without-idp`: enforce SSO on a domain even where no identity provider is configured. */
  allowSsoWithoutIdp?: boolean;
}

/** Where apply hands a new or rolled secret key value: the only place it goes. */
export interface SecretSink {
  deliver(secret: { project: string; label: string; value: string }): Promise<void>;
}

export interface DiffContext {
  desired: DesiredState;
  actual: ActualState;
  now: Date;
  options: PlanOptions;
  /** Kinds add what they notice (pending invites, grants ending soon, missing features). */
  notices: Notice[];
  manualSteps: ManualStep[];
}

export interface DesiredItem {
  key: string;
  /** null: must not exist (a grant that has ended), removed even without prune. */
  value: Value | null;
  reason?: string;
  note?: string;
  refs?: Refs;
  /** Ids of changes this one needs first, when they are in the plan (e.g. `team:Engineering`). */
  needs?: string[];
}

export interface ActualItem {
  key: string;
  value: Value;
  refs?: Refs;
}

export interface PruneRule {
  /** Whether existing items the matrix does not list are removed. */
  enabled: boolean;
  /** The matrix flag that governs it, for reasons and reports (e.g. prune.members). */
  flag: string;
}

/** What the applier hands a kind: the API, the organization and ids known so far. */
export interface ApplyEnv {
  api: PostHogApi;
  orgId: string;
  actual: ActualState;
  /** Ids of things created earlier in this apply. */
  created: { projects: Map<string, number>; teams: Map<string, string> };
  /** Where new secret key values go; apply refuses a plan that creates or rolls keys without one. */
  secrets?: SecretSink;
}

export interface Kind {
  kind: ChangeKind;
  desired(ctx: DiffContext): DesiredItem[];
  actual(ctx: DiffContext): ActualItem[];
  /** How unlisted existing items are treated; absent: never removed, only reported. */
  prune?(ctx: DiffContext): PruneRule;
  /** Whether an update lowers access (a demotion counts against safety.max_deletes). */
  lowers?(before: Value, after: Value): boolean;
  /** What is in force while the item does not exist (PostHog's default), to tell whether creating it lowers access. */
  implicit?(item: DesiredItem): Value | undefined;
  create?(change: Change, env: ApplyEnv): Promise<void>;
  update?(change: Change, env: ApplyEnv): Promise<void>;
  delete?(change: Change, env: ApplyEnv): Promise<void>;
}
