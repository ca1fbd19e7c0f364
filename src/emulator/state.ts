// In-memory state of the emulator, indexed for large organizations (100k members, 1k projects).
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { kindBounds, orgLevelLabel, PROJECT_ACCESS_LEVELS, RESOURCE_ACCESS_LEVELS, RESOURCE_PARENT } from './tables.ts';
import type { ProjectAccessLevel, ResourceAccessLevel } from './tables.ts';
import type {
  AccessControlRow, ActivityLogRow, DashboardRow, DomainRow, FeatureFlagRow, InsightRow, IdentityProviderConfigRow, InviteRow, MembershipRow, OrganizationRow,
  PersonalApiKeyRow, ProjectRow, ProjectSecretKeyRow, RoleMembershipRow, RoleRow, Snapshot, UserRow,
} from './snapshot.ts';
import { parseSnapshot } from './snapshot.ts';

export const INVITE_DAYS_VALIDITY = 3;
const DAY = 86_400_000;

export function hashKey(value: string): string {
  return 'sha256$' + createHash('sha256').update(value).digest('hex');
}

export function newKeyValue(): string {
  return 'phx_emulator_' + randomBytes(18).toString('base64url');
}

export function newSecretKeyValue(): string {
  return 'phs_emulator_' + randomBytes(18).toString('base64url');
}

export function maskKey(value: string): string {
  return `${value.slice(0, 4)}...${value.slice(-4)}`;
}

export interface OrgMemberIndex {
  byUser: Map<string, MembershipRow>;
  /** Ascending joined_at (insertion order); listed reversed for -joined_at. */
  ordered: MembershipRow[];
  /** `ordered` without inactive users and bots, computed once per change (lists are hot paths). */
  listed?: MembershipRow[];
}

export interface Change { type: string; action: string; field: string | null; before: unknown; after: unknown }

/** The rule tier that decided a level: the member's own rule, one of their roles' (roleId), or the default. */
export interface RuleAnswer<L extends string> { level: L; source: 'member' | 'role' | 'default'; roleId: string | null }

function pushMap<K, V>(map: Map<K, Map<string, V>>, key: K, id: string, value: V): void {
  let inner = map.get(key);
  if (!inner) map.set(key, (inner = new Map()));
  inner.set(id, value);
}

function insertOrdered(list: MembershipRow[], m: MembershipRow): void {
  const last = list[list.length - 1];
  if (!last || last.joined_at <= m.joined_at) { list.push(m); return; }
  let lo = 0, hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]!.joined_at <= m.joined_at) lo = mid + 1; else hi = mid;
  }
  list.splice(lo, 0, m);
}

export class EmulatorState {
  orgs = new Map<string, OrganizationRow>();
  users = new Map<string, UserRow>();
  usersByEmail = new Map<string, UserRow>();
  memberships = new Map<string, MembershipRow>();
  orgMembers = new Map<string, OrgMemberIndex>();
  userOrgs = new Map<string, Map<string, MembershipRow>>();
  invites = new Map<string, InviteRow>();
  orgInvites = new Map<string, Map<string, InviteRow>>();
  roles = new Map<string, RoleRow>();
  orgRoles = new Map<string, Map<string, RoleRow>>();
  roleMemberships = new Map<string, RoleMembershipRow>();
  roleMembers = new Map<string, Map<string, RoleMembershipRow>>();
  membershipRoles = new Map<string, Map<string, RoleMembershipRow>>();
  projects = new Map<number, ProjectRow>();
  orgProjects = new Map<string, Map<number, ProjectRow>>();
  accessControls = new Map<string, AccessControlRow>();
  /** project id → identity key → rule */
  teamAccessControls = new Map<number, Map<string, AccessControlRow>>();
  keys = new Map<string, PersonalApiKeyRow>();
  keysByHash = new Map<string, PersonalApiKeyRow>();
  secretKeys = new Map<string, ProjectSecretKeyRow>();
  secretKeysByHash = new Map<string, ProjectSecretKeyRow>();
  domains = new Map<string, DomainRow>();
  idpConfigs = new Map<string, IdentityProviderConfigRow>();
  /** What people created in projects, by id (api/objects.ts serves them). */
  featureFlags = new Map<number, FeatureFlagRow>();
  dashboards = new Map<number, DashboardRow>();
  insights = new Map<number, InsightRow>();
  orgLogs = new Map<string, ActivityLogRow[]>();
  teamLogs = new Map<number, ActivityLogRow[]>();
  clockIso: string | null = null;
  rateLimit: Snapshot['rate_limit'];
  nextUserId = 1;
  nextProjectId = 1;

