// Handlers of the emulated PostHog API (REFERENCE.md). Authentication, scopes, scoped keys and
// throttling happen in server.ts before a handler runs; handlers apply permission levels,
// validation, licensing and record activity.
import { randomBytes, randomUUID } from 'node:crypto';
import { isGrantableScope, kindBounds, MAX_SECRET_KEYS_PER_PROJECT, PROJECT_ACCESS_LEVELS as PROJECT_LEVELS, RESOURCE_ACCESS_LEVELS as RESOURCE_LEVELS, SCOPE_OBJECTS as API_SCOPE_OBJECTS, SECRET_KEY_SCOPES as PROJECT_SECRET_KEY_SCOPES } from './tables.ts';
import { ApiError, forbidden, INSUFFICIENT_ORG_LEVEL, invalid, notFound, paymentRequired } from './errors.ts';
import type { RouteDef } from './routes.ts';
import {
  accessControlJson, domainJson, idpJson, inviteJson, keyJson, levelLabel, logJson, memberJson, orgBasic, orgJson,
  projectBasic, projectJson, roleJson, roleMembershipJson, secretKeyJson, teamBasic, userBasic,
} from './serialize.ts';
import type { Change, EmulatorState } from './state.ts';
import type {
  AccessControlRow, DomainRow, IdentityProviderConfigRow, InviteRow, MembershipRow, OrganizationRow, PersonalApiKeyRow,
  ProjectRow, ProjectSecretKeyRow, RoleRow, UserRow,
} from './snapshot.ts';

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

const ok = (body: unknown, status = 200): Result => ({ status, body });
const noContent = (): Result => ({ status: 204 });

// ---------- helpers

function obj(body: unknown): Record<string, unknown> {
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) {
    throw invalid('Invalid data. Expected a dictionary, but got ' + (Array.isArray(body) ? 'list' : typeof body) + '.', 'non_field_errors');
  }
  return body as Record<string, unknown>;
}

function requireAdmin(ctx: Ctx, message = INSUFFICIENT_ORG_LEVEL): void {
  if (!ctx.membership || ctx.membership.level < 8) throw forbidden(message);
}

function boolField(v: unknown, attr: string, nullable = false): boolean | null {
  if (v === null && nullable) return null;
  if (typeof v === 'boolean') return v;
  if (v === 'true' || v === 'false') return v === 'true';
  throw invalid('Must be a valid boolean.', attr);
}

