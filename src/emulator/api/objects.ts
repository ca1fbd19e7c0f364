// What people create in a project that others rely on: feature flags, dashboards and insights,
// listed (and created) as PostHog's viewsets do it, each with `created_by` (PostHog:
// posthog/api/feature_flag.py, posthog/api/dashboards/dashboard.py, posthog/api/insight.py).
// Only what offboarding reads is emulated: lists, their creator filters, and creation (so a
// member's key can create something of their own); no flag evaluation, no insight queries.
import { forbidden, invalid } from '../errors.ts';
import { userBasic } from '../serialize.ts';
import { kindBounds, ORG_LEVEL, RESOURCE_ACCESS_LEVELS, type ResourceAccessLevel } from '../tables.ts';
import { obj, ok, paginateList, PROJECT, route, strField } from './common.ts';
import type { Ctx, Result, RouteSpec } from './common.ts';
import type { DashboardRow, FeatureFlagRow, InsightRow } from '../snapshot.ts';

type Kind = 'feature_flag' | 'dashboard' | 'insight';

/** The requester's level on a resource kind in the project: rules by the organization's mode, org admins the maximum. */
function resourceLevel(ctx: Ctx, kind: Kind): ResourceAccessLevel {
  const s = ctx.state;
  const m = ctx.membership!;
  const bounds = kindBounds(kind);
  if (m.level >= ORG_LEVEL.admin) return bounds.maximum;
  if (!s.hasFeature(m.organization_id, 'access_control')) return bounds.default;
  const rows = s.resourceRules(ctx.project!.id).filter((r) => r.resource === kind);
  return s.ruleLevel(m, rows, RESOURCE_ACCESS_LEVELS, s.mostSpecific(m.organization_id), true)?.level ?? bounds.default;
}

/** AccessControlPermission: listing needs viewer on the kind, creating editor. */
function requireLevel(ctx: Ctx, kind: Kind, needed: 'viewer' | 'editor'): void {
  const have = resourceLevel(ctx, kind);
  if (RESOURCE_ACCESS_LEVELS.indexOf(have) < RESOURCE_ACCESS_LEVELS.indexOf(needed)) throw forbidden(`You do not have ${needed} access to this resource.`);
}

const creator = (ctx: Ctx, uuid: string | null) => (uuid ? userBasic(ctx.state.users.get(uuid)) : null);
const nextId = (rows: Map<number, unknown>) => Math.max(0, ...rows.keys()) + 1;
const newest = <T extends { created_at: string; id: number }>(a: T, b: T) => (a.created_at < b.created_at ? 1 : a.created_at > b.created_at ? -1 : b.id - a.id);

function flagJson(ctx: Ctx, f: FeatureFlagRow): Record<string, unknown> {
  return {
    id: f.id, name: f.name, key: f.key, filters: { groups: [] }, deleted: f.deleted, active: f.active,
    created_by: creator(ctx, f.created_by_uuid), created_at: f.created_at, is_simple_flag: true, rollout_percentage: null,
    ensure_experience_continuity: false, tags: [],
  };
}

function dashboardJson(ctx: Ctx, d: DashboardRow): Record<string, unknown> {
  return { id: d.id, name: d.name, description: '', pinned: d.pinned, created_at: d.created_at, created_by: creator(ctx, d.created_by_uuid), deleted: d.deleted, tags: [] };
}

function insightJson(ctx: Ctx, i: InsightRow): Record<string, unknown> {
  return {
    id: i.id, short_id: i.short_id, name: i.name, derived_name: null, saved: i.saved, deleted: i.deleted, dashboards: [...i.dashboards],
    created_at: i.created_at, created_by: creator(ctx, i.created_by_uuid), last_modified_at: i.created_at, tags: [],
  };
}

function listFeatureFlags(ctx: Ctx): Result {
  requireLevel(ctx, 'feature_flag', 'viewer');
  const q = ctx.query;
  const by = q.get('created_by_id');
  const active = q.get('active');
  const search = q.get('search')?.toLowerCase();
  const rows = [...ctx.state.featureFlags.values()].filter((f) => f.team_id === ctx.project!.id && !f.deleted
    && (by === null || String(ctx.state.users.get(f.created_by_uuid ?? '')?.id) === by)
    && (active === null || active === 'STALE' || String(f.active) === active)
    && (!search || f.key.toLowerCase().includes(search) || f.name.toLowerCase().includes(search)));
  return ok(paginateList(ctx, rows.sort(newest).map((f) => flagJson(ctx, f))));
}

