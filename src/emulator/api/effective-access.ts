// Effective access as PostHog computes it for the access-control settings page: per member and
// per role, the stored rule, the enforced level and where it comes from, for the project and each
// resource kind; the project's defaults with each kind's bounds; and each subject's own object and
// property rules (PostHog: products/access_control/backend/presentation/access_control_settings.py).
// Also the organization members page's project-access column, `members/project_access`
// (PostHog: presentation/access_control_organization_members.py, facade/member_project_access.py).
import { invalid, notFound } from '../errors.ts';
import { kindBounds, ORG_LEVEL, PROJECT_ACCESS_LEVELS, RESOURCE_ACCESS_LEVELS, RESOURCE_KINDS } from '../tables.ts';
import { ok, ORG, PROJECT, route, UUID_RE } from './common.ts';
import type { Ctx, Result, RouteSpec } from './common.ts';
import type { RuleAnswer } from '../state.ts';
import type { AccessControlRow, MembershipRow, ProjectRow, RoleRow } from '../snapshot.ts';

interface Provenance { access_level: string; source: string; source_subject: string | null; source_resource: string | null; source_resource_id: string | null }
interface Entry { access_level: string | null; effective_access_level: string | null; inherited_access: Provenance | null; minimum: string; maximum: string }

const PROJECT_BOUNDS = { default: 'admin', minimum: 'none', maximum: 'admin' } as const;

/** PostHog's ResolvedAccess: the level and the rule it comes from (`system_default`: no rule). */
function provenance(answer: RuleAnswer<string> | null, scope: 'object' | 'resource', resource: string, resourceId: string | null, fallback: string): Provenance {
  if (!answer) return systemDefault(resource, fallback);
  return { access_level: answer.level, source: scope, source_subject: answer.source, source_resource: resource, source_resource_id: resourceId };
}

function systemDefault(resource: string, level: string): Provenance {
  return { access_level: level, source: 'system_default', source_subject: null, source_resource: resource, source_resource_id: null };
}

function orgAdmin(resource: string, level: string): Provenance {
  return { access_level: level, source: 'org_admin', source_subject: null, source_resource: resource, source_resource_id: null };
}

/** Whether the caller may edit the project's rules (org admin, or `admin` on it through a rule). */
function canEdit(ctx: Ctx, p: ProjectRow = ctx.project!): boolean {
  const m = ctx.membership!;
  if (m.level >= ORG_LEVEL.admin) return true;
  return ctx.state.hasFeature(p.organization_id, 'access_control') && ctx.state.projectRuleLevel(m, p)?.level === 'admin';
}

/** One scope's entry for a member: own rule, the enforced level, and what applies without the own rule. */
function memberEntry(ctx: Ctx, m: MembershipRow, rows: AccessControlRow[], scope: 'object' | 'resource', resource: string, resourceId: string | null): Entry {
  const s = ctx.state;
  const project = resource === 'project';
  const order = project ? PROJECT_ACCESS_LEVELS : RESOURCE_ACCESS_LEVELS;
  const bounds = project ? PROJECT_BOUNDS : kindBounds(resource);
  const own = rows.find((r) => r.organization_member === m.id)?.access_level ?? null;
  const entry = { access_level: own, minimum: bounds.minimum, maximum: bounds.maximum };
  if (m.level >= ORG_LEVEL.admin) return { ...entry, effective_access_level: bounds.maximum, inherited_access: orgAdmin(resource, bounds.maximum) };
  // without the licence rules are ignored: everyone has the built-in default
  if (!s.hasFeature(m.organization_id, 'access_control')) return { ...entry, effective_access_level: bounds.default, inherited_access: systemDefault(resource, bounds.default) };
  const mostSpecific = s.mostSpecific(m.organization_id);
  const without = s.ruleLevel(m, rows.filter((r) => r.organization_member !== m.id), order, mostSpecific, scope === 'resource');
  const effective = s.ruleLevel(m, rows, order, mostSpecific, scope === 'resource')?.level ?? bounds.default;
  return { ...entry, effective_access_level: effective, inherited_access: provenance(without, scope, resource, resourceId, bounds.default) };
}