function strField(v: unknown, attr: string, opts: { max?: number; required?: boolean; nullable?: boolean } = {}): string | null {
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

const UUID_RE = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** DRF LimitOffsetPagination with absolute next/previous links. */
function paginate<T>(ctx: Ctx, total: number, get: (i: number) => T): Record<string, unknown> {
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

function paginateList<T>(ctx: Ctx, list: T[]): Record<string, unknown> {
  return paginate(ctx, list.length, (i) => list[i]!);
}

function log(ctx: Ctx, activity: string, scope: string, itemId: string | null, name: string | null, changes: Change[] | null = null, context: Record<string, unknown> | null = null, teamId: number | null = null): void {
  ctx.state.log({ orgId: ctx.org?.id ?? ctx.project!.organization_id, teamId, user: ctx.user, activity, scope, itemId, name, changes, context, now: ctx.now });
}

function visibleProjects(ctx: Ctx, org: OrganizationRow, m: MembershipRow | undefined): ProjectRow[] {
  const all = [...(ctx.state.orgProjects.get(org.id)?.values() ?? [])];
  if (!m) return [];
  if (m.level >= 8) return all;
  return all.filter((p) => ctx.state.projectLevel(m, p) !== 'none');
}

// ---------- users, organizations

function usersRetrieve(ctx: Ctx): Result {
  const uuid = ctx.params.uuid;
  if (uuid !== '@me' && uuid !== ctx.user.uuid) throw notFound();
  const s = ctx.state;
  const u = ctx.user;
  const orgId = u.current_organization_id;
  const org = orgId ? s.orgs.get(orgId) : undefined;
  const m = org ? s.membership(org.id, u.uuid) : undefined;
  const projects = org ? visibleProjects(ctx, org, m) : [];
  const orgs = [...(s.userOrgs.get(u.uuid)?.values() ?? [])].flatMap((mm) => {
    const o = s.orgs.get(mm.organization_id);
    return o ? [orgBasic(o, mm.level)] : [];
  });
  return ok({
    date_joined: u.date_joined,
    uuid: u.uuid,
    distinct_id: u.distinct_id,
    first_name: u.first_name,
    last_name: u.last_name,
    email: u.email,
    pending_email: null,
    is_email_verified: u.is_email_verified,
    has_password: true,
    is_staff: false,
    is_impersonated: false,
    is_impersonated_until: null,
    sensitive_session_expires_at: null,
    id: u.id,
    team: projects[0] ? teamBasic(projects[0]) : null,
    organization: org ? orgJson(s, org, m?.level ?? null, projects) : null,
    organizations: orgs,
    has_social_auth: u.has_social_auth,
    has_sso_enforcement: false,
    is_2fa_enabled: u.is_2fa_enabled,
    scene_personalisation: [],
  });
}

function organizationsList(ctx: Ctx): Result {
  const s = ctx.state;
  const scoped = ctx.key.scoped_organizations;
  const list: Record<string, unknown>[] = [];
  for (const m of s.userOrgs.get(ctx.user.uuid)?.values() ?? []) {
    if (scoped && scoped.length && !scoped.includes(m.organization_id)) continue;
    const o = s.orgs.get(m.organization_id);
    if (o) list.push(orgJson(s, o, m.level, visibleProjects(ctx, o, m)));
  }
  return ok(paginateList(ctx, list));
}

function organizationRetrieve(ctx: Ctx): Result {
  const org = ctx.org!;
  return ok(orgJson(ctx.state, org, ctx.membership!.level, visibleProjects(ctx, org, ctx.membership)));
}

const ORG_WRITABLE: Record<string, 'bool' | 'nbool' | 'string' | 'nstring'> = {
  name: 'string',
  logo_media_id: 'nstring',
  enforce_2fa: 'nbool',
  enforce_verified_domains: 'bool',
  members_can_invite: 'nbool',
  members_can_create_projects: 'bool',
  members_can_use_personal_api_keys: 'bool',
  members_can_see_org_members: 'bool',
  allow_publicly_shared_resources: 'bool',
  is_ai_data_processing_approved: 'nbool',
  is_ai_training_opted_in: 'nbool',
  default_experiment_stats_method: 'nstring',
  default_anonymize_ips: 'bool',
  default_role_id: 'nstring',
};

function organizationUpdate(ctx: Ctx): Result {
  requireAdmin(ctx);
  const org = ctx.org!;
  const body = obj(ctx.body);
  const updates: Record<string, unknown> = {};
  for (const [field, kind] of Object.entries(ORG_WRITABLE)) {
    if (!(field in body)) continue;
    const v = body[field];
    if (kind === 'bool' || kind === 'nbool') updates[field] = boolField(v, field, kind === 'nbool');
    else if (field === 'name') updates[field] = strField(v, field, { required: true, max: 64 });
    else if (field === 'default_experiment_stats_method') {
      if (v !== null && v !== 'bayesian' && v !== 'frequentist') throw invalid(`"${String(v)}" is not a valid choice.`, field, 'invalid_choice');
      updates[field] = v;
    } else if (field === 'default_role_id') {
      const sv = strField(v, field, { nullable: true });
      if (sv !== null && !UUID_RE.test(sv)) throw invalid('Must be a valid UUID.', field);
      if (sv !== null && ctx.state.roles.get(sv)?.organization_id !== org.id) {
        throw invalid(`Invalid pk "${sv}" - object does not exist.`, field, 'does_not_exist');
      }
      updates[field] = sv;
    } else {
      const sv = strField(v, field, { nullable: true });
      if (sv !== null && !UUID_RE.test(sv)) throw invalid('Must be a valid UUID.', field);
      updates[field] = sv;
    }
  }
  const changes: Change[] = [];
  const rec = org as unknown as Record<string, unknown>;
  for (const [field, after] of Object.entries(updates)) {
    const before = rec[field];
    if (before !== after) {
      changes.push({ type: 'Organization', action: 'changed', field, before, after });
      rec[field] = after;
    }
  }
  if (changes.length) {
    org.updated_at = ctx.now.toISOString();
    log(ctx, 'updated', 'Organization', org.id, org.name, changes);
  }
  return ok(orgJson(ctx.state, org, ctx.membership!.level, visibleProjects(ctx, org, ctx.membership)));
}

// ---------- members

function membersList(ctx: Ctx): Result {
  const s = ctx.state;
  const org = ctx.org!;
  const idx = s.orgMembers.get(org.id);
  const email = ctx.query.get('email');
  const restricted = !org.members_can_see_org_members && ctx.membership!.level < 8;
  if (email !== null || restricted) {
    let list: MembershipRow[] = [];
    if (email !== null) {
      const u = s.userByEmail(email);
      const m = u && u.email === email ? idx?.byUser.get(u.uuid) : undefined;
      if (m && s.isListedMember(m)) list = [m];
    } else list = [...s.listedMembers(org.id)].reverse();
    if (restricted) list = list.filter((m) => m.id === ctx.membership!.id);
    return ok(paginate(ctx, list.length, (i) => memberJson(s, list[i]!)));
  }
  // inactive users and PostHog's bots are not listed
  const ordered = s.listedMembers(org.id);
  const asc = ctx.query.get('order') === 'joined_at';
  const n = ordered.length;
  return ok(paginate(ctx, n, (i) => memberJson(s, ordered[asc ? i : n - 1 - i]!)));
}

function findTargetMember(ctx: Ctx): MembershipRow {
  const key = ctx.params.user__uuid!;
  const uuid = key === '@me' ? ctx.user.uuid : key;
  const m = ctx.state.membership(ctx.org!.id, uuid);
  if (!m) throw notFound();
  return m;
}

/** OrganizationMembership.validate_update (posthog/models/organization.py). */
function validateUpdate(me: MembershipRow, target: MembershipRow, newLevel: number | null): void {
  if (newLevel !== null) {
    if (target.id === me.id) throw forbidden("You can't change your own access level.");
    if (newLevel === 15) {
      if (me.level !== 15) throw forbidden("You can only make another member owner if you're this organization's owner.");
    } else if (newLevel > me.level) {
      throw forbidden('You can only change access level of others to lower or equal to your current one.');
    }
  }
  if (target.id !== me.id) {
    if (me.level < 8) throw forbidden('You can only edit others if you are an admin.');
    if (target.level > me.level) throw forbidden('You can only edit others with level lower or equal to you.');
  }
}

function membersUpdate(ctx: Ctx): Result {
  const s = ctx.state;
  const target = findTargetMember(ctx);
  const body = obj(ctx.body);
  let level: number | null = null;
  if ('level' in body) {
    const v = body.level;
    if (v !== 1 && v !== 8 && v !== 15 && v !== '1' && v !== '8' && v !== '15') {
      throw invalid(`"${String(v)}" is not a valid choice.`, 'level', 'invalid_choice');
    }
    level = Number(v);
  } else if (ctx.method === 'PUT') {
    throw invalid('This field is required.', 'level', 'required');
  }
  validateUpdate(ctx.membership!, target, level);
  if (level !== null && level !== target.level) {
    const before = target.level;
    target.level = level as 1 | 8 | 15;
    target.updated_at = ctx.now.toISOString();
    const u = s.users.get(target.user_uuid);
    log(ctx, 'updated', 'OrganizationMembership', target.id, u?.email ?? null,
      [{ type: 'OrganizationMembership', action: 'changed', field: 'level', before, after: level }], s.membershipContext(target));
  }
  return ok(memberJson(s, target));
}

function membersDestroy(ctx: Ctx): Result {
  const s = ctx.state;
  const target = findTargetMember(ctx);
  validateUpdate(ctx.membership!, target, null);
  if (target.level >= 15) throw invalid('Cannot leave the organization as its owner!');
  const u = s.users.get(target.user_uuid);
  const context = s.membershipContext(target);
  s.removeMembership(target);
  log(ctx, 'deleted', 'OrganizationMembership', target.id, u?.email ?? null, null, context);
  return noContent();
}

// ---------- invites

function invitesList(ctx: Ctx): Result {
  const s = ctx.state;
  const list = [...(s.orgInvites.get(ctx.org!.id)?.values() ?? [])];
  list.sort((a, b) => (a.created_at < b.created_at ? 1 : a.created_at > b.created_at ? -1 : 0));
  return ok(paginate(ctx, list.length, (i) => inviteJson(s, list[i]!, ctx.now)));
}

function checkCanInvite(ctx: Ctx): void {
  const m = ctx.membership;
  if (!m) throw forbidden('You must be a member of the organization to send invites.');
  if (m.level >= 8) return;
  const org = ctx.org!;
  // UserCanInvitePermission returns False without a message of its own: DRF's default text.
  if (ctx.state.hasFeature(org.id, 'organization_invite_settings') && !org.members_can_invite) {
    throw forbidden('You do not have permission to perform this action.');
  }
}

interface ValidInvite {
  target_email: string;
  first_name: string;
  level: 1 | 8 | 15;
  message: string | null;
  private_project_access: { id: number; level: 'none' | 'member' | 'admin' }[] | null;
  send_email: boolean;
  combine_pending_invites: boolean;
}

/** A project is private for invites when its project-wide default rule is `none`. */
function isPrivateProject(ctx: Ctx, project: ProjectRow): boolean {
  return ctx.state.projectRules(project.id).some((ac) => !ac.organization_member && !ac.role && ac.access_level === 'none');
}

/**
 * OrganizationInviteSerializer validation. DRF validates the fields in order and reports the first
 * field error, but `validate_level` raises PermissionDenied (403) at once, even when an earlier
 * field (target_email) has an error.
 */
function validateInvite(ctx: Ctx, raw: unknown): ValidInvite {
  const body = obj(raw);
  let firstError: ApiError | null = null;
  const field = <T>(f: () => T, fallback: T): T => {
    try {
      return f();
    } catch (e) {
      if (!(e instanceof ApiError) || e.status !== 400) throw e;
      firstError ??= e;
      return fallback;
    }
  };
  const target_email = field(() => {
    const email0 = strField(body.target_email, 'target_email', { required: true, max: 254 })!.trim();
    if (!EMAIL_RE.test(email0)) throw invalid('Enter a valid email address.', 'target_email');
    const at = email0.lastIndexOf('@');
    return email0.slice(0, at) + '@' + email0.slice(at + 1).toLowerCase();
  }, '');
  const first_name = field(() => strField(body.first_name, 'first_name', { max: 30 }) ?? '', '');
  const level = field((): 1 | 8 | 15 => {
    if (body.level === undefined) return 1;
    const v = body.level;
    // a ChoiceField: 8 and "8" alike
    if (!['1', '8', '15'].includes(String(v)) || (typeof v !== 'number' && typeof v !== 'string')) {
      throw invalid(`"${String(v)}" is not a valid choice.`, 'level', 'invalid_choice');
    }
    const n = Number(v) as 1 | 8 | 15;
    if (n > ctx.membership!.level) throw forbidden('You cannot invite a user with a higher permission level than your own.');
    return n;
  }, 1);
  const message = field(() => strField(body.message, 'message', { nullable: true }), null);
  const ppa = field((): ValidInvite['private_project_access'] => {
    const raw = body.private_project_access;
    if (raw === undefined || raw === null) return null;
    if (!Array.isArray(raw)) throw invalid('Expected a list of items but got type "' + typeof raw + '".', 'private_project_access', 'not_a_list');
    if (raw.length === 0) return null;
    const items: { id: number; level: 'none' | 'member' | 'admin' }[] = [];
    const teamError = 'Project does not exist on this organization, or it is private and you do not have access to it.';
    for (const item of raw as unknown[]) {
      const it = (item ?? {}) as Record<string, unknown>;
      const id = typeof it.id === 'number' ? it.id : Number.NaN;
      const project = Number.isInteger(id) ? ctx.state.projects.get(id) : undefined;
      if (!project || project.organization_id !== ctx.org!.id) throw invalid(teamError, 'private_project_access');
      // org admins may invite to any project; others only to open projects, or to private ones
      // (default rule `none`) where they have an `admin` rule of their own
      if (ctx.membership!.level < 8 && isPrivateProject(ctx, project)) {
        const own = ctx.state.findAccessControl(project.id, 'project', String(project.id), ctx.membership!.id, null);
        if (own?.access_level !== 'admin') throw invalid(teamError, 'private_project_access');
      }
      if (typeof it.level !== 'string' || !(PROJECT_LEVELS as readonly string[]).includes(it.level)) {
        throw invalid(`Invalid access level. Must be one of: ${PROJECT_LEVELS.join(', ')}`, 'private_project_access');
      }
      items.push({ id, level: it.level as 'none' | 'member' | 'admin' });
    }
    return items;
  }, null);
  const send_email = field(() => (body.send_email === undefined ? true : Boolean(boolField(body.send_email, 'send_email'))), true);
  const combine = field(() => (body.combine_pending_invites === undefined ? false : Boolean(boolField(body.combine_pending_invites, 'combine_pending_invites'))), false);
  if (firstError) throw firstError;
  return { target_email, first_name, level, message, private_project_access: ppa, send_email, combine_pending_invites: combine };
}

function checkNotMember(ctx: Ctx, email: string): void {
  const u = ctx.state.userByEmail(email);
  if (u && ctx.state.membership(ctx.org!.id, u.uuid)) {
    throw invalid('A user with this email address already belongs to the organization.');
  }
}

/** OrganizationInviteSerializer.create: the membership check happens here, after validation. */
function createInvite(ctx: Ctx, v: ValidInvite): InviteRow {
  const s = ctx.state;
  const org = ctx.org!;
  checkNotMember(ctx, v.target_email);
  const existing = s.invitesFor(org.id, v.target_email);
  if (v.combine_pending_invites) {
    for (const e of existing) {
      if (s.isExpired(e, ctx.now)) continue;
      if (e.level > v.level) v.level = e.level;
      for (const p of e.private_project_access ?? []) {
        const cur = (v.private_project_access ??= []).find((x) => x.id === p.id);
        if (!cur) v.private_project_access.push({ ...p });
        else if (PROJECT_LEVELS.indexOf(p.level) > PROJECT_LEVELS.indexOf(cur.level)) cur.level = p.level;
      }
    }
  }
  for (const e of existing) s.removeInvite(e);
  const iso = ctx.now.toISOString();
  const invite = s.addInvite({
    id: randomUUID(),
    organization_id: org.id,
    target_email: v.target_email,
    first_name: v.first_name,
    level: v.level,
    message: v.message,
    private_project_access: v.private_project_access,
    created_by_uuid: ctx.user.uuid,
    emailing_attempt_made: false,
    created_at: iso,
    updated_at: iso,
  });
  log(ctx, 'created', 'OrganizationInvite', invite.id, invite.target_email, null, {
    organization_id: org.id,
    organization_name: org.name,
    target_email: invite.target_email,
    inviter_user_id: ctx.user.id,
    inviter_email: ctx.user.email,
    level: levelLabel(invite.level),
  });
  return invite;
}

function invitesCreate(ctx: Ctx): Result {
  checkCanInvite(ctx);
  const v = validateInvite(ctx, ctx.body);
  return ok(inviteJson(ctx.state, createInvite(ctx, v), ctx.now), 201);
}

function invitesBulk(ctx: Ctx): Result {
  checkCanInvite(ctx);
  if (!Array.isArray(ctx.body)) throw invalid('This endpoint needs an array of data for bulk invite creation.');
  if (ctx.body.length > 20) throw invalid('A maximum of 20 invites can be sent in a single request.', null, 'max_length');
  // every item is validated first (a 400 creates nothing); then they are created one by one, with
  // no transaction: an item whose email is already a member fails the request (400) after the
  // items before it were created
  const valid = ctx.body.map((item) => validateInvite(ctx, item));
  const created = valid.map((v) => inviteJson(ctx.state, createInvite(ctx, v), ctx.now));
  return ok(created, 201);
}

function invitesDestroy(ctx: Ctx): Result {
  const s = ctx.state;
  const invite = s.invites.get(ctx.params.id!);
  if (!invite || invite.organization_id !== ctx.org!.id) throw notFound();
  // no admin check: the invite viewset's destroy has only the default (membership) permissions
  s.removeInvite(invite);
  log(ctx, 'deleted', 'OrganizationInvite', invite.id, invite.target_email, null, {
    organization_id: ctx.org!.id, target_email: invite.target_email, level: levelLabel(invite.level),
  });
  return noContent();
}

// ---------- roles

function orgRole(ctx: Ctx, id: string | undefined): RoleRow | undefined {
  const r = id ? ctx.state.roles.get(id) : undefined;
  return r && r.organization_id === ctx.org!.id ? r : undefined;
}

function rolesList(ctx: Ctx): Result {
  const list = [...(ctx.state.orgRoles.get(ctx.org!.id)?.values() ?? [])];
  return ok(paginate(ctx, list.length, (i) => roleJson(ctx.state, list[i]!)));
}

function roleNameTaken(ctx: Ctx, name: string, except?: string): boolean {
  const lower = name.toLowerCase();
  for (const r of ctx.state.orgRoles.get(ctx.org!.id)?.values() ?? []) if (r.id !== except && r.name.toLowerCase() === lower) return true;
  return false;
}

function rolesCreate(ctx: Ctx): Result {
  requireAdmin(ctx);
  const body = obj(ctx.body);
  const name = strField(body.name, 'name', { required: true, max: 200 })!;
  if (roleNameTaken(ctx, name)) throw invalid('There is already a role with this name.', 'name', 'unique');
  const role = ctx.state.addRole({ id: randomUUID(), organization_id: ctx.org!.id, name, created_at: ctx.now.toISOString(), created_by_uuid: ctx.user.uuid });
  log(ctx, 'created', 'Role', role.id, role.name);
  return ok(roleJson(ctx.state, role), 201);
}

function rolesRetrieve(ctx: Ctx): Result {
  const role = orgRole(ctx, ctx.params.id);
  if (!role) throw notFound();
  return ok(roleJson(ctx.state, role));
}

function rolesUpdate(ctx: Ctx): Result {
  requireAdmin(ctx);
  const role = orgRole(ctx, ctx.params.id);
  if (!role) throw notFound();
  const body = obj(ctx.body);
  if (body.name !== undefined || ctx.method === 'PUT') {
    const name = strField(body.name, 'name', { required: true, max: 200 })!;
    if (roleNameTaken(ctx, name, role.id)) throw invalid('There is already a role with this name.', 'name', 'unique');
    if (name !== role.name) {
      log(ctx, 'updated', 'Role', role.id, name, [{ type: 'Role', action: 'changed', field: 'name', before: role.name, after: name }]);
      role.name = name;
    }
  }
  return ok(roleJson(ctx.state, role));
}

function rolesDestroy(ctx: Ctx): Result {
  requireAdmin(ctx);
  const role = orgRole(ctx, ctx.params.id);
  if (!role) throw notFound();
  ctx.state.removeRole(role);
  log(ctx, 'deleted', 'Role', role.id, role.name);
  return noContent();
}

function roleMembershipsList(ctx: Ctx): Result {
  const role = orgRole(ctx, ctx.params.role_id);
  const list = role ? [...(ctx.state.roleMembers.get(role.id)?.values() ?? [])] : [];
  return ok(paginate(ctx, list.length, (i) => roleMembershipJson(ctx.state, list[i]!)));
}

function roleMembershipsCreate(ctx: Ctx): Result {
  requireAdmin(ctx);
  const s = ctx.state;
  const body = obj(ctx.body);
  const userUuid = strField(body.user_uuid, 'user_uuid', { required: true })!;
  if (!UUID_RE.test(userUuid)) throw invalid('Must be a valid UUID.', 'user_uuid');
  const role = orgRole(ctx, ctx.params.role_id);
  if (!role) throw invalid('Role does not exist.');
  const m = s.membership(ctx.org!.id, userUuid);
  if (!m || !s.users.get(userUuid)?.is_active) throw invalid('User does not exist.');
  for (const rm of s.membershipRoles.get(m.id)?.values() ?? []) if (rm.role_id === role.id) throw invalid('User is already part of the role.');
  const iso = ctx.now.toISOString();
  const rm = s.addRoleMembership({ id: randomUUID(), role_id: role.id, membership_id: m.id, joined_at: iso, updated_at: iso });
  const u = s.users.get(userUuid);
  log(ctx, 'created', 'RoleMembership', rm.id, role.name, [{ type: 'Role', action: 'created', field: 'members', before: null, after: u?.email ?? userUuid }], { role_id: role.id, role_name: role.name, user_email: u?.email ?? null });
  return ok(roleMembershipJson(s, rm), 201);
}

function roleMembershipFind(ctx: Ctx) {
  const role = orgRole(ctx, ctx.params.role_id);
  const rm = role ? ctx.state.roleMemberships.get(ctx.params.id!) : undefined;
  if (!role || !rm || rm.role_id !== role.id) throw notFound();
  return { role, rm };
}

function roleMembershipsRetrieve(ctx: Ctx): Result {
  return ok(roleMembershipJson(ctx.state, roleMembershipFind(ctx).rm));
}

function roleMembershipsDestroy(ctx: Ctx): Result {
  requireAdmin(ctx);
  const { role, rm } = roleMembershipFind(ctx);
  const m = ctx.state.memberships.get(rm.membership_id);
  const u = m ? ctx.state.users.get(m.user_uuid) : undefined;
  ctx.state.removeRoleMembership(rm);
  log(ctx, 'deleted', 'RoleMembership', rm.id, role.name, [{ type: 'Role', action: 'deleted', field: 'members', before: u?.email ?? null, after: null }], { role_id: role.id, role_name: role.name, user_email: u?.email ?? null });
  return noContent();
}

// ---------- projects

function projectOut(ctx: Ctx, p: ProjectRow, m: MembershipRow | undefined): Record<string, unknown> {
  const level = m ? ctx.state.projectLevel(m, p) : 'none';
  const eff = m ? (m.level >= 8 ? m.level : level === 'admin' ? 8 : level === 'member' ? 1 : null) : null;
  return projectJson(p, eff, level);
}

function orgProjectsList(ctx: Ctx): Result {
  const list = visibleProjects(ctx, ctx.org!, ctx.membership);
  return ok(paginate(ctx, list.length, (i) => projectBasic(list[i]!)));
}

function orgProjectsCreate(ctx: Ctx): Result {
  const s = ctx.state;
  const org = ctx.org!;
  const m = ctx.membership!;
  if (m.level < 8 && !(org.members_can_create_projects && s.hasFeature(org.id, 'organization_invite_settings'))) {
    throw forbidden('You need to be an organization admin or above to create new projects.');
  }
  const body = obj(ctx.body);
  const name = strField(body.name, 'name', { required: true, max: 200 })!;
  if ((s.orgProjects.get(org.id)?.size ?? 0) >= 1 && !s.hasFeature(org.id, 'organizations_projects')) {
    throw forbidden('You must upgrade your PostHog plan to be able to create and manage more projects.');
  }
  const p = s.createProject(org.id, name, ctx.now);
  log(ctx, 'created', 'Team', String(p.id), p.name, null, null, p.id);
  return ok(projectOut(ctx, p, m), 201);
}

function orgProjectsRetrieve(ctx: Ctx): Result {
  const id = Number(ctx.params.id);
  const p = ctx.state.projects.get(id);
  if (!p || p.organization_id !== ctx.org!.id) throw notFound();
  if (ctx.membership!.level < 8 && ctx.state.projectLevel(ctx.membership!, p) === 'none') throw notFound();
  return ok(projectOut(ctx, p, ctx.membership));
}

function rootProjectsList(ctx: Ctx): Result {
  const orgId = ctx.user.current_organization_id;
  const org = orgId ? ctx.state.orgs.get(orgId) : undefined;
  const scoped = ctx.key.scoped_organizations;
  if (!org || (scoped && scoped.length && !scoped.includes(org.id))) return ok(paginateList(ctx, []));
  const m = ctx.state.membership(org.id, ctx.user.uuid);
  const list = visibleProjects(ctx, org, m);
  return ok(paginate(ctx, list.length, (i) => projectBasic(list[i]!)));
}

function projectRetrieve(ctx: Ctx): Result {
  return ok(projectOut(ctx, ctx.project!, ctx.membership));
}

// ---------- access control (REFERENCE §7)

/**
 * UserAccessControl.check_can_modify_access_levels_for_object(project): org admins; otherwise the
 * project level must be `admin` *explicitly*: from the rules that apply to the requester (member,
 * role, project default), never from the open-project fallback, and never without the
 * `access_control` feature.
 */
function canEditProjectAccess(ctx: Ctx): boolean {
  const s = ctx.state;
  const m = ctx.membership!;
  const p = ctx.project!;
  if (m.level >= 8) return true;
  if (!s.hasFeature(p.organization_id, 'access_control')) return false;
  const roles = s.hasFeature(p.organization_id, 'role_based_access') ? new Set(s.roleIdsOf(m.id)) : new Set<string>();
  return s.projectRules(p.id).some((ac) =>
    ac.access_level === 'admin' &&
    ((!ac.organization_member && !ac.role) || ac.organization_member === m.id || (ac.role !== null && roles.has(ac.role))));
}

function accessControlsGet(ctx: Ctx): Result {
  const s = ctx.state;
  const p = ctx.project!;
  return ok({
    access_controls: s.projectRules(p.id).map((ac) => accessControlJson(s, ac)),
    available_access_levels: [...PROJECT_LEVELS],
    default_access_level: 'admin',
    minimum_access_level: 'none',
    maximum_access_level: 'admin',
    user_access_level: s.projectLevel(ctx.membership!, p),
    user_can_edit_access_levels: canEditProjectAccess(ctx),
    // a project has nothing above it to inherit from: always null for projects
    inherited_access: null,
  });
}

function resourceAccessControlsGet(ctx: Ctx): Result {
  const s = ctx.state;
  const p = ctx.project!;
  return ok({
    access_controls: s.resourceRules(p.id).map((ac) => accessControlJson(s, ac)),
    available_access_levels: [...RESOURCE_LEVELS],
    default_access_level: 'editor',
    minimum_access_level: 'none',
    maximum_access_level: 'manager',
    // the object of this action is the project itself: the requester's project level
    user_access_level: s.projectLevel(ctx.membership!, p),
    user_can_edit_access_levels: canEditProjectAccess(ctx),
  });
}

function validateLevel(resource: string, level: unknown): string | null {
  if (level === null || level === undefined) return null;
  const levels: readonly string[] = resource === 'project' || resource === 'organization' ? PROJECT_LEVELS : RESOURCE_LEVELS;
  if (typeof level !== 'string' || !levels.includes(level)) {
    throw invalid(`Invalid access level. Must be one of: ${levels.join(', ')}`, 'access_level');
  }
  if (resource !== 'project' && resource !== 'organization') {
    const b = kindBounds(resource);
    if (levels.indexOf(level) < levels.indexOf(b.minimum)) throw invalid(`Access level cannot be set below the minimum '${b.minimum}' for ${resource}.`, 'access_level');
    if (levels.indexOf(level) > levels.indexOf(b.maximum)) throw invalid(`Access level cannot be set above the maximum '${b.maximum}' for ${resource}.`, 'access_level');
  }
  return level;
}

const MEMBER_ID_HELP = "Invalid organization member id. Use the 'id' field from the /api/organizations/<organization_id>/members/ endpoint.";

/**
 * AccessControlSerializer + upsert_access_control (products/access_control/backend/presentation/access_control.py).
 * Project mode forces resource `project` and resource_id = the project (a resource_id in the body
 * is overwritten); resource mode takes `resource` (any non-internal API scope object) and an
 * optional resource_id that must be the project's id.
 */
function putAccessControl(ctx: Ctx, mode: 'project' | 'resource'): Result {
  const s = ctx.state;
  const p = ctx.project!;
  const orgId = p.organization_id;
  const body = obj(ctx.body);
  // field validation (first error wins): access_level, resource, organization_member, role
  let resource = 'project';
  if (mode === 'resource') {
    const r = strField(body.resource, 'resource', { required: true })!;
    if (!(API_SCOPE_OBJECTS as readonly string[]).includes(r)) {
      throw invalid(`Invalid resource. Must be one of: (${API_SCOPE_OBJECTS.map((o) => `'${o}'`).join(', ')})`, 'resource');
    }
    resource = r;
  }
  const level = validateLevel(resource, body.access_level);
  const member = body.organization_member === undefined || body.organization_member === null ? null : String(body.organization_member);
  const role = body.role === undefined || body.role === null ? null : String(body.role);
  const m = member ? s.memberships.get(member) : undefined;
  if (member && !UUID_RE.test(member)) throw invalid(MEMBER_ID_HELP, 'organization_member');
  if (member && !m) throw invalid(`Invalid pk "${member}" - object does not exist.`, 'organization_member', 'does_not_exist');
  const r = role ? s.roles.get(role) : undefined;
  if (role && !r) throw invalid(`Invalid pk "${role}" - object does not exist.`, 'role', 'does_not_exist');
  // validate()
  if (member && role) throw invalid('You can not scope an access control to both a member and a role.');
  if (role && !s.hasFeature(orgId, 'role_based_access')) throw forbidden('Role-based access controls require the Role-based access feature.');
  if (r && r.organization_id !== orgId) throw invalid('The role must belong to the same organization as this project.');
  if (m && m.organization_id !== orgId) throw invalid('The member must belong to the same organization as this project.');
  const rawResourceId = mode === 'project' ? String(p.id) : body.resource_id === undefined || body.resource_id === null || body.resource_id === '' ? null : String(body.resource_id);
  if (rawResourceId !== null) {
    if (rawResourceId !== String(p.id)) throw forbidden('Cannot modify access controls for a resource different from the URL target.');
    const highest = resource === 'project' || resource === 'organization' ? 'admin' : kindBounds(resource).maximum;
    if (!canEditProjectAccess(ctx)) throw forbidden(`Must be ${highest} to modify ${resource} permissions.`);
  } else if (!canEditProjectAccess(ctx)) {
    throw forbidden('Must be an Organization admin to modify project-wide permissions.');
  }
  const resourceId = rawResourceId;
  const existing = s.findAccessControl(p.id, resource, resourceId, member, role);
  const subject = member ? { organization_member: member } : role ? { role } : {};
  const name = mode === 'project' ? p.name : `${p.name}: ${resource}`;
  if (level === null) {
    if (existing) {
      s.deleteAccessControl(existing);
      log(ctx, 'deleted', 'AccessControl', existing.id, name,
        [{ type: 'AccessControl', action: 'deleted', field: 'access_level', before: existing.access_level, after: null }],
        { resource, resource_id: resourceId, ...subject }, p.id);
    }
    return noContent();
  }
  const iso = ctx.now.toISOString();
  if (existing) {
    const before = existing.access_level;
    existing.access_level = level;
    existing.updated_at = iso;
    if (before !== level) {
      log(ctx, 'updated', 'AccessControl', existing.id, name,
        [{ type: 'AccessControl', action: 'changed', field: 'access_level', before, after: level }],
        { resource, resource_id: resourceId, ...subject }, p.id);
    }
    return ok(accessControlJson(s, existing));
  }
  const ac: AccessControlRow = s.putAccessControl({
    id: randomUUID(), team_id: p.id, resource, resource_id: resourceId, organization_member: member, role,
    access_level: level, created_by_uuid: ctx.user.uuid, created_at: iso, updated_at: iso,
  });
  log(ctx, 'created', 'AccessControl', ac.id, name,
    [{ type: 'AccessControl', action: 'created', field: 'access_level', before: null, after: level }],
    { resource, resource_id: resourceId, ...subject }, p.id);
  return ok(accessControlJson(s, ac));
}

// ---------- personal API keys

function personalApiKeys(ctx: Ctx): Result {
  if (ctx.route.op === 'personal_api_keys_retrieve') {
    const id = ctx.params.id;
    if (id === '@current' || id === ctx.key.id) return ok(keyJson(ctx.state, ctx.key));
  }
  throw forbidden('This action does not support Personal API Key access');
}

// ---------- project secret API keys (REFERENCE §8; posthog/api/project_secret_api_key.py)

const MAX_PROJECT_SECRET_KEYS = MAX_SECRET_KEYS_PER_PROJECT;
const SECRET_KEY_MAX_LABEL = 40;
const INSUFFICIENT_PROJECT_LEVEL = "You don't have sufficient permissions in the project.";

/** TeamMemberStrictManagementPermission: writes need the effective project level admin. */
function requireProjectAdmin(ctx: Ctx): void {
  if (!ctx.membership || ctx.state.projectLevel(ctx.membership, ctx.project!) !== 'admin') throw forbidden(INSUFFICIENT_PROJECT_LEVEL);
}

function projectSecretKey(ctx: Ctx): ProjectSecretKeyRow {
  const k = ctx.state.secretKeys.get(ctx.params.id!);
  if (!k || k.team_id !== ctx.project!.id) throw notFound();
  return k;
}

function allowedSecretScopesText(): string {
  return [...PROJECT_SECRET_KEY_SCOPES]
    .map((x) => x.split(':') as [string, string])
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0))
    .map(([o, a]) => `${o}:${a}`)
    .join(', ');
}

