// Roles and role memberships.
import { randomUUID } from 'node:crypto';
import { invalid, notFound } from '../errors.ts';
import { roleJson, roleMembershipJson } from '../serialize.ts';
import { log, noContent, obj, ok, ORG, paginate, requireAdmin, route, strField, UUID_RE } from './common.ts';
import type { Ctx, Result, RouteSpec } from './common.ts';
import type { RoleRow } from '../snapshot.ts';

function orgRole(ctx: Ctx, id: string | undefined): RoleRow | undefined {
  const r = id ? ctx.state.roles.get(id) : undefined;
  return r && r.organization_id === ctx.org!.id ? r : undefined;
}

/** The members the requester may see when the organization hides its member list (null: all). */
const roster = (ctx: Ctx): Set<string> | null => ctx.state.visibleMembershipIds(ctx.org!.id, ctx.membership!);

function rolesList(ctx: Ctx): Result {
  const list = [...(ctx.state.orgRoles.get(ctx.org!.id)?.values() ?? [])];
  const visible = roster(ctx);
  return ok(paginate(ctx, list.length, (i) => roleJson(ctx.state, list[i]!, visible)));
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
  return ok(roleJson(ctx.state, role, roster(ctx)));
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
  const visible = roster(ctx);
  const list = role ? [...(ctx.state.roleMembers.get(role.id)?.values() ?? [])].filter((rm) => visible === null || visible.has(rm.membership_id)) : [];
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

export const ROLE_ROUTES: RouteSpec[] = [
  route('GET', `${ORG}/roles/`, 'roles_list', 'organization', 'org', rolesList),
  route('POST', `${ORG}/roles/`, 'roles_create', 'organization', 'org', rolesCreate),
  route('GET', `${ORG}/roles/{id}/`, 'roles_retrieve', 'organization', 'org', rolesRetrieve),
  route('PUT', `${ORG}/roles/{id}/`, 'roles_update', 'organization', 'org', rolesUpdate),
  route('PATCH', `${ORG}/roles/{id}/`, 'roles_partial_update', 'organization', 'org', rolesUpdate),
  route('DELETE', `${ORG}/roles/{id}/`, 'roles_destroy', 'organization', 'org', rolesDestroy),
  route('GET', `${ORG}/roles/{role_id}/role_memberships/`, 'roles_role_memberships_list', 'organization', 'org', roleMembershipsList),
  route('POST', `${ORG}/roles/{role_id}/role_memberships/`, 'roles_role_memberships_create', 'organization', 'org', roleMembershipsCreate),
  // unpublished in the Nov-2025 schema (present in PostHog's current schema)
  route('GET', `${ORG}/roles/{role_id}/role_memberships/{id}/`, 'roles_role_memberships_retrieve', 'organization', 'org', roleMembershipsRetrieve),
  route('DELETE', `${ORG}/roles/{role_id}/role_memberships/{id}/`, 'roles_role_memberships_destroy', 'organization', 'org', roleMembershipsDestroy),
];
