// The route table of the emulated PostHog API, assembled from the area modules under api/ (each
// declares its routes' method, path pattern, operation, scope object and handler in one table).
// Operation names are the operationId of PostHog's OpenAPI schema (test/fixtures/openapi-access.json)
// where it has one, else a name of ours (marked "unpublished" in the area tables).
import { ACCESS_CONTROL_ROUTES } from './api/access-control.ts';
import { ACTIVITY_ROUTES } from './api/activity.ts';
import type { RouteKind, RouteSpec } from './api/common.ts';
import { DOMAIN_ROUTES } from './api/domains.ts';
import { EFFECTIVE_ACCESS_ROUTES } from './api/effective-access.ts';
import { INVITE_ROUTES } from './api/invites.ts';
import { KEY_ROUTES } from './api/keys.ts';
import { MEMBER_ROUTES } from './api/members.ts';
import { ORGANIZATION_ROUTES } from './api/organizations.ts';
import { PROJECT_ROUTES } from './api/projects.ts';
import { RESOLUTION_ROUTES } from './api/resolution.ts';
import { ROLE_ROUTES } from './api/roles.ts';
import { OBJECT_ROUTES } from './api/objects.ts';

export type { RouteKind };

export interface RouteDef extends RouteSpec {
  segments: string[];
  literals: number;
}

function split(path: string): string[] {
  return path.split('/').filter((s) => s.length > 0);
}

/** Every route, the most literal patterns first (so `invites/bulk/` wins over `invites/{id}/`). */
export const ROUTES: RouteDef[] = [
  ...ORGANIZATION_ROUTES, ...MEMBER_ROUTES, ...INVITE_ROUTES, ...ROLE_ROUTES, ...PROJECT_ROUTES,
  ...ACCESS_CONTROL_ROUTES, ...RESOLUTION_ROUTES, ...EFFECTIVE_ACCESS_ROUTES, ...KEY_ROUTES, ...DOMAIN_ROUTES, ...ACTIVITY_ROUTES, ...OBJECT_ROUTES,
].map((r) => {
  const segments = split(r.pattern);
  return { ...r, segments, literals: segments.filter((s) => !s.startsWith('{')).length };
}).sort((a, b) => b.literals - a.literals);

export interface RouteMatch {
  route: RouteDef;
  params: Record<string, string>;
}

function matchSegments(route: RouteDef, segs: string[]): Record<string, string> | null {
  if (route.segments.length !== segs.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < segs.length; i++) {
    const p = route.segments[i]!;
    const s = segs[i]!;
    if (p.startsWith('{')) {
      try {
        params[p.slice(1, -1)] = decodeURIComponent(s);
      } catch {
        return null; // a malformed %-escape matches nothing (404), never a crash
      }
    } else if (p !== s) return null;
  }
  return params;
}

/**
 * Finds the route for a request. `methodMismatch` when the path exists for other methods only; it
 * carries one of those routes, because PostHog checks permissions before it answers 405.
 */
export function findRoute(method: string, path: string): RouteMatch | (RouteMatch & { methodMismatch: true }) | null {
  const segs = split(path.split('?')[0] ?? '');
  let sibling: RouteMatch | null = null;
  for (const route of ROUTES) {
    const params = matchSegments(route, segs);
    if (!params) continue;
    if (route.method === method.toUpperCase()) return { route, params };
    sibling ??= { route, params };
  }
  return sibling ? { ...sibling, methodMismatch: true } : null;
}

/**
 * The operation a request maps to: PostHog's OpenAPI operationId, or for endpoints PostHog leaves
 * out of its schema a name of ours (project_access_controls_update, projects_list,
 * personal_api_keys_retrieve, …). null when the emulated API has no such endpoint.
 * `path` may be absolute (http://host/api/...) and may carry a query string.
 */
export function matchOperation(method: string, path: string): string | null {
  let p = path;
  if (/^https?:\/\//.test(p)) p = new URL(p).pathname;
  const m = findRoute(method, p);
  return m && !('methodMismatch' in m) ? m.route.op : null;
}