/** ProjectSecretAPIKeySerializer.validate_scopes, in its order: `*`, unknown/internal, allow-list. */
function secretKeyScopes(v: unknown): string[] {
  if (v === undefined) throw invalid('This field is required.', 'scopes', 'required');
  if (v === null) throw invalid('This field may not be null.', 'scopes', 'null');
  if (!Array.isArray(v)) throw invalid(`Expected a list of items but got type "${typeof v === 'string' ? 'str' : typeof v}".`, 'scopes', 'not_a_list');
  if (v.length === 0) throw invalid('This list may not be empty.', 'scopes', 'empty');
  const scopes: string[] = [];
  for (const item of v) {
    if (typeof item !== 'string' && typeof item !== 'number') throw invalid('Not a valid string.', 'scopes');
    const scope = String(item);
    if (scope === '*') throw invalid("Wildcard scope '*' is not allowed for project API keys. Please specify explicit scopes.", 'scopes');
    if (!isGrantableScope(scope)) throw invalid(`Invalid scope: ${scope}`, 'scopes');
    if (!(PROJECT_SECRET_KEY_SCOPES as readonly string[]).includes(scope)) {
      throw invalid(`Scope '${scope}' can not be assigned to a project secret API key. Allowed scopes: ${allowedSecretScopesText()}`, 'scopes');
    }
    scopes.push(scope);
  }
  return scopes;
}

