// What every API area module shares: the request context handlers get, result helpers, field
// validation as DRF does it, pagination and activity logging.
import type { RouteDef } from '../routes.ts';
import type { Change, EmulatorState } from '../state.ts';
import type { MembershipRow, OrganizationRow, PersonalApiKeyRow, ProjectRow, UserRow } from '../snapshot.ts';
import { forbidden, INSUFFICIENT_ORG_LEVEL, invalid } from '../errors.ts';

export interface Ctx {
  state: EmulatorState;
  now: Date;
  method: string;
  path: string;
  query: URLSearchParams;
  body: unknown;
  baseUrl: string;
  route: RouteDef;
  params: Record<string, string>;
  key: PersonalApiKeyRow;
  user: UserRow;
  /** Resolved for org routes. */
  org?: OrganizationRow;
  /** Requester's membership in `org` (org routes) or in the project's org (project routes). */
  membership?: MembershipRow;
  project?: ProjectRow;
}

export interface Result {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type RouteKind = 'user' | 'root' | 'org' | 'project' | 'pak';

/** What a request authenticated with a project secret key gets: no user, only its project. */
export interface SecretKeyCtx {
  state: EmulatorState;
  now: Date;
  query: URLSearchParams;
  project: ProjectRow;
}

/**
 * One row of an area's route table. `scope` is the scope object (`:read` for GET, `:write`
 * otherwise); null = PostHog refuses the action for personal API keys. `kind` says what the path
 * names (an organization, a project, …) and so which checks run before the handler (auth.ts).
 * `secretKey`: the handler for requests made with a project secret key; without one, such keys
 * are refused.
 */
export interface RouteSpec {
  method: string;
  pattern: string;
  op: string;
  scope: string | null;
  kind: RouteKind;
  handler: (ctx: Ctx) => Result;
  secretKey?: (ctx: SecretKeyCtx) => Result;
  /** On an organization route: the path parameter naming one project (keys scoped to projects may use it). */
  projectParam?: string;
}

export const ORG = '/api/organizations/{organization_id}';
export const PROJECT = '/api/projects/{project_id}';

export function route(method: string, pattern: string, op: string, scope: string | null, kind: RouteKind, handler: (ctx: Ctx) => Result, secretKey?: (ctx: SecretKeyCtx) => Result): RouteSpec {
  return { method, pattern, op, scope, kind, handler, ...(secretKey ? { secretKey } : {}) };
}

/** An organization route that names one project by the path parameter `param`. */
export function projectRoute(spec: RouteSpec, param = 'id'): RouteSpec {
  return { ...spec, projectParam: param };
}

/** Handler of an action PostHog declares no scope for: auth.ts refuses personal API keys first. */
export function noScopeAction(): Result {
  throw forbidden('This action does not support Personal API Key access');
}

export const ok = (body: unknown, status = 200): Result => ({ status, body });
export const noContent = (): Result => ({ status: 204 });


export function obj(body: unknown): Record<string, unknown> {
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) {
    throw invalid('Invalid data. Expected a dictionary, but got ' + (Array.isArray(body) ? 'list' : typeof body) + '.', 'non_field_errors');
  }
  return body as Record<string, unknown>;
}

export function requireAdmin(ctx: Ctx, message = INSUFFICIENT_ORG_LEVEL): void {
  if (!ctx.membership || ctx.membership.level < 8) throw forbidden(message);
}

export function boolField(v: unknown, attr: string, nullable = false): boolean | null {
  if (v === null && nullable) return null;
  if (typeof v === 'boolean') return v;
  if (v === 'true' || v === 'false') return v === 'true';
  throw invalid('Must be a valid boolean.', attr);
}

export function strField(v: unknown, attr: string, opts: { max?: number; required?: boolean; nullable?: boolean } = {}): string | null {
  if (v === undefined) {
    if (opts.required) throw invalid('This field is required.', attr, 'required');
    return null;
  }
  if (v === null) {
    if (opts.nullable) return null;
    throw invalid('This field may not be null.', attr, 'null');
  }
  if (typeof v !== 'string' && typeof v !== 'number') throw invalid('Not a valid string.', attr);
  const s = String(v);
  if (opts.required && s.trim() === '') throw invalid('This field may not be blank.', attr, 'blank');
  if (opts.max !== undefined && s.length > opts.max) throw invalid(`Ensure this field has no more than ${opts.max} characters.`, attr, 'max_length');
  return s;
}

export const UUID_RE = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
export const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** DRF LimitOffsetPagination with absolute next/previous links. */
export function paginate<T>(ctx: Ctx, total: number, get: (i: number) => T): Record<string, unknown> {
  const limitRaw = Number.parseInt(ctx.query.get('limit') ?? '', 10);
  const offsetRaw = Number.parseInt(ctx.query.get('offset') ?? '', 10);
  const limit = Number.isFinite(limitRaw) && limitRaw > 0 ? limitRaw : 100;
  const offset = Number.isFinite(offsetRaw) && offsetRaw > 0 ? offsetRaw : 0;
  const results: T[] = [];
  for (let i = offset; i < Math.min(total, offset + limit); i++) results.push(get(i));
  const url = (o: number | null): string => {
    const q = new URLSearchParams(ctx.query);
    q.set('limit', String(limit));
    if (o === null) q.delete('offset'); else q.set('offset', String(o));
    return `${ctx.baseUrl}${ctx.path}?${q.toString()}`;
  };
  return {
    count: total,
    next: offset + limit < total ? url(offset + limit) : null,
    previous: offset <= 0 ? null : url(offset - limit <= 0 ? null : offset - limit),
    results,
  };
}

export function paginateList<T>(ctx: Ctx, list: T[]): Record<string, unknown> {
  return paginate(ctx, list.length, (i) => list[i]!);
}

export function log(ctx: Ctx, activity: string, scope: string, itemId: string | null, name: string | null, changes: Change[] | null = null, context: Record<string, unknown> | null = null, teamId: number | null = null): void {
  ctx.state.log({ orgId: ctx.org?.id ?? ctx.project!.organization_id, teamId, user: ctx.user, activity, scope, itemId, name, changes, context, now: ctx.now });
}

export function visibleProjects(ctx: Ctx, org: OrganizationRow, m: MembershipRow | undefined): ProjectRow[] {
  const all = [...(ctx.state.orgProjects.get(org.id)?.values() ?? [])];
  if (!m) return [];
  if (m.level >= 8) return all;
  return all.filter((p) => ctx.state.projectLevel(m, p) !== 'none');
}
