// Assemble a plan: diff, then the safety gate, feature warnings and the fingerprint. Pure.
import type { ActualState, ReadScope } from '../model/actual.ts';
import type { DesiredState } from '../model/desired.ts';
import { TOOL_VERSION } from '../util/version.ts';
import { auditNotices } from './audit.ts';
import { diffSteps } from './diff.ts';
import { nextBoundary } from './expiry.ts';
import type { FeatureNeed, PlanOptions } from './kind.ts';
import { limitToVisible, partialView } from './partial-view.ts';
import { fingerprint, planChecksum } from './fingerprint.ts';
import { kindOf } from './registry.ts';
import { refusalsOf } from './safety.ts';
import { missingScopes, requiredScopes } from './scopes.ts';
import { identityProviderReport } from './identity-providers.ts';
import { denyNotices, resolutionSwitch, type PreviewRead } from './resolution.ts';
import { modeOf, viewOfActual } from '../access/view.ts';
import { AccessListTooLarge, accessChangeSteps, type AccessChange } from '../access/changes.ts';
import { finish, inSlices } from '../util/slices.ts';
import { offboardingNotices } from './offboarding.ts';
import { PLAN_FORMAT_VERSION, type Change, type Notice, type OrganizationPlan, type Plan, type Summary } from './types.ts';
import { append } from '../util/append.ts';

export interface PlanInput {
  desired: DesiredState;
  actual: ActualState;
  /** The moment expiry is evaluated at (`--at`, else now). */
  at: Date;
  createdAt: Date;
  host: string;
  matrix: { file: string; sha256: string };
  /** What the fetcher read. */
  read: ReadScope;
  allowDeletes?: number;
  options?: PlanOptions;
  /** PostHog's preview of the switch to most-specific resolution (with `options.resolution`). */
  preview?: PreviewRead;
}

/** Warnings for changes that need a paid feature the organization lacks (the kinds say which). */
export function featureNotices(changes: Change[], features: string[]): Notice[] {
  const has = new Set(features);
  const needed = new Map<string, { need: FeatureNeed; count: number }>();
  for (const change of changes) {
    for (const need of kindOf(change.kind).features?.(change) ?? []) {
      if (need.features.some((f) => has.has(f))) continue;
      const seen = needed.get(need.id) ?? { need, count: 0 };
      seen.count += 1;
      needed.set(need.id, seen);
    }
  }
  return [...needed.values()].map(({ need, count }) => ({ level: 'warning', code: 'feature_missing', message: need.message(count) }));
}

/** One organization's part of a plan: its changes, notices, fingerprint, who gains or loses what and the guards' refusals. */
export function buildOrganizationPlan(input: PlanInput): OrganizationPlan {
  const plan = draftOrganizationPlan(input);
  return withReview(plan, input.actual, accessList(input.actual, plan.changes));
}

/** Who gains or loses what, or, past `limit` person × place pairs, that it is not listed. */
export type AccessList = { list: AccessChange[] } | { notListed: number };

const notListed = (e: unknown): AccessList => {
  if (e instanceof AccessListTooLarge) return { notListed: e.limit };
  throw e;
};

/** Who gains or loses what through `changes` (src/access/changes.ts), worked out at once. */
export function accessList(actual: ActualState, changes: readonly Change[], limit = ACCESS_LIST_LIMIT): AccessList {
  try {
    return { list: finish(accessChangeSteps(viewOfActual(actual), changes, { limit })) };
  } catch (e) {
    return notListed(e);
  }
}

/** accessList worked out in slices, so that reads in flight go on meanwhile (src/cli/pipeline.ts). */
export async function accessListInSlices(actual: ActualState, changes: readonly Change[], limit = ACCESS_LIST_LIMIT): Promise<AccessList> {
  try {
    return { list: await inSlices(accessChangeSteps(viewOfActual(actual), changes, { limit })) };
  } catch (e) {
    return notListed(e);
  }
}

/**
 * What only a reviewer reads, added to a drafted plan once its changes are final: the offboarding
 * warnings (from what removed members created, where src/state/created.ts read it) and who gains or
 * loses what, worked out once, on the final draft.
 */
export function withReview(plan: OrganizationPlan, actual: ActualState, access: AccessList): OrganizationPlan {
  append(plan.notices, offboardingNotices(plan.changes, actual));
  if ('list' in access) {
    plan.access = access.list;
  } else {
    plan.notices.push({
      level: 'info', code: 'access_not_listed',
      message: `who gains or loses what is not listed: the changes reach more than ${access.notListed.toLocaleString('en-US')} person × place pairs, more than a plan resolves (the changes themselves are all listed); \`posthog-access explain EMAIL\` and \`posthog-access who-can PROJECT\` show anyone's access`,
    });
  }
  return plan;
}