  constructor(snapshot: Snapshot) {
    this.load(snapshot);
  }

  static fromJSON(input: unknown): EmulatorState {
    return new EmulatorState(parseSnapshot(input));
  }

  clear(): void {
    for (const key of Object.keys(this) as (keyof this)[]) {
      const v = this[key];
      if (v instanceof Map) v.clear();
    }
    this.nextUserId = 1;
    this.nextProjectId = 1;
  }

  load(s: Snapshot): void {
    this.clear();
    this.clockIso = s.clock;
    this.rateLimit = s.rate_limit;
    for (const o of s.organizations) this.orgs.set(o.id, { ...o });
    for (const u of s.users) this.addUser({ ...u });
    const members = [...s.memberships].sort((a, b) => (a.joined_at < b.joined_at ? -1 : a.joined_at > b.joined_at ? 1 : 0));
    for (const m of members) this.addMembership({ ...m });
    for (const i of s.invites) this.addInvite({ ...i });
    for (const r of s.roles) this.addRole({ ...r });
    for (const rm of s.role_memberships) this.addRoleMembership({ ...rm });
    for (const p of s.projects) this.addProject({ ...p });
    for (const ac of s.access_controls) this.putAccessControl({ ...ac });
    for (const k of s.personal_api_keys) this.addKey({ ...k });
    for (const k of s.project_secret_api_keys) this.addSecretKey({ ...k, scopes: [...k.scopes] });
    for (const d of s.domains) this.domains.set(d.id, { ...d });
    for (const c of s.identity_provider_configs) this.idpConfigs.set(c.id, { ...c });
    for (const l of s.activity_logs) this.addLog(l);
    for (const f of s.feature_flags) this.featureFlags.set(f.id, { ...f });
    for (const d of s.dashboards) this.dashboards.set(d.id, { ...d });
    for (const i of s.insights) this.insights.set(i.id, { ...i, dashboards: [...i.dashboards] });
  }

  toSnapshot(): Snapshot {
    const logs: ActivityLogRow[] = [];
    for (const list of this.orgLogs.values()) logs.push(...list);
    logs.sort((a, b) => (a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : 0));
    const snap: Snapshot = {
      version: 1,
      clock: this.clockIso,
      organizations: [...this.orgs.values()],
      users: [...this.users.values()],
      memberships: [...this.memberships.values()],
      invites: [...this.invites.values()],
      roles: [...this.roles.values()],
      role_memberships: [...this.roleMemberships.values()],
      projects: [...this.projects.values()],
      access_controls: [...this.accessControls.values()],
      personal_api_keys: [...this.keys.values()],
      project_secret_api_keys: [...this.secretKeys.values()],
      domains: [...this.domains.values()],
      identity_provider_configs: [...this.idpConfigs.values()],
      activity_logs: logs,
      feature_flags: [...this.featureFlags.values()],
      dashboards: [...this.dashboards.values()],
      insights: [...this.insights.values()],
    };
    if (this.rateLimit !== undefined) snap.rate_limit = this.rateLimit;
    return structuredClone(snap);
  }

  // ---- users & memberships
  addUser(u: UserRow): UserRow {
    this.users.set(u.uuid, u);
    this.usersByEmail.set(u.email.toLowerCase(), u);
    for (const orgId of this.userOrgs.get(u.uuid)?.keys() ?? []) this.forgetListed(orgId);
    if (u.id >= this.nextUserId) this.nextUserId = u.id + 1;
    return u;
  }