function createFeatureFlag(ctx: Ctx): Result {
  requireLevel(ctx, 'feature_flag', 'editor');
  const body = obj(ctx.body);
  const key = strField(body.key, 'key', { required: true, max: 400 })!;
  if (!/^[a-zA-Z0-9_-]+$/.test(key)) throw invalid('Only letters, numbers, hyphens ("-") & underscores ("_") are allowed.', 'key');
  if ([...ctx.state.featureFlags.values()].some((f) => f.team_id === ctx.project!.id && !f.deleted && f.key === key)) throw invalid('There is already a feature flag with this key.', 'key', 'unique');
  const row: FeatureFlagRow = {
    id: nextId(ctx.state.featureFlags), team_id: ctx.project!.id, key, name: strField(body.name, 'name') ?? '', active: body.active !== false,
    deleted: false, created_by_uuid: ctx.user.uuid, created_at: ctx.now.toISOString(),
  };
  ctx.state.featureFlags.set(row.id, row);
  return ok(flagJson(ctx, row), 201);
}

function listDashboards(ctx: Ctx): Result {
  requireLevel(ctx, 'dashboard', 'viewer');
  const rows = [...ctx.state.dashboards.values()].filter((d) => d.team_id === ctx.project!.id && !d.deleted).sort((a, b) => a.id - b.id);
  return ok(paginateList(ctx, rows.map((d) => dashboardJson(ctx, d))));
}

function createDashboard(ctx: Ctx): Result {
  requireLevel(ctx, 'dashboard', 'editor');
  const body = obj(ctx.body);
  const row: DashboardRow = {
    id: nextId(ctx.state.dashboards), team_id: ctx.project!.id, name: strField(body.name, 'name', { max: 400 }) ?? 'New Dashboard', pinned: body.pinned === true,
    deleted: false, created_by_uuid: ctx.user.uuid, created_at: ctx.now.toISOString(),
  };
  ctx.state.dashboards.set(row.id, row);
  return ok(dashboardJson(ctx, row), 201);
}

/** InsightViewSet._filter_request: `saved` (saved or on a dashboard / not saved), `user` (created by the requester). */
function listInsights(ctx: Ctx): Result {
  requireLevel(ctx, 'insight', 'viewer');
  const q = ctx.query;
  const saved = q.get('saved');
  const rows = [...ctx.state.insights.values()].filter((i) => i.team_id === ctx.project!.id && !i.deleted
    && (saved === null || (['true', '1', 'yes'].includes(saved.toLowerCase()) ? i.saved || i.dashboards.length > 0 : !i.saved))
    && (!q.has('user') || i.created_by_uuid === ctx.user.uuid)).sort((a, b) => a.id - b.id);
  return ok(paginateList(ctx, rows.map((i) => insightJson(ctx, i))));
}

function createInsight(ctx: Ctx): Result {
  requireLevel(ctx, 'insight', 'editor');
  const body = obj(ctx.body);
  const id = nextId(ctx.state.insights);
  const row: InsightRow = {
    id, team_id: ctx.project!.id, short_id: `ins${id}`, name: strField(body.name, 'name', { max: 400 }), saved: body.saved === true,
    deleted: false, dashboards: [], created_by_uuid: ctx.user.uuid, created_at: ctx.now.toISOString(),
  };
  ctx.state.insights.set(row.id, row);
  return ok(insightJson(ctx, row), 201);
}

export const OBJECT_ROUTES: RouteSpec[] = [
  // in PostHog's full schema, not in the access subset this repository keeps (test/fixtures/openapi-access.json)
  route('GET', `${PROJECT}/feature_flags/`, 'feature_flags_list', 'feature_flag', 'project', listFeatureFlags),
  route('POST', `${PROJECT}/feature_flags/`, 'feature_flags_create', 'feature_flag', 'project', createFeatureFlag),
  route('GET', `${PROJECT}/dashboards/`, 'dashboards_list', 'dashboard', 'project', listDashboards),
  route('POST', `${PROJECT}/dashboards/`, 'dashboards_create', 'dashboard', 'project', createDashboard),
  route('GET', `${PROJECT}/insights/`, 'insights_list', 'insight', 'project', listInsights),
  route('POST', `${PROJECT}/insights/`, 'insights_create', 'insight', 'project', createInsight),
];
