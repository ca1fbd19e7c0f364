// The embedded PostHog API emulator: a node:http server (docs/emulator.md).
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HANDLERS, SECRET_KEY_HANDLERS } from './api.ts';
import type { Ctx, Result } from './api.ts';
import { ApiError, forbidden, methodNotAllowed, notFound, serverError, throttled } from './errors.ts';
import { Faults } from './faults.ts';
import { DEFAULT_RATE_LIMIT, RateLimiter } from './ratelimit.ts';
import type { RateLimitConfig } from './ratelimit.ts';
import { findRoute } from './routes.ts';
import type { RouteDef } from './routes.ts';
import { sampleSnapshot } from './sample.ts';
import { memberJson } from './serialize.ts';
import { parseSnapshot } from './snapshot.ts';
import type { MembershipRow, OrganizationRow, ProjectRow, Snapshot, SnapshotInput } from './snapshot.ts';
import { EmulatorState } from './state.ts';

export interface EmulatorOptions {
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Initial state; default: the file at statePath if it exists, else the sample organization. */
  state?: Snapshot | SnapshotInput;
  /** Where save() writes (and, without `state`, where the initial state is read from when present). */
  statePath?: string;
  /** The emulator clock (dates of new objects, invite expiry). Default: real time. */
  now?: () => Date;
  /** Per-key rate limit; false disables. Default: the snapshot's rate_limit, else 480/minute and 4800/hour. */
  rateLimit?: RateLimitConfig | false;
  /** No request log lines on stderr. */
  quiet?: boolean;
}

export interface RequestLogEntry {
  method: string;
  path: string;
  query: string;
  status: number;
  operation: string | null;
  time: string;
}

export interface Emulator {
  url: string;
  /** A personal API key (all scopes) of an owner of `organization`. */
  key: string;
  /** The organization id of that owner. */
  organization: string;
  close(): Promise<void>;
  save(): Promise<void>;
  state: EmulatorState;
  requests: RequestLogEntry[];
}

const MAX_LOG = 50_000;

class Clock {
  offsetMs = 0;
  private base: () => Date;
  constructor(base: () => Date) {
    this.base = base;
  }
  now(): Date {
    return new Date(this.base().getTime() + this.offsetMs);
  }
  set(target: Date): void {
    this.offsetMs = target.getTime() - this.base().getTime();
  }
}

function send(res: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  if (status === 204 || body === undefined) {
    res.writeHead(status, headers);
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ApiError(400, 'validation_error', 'parse_error', `JSON parse error - ${(e as Error).message}`);
  }
}

