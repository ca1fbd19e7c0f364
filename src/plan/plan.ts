// Assemble a plan: diff, then guards, feature warnings and the fingerprint. Pure.
import type { ActualState } from '../model/actual.ts';
import type { DesiredState } from '../model/desired.ts';
import type { FetchScope } from '../state/fetch.ts';
import { auditNotices } from './audit.ts';
import { diff } from './diff.ts';
import { nextBoundary } from './expiry.ts';
import type { PlanOptions } from './kind.ts';
import { fingerprint, planChecksum } from './fingerprint.ts';
import { checkGuards, missingScopes, requiredScopes } from './guards.ts';
import { identityProviderReport } from './identity-providers.ts';
import { PLAN_FORMAT_VERSION, type Change, type Notice, type Plan } from './types.ts';

export const TOOL_VERSION = '0.1.0';

export interface PlanInput {
  desired: DesiredState;
  actual: ActualState;
  /** The moment expiry is evaluated at (`--at`, else now). */
  at: Date;
  createdAt: Date;
  host: string;
  matrix: { file: string; sha256: string };
  /** What the fetcher read. */
  read: FetchScope;
  allowDeletes?: number;
  options?: PlanOptions;
}

/** Warnings for changes that need a paid feature the organization lacks (REFERENCE.md §12). */
export function featureNotices(changes: Change[], features: string[]): Notice[] {
  const has = new Set(features);
  const notices: Notice[] = [];
  const rules = changes.filter((c) => (c.kind === 'project_access' || c.kind === 'resource_access') && c.action !== 'delete');
  const roleRules = rules.filter((c) => c.refs.team);
  if (roleRules.length && !has.has('role_based_access')) {
    notices.push({ level: 'warning', code: 'feature_missing', message: `${roleRules.length} team rule(s) need the "role_based_access" feature, which this organization lacks: PostHog will refuse them (403). Upgrade, or drop team grants from the matrix` });
  }
  if (rules.length && !has.has('access_control') && !has.has('advanced_permissions')) {
    notices.push({ level: 'warning', code: 'feature_missing', message: 'this organization lacks the "access_control" feature: PostHog stores the access rules but does not enforce them until it is enabled' });
  }
  return notices;
}

export function buildPlan(input: PlanInput): Plan {
  const { desired, actual } = input;
  const result = diff(desired, actual, input.at, input.options);
  auditNotices({ desired, actual, now: input.at, changes: result.changes, notices: result.notices, manualSteps: result.manualSteps });
  const idp = identityProviderReport(desired, actual);
  result.notices.push(...idp.notices);
  result.manualSteps.push(...idp.manualSteps);
  const notices = [...featureNotices(result.changes, actual.organization.features), ...result.notices];
  if (actual.key && result.changes.length) {
    const missing = missingScopes(actual.key.scopes, requiredScopes(result.changes));
    if (missing.length) notices.unshift({ level: 'warning', code: 'scope', message: `applying this plan needs scopes the running key lacks: ${missing.join(', ')}` });
  }
  const safety = { maxDeletes: desired.safety.maxDeletes, protected: desired.safety.protected };
  const count = (action: Change['action']) => result.changes.filter((c) => c.action === action).length;
  const plan: Omit<Plan, 'checksum'> = {
    formatVersion: PLAN_FORMAT_VERSION,
    tool: { name: 'posthog-access', version: TOOL_VERSION },
    createdAt: input.createdAt.toISOString(),
    at: input.at.toISOString(),
    validUntil: nextBoundary(desired, input.at)?.toISOString() ?? null,
    host: input.host,
    organization: { id: actual.organization.id, name: actual.organization.name },
    matrix: input.matrix,
    fingerprint: fingerprint(actual),
    read: input.read,
    safety,
    changes: result.changes,
    notices,
    manualSteps: result.manualSteps,
    refusals: checkGuards({ changes: result.changes, actual, safety, allowDeletes: input.allowDeletes, options: input.options }),
    summary: {
      create: count('create'),
      update: count('update'),
      delete: count('delete'),
      destructive: result.changes.filter((c) => c.destructive).length,
    },
  };
  return { ...plan, checksum: planChecksum(plan) };
}