  createUser(email: string, now: Date, extra: Partial<UserRow> = {}): UserRow {
    const uuid = randomUUID();
    const local = email.split('@')[0] ?? '';
    return this.addUser({
      id: this.nextUserId++,
      uuid,
      email,
      first_name: local ? local[0]!.toUpperCase() + local.slice(1) : '',
      last_name: '',
      distinct_id: randomBytes(16).toString('hex'),
      is_email_verified: true,
      is_2fa_enabled: false,
      has_social_auth: false,
      last_login: null,
      date_joined: now.toISOString(),
      is_active: true,
      current_organization_id: null,
      ...extra,
    });
  }

  userByEmail(email: string): UserRow | undefined {
    return this.usersByEmail.get(email.toLowerCase());
  }

  addMembership(m: MembershipRow): MembershipRow {
    this.memberships.set(m.id, m);
    let idx = this.orgMembers.get(m.organization_id);
    if (!idx) this.orgMembers.set(m.organization_id, (idx = { byUser: new Map(), ordered: [] }));
    idx.byUser.set(m.user_uuid, m);
    insertOrdered(idx.ordered, m);
    idx.listed = undefined;
    pushMap(this.userOrgs, m.user_uuid, m.organization_id, m);
    const user = this.users.get(m.user_uuid);
    if (user && !user.current_organization_id) user.current_organization_id = m.organization_id;
    return m;
  }

  membership(orgId: string, userUuid: string): MembershipRow | undefined {
    return this.orgMembers.get(orgId)?.byUser.get(userUuid);
  }

  /** Removes a membership and cascades its access rules and role memberships. */
  removeMembership(m: MembershipRow): void {
    this.memberships.delete(m.id);
    const idx = this.orgMembers.get(m.organization_id);
    if (idx) {
      idx.byUser.delete(m.user_uuid);
      const at = idx.ordered.lastIndexOf(m);
      if (at >= 0) idx.ordered.splice(at, 1);
      idx.listed = undefined;
    }
    this.userOrgs.get(m.user_uuid)?.delete(m.organization_id);
    for (const rm of [...(this.membershipRoles.get(m.id)?.values() ?? [])]) this.removeRoleMembership(rm);
    for (const p of this.orgProjects.get(m.organization_id)?.values() ?? []) {
      for (const ac of [...(this.teamAccessControls.get(p.id)?.values() ?? [])]) {
        if (ac.organization_member === m.id) this.deleteAccessControl(ac);
      }
    }
    const user = this.users.get(m.user_uuid);
    if (user && user.current_organization_id === m.organization_id) {
      user.current_organization_id = this.userOrgs.get(m.user_uuid)?.keys().next().value ?? null;
    }
  }

  /** PostHog leaves inactive users and its bots (`…@posthogbot.user`) out of member lists and counts. */
  isListedMember(m: MembershipRow): boolean {
    const u = this.users.get(m.user_uuid);
    return Boolean(u && u.is_active && !u.email.toLowerCase().endsWith('@posthogbot.user'));
  }

  /** Memberships of an organization as the members list shows them, ascending joined_at. Do not modify. */
  listedMembers(orgId: string): MembershipRow[] {
    const idx = this.orgMembers.get(orgId);
    if (!idx) return [];
    idx.listed ??= idx.ordered.filter((m) => this.isListedMember(m));
    return idx.listed;
  }

  private forgetListed(orgId: string): void {
    const idx = this.orgMembers.get(orgId);
    if (idx) idx.listed = undefined;
  }

  memberCount(orgId: string): number {
    return this.listedMembers(orgId).length;
  }

  // ---- invites
  addInvite(i: InviteRow): InviteRow {
    this.invites.set(i.id, i);
    pushMap(this.orgInvites, i.organization_id, i.id, i);
    return i;
  }

  removeInvite(i: InviteRow): void {
    this.invites.delete(i.id);
    this.orgInvites.get(i.organization_id)?.delete(i.id);
  }

  /** Invites of an organization for an address, compared case-insensitively (PostHog does). */
  invitesFor(orgId: string, email: string): InviteRow[] {
    const out: InviteRow[] = [];
    const lower = email.toLowerCase();
    for (const i of this.orgInvites.get(orgId)?.values() ?? []) if (i.target_email.toLowerCase() === lower) out.push(i);
    return out;
  }