function secretKeyLabel(v: unknown): string {
  return strField(v, 'label', { required: true, max: SECRET_KEY_MAX_LABEL })!;
}

function secretLabelTaken(ctx: Ctx, label: string, except?: string): boolean {
  for (const k of ctx.state.secretKeys.values()) if (k.team_id === ctx.project!.id && k.id !== except && k.label === label) return true;
  return false;
}

function logSecretKey(ctx: Ctx, activity: string, k: ProjectSecretKeyRow, changes: Change[] | null): void {
  log(ctx, activity, 'ProjectSecretAPIKey', k.id, k.label, changes, null, k.team_id);
}

function secretKeysList(ctx: Ctx): Result {
  const list = ctx.state.projectSecretKeys(ctx.project!.id);
  return ok(paginate(ctx, list.length, (i) => secretKeyJson(ctx.state, list[i]!)));
}

function secretKeysCreate(ctx: Ctx): Result {
  requireProjectAdmin(ctx);
  const body = obj(ctx.body);
  const label = secretKeyLabel(body.label);
  const scopes = secretKeyScopes(body.scopes);
  const p = ctx.project!;
  if (ctx.state.projectSecretKeys(p.id).length >= MAX_PROJECT_SECRET_KEYS) {
    throw invalid(`You can only have ${MAX_PROJECT_SECRET_KEYS} project secret API keys. Remove an existing key before creating a new one.`);
  }
  if (secretLabelTaken(ctx, label)) throw invalid(`Project secret API key with label '${label}' already exists.`);
  const { row, value } = ctx.state.mintSecretKey(p.id, label, scopes, ctx.user.uuid, ctx.now);
  logSecretKey(ctx, 'created', row, [
    { type: 'ProjectSecretAPIKey', action: 'created', field: 'label', before: null, after: label },
    { type: 'ProjectSecretAPIKey', action: 'created', field: 'scopes', before: null, after: [...scopes] },
  ]);
  return ok(secretKeyJson(ctx.state, row, value), 201);
}

