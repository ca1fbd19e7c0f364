// Access control rules of a project: project access and resource-wide rules.
import { randomUUID } from 'node:crypto';
import { forbidden, invalid } from '../errors.ts';
import { kindBounds, PROJECT_ACCESS_LEVELS, RESOURCE_ACCESS_LEVELS, SCOPE_OBJECTS } from '../tables.ts';
import { accessControlJson } from '../serialize.ts';
import { log, noContent, obj, ok, PROJECT, route, strField, UUID_RE } from './common.ts';
import type { Ctx, Result, RouteSpec } from './common.ts';
import type { AccessControlRow } from '../snapshot.ts';

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
  // the rules' answer in the organization's resolution mode; the open-project fallback never counts
  return s.projectRuleLevel(m, p)?.level === 'admin';
}

function accessControlsGet(ctx: Ctx): Result {
  const s = ctx.state;
  const p = ctx.project!;
  return ok({
    access_controls: s.projectRules(p.id).map((ac) => accessControlJson(s, ac)),
    available_access_levels: [...PROJECT_ACCESS_LEVELS],
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
    available_access_levels: [...RESOURCE_ACCESS_LEVELS],
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
  const levels: readonly string[] = resource === 'project' || resource === 'organization' ? PROJECT_ACCESS_LEVELS : RESOURCE_ACCESS_LEVELS;
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
    if (!(SCOPE_OBJECTS as readonly string[]).includes(r)) {
      throw invalid(`Invalid resource. Must be one of: (${SCOPE_OBJECTS.map((o) => `'${o}'`).join(', ')})`, 'resource');
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

export const ACCESS_CONTROL_ROUTES: RouteSpec[] = [
  // unpublished (PostHog excludes these from its schema)
  route('GET', `${PROJECT}/access_controls/`, 'project_access_controls_retrieve', 'access_control', 'project', accessControlsGet),
  route('PUT', `${PROJECT}/access_controls/`, 'project_access_controls_update', 'access_control', 'project', (ctx) => putAccessControl(ctx, 'project')),
  route('GET', `${PROJECT}/resource_access_controls/`, 'project_resource_access_controls_retrieve', 'access_control', 'project', resourceAccessControlsGet),
  route('PUT', `${PROJECT}/resource_access_controls/`, 'project_resource_access_controls_update', 'access_control', 'project', (ctx) => putAccessControl(ctx, 'resource')),
  // deprecated alias
  route('GET', `${PROJECT}/global_access_controls/`, 'project_resource_access_controls_retrieve', 'access_control', 'project', resourceAccessControlsGet),
  route('PUT', `${PROJECT}/global_access_controls/`, 'project_resource_access_controls_update', 'access_control', 'project', (ctx) => putAccessControl(ctx, 'resource')),
];
