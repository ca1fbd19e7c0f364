// The control API (`/_emulator/…`, no authentication): state, people joining, invites accepted,
// keys minted, licences, domain verification, the clock, faults, the request log, the rate limit.
// docs/emulator.md lists every route.
import { randomUUID } from 'node:crypto';
import type { Result } from './api/common.ts';
import type { Clock } from './clock.ts';
import { ApiError, notFound } from './errors.ts';
import type { Faults } from './faults.ts';
import { DEFAULT_RATE_LIMIT } from './ratelimit.ts';
import type { RateLimiter } from './ratelimit.ts';
import { memberJson } from './serialize.ts';
import { parseSnapshot } from './snapshot.ts';
import type { MembershipRow, OrganizationRow, Snapshot } from './snapshot.ts';
import type { EmulatorState } from './state.ts';
import type { RequestLogEntry } from './server.ts';

/** Bounds of the control API's clock and rate limit. */
export const CLOCK_MAX_ADVANCE_DAYS = 36_500;
const CLOCK_MIN_MS = 0;
const CLOCK_MAX_MS = Date.UTC(9999, 11, 31, 23, 59, 59);
const RATE_LIMIT_MAX = 1_000_000;

export interface ControlDeps {
  state: EmulatorState;
  clock: Clock;
  limiter: RateLimiter;
  faults: Faults;
  requests: RequestLogEntry[];
  /** The whole state as a snapshot (clock and rate limit included). */
  snapshot(): Snapshot;
  /** Replaces the state; answers the new `{url, key, organization}`. */
  replaceState(snap: Snapshot): { url: string; key: string; organization: string };
  /** The organization control routes act on when the body names none. */
  defaultOrganization(): string;
}

/** Builds the control API's handler: (method, path, parsed body) → result; throws ApiError. */
export function createControl(deps: ControlDeps): (method: string, path: string, body: unknown) => Result {
  const { state, clock, limiter, faults, requests } = deps;
  const pickOrg = (body: Record<string, unknown>): OrganizationRow => {
    const id = typeof body.organization === 'string' ? body.organization : deps.defaultOrganization();
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
    state.log({ orgId: org.id, user, activity: 'created', scope: 'OrganizationMembership', itemId: m.id, name: state.membershipEntryName(m, 'created'), context: state.membershipContext(m), now });
    return m;
  };

  const control = (method: string, path: string, body: unknown): Result => {
    const b = (body ?? {}) as Record<string, unknown>;
    const route = `${method} ${path.replace(/\/+$/, '')}`;
    switch (route) {
      case 'GET /_emulator/state':
        return { status: 200, body: deps.snapshot() };
      case 'PUT /_emulator/state': {
        let snap: Snapshot;
        try {
          snap = parseSnapshot(body);
        } catch (e) {
          throw new ApiError(400, 'validation_error', 'invalid', (e as Error).message);
        }
        return { status: 200, body: deps.replaceState(snap) };
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
        // computed first, applied only when the result is in bounds (nothing moves on a 400)
        let target = clock.now().getTime();
        if (b.now !== undefined) {
          const t = typeof b.now === 'string' ? new Date(b.now).getTime() : Number.NaN;
          if (Number.isNaN(t)) throw new ApiError(400, 'validation_error', 'invalid', 'now must be an ISO date-time', 'now');
          target = t;
        }
        for (const [field, unitMs, max] of [['advance_days', 86_400_000, CLOCK_MAX_ADVANCE_DAYS], ['advance_seconds', 1000, CLOCK_MAX_ADVANCE_DAYS * 86_400]] as const) {
          const v = b[field];
          if (v === undefined) continue;
          if (typeof v !== 'number' || !Number.isFinite(v) || Math.abs(v) > max) {
            throw new ApiError(400, 'validation_error', 'invalid', `${field} must be a number from -${max} to ${max}`, field);
          }
          target += v * unitMs;
        }
        if (target < CLOCK_MIN_MS || target > CLOCK_MAX_MS) {
          throw new ApiError(400, 'validation_error', 'invalid', 'The emulator clock stays between 1970-01-01 and 9999-12-31.', null);
        }
        clock.set(new Date(target));
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
        if (b.enabled === false || body === false) limiter.config = false;
        else {
          const limit = (field: 'perMinute' | 'perHour'): number => {
            const v = b[field] ?? DEFAULT_RATE_LIMIT[field];
            if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > RATE_LIMIT_MAX) {
              throw new ApiError(400, 'validation_error', 'invalid', `${field} must be an integer from 1 to ${RATE_LIMIT_MAX}`, field);
            }
            return v;
          };
          limiter.config = { perMinute: limit('perMinute'), perHour: limit('perHour') };
        }
        limiter.reset();
        return { status: 200, body: { rate_limit: limiter.config } };
      default:
        throw notFound();
    }
  };

  return control;
}
