// The route table of the emulated PostHog API: path patterns, operation names and scope objects.
// Operation names are the operationId of PostHog's OpenAPI schema (test/fixtures/openapi-access.json)
// where it has one, else a name from REFERENCE.md (marked "unpublished" below).

export type RouteKind = 'user' | 'root' | 'org' | 'project' | 'pak';

export interface RouteDef {
  method: string;
  pattern: string;
  op: string;
  /** Scope object; null = PostHog refuses this action for personal API keys. */
  scope: string | null;
  kind: RouteKind;
  segments: string[];
  literals: number;
}

const O = '/api/organizations/{organization_id}';
const P = '/api/projects/{project_id}';

const TABLE: [string, string, string, string | null, RouteKind][] = [
  ['GET', '/api/users/{uuid}/', 'users_retrieve', 'user', 'user'],
  ['GET', '/api/organizations/', 'list', 'organization', 'root'],
  ['GET', '/api/organizations/{id}/', 'retrieve', 'organization', 'org'],
  ['PATCH', '/api/organizations/{id}/', 'partial_update', 'organization', 'org'],
  ['PUT', '/api/organizations/{id}/', 'update', 'organization', 'org'],
  ['GET', `${O}/members/`, 'members_list', 'organization_member', 'org'],
  ['PATCH', `${O}/members/{user__uuid}/`, 'members_partial_update', 'organization_member', 'org'],
  ['PUT', `${O}/members/{user__uuid}/`, 'members_update', 'organization_member', 'org'],
  ['DELETE', `${O}/members/{user__uuid}/`, 'members_destroy', 'organization_member', 'org'],
  ['GET', `${O}/members/{user__uuid}/scoped_api_keys/`, 'members_scoped_api_keys_retrieve', null, 'org'],
  ['GET', `${O}/invites/`, 'invites_list', 'organization_member', 'org'],
  ['POST', `${O}/invites/`, 'invites_create', 'organization_member', 'org'],
  ['POST', `${O}/invites/bulk/`, 'invites_bulk_create', 'organization_member', 'org'],
  ['DELETE', `${O}/invites/{id}/`, 'invites_destroy', 'organization_member', 'org'],
  ['GET', `${O}/roles/`, 'roles_list', 'organization', 'org'],
  ['POST', `${O}/roles/`, 'roles_create', 'organization', 'org'],
  ['GET', `${O}/roles/{id}/`, 'roles_retrieve', 'organization', 'org'],
  ['PUT', `${O}/roles/{id}/`, 'roles_update', 'organization', 'org'],
  ['PATCH', `${O}/roles/{id}/`, 'roles_partial_update', 'organization', 'org'],
  ['DELETE', `${O}/roles/{id}/`, 'roles_destroy', 'organization', 'org'],
  ['GET', `${O}/roles/{role_id}/role_memberships/`, 'roles_role_memberships_list', 'organization', 'org'],
  ['POST', `${O}/roles/{role_id}/role_memberships/`, 'roles_role_memberships_create', 'organization', 'org'],
  // unpublished in the Nov-2025 schema (present in PostHog's current schema)
  ['GET', `${O}/roles/{role_id}/role_memberships/{id}/`, 'roles_role_memberships_retrieve', 'organization', 'org'],
  ['DELETE', `${O}/roles/{role_id}/role_memberships/{id}/`, 'roles_role_memberships_destroy', 'organization', 'org'],
  ['GET', `${O}/projects/`, 'list_2', 'project', 'org'],
  ['POST', `${O}/projects/`, 'create_2', 'project', 'org'],
  ['GET', `${O}/projects/{id}/`, 'retrieve_2', 'project', 'org'],
  ['GET', `${O}/domains/`, 'domains_list', 'organization', 'org'],
  ['POST', `${O}/domains/`, 'domains_create', 'organization', 'org'],
  ['GET', `${O}/domains/{id}/`, 'domains_retrieve', 'organization', 'org'],
  ['PATCH', `${O}/domains/{id}/`, 'domains_partial_update', 'organization', 'org'],
  ['PUT', `${O}/domains/{id}/`, 'domains_update', 'organization', 'org'],
  ['DELETE', `${O}/domains/{id}/`, 'domains_destroy', 'organization', 'org'],
  ['POST', `${O}/domains/{id}/verify/`, 'domains_verify_create', 'organization', 'org'],
  ['POST', `${O}/domains/{id}/scim/token/`, 'domains_scim_token_create', null, 'org'],
  // unpublished (REFERENCE §9, §10)
  ['GET', `${O}/identity_provider_configs/`, 'identity_provider_configs_list', 'organization', 'org'],
  ['POST', `${O}/identity_provider_configs/`, 'identity_provider_configs_create', 'organization', 'org'],
  ['GET', `${O}/identity_provider_configs/{id}/`, 'identity_provider_configs_retrieve', 'organization', 'org'],
  ['PATCH', `${O}/identity_provider_configs/{id}/`, 'identity_provider_configs_partial_update', 'organization', 'org'],
  ['PUT', `${O}/identity_provider_configs/{id}/`, 'identity_provider_configs_update', 'organization', 'org'],
  ['DELETE', `${O}/identity_provider_configs/{id}/`, 'identity_provider_configs_destroy', 'organization', 'org'],
  ['GET', `${O}/advanced_activity_logs/`, 'organization_advanced_activity_logs_list', 'activity_log', 'org'],
  // unpublished (REFERENCE §5): root project routes
  ['GET', '/api/projects/', 'projects_list', 'project', 'root'],
  ['GET', `${P}/`, 'projects_retrieve', 'project', 'project'],
  ['GET', `${P}/activity_log/`, 'activity_log_list', 'activity_log', 'project'],
  // unpublished (REFERENCE §7.4)
  ['GET', `${P}/access_controls/`, 'project_access_controls_retrieve', 'access_control', 'project'],
  ['PUT', `${P}/access_controls/`, 'project_access_controls_update', 'access_control', 'project'],
  ['GET', `${P}/resource_access_controls/`, 'project_resource_access_controls_retrieve', 'access_control', 'project'],
  ['PUT', `${P}/resource_access_controls/`, 'project_resource_access_controls_update', 'access_control', 'project'],
  ['GET', `${P}/global_access_controls/`, 'project_resource_access_controls_retrieve', 'access_control', 'project'],
  ['PUT', `${P}/global_access_controls/`, 'project_resource_access_controls_update', 'access_control', 'project'],
  // unpublished (REFERENCE §8): project secret API keys (phs_…); roll is a write
  ['GET', `${P}/project_secret_api_keys/`, 'project_secret_api_keys_list', 'project', 'project'],
  ['POST', `${P}/project_secret_api_keys/`, 'project_secret_api_keys_create', 'project', 'project'],
  ['GET', `${P}/project_secret_api_keys/{id}/`, 'project_secret_api_keys_retrieve', 'project', 'project'],
  ['PATCH', `${P}/project_secret_api_keys/{id}/`, 'project_secret_api_keys_partial_update', 'project', 'project'],
  ['PUT', `${P}/project_secret_api_keys/{id}/`, 'project_secret_api_keys_update', 'project', 'project'],
  ['DELETE', `${P}/project_secret_api_keys/{id}/`, 'project_secret_api_keys_destroy', 'project', 'project'],
  ['POST', `${P}/project_secret_api_keys/{id}/roll/`, 'project_secret_api_keys_roll', 'project', 'project'],
  // unpublished here: the endpoint project secret keys exist for (flag definitions for local
  // evaluation); the emulator answers with no flags, so a phs key can be tried end to end
  ['GET', `${P}/feature_flags/local_evaluation/`, 'feature_flags_local_evaluation_retrieve', 'feature_flag', 'project'],
  // unpublished (REFERENCE §8)
  ['GET', '/api/personal_api_keys/', 'personal_api_keys_list', null, 'pak'],
  ['POST', '/api/personal_api_keys/', 'personal_api_keys_create', null, 'pak'],
  ['GET', '/api/personal_api_keys/{id}/', 'personal_api_keys_retrieve', null, 'pak'],
  ['PATCH', '/api/personal_api_keys/{id}/', 'personal_api_keys_partial_update', null, 'pak'],
  ['PUT', '/api/personal_api_keys/{id}/', 'personal_api_keys_update', null, 'pak'],
  ['DELETE', '/api/personal_api_keys/{id}/', 'personal_api_keys_destroy', null, 'pak'],
  ['POST', '/api/personal_api_keys/{id}/roll/', 'personal_api_keys_roll_create', null, 'pak'],
];

