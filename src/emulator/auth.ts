// Authentication and the checks PostHog runs before a view: personal API keys (phx_…) and project
// secret keys (phs_…), APIScopePermission (posthog/permissions.py) with scoped keys and the
// organization's members_can_use_personal_api_keys, membership of the organization or project the
// path names, and the per-key rate limit. Then the route's handler runs.
import type { IncomingMessage } from 'node:http';
import type { Ctx, Result } from './api/common.ts';
import type { Clock } from './clock.ts';
import { ApiError, forbidden, methodNotAllowed, notFound, throttled } from './errors.ts';
import { parseJson } from './http.ts';
import type { RateLimiter } from './ratelimit.ts';
import { findRoute } from './routes.ts';
import type { RouteDef } from './routes.ts';
import type { OrganizationRow, ProjectRow } from './snapshot.ts';
import type { EmulatorState } from './state.ts';

export interface ApiDeps {
  state: EmulatorState;
  clock: Clock;
  limiter: RateLimiter;
  /** Host for absolute pagination links when the request has no Host header. */
  host: string;
}

export type ApiAnswer = Result & { op: string | null };

const LAST_USED_EVERY_MS = 3_600_000;

function hasScope(key: { scopes: string[] }, required: string): boolean {
  const scopes = key.scopes.length ? key.scopes : ['*'];
  if (scopes.includes('*') || scopes.includes(required)) return true;
  const [obj, action] = required.split(':');
  return action === 'read' && scopes.includes(`${obj}:write`);
}

function requiredScope(scope: string, method: string): string {
  return `${scope}:${method === 'GET' || method === 'HEAD' || method === 'OPTIONS' ? 'read' : 'write'}`;
}

/** The bearer token of a request: the Authorization header, else `?personal_api_key=`. */
function tokenOf(req: IncomingMessage, query: URLSearchParams): string | null {
  const auth = req.headers.authorization;
  let token: string | null = null;
  if (auth) {
    const m = /^Bearer\s+(\S+)$/i.exec(auth.trim());
    token = m ? m[1]! : null;
  }
  return token ?? query.get('personal_api_key');
}