function secretKeysRetrieve(ctx: Ctx): Result {
  return ok(secretKeyJson(ctx.state, projectSecretKey(ctx)));
}

function secretKeysUpdate(ctx: Ctx): Result {
  const k = projectSecretKey(ctx);
  requireProjectAdmin(ctx);
  const body = obj(ctx.body);
  const put = ctx.method === 'PUT';
  const label = put || body.label !== undefined ? secretKeyLabel(body.label) : k.label;
  const scopes = put || body.scopes !== undefined ? secretKeyScopes(body.scopes) : k.scopes;
  if (label !== k.label && secretLabelTaken(ctx, label, k.id)) throw invalid(`Project secret API key with label '${label}' already exists.`);
  const changes: Change[] = [];
  if (label !== k.label) changes.push({ type: 'ProjectSecretAPIKey', action: 'changed', field: 'label', before: k.label, after: label });
  if (scopes.join('\n') !== k.scopes.join('\n')) changes.push({ type: 'ProjectSecretAPIKey', action: 'changed', field: 'scopes', before: [...k.scopes], after: [...scopes] });
  k.label = label;
  k.scopes = [...scopes];
  if (changes.length) logSecretKey(ctx, 'updated', k, changes);
  return ok(secretKeyJson(ctx.state, k));
}

