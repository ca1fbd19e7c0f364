// Effective access as PostHog computes it for the access-control settings page: per member and
// per role, the stored rule, the enforced level and where it comes from, for the project and each
// resource kind; and the project's defaults with each kind's bounds (PostHog:
// products/access_control/backend/presentation/access_control_settings.py).
import { notFound } from '../errors.ts';
import { kindBounds, ORG_LEVEL, PROJECT_ACCESS_LEVELS, RESOURCE_ACCESS_LEVELS, RESOURCE_KINDS } from '../tables.ts';
import { ok, PROJECT, route } from './common.ts';
import type { Ctx, Result, RouteSpec } from './common.ts';
import type { RuleAnswer } from '../state.ts';
import type { AccessControlRow, MembershipRow } from '../snapshot.ts';

interface Provenance { access_level: string; source: string; source_subject: string | null; source_resource: string | null; source_resource_id: string | null }
interface Entry { access_level: string | null; effective_access_level: string | null; inherited_access: Provenance | null; minimum: string; maximum: string }

function provenance(answer: RuleAnswer<string> | null, scope: 'object' | 'resource', resource: string, resourceId: string | null, fallback: string): Provenance {
  if (!answer) return { access_level: fallback, source: 'system_default', source_subject: null, source_resource: null, source_resource_id: null };
  return { access_level: answer.level, source: scope, source_subject: answer.source, source_resource: resource, source_resource_id: resourceId };
}

function canEdit(ctx: Ctx): boolean {
  const m = ctx.membership!;
  if (m.level >= ORG_LEVEL.admin) return true;
  return ctx.state.hasFeature(ctx.project!.organization_id, 'access_control') && ctx.state.projectRuleLevel(m, ctx.project!)?.level === 'admin';
}

/** One scope's entry for a member: own rule, the enforced level, and what applies without the own rule. */
function memberEntry(ctx: Ctx, m: MembershipRow, rows: AccessControlRow[], scope: 'object' | 'resource', resource: string, resourceId: string | null): Entry {
  const s = ctx.state;
  const project = resource === 'project';
  const order = project ? PROJECT_ACCESS_LEVELS : RESOURCE_ACCESS_LEVELS;
  const bounds = project ? { default: 'admin', minimum: 'none', maximum: 'admin' } : kindBounds(resource);
  const own = rows.find((r) => r.organization_member === m.id)?.access_level ?? null;
  const mostSpecific = s.mostSpecific(m.organization_id);
  const without = s.ruleLevel(m, rows.filter((r) => r.organization_member !== m.id), order, mostSpecific, scope === 'resource');
  const inherited = provenance(without, scope, resource, resourceId, bounds.default);
  let effective: string;
  if (m.level >= ORG_LEVEL.admin) effective = bounds.maximum;
  else if (!s.hasFeature(m.organization_id, 'access_control')) effective = bounds.default;
  else effective = s.ruleLevel(m, rows, order, mostSpecific, scope === 'resource')?.level ?? bounds.default;
  const inheritedAccess = m.level >= ORG_LEVEL.admin
    ? { access_level: bounds.maximum, source: 'org_admin', source_subject: null, source_resource: null, source_resource_id: null }
    : inherited;
  return { access_level: own, effective_access_level: effective, inherited_access: inheritedAccess, minimum: bounds.minimum, maximum: bounds.maximum };
}

function levels(): Record<string, unknown> {
  return { available_project_levels: [...PROJECT_ACCESS_LEVELS], available_resource_levels: [...RESOURCE_ACCESS_LEVELS] };
}