  isExpired(i: InviteRow, now: Date): boolean {
    return new Date(i.created_at).getTime() + INVITE_DAYS_VALIDITY * DAY < now.getTime();
  }

  // ---- roles
  addRole(r: RoleRow): RoleRow {
    this.roles.set(r.id, r);
    pushMap(this.orgRoles, r.organization_id, r.id, r);
    return r;
  }

  removeRole(r: RoleRow): void {
    this.roles.delete(r.id);
    this.orgRoles.get(r.organization_id)?.delete(r.id);
    for (const rm of [...(this.roleMembers.get(r.id)?.values() ?? [])]) this.removeRoleMembership(rm);
    this.roleMembers.delete(r.id);
    for (const p of this.orgProjects.get(r.organization_id)?.values() ?? []) {
      for (const ac of [...(this.teamAccessControls.get(p.id)?.values() ?? [])]) if (ac.role === r.id) this.deleteAccessControl(ac);
    }
    const org = this.orgs.get(r.organization_id);
    if (org && org.default_role_id === r.id) org.default_role_id = null;
  }

  addRoleMembership(rm: RoleMembershipRow): RoleMembershipRow {
    this.roleMemberships.set(rm.id, rm);
    pushMap(this.roleMembers, rm.role_id, rm.id, rm);
    pushMap(this.membershipRoles, rm.membership_id, rm.id, rm);
    return rm;
  }

  removeRoleMembership(rm: RoleMembershipRow): void {
    this.roleMemberships.delete(rm.id);
    this.roleMembers.get(rm.role_id)?.delete(rm.id);
    this.membershipRoles.get(rm.membership_id)?.delete(rm.id);
  }

  roleIdsOf(membershipId: string): string[] {
    return [...(this.membershipRoles.get(membershipId)?.values() ?? [])].map((rm) => rm.role_id);
  }

  // ---- projects
  addProject(p: ProjectRow): ProjectRow {
    this.projects.set(p.id, p);
    let inner = this.orgProjects.get(p.organization_id);
    if (!inner) this.orgProjects.set(p.organization_id, (inner = new Map()));
    inner.set(p.id, p);
    if (p.id >= this.nextProjectId) this.nextProjectId = p.id + 1;
    return p;
  }

  createProject(orgId: string, name: string, now: Date): ProjectRow {
    return this.addProject({
      id: this.nextProjectId++,
      uuid: randomUUID(),
      organization_id: orgId,
      name,
      api_token: 'phc_emulator_' + randomBytes(16).toString('base64url'),
      timezone: 'UTC',
      created_at: now.toISOString(),
      updated_at: now.toISOString(),
    });
  }

  // ---- access controls
  static acIdentity(resource: string, resourceId: string | null, member: string | null, role: string | null): string {
    return `${resource}|${resourceId ?? ''}|${member ?? ''}|${role ?? ''}`;
  }

  findAccessControl(teamId: number, resource: string, resourceId: string | null, member: string | null, role: string | null): AccessControlRow | undefined {
    return this.teamAccessControls.get(teamId)?.get(EmulatorState.acIdentity(resource, resourceId, member, role));
  }

  putAccessControl(ac: AccessControlRow): AccessControlRow {
    const key = EmulatorState.acIdentity(ac.resource, ac.resource_id, ac.organization_member, ac.role);
    let inner = this.teamAccessControls.get(ac.team_id);
    if (!inner) this.teamAccessControls.set(ac.team_id, (inner = new Map()));
    const prev = inner.get(key);
    if (prev) this.accessControls.delete(prev.id);
    inner.set(key, ac);
    this.accessControls.set(ac.id, ac);
    return ac;
  }

  deleteAccessControl(ac: AccessControlRow): void {
    this.accessControls.delete(ac.id);
    this.teamAccessControls.get(ac.team_id)?.delete(EmulatorState.acIdentity(ac.resource, ac.resource_id, ac.organization_member, ac.role));
  }

