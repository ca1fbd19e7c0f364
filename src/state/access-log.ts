// `log`: who changed access, from the organization's activity log (docs/cli.md#log). Reads pages,
// newest first, until the range (--since) or --limit is covered; nothing else.
import { ApiError, ConfigError } from '../errors.ts';
import type { ClosablePostHogApi } from '../posthog/api.ts';
import type { ActivityLogEntry } from '../posthog/types.ts';

/** The activity scopes that are about access: the organization, people, teams, rules, keys, domains, projects. */
export const ACCESS_LOG_SCOPES: readonly string[] = [
  'Organization', 'OrganizationMembership', 'OrganizationInvite', 'OrganizationDomain', 'Role', 'RoleMembership',
  'AccessControl', 'PersonalAPIKey', 'ProjectSecretAPIKey', 'Team', 'Project',
];
export const LOG_PAGE = 100;

export interface LogQuery {
  /** Oldest moment to include. */
  since?: Date;
  /** At most this many entries (newest first). */
  limit: number;
}

/** Access changes, newest first, covering the range; PostHog's refusals become plain messages. */
export async function readAccessLog(api: ClosablePostHogApi, organization: { id: string; name: string; features: string[] }, query: LogQuery): Promise<ActivityLogEntry[]> {
  if (!organization.features.includes('audit_logs')) {
    throw new ConfigError(`${organization.name} has no audit logs: PostHog keeps the activity log only with the audit_logs feature (its paid plans), so there is nothing to show`);
  }
  const out: ActivityLogEntry[] = [];
  const since = query.since?.getTime();
  for (let page = 1; out.length < query.limit; page++) {
    let body: { results: ActivityLogEntry[]; next: string | null };
    try {
      body = await api.client.get(`/api/organizations/${organization.id}/advanced_activity_logs/`, {
        scopes: ACCESS_LOG_SCOPES.join(','), page_size: LOG_PAGE, page,
        ...(query.since && { start_date: query.since.toISOString() }),
      });
    } catch (e) {
      if (e instanceof ApiError && e.status === 402) throw new ConfigError(`${organization.name} has no audit logs licence: PostHog answered 402 for its activity log`);
      if (e instanceof ApiError && e.status === 403) {
        throw new ConfigError(`PostHog refused to show ${organization.name}'s activity log (${e.message}): it needs a key with the activity_log:read scope whose user is an organization admin or owner`);
      }
      throw e;
    }
    let older = false;
    for (const entry of body.results) {
      if (since !== undefined && Date.parse(entry.created_at) < since) {
        older = true;
        break;
      }
      out.push(entry);
      if (out.length >= query.limit) break;
    }
    if (older || !body.next || body.results.length === 0) break;
  }
  return out;
}