function accessControlMembers(ctx: Ctx): Result {
  const s = ctx.state;
  const p = ctx.project!;
  const projectRows = s.projectRules(p.id);
  const resourceRows = s.resourceRules(p.id);
  const wanted = ctx.query.get('member_id');
  let members = s.listedMembers(p.organization_id);
  if (wanted !== null) {
    members = members.filter((m) => m.id === wanted);
    if (!members.length) throw notFound();
  }
  const results = members.map((m) => {
    const u = s.users.get(m.user_uuid)!;
    return {
      organization_membership_id: m.id,
      user: { uuid: u.uuid, first_name: u.first_name, last_name: u.last_name, email: u.email },
      organization_level: m.level,
      role_ids: s.roleIdsOf(m.id),
      project: memberEntry(ctx, m, projectRows, 'object', 'project', String(p.id)),
      resources: Object.fromEntries(RESOURCE_KINDS.map((kind) => [kind, memberEntry(ctx, m, resourceRows.filter((r) => r.resource === kind), 'resource', kind, null)])),
    };
  });
  return ok({ ...levels(), can_edit: canEdit(ctx), results });
}

function roleEntry(rows: AccessControlRow[], roleId: string, resource: string): Entry {
  const project = resource === 'project';
  const bounds = project ? { default: 'admin', minimum: 'none', maximum: 'admin' } : kindBounds(resource);
  const own = rows.find((r) => r.role === roleId)?.access_level ?? null;
  const fallback = rows.find((r) => !r.role && !r.organization_member)?.access_level ?? null;
  const inherited: Provenance = fallback !== null
    ? { access_level: fallback, source: project ? 'object' : 'resource', source_subject: 'default', source_resource: resource, source_resource_id: null }
    : { access_level: bounds.default, source: 'system_default', source_subject: null, source_resource: null, source_resource_id: null };
  return { access_level: own, effective_access_level: own ?? inherited.access_level, inherited_access: inherited, minimum: bounds.minimum, maximum: bounds.maximum };
}

function accessControlRoles(ctx: Ctx): Result {
  const s = ctx.state;
  const p = ctx.project!;
  const projectRows = s.projectRules(p.id);
  const resourceRows = s.resourceRules(p.id);
  let roles = [...(s.orgRoles.get(p.organization_id)?.values() ?? [])];
  const wanted = ctx.query.get('role_id');
  if (wanted !== null) {
    roles = roles.filter((r) => r.id === wanted);
    if (!roles.length) throw notFound();
  }
  const results = roles.map((r) => ({
    role_id: r.id,
    role_name: r.name,
    project: roleEntry(projectRows, r.id, 'project'),
    resources: Object.fromEntries(RESOURCE_KINDS.map((kind) => [kind, roleEntry(resourceRows.filter((x) => x.resource === kind), r.id, kind)])),
  }));
  return ok({ ...levels(), can_edit: canEdit(ctx), results });
}

function accessControlDefaults(ctx: Ctx): Result {
  const s = ctx.state;
  const p = ctx.project!;
  const projectDefault = s.projectRules(p.id).find((r) => !r.organization_member && !r.role)?.access_level ?? 'admin';
  const resourceRows = s.resourceRules(p.id).filter((r) => !r.organization_member && !r.role);
  return ok({
    ...levels(),
    can_edit: canEdit(ctx),
    project_access_level: projectDefault,
    resource_access_levels: Object.fromEntries(RESOURCE_KINDS.map((kind) => {
      const b = kindBounds(kind);
      return [kind, { access_level: resourceRows.find((r) => r.resource === kind)?.access_level ?? null, minimum: b.minimum, maximum: b.maximum }];
    })),
    // single-object rules are not emulated
    object_rule_resources: [],
  });
}

export const EFFECTIVE_ACCESS_ROUTES: RouteSpec[] = [
  // unpublished (project actions PostHog keeps out of its schema)
  route('GET', `${PROJECT}/access_control_members/`, 'project_access_control_members_retrieve', 'access_control', 'project', accessControlMembers),
  route('GET', `${PROJECT}/access_control_roles/`, 'project_access_control_roles_retrieve', 'access_control', 'project', accessControlRoles),
  route('GET', `${PROJECT}/access_control_defaults/`, 'project_access_control_defaults_retrieve', 'access_control', 'project', accessControlDefaults),
];