  projectRules(teamId: number): AccessControlRow[] {
    const out: AccessControlRow[] = [];
    const id = String(teamId);
    for (const ac of this.teamAccessControls.get(teamId)?.values() ?? []) if (ac.resource === 'project' && ac.resource_id === id) out.push(ac);
    return out;
  }

  resourceRules(teamId: number): AccessControlRow[] {
    const out: AccessControlRow[] = [];
    for (const ac of this.teamAccessControls.get(teamId)?.values() ?? []) if (ac.resource_id === null) out.push(ac);
    return out;
  }

  hasFeature(orgId: string, key: string): boolean {
    return this.orgs.get(orgId)?.available_product_features.some((f) => f.key === key) ?? false;
  }

  /** Whether the organization resolves access "most specific wins" (else legacy "highest wins"). */
  mostSpecific(orgId: string): boolean {
    return this.orgs.get(orgId)?.uses_most_specific_access_resolution === true;
  }

  /**
   * A member's project level from the project's rules alone, and the rule tier that decided it
   * (null when no rule applies). Both of PostHog's walks: legacy ("highest wins"): the highest of
   * the member's own and their roles' rules, else the project default rule; most specific: the
   * member's own rule, else the highest of their roles' rules, else the default rule (a member
   * `none` beats a role grant only here). Roles count only with `role_based_access`; rules of
   * another organization's member or role are ignored.
   */
  projectRuleLevel(m: MembershipRow, project: ProjectRow, mostSpecific = this.mostSpecific(m.organization_id)): RuleAnswer<ProjectAccessLevel> | null {
    return this.ruleLevel(m, this.projectRules(project.id), PROJECT_ACCESS_LEVELS, mostSpecific);
  }

  /**
   * The same walk over any rows of one scope: a project's (or an object's) rows, or one kind's
   * resource-wide rows (`pooled`: legacy mode takes the highest of all of them, the default included).
   */
  ruleLevel<L extends string>(m: MembershipRow, rows: AccessControlRow[], order: readonly L[], mostSpecific: boolean, pooled = false): RuleAnswer<L> | null {
    const roles = this.hasFeature(m.organization_id, 'role_based_access') ? new Set(this.roleIdsOf(m.id)) : new Set<string>();
    let own: L | null = null;
    let role: L | null = null;
    let roleId: string | null = null;
    let fallback: L | null = null;
    const rank = (l: L | null): number => (l === null ? -1 : order.indexOf(l));
    for (const ac of rows) {
      const level = ac.access_level as L;
      if (!order.includes(level)) continue;
      if (!ac.organization_member && !ac.role) {
        if (rank(level) > rank(fallback)) fallback = level;
      } else if (ac.organization_member === m.id) {
        if (rank(level) > rank(own)) own = level;
      } else if (ac.role && roles.has(ac.role) && this.roles.get(ac.role)?.organization_id === m.organization_id && rank(level) > rank(role)) {
        role = level;
        roleId = ac.role;
      }
    }
    if (mostSpecific) {
      if (own !== null) return { level: own, source: 'member', roleId: null };
      if (role !== null) return { level: role, source: 'role', roleId };
    } else if (pooled && fallback !== null && rank(fallback) > rank(own) && rank(fallback) > rank(role)) {
      return { level: fallback, source: 'default', roleId: null };
    } else if (own !== null || role !== null) {
      if (rank(own) >= rank(role)) return { level: own!, source: 'member', roleId: null };
      return { level: role!, source: 'role', roleId };
    }
    return fallback === null ? null : { level: fallback, source: 'default', roleId: null };
  }

  /**
   * Effective project level (none|member|admin) of a membership: org admins `admin`; without
   * `access_control` everyone `admin`; else the rules by the organization's resolution mode,
   * and a project without any applicable rule is open (`admin`).
   */
  projectLevel(m: MembershipRow, project: ProjectRow): ProjectAccessLevel {
    if (m.level >= 8) return 'admin';
    if (!this.hasFeature(m.organization_id, 'access_control')) return 'admin';
    return this.projectRuleLevel(m, project)?.level ?? 'admin';
  }

