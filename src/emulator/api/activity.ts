// Activity log: the project feed and the organization's advanced feed.
import { forbidden, paymentRequired } from '../errors.ts';
import { logJson } from '../serialize.ts';
import { ok, ORG, PROJECT, requireAdmin, route } from './common.ts';
import type { Ctx, Result, RouteSpec } from './common.ts';
import type { ActivityLogRow } from '../snapshot.ts';

function activityPage(ctx: Ctx, source: readonly ActivityLogRow[], withCount: boolean): Record<string, unknown> {
  const q = ctx.query;
  const scopes = new Set((q.get('scopes') ?? q.get('scope') ?? '').split(',').filter(Boolean));
  const activities = new Set((q.get('activities') ?? '').split(',').filter(Boolean));
  const users = new Set((q.get('users') ?? q.get('user') ?? '').split(',').filter(Boolean));
  const itemId = q.get('item_id');
  const asc = q.get('ordering') === 'created_at';
  const filtered = source.filter((l) =>
    (!scopes.size || scopes.has(l.scope)) && (!activities.size || activities.has(l.activity)) &&
    (!users.size || (l.user_uuid !== null && users.has(l.user_uuid))) && (itemId === null || l.item_id === itemId));
  if (!asc) filtered.reverse();
  const sizeRaw = Number.parseInt(q.get('page_size') ?? '', 10);
  const size = Math.min(1000, Number.isFinite(sizeRaw) && sizeRaw > 0 ? sizeRaw : 100);
  const page = q.get('page');
  const link = (k: string, v: string): string => {
    const nq = new URLSearchParams(q);
    nq.set(k, v);
    return `${ctx.baseUrl}${ctx.path}?${nq.toString()}`;
  };
  if (page !== null) {
    const n = Math.max(1, Number.parseInt(page, 10) || 1);
    const start = (n - 1) * size;
    return {
      count: filtered.length,
      next: start + size < filtered.length ? link('page', String(n + 1)) : null,
      previous: n > 1 ? link('page', String(n - 1)) : null,
      results: filtered.slice(start, start + size).map((l) => logJson(ctx.state, l)),
    };
  }
  const cursor = q.get('cursor');
  const start = cursor ? Math.max(0, Number.parseInt(Buffer.from(cursor, 'base64url').toString(), 10) || 0) : 0;
  const out: Record<string, unknown> = {
    next: start + size < filtered.length ? link('cursor', Buffer.from(String(start + size)).toString('base64url')) : null,
    previous: start > 0 ? link('cursor', Buffer.from(String(Math.max(0, start - size))).toString('base64url')) : null,
    results: filtered.slice(start, start + size).map((l) => logJson(ctx.state, l)),
  };
  if (withCount) out.count = filtered.length;
  return out;
}

/**
 * PostHog's AccessControlPermission for a project's activity log: reading needs `viewer` on the
 * `activity_log` kind (its resource-wide rules, or a grant on some single object of the kind),
 * else 403.
 */
function requireActivityLogAccess(ctx: Ctx): void {
  const s = ctx.state;
  const m = ctx.membership!;
  const teamId = ctx.project!.id;
  if (s.resourceLevel(m, teamId, 'activity_log') !== 'none' || s.hasObjectGrant(m, teamId, 'activity_log', 'viewer')) return;
  throw forbidden('You do not have viewer access to this resource.');
}

function activityLogList(ctx: Ctx): Result {
  const p = ctx.project!;
  if (!ctx.state.hasFeature(p.organization_id, 'audit_logs')) throw paymentRequired('Audit logs');
  requireActivityLogAccess(ctx);
  return ok(activityPage(ctx, ctx.state.teamLogs.get(p.id) ?? [], false));
}

/** The project's advanced feed: its entries, page-numbered with a count, as the organization's. */
function projectAdvancedActivityLogs(ctx: Ctx): Result {
  const p = ctx.project!;
  if (!ctx.state.hasFeature(p.organization_id, 'audit_logs')) throw paymentRequired('Audit logs');
  requireActivityLogAccess(ctx);
  return ok(activityPage(ctx, ctx.state.teamLogs.get(p.id) ?? [], true));
}

function advancedActivityLogs(ctx: Ctx): Result {
  if (!ctx.state.hasFeature(ctx.org!.id, 'audit_logs')) throw paymentRequired('Audit logs');
  requireAdmin(ctx);
  return ok(activityPage(ctx, ctx.state.orgLogs.get(ctx.org!.id) ?? [], true));
}

export const ACTIVITY_ROUTES: RouteSpec[] = [
  route('GET', `${PROJECT}/activity_log/`, 'activity_log_list', 'activity_log', 'project', activityLogList),
  route('GET', `${PROJECT}/advanced_activity_logs/`, 'advanced_activity_logs_list', 'activity_log', 'project', projectAdvancedActivityLogs),
  // unpublished
  route('GET', `${ORG}/advanced_activity_logs/`, 'organization_advanced_activity_logs_list', 'activity_log', 'org', advancedActivityLogs),
];