function split(path: string): string[] {
  return path.split('/').filter((s) => s.length > 0);
}

export const ROUTES: RouteDef[] = TABLE.map(([method, pattern, op, scope, kind]) => {
  const segments = split(pattern);
  return { method, pattern, op, scope, kind, segments, literals: segments.filter((s) => !s.startsWith('{')).length };
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
    if (p.startsWith('{')) params[p.slice(1, -1)] = decodeURIComponent(s);
    else if (p !== s) return null;
  }
  return params;
}

/** Finds the route for a request. `methodMismatch` when the path exists for another method only. */
export function findRoute(method: string, path: string): RouteMatch | { methodMismatch: true } | null {
  const segs = split(path.split('?')[0] ?? '');
  let pathMatched = false;
  for (const route of ROUTES) {
    const params = matchSegments(route, segs);
    if (!params) continue;
    if (route.method === method.toUpperCase()) return { route, params };
    pathMatched = true;
  }
  return pathMatched ? { methodMismatch: true } : null;
}

/**
 * The operation a request maps to: PostHog's OpenAPI operationId, or for endpoints PostHog leaves
 * out of its schema a REFERENCE.md-derived name (project_access_controls_update, projects_list,
 * personal_api_keys_retrieve, …). null when the emulated API has no such endpoint.
 * `path` may be absolute (http://host/api/...) and may carry a query string.
 */
export function matchOperation(method: string, path: string): string | null {
  let p = path;
  if (/^https?:\/\//.test(p)) p = new URL(p).pathname;
  const m = findRoute(method, p);
  return m && 'route' in m ? m.route.op : null;
}