/**
 * The most person × place pairs (a person in a project, or in a resource type of it) a plan resolves
 * for "who gains or loses what": 5 % of a 5,000-member, 200-project organization changed reaches about
 * 440,000; the same share of 20,000 members and 1,000 projects reaches millions, a list no reviewer
 * reads and that would take a minute and over a gigabyte to make (docs/plan-json.md, `access`).
 */
export const ACCESS_LIST_LIMIT = 1_000_000;

/** One organization's part of a plan without what only a reviewer reads (withReview adds it): its changes, notices, fingerprint and the guards' refusals. */
export function draftOrganizationPlan(input: PlanInput): OrganizationPlan {
  return finish(draftSteps(input));
}

/**
 * draftOrganizationPlan in steps (each kind's diff, the deny warnings, the fingerprint, the
 * guards), so that reads in flight are taken between them (src/util/slices.ts, src/cli/pipeline.ts).
 */
export function* draftSteps(input: PlanInput): Generator<void, OrganizationPlan> {
  const { desired, actual } = input;
  const result = yield* diffSteps(desired, actual, input.at, input.options);
  // A key that sees part of the organization plans nothing that depends on what it cannot see.
  const partial = partialView(actual) ? limitToVisible(result.changes, actual) : undefined;
  if (partial) result.changes = partial.changes;
  auditNotices({ desired, actual, now: input.at, changes: result.changes, notices: result.notices, manualSteps: result.manualSteps });
  const idp = identityProviderReport(desired, actual);
  result.notices.push(...idp.notices);
  result.manualSteps.push(...idp.manualSteps);
  const denies = denyNotices(desired, actual, input.at);
  yield;
  const notices = [...(partial ? [partial.notice] : []), ...featureNotices(result.changes, actual.organization.features), ...result.notices, ...denies];
  const mode = modeOf(actual);
  const to = input.options?.resolution;
  if (actual.key && result.changes.length) {
    const missing = missingScopes(actual.key.scopes, requiredScopes(result.changes));
    if (missing.length) notices.unshift({ level: 'warning', code: 'scope', message: `applying this plan needs scopes the running key lacks: ${missing.join(', ')}` });
  }
  const print = fingerprint(actual);
  yield;
  const organization: OrganizationPlan = {
    host: input.host,
    organization: { id: actual.organization.id, name: actual.organization.name, resolution: mode },
    ...(to !== undefined && to !== mode && { resolutionSwitch: resolutionSwitch(desired, actual, input.at, to, input.preview) }),
    matrix: input.matrix,
    validUntil: nextBoundary(desired, input.at)?.toISOString() ?? null,
    fingerprint: print,
    read: input.read,
    safety: { maxDeletes: desired.safety.maxDeletes, protected: desired.safety.protected },
    changes: result.changes,
    notices,
    manualSteps: result.manualSteps,
    refusals: [],
    summary: summaryOf(result.changes),
  };
  const at = input.at.toISOString();
  organization.refusals = refusalsOf({ ...organization, at, createdAt: input.createdAt.toISOString() }, { actual, allowDeletes: input.allowDeletes, options: input.options ?? {} });
  return organization;
}

export function summaryOf(changes: readonly Change[]): Summary {
  const count = (action: Change['action']) => changes.filter((c) => c.action === action).length;
  return { create: count('create'), update: count('update'), delete: count('delete'), destructive: changes.filter((c) => c.destructive).length };
}

/** The plan of a run: its organizations (one per matrix, in order) under one summary and checksum. */
export function assemblePlan(input: { createdAt: Date; at: Date; organizations: OrganizationPlan[] }): Plan {
  const { organizations } = input;
  const until = organizations.map((o) => o.validUntil).filter((v): v is string => v !== null).sort();
  const sum = (field: keyof Summary) => organizations.reduce((n, o) => n + o.summary[field], 0);
  const plan: Omit<Plan, 'checksum'> = {
    formatVersion: PLAN_FORMAT_VERSION,
    tool: { name: 'posthog-access', version: TOOL_VERSION },
    createdAt: input.createdAt.toISOString(),
    at: input.at.toISOString(),
    validUntil: until[0] ?? null,
    organizations,
    summary: { create: sum('create'), update: sum('update'), delete: sum('delete'), destructive: sum('destructive') },
  };
  return { ...plan, checksum: planChecksum(plan) };
}

/** The plan of one organization (a run over one matrix). */
export function buildPlan(input: PlanInput): Plan {
  return assemblePlan({ createdAt: input.createdAt, at: input.at, organizations: [buildOrganizationPlan(input)] });
}