  /**
   * Whether a member reaches a project through its rules (their own, a role's or the project's
   * default, or the open-project fallback) rather than as an org admin: PostHog's "project-scoped
   * access" (`has_project_scoped_access`), the question behind the restricted member roster.
   * Without `access_control` rules are ignored and every project is open.
   */
  projectScopedAccess(m: MembershipRow, project: ProjectRow, rows = this.projectRules(project.id)): boolean {
    if (!this.hasFeature(m.organization_id, 'access_control')) return true;
    return (this.ruleLevel(m, rows, PROJECT_ACCESS_LEVELS, this.mostSpecific(m.organization_id))?.level ?? 'admin') !== 'none';
  }

  /**
   * The membership ids a requester may see when the organization hides its member list
   * (`members_can_see_org_members` off), or null when every member is visible: org admins and
   * everyone while the setting is on see all; a member below admin sees themselves plus every
   * member with project-scoped access to a project they reach the same way (PostHog:
   * `restricted_visible_membership_ids`, products/access_control/backend/facade/subject_access_control.py).
   */
  visibleMembershipIds(orgId: string, requester: MembershipRow): Set<string> | null {
    const org = this.orgs.get(orgId);
    if (!org || org.members_can_see_org_members !== false || requester.level >= 8) return null;
    if (!this.hasFeature(orgId, 'access_control')) return null;
    const reachable: { project: ProjectRow; rows: AccessControlRow[] }[] = [];
    for (const project of this.orgProjects.get(orgId)?.values() ?? []) {
      const rows = this.projectRules(project.id);
      if (this.projectScopedAccess(requester, project, rows)) reachable.push({ project, rows });
    }
    const visible = new Set<string>([requester.id]);
    let everyone = true;
    for (const m of this.orgMembers.get(orgId)?.ordered ?? []) {
      if (m.id === requester.id) continue;
      if (reachable.some(({ project, rows }) => this.projectScopedAccess(m, project, rows))) visible.add(m.id);
      else everyone = false;
    }
    return everyone ? null : visible;
  }

  /**
   * A member's resource-wide level for one kind in a project (PostHog's `access_level_for_resource`):
   * org admins the kind's maximum; without `access_control` its default; else the kind's
   * resource-wide rules (a child kind's parent's) by the organization's mode, legacy pooling them
   * with the default rule; no rule = the kind's default.
   */
  resourceLevel(m: MembershipRow, teamId: number, kind: string): ResourceAccessLevel {
    const bounds = kindBounds(kind);
    if (m.level >= 8) return bounds.maximum;
    if (!this.hasFeature(m.organization_id, 'access_control')) return bounds.default;
    const effective = RESOURCE_PARENT[kind] ?? kind;
    const rows = this.resourceRules(teamId).filter((r) => r.resource === effective);
    return this.ruleLevel(m, rows, RESOURCE_ACCESS_LEVELS, this.mostSpecific(m.organization_id), true)?.level ?? bounds.default;
  }

  /** Whether a member's own or their roles' rules grant at least `level` on some single object of a kind. */
  hasObjectGrant(m: MembershipRow, teamId: number, kind: string, level: ResourceAccessLevel): boolean {
    const roles = this.hasFeature(m.organization_id, 'role_based_access') ? new Set(this.roleIdsOf(m.id)) : new Set<string>();
    const min = RESOURCE_ACCESS_LEVELS.indexOf(level);
    for (const r of this.teamAccessControls.get(teamId)?.values() ?? []) {
      if (r.resource !== kind || r.resource_id === null) continue;
      if (r.organization_member !== m.id && !(r.role && roles.has(r.role))) continue;
      if (RESOURCE_ACCESS_LEVELS.indexOf(r.access_level as ResourceAccessLevel) >= min) return true;
    }
    return false;
  }