function hasScope(key: { scopes: string[] }, required: string): boolean {
  const scopes = key.scopes.length ? key.scopes : ['*'];
  if (scopes.includes('*') || scopes.includes(required)) return true;
  const [obj, action] = required.split(':');
  return action === 'read' && scopes.includes(`${obj}:write`);
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  let initial: Snapshot;
  if (options.state) initial = parseSnapshot(options.state);
  else if (options.statePath && existsSync(options.statePath)) initial = parseSnapshot(JSON.parse(readFileSync(options.statePath, 'utf8')));
  else initial = sampleSnapshot(options.now ? options.now() : new Date());
  const state = new EmulatorState(initial);
  const clock = new Clock(options.now ?? (() => new Date()));
  if (state.clockIso) clock.set(new Date(state.clockIso));
  const limiter = new RateLimiter(options.rateLimit !== undefined ? options.rateLimit : state.rateLimit ?? DEFAULT_RATE_LIMIT);
  const faults = new Faults();
  const requests: RequestLogEntry[] = [];
  const quiet = options.quiet ?? false;

  let handleKey = '';
  let handleOrg = '';
  const ensureOwnerKey = (): void => {
    // Prefer an existing all-scopes key of an owner whose plain value is known.
    for (const k of state.keys.values()) {
      if (!k.value || k.scoped_teams?.length) continue;
      if (!(k.scopes.length === 0 || k.scopes.includes('*'))) continue;
      for (const m of state.userOrgs.get(k.user_uuid)?.values() ?? []) {
        if (m.level >= 15 && (!k.scoped_organizations?.length || k.scoped_organizations.includes(m.organization_id))) {
          handleKey = k.value;
          handleOrg = m.organization_id;
          return;
        }
      }
    }
    for (const org of state.orgs.values()) {
      for (const m of state.orgMembers.get(org.id)?.ordered ?? []) {
        if (m.level >= 15) {
          const { value } = state.mintKey(m.user_uuid, ['*'], clock.now(), { label: 'posthog-access emulator' });
          handleKey = value;
          handleOrg = org.id;
          const u = state.users.get(m.user_uuid);
          if (u) u.current_organization_id = org.id;
          return;
        }
      }
    }
    handleKey = '';
    handleOrg = state.orgs.keys().next().value ?? '';
  };
  ensureOwnerKey();

  const snapshot = (): Snapshot => {
    state.clockIso = clock.offsetMs !== 0 ? clock.now().toISOString() : null;
    state.rateLimit = limiter.config;
    return state.toSnapshot();
  };

  // ---------- control API (/_emulator, no auth)
  const pickOrg = (body: Record<string, unknown>): OrganizationRow => {
    const id = typeof body.organization === 'string' ? body.organization : handleOrg;
    const org = state.orgs.get(id) ?? state.orgs.values().next().value;
    if (!org) throw notFound();
    return org;
  };

  const join = (org: OrganizationRow, email: string, level: 1 | 8 | 15): MembershipRow => {
    const now = clock.now();
    const user = state.userByEmail(email) ?? state.createUser(email, now, { current_organization_id: org.id, last_login: now.toISOString() });
    if (state.membership(org.id, user.uuid)) {
      throw new ApiError(400, 'validation_error', 'user_already_member', 'User is already a member of this organization.');
    }
    const iso = now.toISOString();
    const m = state.addMembership({ id: randomUUID(), organization_id: org.id, user_uuid: user.uuid, level, joined_at: iso, updated_at: iso });
    if (org.default_role_id && state.roles.get(org.default_role_id)) {
      state.addRoleMembership({ id: randomUUID(), role_id: org.default_role_id, membership_id: m.id, joined_at: iso, updated_at: iso });
    }
    state.log({ orgId: org.id, user, activity: 'created', scope: 'OrganizationMembership', itemId: m.id, name: user.email, context: state.membershipContext(m), now });
    return m;
  };

  const control = async (method: string, path: string, body: unknown): Promise<Result> => {
    const b = (body ?? {}) as Record<string, unknown>;
    const route = `${method} ${path.replace(/\/+$/, '')}`;
    switch (route) {
      case 'GET /_emulator/state':
        return { status: 200, body: snapshot() };
      case 'PUT /_emulator/state': {
        let snap: Snapshot;
        try {
          snap = parseSnapshot(body);
        } catch (e) {
          throw new ApiError(400, 'validation_error', 'invalid', (e as Error).message);
        }
        state.load(snap);
        clock.offsetMs = 0;
        if (state.clockIso) clock.set(new Date(state.clockIso));
        if (snap.rate_limit !== undefined) limiter.config = snap.rate_limit;
        limiter.reset();
        ensureOwnerKey();
        return { status: 200, body: { url: handle.url, key: handleKey, organization: handleOrg } };
      }
      case 'POST /_emulator/members': {
        const email = String(b.email ?? '');
        if (!email.includes('@')) throw new ApiError(400, 'validation_error', 'required', 'email is required', 'email');
        const level = (b.level === 8 || b.level === 15 ? b.level : 1) as 1 | 8 | 15;
        return { status: 201, body: memberJson(state, join(pickOrg(b), email, level)) };
      }
      case 'POST /_emulator/invites/accept': {
        const org = pickOrg(b);
        const email = String(b.email ?? '');
        const invites = state.invitesFor(org.id, email);
        const invite = invites[invites.length - 1];
        if (!invite) throw notFound();
        const now = clock.now();
        if (state.isExpired(invite, now)) {
          throw new ApiError(400, 'validation_error', 'expired', 'This invite has expired. Please ask your admin for a new one.');
        }
        const m = join(org, invite.target_email, invite.level);
        const iso = now.toISOString();
        for (const item of invite.private_project_access ?? []) {
          const p = state.projects.get(item.id);
          if (!p || p.organization_id !== org.id) continue;
          state.putAccessControl({
            id: randomUUID(), team_id: p.id, resource: 'project', resource_id: String(p.id), organization_member: m.id, role: null,
            access_level: item.level, created_by_uuid: invite.created_by_uuid, created_at: iso, updated_at: iso,
          });
        }
        for (const i of invites) state.removeInvite(i);
        return { status: 201, body: memberJson(state, m) };
      }
      case 'POST /_emulator/keys': {
        const user = state.userByEmail(String(b.email ?? ''));
        if (!user) throw notFound();
        if (b.scopes !== undefined && !Array.isArray(b.scopes)) throw new ApiError(400, 'validation_error', 'invalid', 'scopes must be a list', 'scopes');
        const scopes = Array.isArray(b.scopes) ? b.scopes.map(String) : ['*'];
        const date = (field: string, nullable: boolean): string | null | undefined => {
          const v = b[field];
          if (v === undefined || (v === null && nullable)) return v as null | undefined;
          const t = typeof v === 'string' ? new Date(v) : null;
          if (!t || Number.isNaN(t.getTime())) throw new ApiError(400, 'validation_error', 'invalid', `${field} must be an ISO date-time`, field);
          return t.toISOString();
        };
        const createdAt = date('created_at', false);
        const lastUsedAt = date('last_used_at', true);
        const lastRolledAt = date('last_rolled_at', true);
        const { row, value } = state.mintKey(user.uuid, scopes, clock.now(), {
          label: typeof b.label === 'string' ? b.label : 'emulator key',
          scoped_teams: Array.isArray(b.scoped_teams) ? b.scoped_teams.map(Number) : null,
          scoped_organizations: Array.isArray(b.scoped_organizations) ? b.scoped_organizations.map(String) : null,
          ...(createdAt ? { created_at: createdAt } : {}),
          ...(lastUsedAt !== undefined ? { last_used_at: lastUsedAt } : {}),
          ...(lastRolledAt !== undefined ? { last_rolled_at: lastRolledAt } : {}),
        });
        return { status: 201, body: { id: row.id, value, mask_value: row.mask_value } };
      }
      case 'POST /_emulator/features': {
        const org = pickOrg(b);
        const list = Array.isArray(b.features) ? b.features : [];
        org.available_product_features = list.map((f) =>
          typeof f === 'string' ? { key: f, name: f.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase()) } : { key: String((f as { key: unknown }).key), name: String((f as { name?: unknown }).name ?? (f as { key: unknown }).key) });
        return { status: 200, body: { available_product_features: org.available_product_features } };
      }
      case 'POST /_emulator/domains/verify': {
        const domain = typeof b.domain === 'string' ? b.domain.trim().toLowerCase() : '';
        if (!domain) throw new ApiError(400, 'validation_error', 'required', 'domain is required', 'domain');
        if (b.verified !== undefined && typeof b.verified !== 'boolean') throw new ApiError(400, 'validation_error', 'invalid', 'verified must be a boolean', 'verified');
        const d = [...state.domains.values()].find((x) => x.domain === domain);
        if (!d) throw notFound();
        const before = d.verified_at;
        const now = clock.now();
        if (b.verified === false) {
          // the TXT record is gone and the domain counts as unverified again
          d.verifiable = false;
          d.verified_at = null;
        } else {
          d.verifiable = true;
          if (b.verified === true && !d.verified_at) d.verified_at = now.toISOString();
        }
        if (before !== d.verified_at) {
          state.log({
            orgId: d.organization_id, user: null, activity: 'updated', scope: 'OrganizationDomain', itemId: d.id, name: d.domain, now,
            changes: [{ type: 'OrganizationDomain', action: 'changed', field: 'verified_at', before, after: d.verified_at }],
          });
        }
        return { status: 200, body: { domain: d.domain, verifiable: d.verifiable, verified_at: d.verified_at, is_verified: d.verified_at !== null } };
      }
      case 'POST /_emulator/clock': {
        if (typeof b.now === 'string') {
          const t = new Date(b.now);
          if (Number.isNaN(t.getTime())) throw new ApiError(400, 'validation_error', 'invalid', 'now must be an ISO date-time', 'now');
          clock.set(t);
        }
        if (typeof b.advance_days === 'number') clock.offsetMs += b.advance_days * 86_400_000;
        if (typeof b.advance_seconds === 'number') clock.offsetMs += b.advance_seconds * 1000;
        return { status: 200, body: { now: clock.now().toISOString() } };
      }
      case 'GET /_emulator/clock':
        return { status: 200, body: { now: clock.now().toISOString() } };
      case 'POST /_emulator/faults':
        return { status: 200, body: faults.set(body) };
      case 'GET /_emulator/faults':
        return { status: 200, body: faults.config };
      case 'DELETE /_emulator/faults':
        faults.clear();
        return { status: 204 };
      case 'GET /_emulator/requests':
        return { status: 200, body: requests };
      case 'DELETE /_emulator/requests':
        requests.length = 0;
        return { status: 204 };
      case 'POST /_emulator/rate_limit':
        limiter.config = b.enabled === false || body === false ? false : {
          perMinute: Number(b.perMinute ?? DEFAULT_RATE_LIMIT.perMinute), perHour: Number(b.perHour ?? DEFAULT_RATE_LIMIT.perHour),
        };
        limiter.reset();
        return { status: 200, body: { rate_limit: limiter.config } };
      default:
        throw notFound();
    }
  };

  // ---------- API
  const api = (req: IncomingMessage, method: string, path: string, query: URLSearchParams, rawBody: string): Result & { op: string | null } => {
    const found = findRoute(method, path);
    if (!found) throw notFound();
    if (!('route' in found)) throw methodNotAllowed(method);
    const { route, params } = found;
    const op = route.op;
    const auth = req.headers.authorization;
    let token: string | null = null;
    if (auth) {
      const m = /^Bearer\s+(\S+)$/i.exec(auth.trim());
      token = m ? m[1]! : null;
    }
    token ??= query.get('personal_api_key');
    if (!token) throw new ApiError(401, 'authentication_error', 'not_authenticated', 'Authentication credentials were not provided.');
    if (token.startsWith('phs_')) return secretKeyApi(route, params, method, query, token);
    const key = state.keyByValue(token);
    const user = key ? state.users.get(key.user_uuid) : undefined;
    if (!key || !user || !user.is_active) {
      throw new ApiError(401, 'authentication_error', 'authentication_failed', 'Personal API key found in request Authorization header is invalid.');
    }
    const now = clock.now();
    if (!key.last_used_at || now.getTime() - Date.parse(key.last_used_at) > 3_600_000) key.last_used_at = now.toISOString();
    const body = parseJson(rawBody);
    const ctx: Ctx = {
      state, now, method, path, query, body, route, params, key, user,
      baseUrl: `http://${req.headers.host ?? `${options.host ?? '127.0.0.1'}`}`,
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
      if (legacy || route.scope === null) return;
      const required = `${route.scope}:${method === 'GET' || method === 'HEAD' || method === 'OPTIONS' ? 'read' : 'write'}`;
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
      if (scopedTeams) throw forbidden('API keys with scoped projects are only supported on project-based endpoints.');
      if (scopedOrgs && !scopedOrgs.includes(org.id)) throw forbidden(`API key does not have access to the requested organization: ID ${org.id}.`);
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
      if (!m || state.projectLevel(m, project) === 'none') throw forbidden("You don't have access to the project.");
      ctx.project = project;
      ctx.membership = m;
      ctx.org = projectOrg;
    }
    // 'pak' routes: the personal API key viewset decides itself (only retrieving the key in use)
    const wait = limiter.check(key.id, Date.now());
    if (wait > 0) throw throttled(wait);
    const handler = HANDLERS[op];
    if (!handler) throw notFound();
    return { ...handler(ctx), op };
  };

  // A project secret key (phs_…) acts for its project only, with its own scopes, and no user.
  const secretKeyApi = (route: RouteDef, params: Record<string, string>, method: string, query: URLSearchParams, token: string): Result & { op: string | null } => {
    const key = state.secretKeyByValue(token);
    if (!key) throw new ApiError(401, 'authentication_error', 'authentication_failed', 'Project secret API key found in request Authorization header is invalid.');
    const now = clock.now();
    if (!key.last_used_at || now.getTime() - Date.parse(key.last_used_at) > 3_600_000) key.last_used_at = now.toISOString();
    if (route.kind !== 'project') throw forbidden('Project secret API keys are only supported on project-based endpoints.');
    const raw = params.project_id!;
    const project: ProjectRow | undefined = raw === '@current' ? state.projects.get(key.team_id) : /^\d+$/.test(raw) ? state.projects.get(Number(raw)) : undefined;
    if (!project) throw notFound();
    if (project.id !== key.team_id) throw forbidden(`API key does not have access to the requested project: ID ${project.id}.`);
    if (route.scope === null) throw forbidden('This action does not support project secret API key access');
    const required = `${route.scope}:${method === 'GET' || method === 'HEAD' || method === 'OPTIONS' ? 'read' : 'write'}`;
    if (!hasScope(key, required)) throw forbidden(`API key missing required scope '${required}'`);
    const handler = SECRET_KEY_HANDLERS[route.op];
    if (!handler) throw forbidden('This action does not support project secret API key access');
    const wait = limiter.check(`phs:${key.id}`, Date.now());
    if (wait > 0) throw throttled(wait);
    return { ...handler({ state, now, query, project }), op: route.op };
  };

  const server = createServer((req, res) => {
    void (async () => {
      const method = (req.method ?? 'GET').toUpperCase();
      const url = new URL(req.url ?? '/', 'http://emulator');
      const path = url.pathname;
      let rawBody = '';
      try {
        rawBody = await readBody(req);
      } catch {
        return;
      }
      if (path.startsWith('/_emulator')) {
        try {
          const r = await control(method, path, parseJson(rawBody));
          send(res, r.status, r.body, r.headers);
        } catch (e) {
          if (e instanceof ApiError) send(res, e.status, e.body, e.headers);
          else send(res, 500, { type: 'server_error', code: 'error', detail: String((e as Error).message), attr: null });
        }
        return;
      }
      const entry: RequestLogEntry = { method, path, query: url.search, status: 0, operation: null, time: new Date().toISOString() };
      if (path.startsWith('/api')) {
        requests.push(entry);
        if (requests.length > MAX_LOG) requests.splice(0, requests.length - MAX_LOG);
      }
      const done = (status: number, body?: unknown, headers?: Record<string, string>): void => {
        entry.status = status;
        if (!quiet) process.stderr.write(`[emulator] ${method} ${path}${url.search} ${status}\n`);
        send(res, status, body, headers);
      };
      if (faults.active) {
        const d = faults.decide(method, path);
        if (d.delayMs > 0) await new Promise((r) => setTimeout(r, d.delayMs));
        if (d.drop) {
          entry.status = 0;
          req.socket.destroy();
          return;
        }
        if (d.status === 429) {
          const e = throttled(d.retryAfter);
          return done(429, e.body, e.headers);
        }
        if (d.status !== null) {
          const e = serverError();
          return done(d.status, { ...e.body, detail: d.status === 500 ? e.body.detail : 'Service unavailable (injected fault).' });
        }
      }
      try {
        const r = api(req, method, path, url.searchParams, rawBody);
        entry.operation = r.op;
        done(r.status, r.body, r.headers);
      } catch (e) {
        if (e instanceof ApiError) done(e.status, e.body, e.headers);
        else {
          process.stderr.write(`[emulator] internal error: ${(e as Error).stack ?? String(e)}\n`);
          const se = serverError();
          done(500, se.body);
        }
      }
    })();
  });
  server.keepAliveTimeout = 60_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const addr = server.address() as AddressInfo;
  const hostForUrl = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  const handle: Emulator = {
    url: `http://${hostForUrl}:${addr.port}`,
    get key() { return handleKey; },
    get organization() { return handleOrg; },
    state,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
    save: async () => {
      if (!options.statePath) return;
      await writeFile(options.statePath, JSON.stringify(snapshot(), null, 2) + '\n');
    },
  };
  return handle;
}