function secretKeysDestroy(ctx: Ctx): Result {
  const k = projectSecretKey(ctx);
  requireProjectAdmin(ctx);
  ctx.state.removeSecretKey(k);
  logSecretKey(ctx, 'deleted', k, null);
  return noContent();
}

function secretKeysRoll(ctx: Ctx): Result {
  const k = projectSecretKey(ctx);
  requireProjectAdmin(ctx);
  const beforeMask = k.mask_value;
  const beforeRolled = k.last_rolled_at;
  const value = ctx.state.rehashSecretKey(k);
  k.last_rolled_at = ctx.now.toISOString();
  logSecretKey(ctx, 'updated', k, [
    { type: 'ProjectSecretAPIKey', action: 'changed', field: 'mask_value', before: beforeMask, after: k.mask_value },
    { type: 'ProjectSecretAPIKey', action: 'changed', field: 'last_rolled_at', before: beforeRolled, after: k.last_rolled_at },
  ]);
  return ok(secretKeyJson(ctx.state, k, value));
}

/** What a request authenticated with a project secret key gets: no user, only its project. */
export interface SecretKeyCtx {
  state: EmulatorState;
  now: Date;
  query: URLSearchParams;
  project: ProjectRow;
}

/** Flag definitions for local evaluation; the emulator keeps no feature flags. */
function featureFlagsLocalEvaluation(_ctx: SecretKeyCtx): Result {
  return ok({ flags: [], group_type_mapping: {}, cohorts: {} });
}

