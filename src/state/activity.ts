// Reads the organization's recent activity for drift reports: one call, and only when the
// organization has audit logs (else PostHog answers 402) and the plan has drift to explain.
import { ApiError } from '../errors.ts';
import type { ActualState } from '../model/actual.ts';
import type { ActivityLogEntry, PostHogApi } from '../posthog/types.ts';

export const ACTIVITY_PAGE = 500;

/** Recent activity, newest first; null when the log cannot be read (no feature, scope or level). */
export async function readActivity(api: PostHogApi, actual: ActualState, scopes: readonly string[]): Promise<ActivityLogEntry[] | null> {
  if (!actual.organization.features.includes('audit_logs')) return null;
  try {
    return await api.organizationActivity(actual.organization.id, { scopes: [...scopes], pageSize: ACTIVITY_PAGE });
  } catch (e) {
    if (e instanceof ApiError && (e.status === 402 || e.status === 403)) return null;
    throw e;
  }
}