  /**
   * The object a rule on a single object points at, as PostHog names it for rule lists and the
   * resolution preview: a dashboard by its name, an insight by its name (with its short id).
   * `exists` is false for a dashboard, insight or feature flag the project does not have (a rule
   * left on a deleted object); objects of kinds the emulator keeps no rows for are taken to exist.
   */
  ruledObject(teamId: number, resource: string, id: string): { exists: boolean; name: string | null; short_id: string | null } {
    const n = Number(id);
    const mine = <T extends { team_id: number }>(row: T | undefined): T | undefined => (row && row.team_id === teamId ? row : undefined);
    if (resource === 'dashboard') {
      const d = mine(this.dashboards.get(n));
      return { exists: Boolean(d), name: d?.name || null, short_id: null };
    }
    if (resource === 'insight') {
      const i = mine(this.insights.get(n));
      return { exists: Boolean(i), name: i?.name || null, short_id: i?.short_id ?? null };
    }
    if (resource === 'feature_flag') return { exists: Boolean(mine(this.featureFlags.get(n))), name: null, short_id: null };
    return { exists: true, name: null, short_id: null };
  }

  // ---- keys
  addKey(k: PersonalApiKeyRow): PersonalApiKeyRow {
    this.keys.set(k.id, k);
    this.keysByHash.set(k.secure_value, k);
    return k;
  }

  mintKey(userUuid: string, scopes: string[], now: Date, opts: {
    label?: string; scoped_teams?: number[] | null; scoped_organizations?: string[] | null;
    created_at?: string; last_used_at?: string | null; last_rolled_at?: string | null;
  } = {}): { row: PersonalApiKeyRow; value: string } {
    const value = newKeyValue();
    const row = this.addKey({
      id: randomBytes(12).toString('base64url'),
      user_uuid: userUuid,
      label: opts.label ?? 'emulator key',
      secure_value: hashKey(value),
      value,
      mask_value: maskKey(value),
      scopes: scopes.length ? scopes : ['*'],
      scoped_teams: opts.scoped_teams ?? null,
      scoped_organizations: opts.scoped_organizations ?? null,
      created_at: opts.created_at ?? now.toISOString(),
      last_used_at: opts.last_used_at ?? null,
      last_rolled_at: opts.last_rolled_at ?? null,
    });
    return { row, value };
  }

  keyByValue(value: string): PersonalApiKeyRow | undefined {
    return this.keysByHash.get(hashKey(value));
  }

  // ---- project secret API keys (phs_…); only the hash of a value is kept
  addSecretKey(k: ProjectSecretKeyRow): ProjectSecretKeyRow {
    this.secretKeys.set(k.id, k);
    this.secretKeysByHash.set(k.secure_value, k);
    return k;
  }

  removeSecretKey(k: ProjectSecretKeyRow): void {
    this.secretKeys.delete(k.id);
    this.secretKeysByHash.delete(k.secure_value);
  }

  /** Gives the key a new value (returned; never stored in plain) and forgets the old one. */
  rehashSecretKey(k: ProjectSecretKeyRow): string {
    const value = newSecretKeyValue();
    this.secretKeysByHash.delete(k.secure_value);
    k.secure_value = hashKey(value);
    k.mask_value = maskKey(value);
    this.secretKeysByHash.set(k.secure_value, k);
    return value;
  }

  mintSecretKey(teamId: number, label: string, scopes: string[], createdBy: string | null, now: Date): { row: ProjectSecretKeyRow; value: string } {
    const value = newSecretKeyValue();
    const row = this.addSecretKey({
      id: randomBytes(12).toString('base64url'),
      team_id: teamId,
      label,
      secure_value: hashKey(value),
      mask_value: maskKey(value),
      scopes: [...scopes],
      created_by_uuid: createdBy,
      created_at: now.toISOString(),
      last_used_at: null,
      last_rolled_at: null,
    });
    return { row, value };
  }

  secretKeyByValue(value: string): ProjectSecretKeyRow | undefined {
    return this.secretKeysByHash.get(hashKey(value));
  }

  /** A project's secret keys, newest first (PostHog orders by -created_at). */
  projectSecretKeys(teamId: number): ProjectSecretKeyRow[] {
    const out: ProjectSecretKeyRow[] = [];
    for (const k of this.secretKeys.values()) if (k.team_id === teamId) out.push(k);
    return out.sort((a, b) => (a.created_at < b.created_at ? 1 : a.created_at > b.created_at ? -1 : 0));
  }