/** Operations a project secret key may call (given the scope); everything else refuses it. */
export const SECRET_KEY_HANDLERS: Record<string, (ctx: SecretKeyCtx) => Result> = {
  feature_flags_local_evaluation_retrieve: featureFlagsLocalEvaluation,
};

// ---------- domains and identity provider configs

const DOMAIN_RE = /^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,}$/;

function orgDomain(ctx: Ctx): DomainRow {
  const d = ctx.state.domains.get(ctx.params.id!);
  if (!d || d.organization_id !== ctx.org!.id) throw notFound();
  return d;
}

function domainsList(ctx: Ctx): Result {
  const list = [...ctx.state.domains.values()].filter((d) => d.organization_id === ctx.org!.id);
  return ok(paginate(ctx, list.length, (i) => domainJson(ctx.state, list[i]!)));
}

function domainsCreate(ctx: Ctx): Result {
  requireAdmin(ctx);
  if (!ctx.state.hasFeature(ctx.org!.id, 'automatic_provisioning')) throw forbidden('Automatic provisioning is not enabled for this organization.');
  const body = obj(ctx.body);
  const domain = strField(body.domain, 'domain', { required: true, max: 128 })!;
  if (!DOMAIN_RE.test(domain)) throw invalid('Please enter a valid domain or subdomain name.', 'domain');
  for (const d of ctx.state.domains.values()) if (d.domain === domain) throw invalid('organization domain with this domain already exists.', 'domain', 'unique');
  const d: DomainRow = {
    id: randomUUID(), organization_id: ctx.org!.id, domain, verified_at: null,
    verification_challenge: randomBytes(24).toString('base64url'), jit_provisioning_enabled: false, sso_enforcement: '',
    verifiable: false, created_at: ctx.now.toISOString(),
  };
  ctx.state.domains.set(d.id, d);
  log(ctx, 'created', 'OrganizationDomain', d.id, d.domain);
  return ok(domainJson(ctx.state, d), 201);
}

function domainsRetrieve(ctx: Ctx): Result {
  return ok(domainJson(ctx.state, orgDomain(ctx)));
}

function domainsUpdate(ctx: Ctx): Result {
  const d = orgDomain(ctx);
  requireAdmin(ctx);
  const body = obj(ctx.body);
  for (const attr of ['jit_provisioning_enabled', 'sso_enforcement'] as const) {
    if (attr in body && !d.verified_at) throw invalid('This attribute cannot be updated until the domain is verified.', attr, 'verification_required');
  }
  const changes: Change[] = [];
  if ('jit_provisioning_enabled' in body) {
    const v = boolField(body.jit_provisioning_enabled, 'jit_provisioning_enabled')!;
    if (v && !ctx.state.hasFeature(ctx.org!.id, 'automatic_provisioning')) {
      throw invalid('Automatic provisioning is not enabled for this organization.', 'jit_provisioning_enabled', 'feature_not_available');
    }
    if (v !== d.jit_provisioning_enabled) changes.push({ type: 'OrganizationDomain', action: 'changed', field: 'jit_provisioning_enabled', before: d.jit_provisioning_enabled, after: v });
    d.jit_provisioning_enabled = v;
  }
  if ('sso_enforcement' in body) {
    const v = strField(body.sso_enforcement, 'sso_enforcement', { max: 28, nullable: true }) ?? '';
    if (v !== d.sso_enforcement) changes.push({ type: 'OrganizationDomain', action: 'changed', field: 'sso_enforcement', before: d.sso_enforcement, after: v });
    d.sso_enforcement = v;
  }
  if (changes.length) log(ctx, 'updated', 'OrganizationDomain', d.id, d.domain, changes);
  return ok(domainJson(ctx.state, d));
}

function domainsDestroy(ctx: Ctx): Result {
  const d = orgDomain(ctx);
  requireAdmin(ctx);
  const org = ctx.org!;
  if (org.enforce_verified_domains && d.verified_at) {
    const myDomain = ctx.user.email.split('@')[1]?.toLowerCase();
    if (myDomain === d.domain) {
      throw invalid('Deleting this domain would block you from the organization, as verified domains are enforced.', null, 'would_block_self');
    }
  }
  ctx.state.domains.delete(d.id);
  for (const c of ctx.state.idpConfigs.values()) c.organization_domain_ids = c.organization_domain_ids.filter((x) => x !== d.id);
  log(ctx, 'deleted', 'OrganizationDomain', d.id, d.domain);
  return noContent();
}

function domainsVerify(ctx: Ctx): Result {
  const d = orgDomain(ctx);
  requireAdmin(ctx);
  if (d.verified_at) throw invalid('This domain has already been verified.', null, 'already_verified');
  if (d.verifiable) {
    d.verified_at = ctx.now.toISOString();
    log(ctx, 'updated', 'OrganizationDomain', d.id, d.domain, [{ type: 'OrganizationDomain', action: 'changed', field: 'verified_at', before: null, after: d.verified_at }]);
  }
  return ok(domainJson(ctx.state, d));
}

function orgIdp(ctx: Ctx): IdentityProviderConfigRow {
  const c = ctx.state.idpConfigs.get(ctx.params.id!);
  if (!c || c.organization_id !== ctx.org!.id) throw notFound();
  return c;
}

function idpList(ctx: Ctx): Result {
  const list = [...ctx.state.idpConfigs.values()].filter((c) => c.organization_id === ctx.org!.id);
  list.sort((a, b) => (a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : 0));
  return ok(paginate(ctx, list.length, (i) => idpJson(list[i]!)));
}