function levels(): Record<string, unknown> {
  return { available_project_levels: [...PROJECT_ACCESS_LEVELS], available_resource_levels: [...RESOURCE_ACCESS_LEVELS] };
}

/**
 * `?member_id=`: a membership of the project's organization. When the organization hides its
 * member list, only callers who may edit the project's rules may name one (else 404, as PostHog's
 * `_visible_membership`); a malformed or unknown id is 404 too.
 */
function visibleMembership(ctx: Ctx, id: string): MembershipRow {
  const org = ctx.state.orgs.get(ctx.project!.organization_id)!;
  if (org.members_can_see_org_members === false && !canEdit(ctx)) throw notFound();
  const m = ctx.state.memberships.get(id);
  if (!m || m.organization_id !== org.id) throw notFound();
  return m;
}

/** `?role_id=`: a role of the project's organization, else 404. */
function projectRole(ctx: Ctx, id: string): RoleRow {
  const r = ctx.state.roles.get(id);
  if (!r || r.organization_id !== ctx.project!.organization_id) throw notFound();
  return r;
}

function requiredParam(ctx: Ctx, name: 'member_id' | 'role_id'): string {
  const v = ctx.query.get(name);
  if (!v) throw invalid(`${name} is required`);
  return v;
}

function accessControlMembers(ctx: Ctx): Result {
  const s = ctx.state;
  const p = ctx.project!;
  const org = s.orgs.get(p.organization_id)!;
  const projectRows = s.projectRules(p.id);
  const resourceRows = s.resourceRules(p.id);
  const wanted = ctx.query.get('member_id');
  let members = s.listedMembers(p.organization_id);
  if (wanted) {
    const m = visibleMembership(ctx, wanted);
    members = members.filter((x) => x.id === m.id);
  }
  // an organization hiding its member list shows members below admin only the people with
  // project-scoped access to this project (an org admin's bypass does not count)
  const hideOthers = org.members_can_see_org_members === false && ctx.membership!.level < ORG_LEVEL.admin;
  const results = [];
  for (const m of members) {
    if (hideOthers && !s.projectScopedAccess(m, p, projectRows)) continue;
    const u = s.users.get(m.user_uuid)!;
    results.push({
      organization_membership_id: m.id,
      user: { uuid: u.uuid, first_name: u.first_name, last_name: u.last_name, email: u.email },
      organization_level: m.level,
      role_ids: s.roleIdsOf(m.id),
      project: memberEntry(ctx, m, projectRows, 'object', 'project', String(p.id)),
      resources: Object.fromEntries(RESOURCE_KINDS.map((kind) => [kind, memberEntry(ctx, m, resourceRows.filter((r) => r.resource === kind), 'resource', kind, null)])),
    });
  }
  return ok({ ...levels(), can_edit: canEdit(ctx), results });
}

/**
 * One scope's entry for a role: its own rule, and otherwise the default rule. A role's rules count
 * only with `role_based_access` (without it the role's own rows are invisible, as for its members).
 */
function roleEntry(ctx: Ctx, rows: AccessControlRow[], roleId: string, resource: string, resourceId: string | null): Entry {
  const s = ctx.state;
  const orgId = ctx.project!.organization_id;
  const project = resource === 'project';
  const order: readonly string[] = project ? PROJECT_ACCESS_LEVELS : RESOURCE_ACCESS_LEVELS;
  const bounds = project ? PROJECT_BOUNDS : kindBounds(resource);
  const scope = project ? 'object' : 'resource';
  const withRoles = s.hasFeature(orgId, 'role_based_access');
  const own = withRoles ? rows.find((r) => r.role === roleId)?.access_level ?? null : null;
  const entry = { access_level: own, minimum: bounds.minimum, maximum: bounds.maximum };
  if (!s.hasFeature(orgId, 'access_control')) return { ...entry, effective_access_level: bounds.default, inherited_access: systemDefault(resource, bounds.default) };
  const fallback = rows.find((r) => !r.role && !r.organization_member)?.access_level ?? null;
  const inherited = fallback !== null ? provenance({ level: fallback, source: 'default', roleId: null }, scope, resource, resourceId, bounds.default) : systemDefault(resource, bounds.default);
  let effective = own ?? inherited.access_level;
  // legacy ("highest wins") pools resource-wide rules, the default included
  if (own !== null && fallback !== null && !project && !s.mostSpecific(orgId) && order.indexOf(fallback) > order.indexOf(own)) effective = fallback;
  return { ...entry, effective_access_level: effective, inherited_access: inherited };
}