  // ---- activity log
  addLog(l: ActivityLogRow): void {
    let list = this.orgLogs.get(l.organization_id);
    if (!list) this.orgLogs.set(l.organization_id, (list = []));
    list.push(l);
    if (l.team_id !== null) {
      let tl = this.teamLogs.get(l.team_id);
      if (!tl) this.teamLogs.set(l.team_id, (tl = []));
      tl.push(l);
    }
  }

  log(entry: {
    orgId: string; teamId?: number | null; user: UserRow | null; activity: string; scope: string; itemId: string | null;
    name: string | null; changes?: Change[] | null; context?: Record<string, unknown> | null; now: Date;
  }): void {
    this.addLog({
      id: randomUUID(),
      organization_id: entry.orgId,
      team_id: entry.teamId ?? null,
      user_uuid: entry.user?.uuid ?? null,
      activity: entry.activity,
      scope: entry.scope,
      item_id: entry.itemId,
      detail: { name: entry.name, short_id: null, type: null, changes: entry.changes ?? null, trigger: null, context: entry.context ?? null },
      created_at: entry.now.toISOString(),
      is_system: false,
    });
  }

  /** The context PostHog's activity log gives a membership entry (OrganizationMembershipContext). */
  membershipContext(m: MembershipRow): Record<string, unknown> {
    const u = this.users.get(m.user_uuid);
    const org = this.orgs.get(m.organization_id);
    return {
      organization_id: m.organization_id,
      organization_name: org?.name ?? null,
      user_id: u ? String(u.id) : null,
      user_email: u?.email ?? null,
      user_name: u ? `${u.first_name} ${u.last_name}`.trim() : null,
      level: orgLevelLabel(m.level),
    };
  }

  /** A membership entry's name as PostHog writes it: "Ann Lee (ann@x.com) joined Acme", "… left …", "… membership updated in …". */
  membershipEntryName(m: MembershipRow, activity: 'created' | 'updated' | 'deleted'): string {
    const u = this.users.get(m.user_uuid);
    const who = `${u ? `${u.first_name} ${u.last_name}`.trim() : ''} (${u?.email ?? ''})`;
    const org = this.orgs.get(m.organization_id)?.name ?? '';
    if (activity === 'created') return `${who} joined ${org}`;
    if (activity === 'deleted') return `${who} left ${org}`;
    return `${who} membership updated in ${org}`;
  }

  /** The context PostHog's activity log gives an invite entry (OrganizationInviteContext). */
  inviteContext(i: InviteRow): Record<string, unknown> {
    const inviter = i.created_by_uuid ? this.users.get(i.created_by_uuid) : undefined;
    return {
      organization_id: i.organization_id,
      organization_name: this.orgs.get(i.organization_id)?.name ?? null,
      target_email: i.target_email,
      inviter_user_id: inviter ? String(inviter.id) : null,
      inviter_user_email: inviter?.email ?? null,
      inviter_user_name: inviter ? `${inviter.first_name} ${inviter.last_name}`.trim() : null,
      level: orgLevelLabel(i.level),
    };
  }

  /** An invite entry's name as PostHog writes it ("User Ann Lee (ann@x.com) invited user bo@x.com into organization Acme", "Invite for … was cancelled"). */
  inviteEntryName(i: InviteRow, activity: 'created' | 'updated' | 'deleted'): string {
    const org = this.orgs.get(i.organization_id)?.name ?? '';
    const inviter = i.created_by_uuid ? this.users.get(i.created_by_uuid) : undefined;
    if (activity === 'created') {
      return inviter
        ? `User ${`${inviter.first_name} ${inviter.last_name}`.trim()} (${inviter.email}) invited user ${i.target_email} into organization ${org}`
        : `User ${i.target_email} was invited to organization ${org}`;
    }
    if (activity === 'deleted') return `Invite for ${i.target_email} to organization ${org} was cancelled`;
    return `Invite for ${i.target_email} to organization ${org} was updated`;
  }
}