function applyIdpBody(ctx: Ctx, c: IdentityProviderConfigRow, body: Record<string, unknown>, creating: boolean): void {
  if (creating || 'name' in body) c.name = strField(body.name, 'name', { required: true, max: 255 })!;
  for (const f of ['domain_scope', 'config_scope', 'saml_entity_id', 'saml_x509_cert', 'oidc_client_id'] as const) {
    if (f in body) c[f] = strField(body[f], f, { nullable: true });
  }
  if ('saml_acs_url' in body) c.saml_acs_url = strField(body.saml_acs_url, 'saml_acs_url', { nullable: true, max: 512 });
  if ('oidc_issuer_url' in body) {
    const v = strField(body.oidc_issuer_url, 'oidc_issuer_url', { nullable: true });
    if (v && !v.startsWith('https://')) throw invalid('OIDC issuer URL must use https.', 'oidc_issuer_url');
    c.oidc_issuer_url = v;
  }
  if ('organization_domain_ids' in body) {
    const ids = body.organization_domain_ids;
    if (!Array.isArray(ids)) throw invalid('Expected a list of items.', 'organization_domain_ids', 'not_a_list');
    for (const id of ids) {
      const d = ctx.state.domains.get(String(id));
      if (!d || d.organization_id !== ctx.org!.id) throw invalid(`Invalid pk "${String(id)}" - object does not exist.`, 'organization_domain_ids', 'does_not_exist');
    }
    c.organization_domain_ids = ids.map(String);
  }
}

function idpCreate(ctx: Ctx): Result {
  requireAdmin(ctx);
  const iso = ctx.now.toISOString();
  const c: IdentityProviderConfigRow = {
    id: randomUUID(), organization_id: ctx.org!.id, name: '', domain_scope: null, config_scope: null, organization_domain_ids: [],
    saml_entity_id: null, saml_acs_url: null, saml_x509_cert: null, oidc_issuer_url: null, oidc_client_id: null, created_at: iso, updated_at: iso,
  };
  applyIdpBody(ctx, c, obj(ctx.body), true);
  ctx.state.idpConfigs.set(c.id, c);
  log(ctx, 'created', 'IdentityProviderConfig', c.id, c.name);
  return ok(idpJson(c), 201);
}

function idpRetrieve(ctx: Ctx): Result {
  return ok(idpJson(orgIdp(ctx)));
}

function idpUpdate(ctx: Ctx): Result {
  const c = orgIdp(ctx);
  requireAdmin(ctx);
  const copy = { ...c, organization_domain_ids: [...c.organization_domain_ids] };
  applyIdpBody(ctx, copy, obj(ctx.body), ctx.method === 'PUT');
  copy.updated_at = ctx.now.toISOString();
  Object.assign(c, copy);
  log(ctx, 'updated', 'IdentityProviderConfig', c.id, c.name);
  return ok(idpJson(c));
}

function idpDestroy(ctx: Ctx): Result {
  const c = orgIdp(ctx);
  requireAdmin(ctx);
  ctx.state.idpConfigs.delete(c.id);
  log(ctx, 'deleted', 'IdentityProviderConfig', c.id, c.name);
  return noContent();
}

// ---------- activity log (REFERENCE §10)

function activityPage(ctx: Ctx, source: readonly import('./snapshot.ts').ActivityLogRow[], withCount: boolean): Record<string, unknown> {
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

function activityLogList(ctx: Ctx): Result {
  const p = ctx.project!;
  if (!ctx.state.hasFeature(p.organization_id, 'audit_logs')) throw paymentRequired('Audit logs');
  return ok(activityPage(ctx, ctx.state.teamLogs.get(p.id) ?? [], false));
}

function advancedActivityLogs(ctx: Ctx): Result {
  if (!ctx.state.hasFeature(ctx.org!.id, 'audit_logs')) throw paymentRequired('Audit logs');
  requireAdmin(ctx);
  return ok(activityPage(ctx, ctx.state.orgLogs.get(ctx.org!.id) ?? [], true));
}

// ---------- dispatch

export const HANDLERS: Record<string, (ctx: Ctx) => Result> = {
  users_retrieve: usersRetrieve,
  list: organizationsList,
  retrieve: organizationRetrieve,
  partial_update: organizationUpdate,
  update: organizationUpdate,
  members_list: membersList,
  members_partial_update: membersUpdate,
  members_update: membersUpdate,
  members_destroy: membersDestroy,
  invites_list: invitesList,
  invites_create: invitesCreate,
  invites_bulk_create: invitesBulk,
  invites_destroy: invitesDestroy,
  roles_list: rolesList,
  roles_create: rolesCreate,
  roles_retrieve: rolesRetrieve,
  roles_update: rolesUpdate,
  roles_partial_update: rolesUpdate,
  roles_destroy: rolesDestroy,
  roles_role_memberships_list: roleMembershipsList,
  roles_role_memberships_create: roleMembershipsCreate,
  roles_role_memberships_retrieve: roleMembershipsRetrieve,
  roles_role_memberships_destroy: roleMembershipsDestroy,
  list_2: orgProjectsList,
  create_2: orgProjectsCreate,
  retrieve_2: orgProjectsRetrieve,
  domains_list: domainsList,
  domains_create: domainsCreate,
  domains_retrieve: domainsRetrieve,
  domains_partial_update: domainsUpdate,
  domains_update: domainsUpdate,
  domains_destroy: domainsDestroy,
  domains_verify_create: domainsVerify,
  identity_provider_configs_list: idpList,
  identity_provider_configs_create: idpCreate,
  identity_provider_configs_retrieve: idpRetrieve,
  identity_provider_configs_partial_update: idpUpdate,
  identity_provider_configs_update: idpUpdate,
  identity_provider_configs_destroy: idpDestroy,
  organization_advanced_activity_logs_list: advancedActivityLogs,
  projects_list: rootProjectsList,
  projects_retrieve: projectRetrieve,
  activity_log_list: activityLogList,
  project_access_controls_retrieve: accessControlsGet,
  project_access_controls_update: (ctx) => putAccessControl(ctx, 'project'),
  project_resource_access_controls_retrieve: resourceAccessControlsGet,
  project_resource_access_controls_update: (ctx) => putAccessControl(ctx, 'resource'),
  project_secret_api_keys_list: secretKeysList,
  project_secret_api_keys_create: secretKeysCreate,
  project_secret_api_keys_retrieve: secretKeysRetrieve,
  project_secret_api_keys_partial_update: secretKeysUpdate,
  project_secret_api_keys_update: secretKeysUpdate,
  project_secret_api_keys_destroy: secretKeysDestroy,
  project_secret_api_keys_roll: secretKeysRoll,
  feature_flags_local_evaluation_retrieve: (ctx) => featureFlagsLocalEvaluation({ state: ctx.state, now: ctx.now, query: ctx.query, project: ctx.project! }),
  personal_api_keys_list: personalApiKeys,
  personal_api_keys_create: personalApiKeys,
  personal_api_keys_retrieve: personalApiKeys,
  personal_api_keys_partial_update: personalApiKeys,
  personal_api_keys_update: personalApiKeys,
  personal_api_keys_destroy: personalApiKeys,
  personal_api_keys_roll_create: personalApiKeys,
};

export { ApiError, userBasic };