function accessControlRoles(ctx: Ctx): Result {
  const s = ctx.state;
  const p = ctx.project!;
  const projectRows = s.projectRules(p.id);
  const resourceRows = s.resourceRules(p.id);
  let roles = [...(s.orgRoles.get(p.organization_id)?.values() ?? [])];
  const wanted = ctx.query.get('role_id');
  if (wanted) {
    const role = projectRole(ctx, wanted);
    roles = roles.filter((r) => r.id === role.id);
  }
  const results = roles.map((r) => ({
    role_id: r.id,
    role_name: r.name,
    project: roleEntry(ctx, projectRows, r.id, 'project', String(p.id)),
    resources: Object.fromEntries(RESOURCE_KINDS.map((kind) => [kind, roleEntry(ctx, resourceRows.filter((x) => x.resource === kind), r.id, kind, null)])),
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
    // the emulator has no objects to search or name, so it offers none for single-object rules
    object_rule_resources: [],
  });
}

/**
 * One subject's own rules on single objects (the project's own row left out), without resolution.
 * Dashboards and insights are named as PostHog names them; any other object (or one that is gone)
 * by its id, PostHog's fallback for an object it cannot name.
 */
function objectRules(ctx: Ctx, subject: (r: AccessControlRow) => boolean): Result {
  const rows: AccessControlRow[] = [];
  for (const r of ctx.state.teamAccessControls.get(ctx.project!.id)?.values() ?? []) {
    if (r.resource_id !== null && r.resource !== 'project' && subject(r)) rows.push(r);
  }
  const results = rows.map((r) => {
    const o = ctx.state.ruledObject(ctx.project!.id, r.resource, r.resource_id!);
    return { resource: r.resource, resource_id: r.resource_id, name: o.name ?? r.resource_id, short_id: o.short_id, access_level: r.access_level };
  });
  results.sort((a, b) => a.resource.localeCompare(b.resource) || a.name!.toLowerCase().localeCompare(b.name!.toLowerCase()));
  return ok({ results });
}

const defaultObjects = (ctx: Ctx): Result => objectRules(ctx, (r) => !r.organization_member && !r.role);

function memberObjects(ctx: Ctx): Result {
  const m = visibleMembership(ctx, requiredParam(ctx, 'member_id'));
  return objectRules(ctx, (r) => r.organization_member === m.id);
}

function roleObjects(ctx: Ctx): Result {
  const role = projectRole(ctx, requiredParam(ctx, 'role_id'));
  return objectRules(ctx, (r) => r.role === role.id);
}

// Property rules need PostHog's property definitions, which the emulator does not keep: every
// subject's list is empty, after the same checks of the subject as PostHog's.
const defaultProperties = (): Result => ok({ results: [] });

function memberProperties(ctx: Ctx): Result {
  visibleMembership(ctx, requiredParam(ctx, 'member_id'));
  return ok({ results: [] });
}

function roleProperties(ctx: Ctx): Result {
  projectRole(ctx, requiredParam(ctx, 'role_id'));
  return ok({ results: [] });
}

/**
 * `members/project_access`: every member the caller may see (the restricted roster when the
 * organization hides its member list) × every project the caller can reach, with the enforced
 * project level and the rule it comes from. Members by first name then address; projects by name.
 */
function membersProjectAccess(ctx: Ctx): Result {
  const s = ctx.state;
  const org = ctx.org!;
  const me = ctx.membership!;
  const raw = ctx.query.get('member_id');
  if (raw && !UUID_RE.test(raw)) throw invalid('Must be a UUID.', 'member_id');
  const visible = s.visibleMembershipIds(org.id, me);
  const members = s.listedMembers(org.id)
    .filter((m) => (!raw || m.id.toLowerCase() === raw.toLowerCase()) && (visible === null || visible.has(m.id)))
    .map((m) => ({ m, u: s.users.get(m.user_uuid)! }))
    .sort((a, b) => a.u.first_name.localeCompare(b.u.first_name) || a.u.email.localeCompare(b.u.email));
  if (raw && !members.length) throw notFound();
  const projects = [...(s.orgProjects.get(org.id)?.values() ?? [])]
    .filter((p) => s.projectLevel(me, p) !== 'none')
    .sort((a, b) => a.name.localeCompare(b.name) || a.id - b.id);
  const licensed = s.hasFeature(org.id, 'access_control');
  const results = members.map(({ m }) => ({
    organization_membership_id: m.id,
    projects: projects.map((p) => {
      let resolved: Provenance & { subject_name: string | null };
      let subjectId: string | null = null;
      if (m.level >= ORG_LEVEL.admin) resolved = { ...orgAdmin('project', 'admin'), subject_name: null };
      else if (!licensed) resolved = { ...systemDefault('project', 'admin'), subject_name: null };
      else {
        const answer = s.projectRuleLevel(m, p);
        resolved = { ...provenance(answer, 'object', 'project', String(p.id), 'admin'), subject_name: null };
        // the member or role whose rule decided, named (the default and bypasses name no one)
        if (answer?.source === 'member') {
          const u = s.users.get(m.user_uuid)!;
          subjectId = m.id;
          resolved.subject_name = `${u.first_name} ${u.last_name}`.trim();
        } else if (answer?.source === 'role') {
          subjectId = answer.roleId;
          resolved.subject_name = s.roles.get(answer.roleId!)?.name ?? null;
        }
      }
      return { team_id: p.id, team_name: p.name, access_level: resolved.access_level, resolved, subject_id: subjectId };
    }),
  }));
  return ok({ results });
}

export const EFFECTIVE_ACCESS_ROUTES: RouteSpec[] = [
  // unpublished (project actions PostHog keeps out of its schema)
  route('GET', `${PROJECT}/access_control_members/`, 'project_access_control_members_retrieve', 'access_control', 'project', accessControlMembers),
  route('GET', `${PROJECT}/access_control_roles/`, 'project_access_control_roles_retrieve', 'access_control', 'project', accessControlRoles),
  route('GET', `${PROJECT}/access_control_defaults/`, 'project_access_control_defaults_retrieve', 'access_control', 'project', accessControlDefaults),
  route('GET', `${PROJECT}/access_control_default_objects/`, 'project_access_control_default_objects_retrieve', 'access_control', 'project', defaultObjects),
  route('GET', `${PROJECT}/access_control_member_objects/`, 'project_access_control_member_objects_retrieve', 'access_control', 'project', memberObjects),
  route('GET', `${PROJECT}/access_control_role_objects/`, 'project_access_control_role_objects_retrieve', 'access_control', 'project', roleObjects),
  route('GET', `${PROJECT}/access_control_default_properties/`, 'project_access_control_default_properties_retrieve', 'access_control', 'project', defaultProperties),
  route('GET', `${PROJECT}/access_control_member_properties/`, 'project_access_control_member_properties_retrieve', 'access_control', 'project', memberProperties),
  route('GET', `${PROJECT}/access_control_role_properties/`, 'project_access_control_role_properties_retrieve', 'access_control', 'project', roleProperties),
  route('GET', `${ORG}/members/project_access/`, 'members_project_access_retrieve', 'organization_member', 'org', membersProjectAccess),
];