/** Answers one `/api/…` request (throws ApiError for every refusal). */
export function handleApi(deps: ApiDeps, req: IncomingMessage, method: string, path: string, query: URLSearchParams, rawBody: string): ApiAnswer {
  const { state, clock, limiter } = deps;
  const found = findRoute(method, path);
  if (!found) throw notFound();
  // a known path with another method: authentication and permissions first, then 405 (DRF's order)
  const mismatch = 'methodMismatch' in found;
  const { route, params } = found;
  const op = route.op;
  const token = tokenOf(req, query);
  if (!token) throw new ApiError(401, 'authentication_error', 'not_authenticated', 'Authentication credentials were not provided.');
  if (token.startsWith('phs_')) {
    if (mismatch) throw methodNotAllowed(method);
    return secretKeyApi(deps, route, params, method, query, token);
  }
  const key = state.keyByValue(token);
  const user = key ? state.users.get(key.user_uuid) : undefined;
  if (!key || !user || !user.is_active) {
    throw new ApiError(401, 'authentication_error', 'authentication_failed', 'Personal API key found in request Authorization header is invalid.');
  }
  const now = clock.now();
  if (!key.last_used_at || now.getTime() - Date.parse(key.last_used_at) > LAST_USED_EVERY_MS) key.last_used_at = now.toISOString();
  const body = parseJson(rawBody);
  const ctx: Ctx = {
    state, now, method, path, query, body, route, params, key, user,
    baseUrl: `http://${req.headers.host ?? deps.host}`,
  };
  // APIScopePermission (posthog/permissions.py), in its order: a legacy key without scopes skips
  // every check below; an action without a scope refuses personal API keys; then
  // check_team_and_org_permissions (the org's members_can_use_personal_api_keys, scoped_teams,
  // scoped_organizations; all skipped for the `user` scope object); then the scope itself.
  const legacy = key.scopes.length === 0;
  const scopedTeams = !legacy && key.scoped_teams?.length ? key.scoped_teams : null;
  const scopedOrgs = !legacy && key.scoped_organizations?.length ? key.scoped_organizations : null;
  const checkNoScope = (): void => {
    if (!legacy && route.scope === null) throw forbidden('This action does not support Personal API Key access');
  };
  const checkScope = (): void => {
    if (legacy || route.scope === null || mismatch) return;
    const required = requiredScope(route.scope, method);
    if (!hasScope(key, required)) throw forbidden(`API key missing required scope '${required}'`);
  };
  /** _check_organization_personal_api_key_restrictions: only with organization_security_settings; admins exempt. */
  const checkOrgAllowsKeys = (org: OrganizationRow): void => {
    if (legacy || org.members_can_use_personal_api_keys || !state.hasFeature(org.id, 'organization_security_settings')) return;
    const m = state.membership(org.id, user.uuid);
    if (m && m.level < 8) {
      throw forbidden(`Organization '${org.name}' does not allow using personal API keys. Contact an admin to enable personal API keys for this organization.`);
    }
  };
  if (route.kind === 'user') {
    checkNoScope();
    checkScope();
  } else if (route.kind === 'root') {
    checkNoScope();
    if (scopedTeams) throw forbidden('API keys with scoped projects are only supported on project-based endpoints.');
    checkScope();
  } else if (route.kind === 'org') {
    const raw = params.organization_id ?? params.id!;
    const orgId = raw === '@current' ? user.current_organization_id : raw;
    const org = orgId ? state.orgs.get(orgId) : undefined;
    if (!org) throw notFound();
    checkNoScope();
    checkOrgAllowsKeys(org);
    if (scopedTeams) {
      // a route that names one project (`organizations/{id}/projects/{project}/`) is project-based
      const named = route.projectParam ? Number(params[route.projectParam]) : Number.NaN;
      if (!Number.isInteger(named)) throw forbidden('API keys with scoped projects are only supported on project-based endpoints.');
      if (!scopedTeams.includes(named)) throw forbidden(`API key does not have access to the requested project: ID ${named}.`);
    }
    if (scopedOrgs && !scopedOrgs.includes(org.id)) {
      // the organization viewset's queryset leaves other organizations out: they are not found
      if (route.kind === 'org' && params.organization_id === undefined) throw notFound();
      throw forbidden(`API key does not have access to the requested organization: ID ${org.id}.`);
    }
    checkScope();
    const m = state.membership(org.id, user.uuid);
    if (!m) throw route.op === 'retrieve' ? notFound() : forbidden('You do not have permission to perform this action.');
    ctx.org = org;
    ctx.membership = m;
  } else if (route.kind === 'project') {
    const raw = params.project_id!;
    let project;
    if (raw === '@current') {
      const orgId = user.current_organization_id;
      project = orgId ? state.orgProjects.get(orgId)?.values().next().value : undefined;
    } else if (/^\d+$/.test(raw)) project = state.projects.get(Number(raw));
    if (!project) throw notFound();
    checkNoScope();
    const projectOrg = state.orgs.get(project.organization_id);
    if (projectOrg) checkOrgAllowsKeys(projectOrg);
    if (scopedTeams && !scopedTeams.includes(project.id)) throw forbidden(`API key does not have access to the requested project: ID ${project.id}.`);
    if (scopedOrgs && !scopedOrgs.includes(project.organization_id)) {
      throw forbidden(`API key does not have access to the requested organization: ID ${project.organization_id}.`);
    }
    checkScope();
    const m = state.membership(project.organization_id, user.uuid);
    // a project of an organization the user is not in does not exist for them
    if (!m) throw notFound();
    if (state.projectLevel(m, project) === 'none') throw forbidden("You don't have access to the project.");
    ctx.project = project;
    ctx.membership = m;
    ctx.org = projectOrg;
  }
  // 'pak' routes: the personal API key viewset decides itself (only retrieving the key in use)
  if (mismatch) {
    // every personal API key action but retrieving the key in use is refused to keys, whatever the method
    if (route.kind === 'pak') throw forbidden('This action does not support Personal API Key access');
    throw methodNotAllowed(method);
  }
  const wait = limiter.check(key.id, Date.now());
  if (wait > 0) throw throttled(wait);
  return { ...route.handler(ctx), op };
}

/** A project secret key (phs_…) acts for its project only, with its own scopes, and no user. */
function secretKeyApi(deps: ApiDeps, route: RouteDef, params: Record<string, string>, method: string, query: URLSearchParams, token: string): ApiAnswer {
  const { state, clock, limiter } = deps;
  const key = state.secretKeyByValue(token);
  if (!key) throw new ApiError(401, 'authentication_error', 'authentication_failed', 'Project secret API key found in request Authorization header is invalid.');
  const now = clock.now();
  if (!key.last_used_at || now.getTime() - Date.parse(key.last_used_at) > LAST_USED_EVERY_MS) key.last_used_at = now.toISOString();
  if (route.kind !== 'project') throw forbidden('Project secret API keys are only supported on project-based endpoints.');
  const raw = params.project_id!;
  const project: ProjectRow | undefined = raw === '@current' ? state.projects.get(key.team_id) : /^\d+$/.test(raw) ? state.projects.get(Number(raw)) : undefined;
  if (!project) throw notFound();
  if (project.id !== key.team_id) throw forbidden(`API key does not have access to the requested project: ID ${project.id}.`);
  if (route.scope === null) throw forbidden('This action does not support project secret API key access');
  const required = requiredScope(route.scope, method);
  if (!hasScope(key, required)) throw forbidden(`API key missing required scope '${required}'`);
  if (!route.secretKey) throw forbidden('This action does not support project secret API key access');
  const wait = limiter.check(`phs:${key.id}`, Date.now());
  if (wait > 0) throw throttled(wait);
  return { ...route.secretKey({ state, now, query, project }), op: route.op };
}
