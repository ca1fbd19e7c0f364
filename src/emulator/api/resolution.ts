// The two access resolution modes: the preview of what switching to "most specific wins" changes,
// and accepting it (PostHog: products/access_control/backend/presentation/access_control_settings.py,
// facade/resolution_preview.py). Both are project actions; the project only selects the
// organization. The preview compares, per rule subject (everyone, each role, each member below
// admin that a rule names), the enforced legacy walk with the most-specific walk for every
// resource kind with resource-wide rules and every object with rules.
import { forbidden } from '../errors.ts';
import { kindBounds, ORG_LEVEL, PROJECT_ACCESS_LEVELS, RESOURCE_ACCESS_LEVELS, RESOURCE_PARENT } from '../tables.ts';
import { log, ok, PROJECT, route } from './common.ts';
import type { Ctx, Result, RouteSpec } from './common.ts';
import type { AccessControlRow, ProjectRow } from '../snapshot.ts';
import type { EmulatorState } from '../state.ts';

type SubjectType = 'default' | 'role' | 'member';

interface Resolved {
  access_level: string;
  source: 'object' | 'resource' | 'system_default';
  source_subject: SubjectType | null;
  source_resource: string;
  source_resource_id: string | null;
  subject_name: string | null;
}

/** A rule subject: whose rows count (the default rows always; a member's own and their roles'; a role's own). */
interface Subject {
  ref: { type: SubjectType; id: string | null; name: string };
  memberId: string | null;
  roleIds: Set<string>;
}

/** Rules PostHog keeps no objects or resource-wide rows for. */
const SKIPPED = new Set(['organization', 'plugin']);
const NO_RESOURCE_RULES = new Set(['organization', 'project', 'plugin']);

const rowSubject = (r: AccessControlRow): SubjectType => (r.organization_member ? 'member' : r.role ? 'role' : 'default');
const subjectKey = (r: AccessControlRow): string => (r.organization_member ? `member|${r.organization_member}` : r.role ? `role|${r.role}` : 'default');
const levelsOf = (resource: string): readonly string[] => (resource === 'project' ? PROJECT_ACCESS_LEVELS : RESOURCE_ACCESS_LEVELS);
const defaultOf = (resource: string): string => (resource === 'project' ? 'admin' : kindBounds(resource).default);

function applies(subject: Subject, r: AccessControlRow): boolean {
  if (!r.organization_member && !r.role) return true;
  if (r.organization_member) return r.organization_member === subject.memberId;
  return subject.roleIds.has(r.role!);
}

/** The row giving the highest level; on a tie the member's row, then a role's, then the default. */
function highest(rows: AccessControlRow[], order: readonly string[]): AccessControlRow {
  const rank = { default: 0, role: 1, member: 2 };
  return rows.reduce((best, r) => {
    const d = order.indexOf(r.access_level) - order.indexOf(best.access_level);
    return d > 0 || (d === 0 && rank[rowSubject(r)] > rank[rowSubject(best)]) ? r : best;
  });
}

class Walks {
  private s: EmulatorState;
  private orgId: string;
  constructor(s: EmulatorState, orgId: string) {
    this.s = s;
    this.orgId = orgId;
  }

  private name(row: AccessControlRow | null): string | null {
    if (!row) return null;
    if (row.role) return this.s.roles.get(row.role)?.name ?? null;
    if (row.organization_member) {
      const m = this.s.memberships.get(row.organization_member);
      const u = m ? this.s.users.get(m.user_uuid) : undefined;
      return u ? `${u.first_name} ${u.last_name}`.trim() || u.email : null;
    }
    return null;
  }

  private resolved(row: AccessControlRow, source: 'object' | 'resource', resource: string): Resolved {
    return {
      access_level: row.access_level, source, source_subject: rowSubject(row), source_resource: resource,
      source_resource_id: source === 'object' ? row.resource_id : null, subject_name: this.name(row.organization_member || row.role ? row : null),
    };
  }

  systemDefault(resource: string): Resolved {
    return { access_level: defaultOf(resource), source: 'system_default', source_subject: null, source_resource: RESOURCE_PARENT[resource] ?? resource, source_resource_id: null, subject_name: null };
  }

  /** Legacy resource-wide walk: every applicable row pooled, the highest wins. */
  legacyResource(subject: Subject, rows: AccessControlRow[], kind: string): Resolved {
    const mine = rows.filter((r) => applies(subject, r));
    return mine.length ? this.resolved(highest(mine, RESOURCE_ACCESS_LEVELS), 'resource', kind) : this.systemDefault(kind);
  }

  /** The first subject tier (own rows, then roles', then the default) that has a row decides. */
  private ladder(subject: Subject, rows: AccessControlRow[], order: readonly string[]): AccessControlRow | null {
    const mine = rows.filter((r) => applies(subject, r));
    for (const tier of ['member', 'role', 'default'] as const) {
      const group = mine.filter((r) => rowSubject(r) === tier);
      if (group.length) return highest(group, order);
    }
    return null;
  }

  mostSpecificResource(subject: Subject, rows: AccessControlRow[], kind: string): Resolved {
    const row = this.ladder(subject, rows, RESOURCE_ACCESS_LEVELS);
    return row ? this.resolved(row, 'resource', kind) : this.systemDefault(kind);
  }

  /**
   * Legacy object walk: the subject's member and role rows on the object (highest), else the
   * resource-wide result when the subject has resource-wide rows for the kind, else the object's
   * default row, else the built-in default. A project has no resource-wide step.
   */
  legacyObject(subject: Subject, objectRows: AccessControlRow[], resource: string, kindRows: AccessControlRow[]): Resolved {
    const order = levelsOf(resource);
    const mine = objectRows.filter((r) => applies(subject, r));
    const explicit = mine.filter((r) => r.organization_member || r.role);
    if (explicit.length) return this.resolved(highest(explicit, order), 'object', resource);
    const kind = RESOURCE_PARENT[resource] ?? resource;
    if (!NO_RESOURCE_RULES.has(resource) && kindRows.some((r) => applies(subject, r))) return this.legacyResource(subject, kindRows, kind);
    if (mine.length) return this.resolved(highest(mine, order), 'object', resource);
    return this.systemDefault(resource);
  }

  /** Most-specific object walk: the object's rows by the subject ladder, else the resource-wide ladder, else the default. */
  mostSpecificObject(subject: Subject, objectRows: AccessControlRow[], resource: string, kindRows: AccessControlRow[]): Resolved {
    const row = this.ladder(subject, objectRows, levelsOf(resource));
    if (row) return this.resolved(row, 'object', resource);
    if (NO_RESOURCE_RULES.has(resource)) return this.systemDefault(resource);
    return this.mostSpecificResource(subject, kindRows, RESOURCE_PARENT[resource] ?? resource);
  }

  /** Everyone, each role and each member below admin that the project's rules name. */
  subjects(rows: AccessControlRow[]): Subject[] {
    const s = this.s;
    const withRoles = s.hasFeature(this.orgId, 'role_based_access');
    const out: Subject[] = [{ ref: { type: 'default', id: null, name: 'Everyone' }, memberId: null, roleIds: new Set() }];
    const roleIds = [...new Set(rows.filter((r) => r.role).map((r) => r.role!))];
    for (const id of roleIds) {
      const role = s.roles.get(id);
      if (role?.organization_id === this.orgId) out.push({ ref: { type: 'role', id, name: role.name }, memberId: null, roleIds: withRoles ? new Set([id]) : new Set() });
    }
    const memberIds = [...new Set(rows.filter((r) => r.organization_member).map((r) => r.organization_member!))];
    for (const id of memberIds) {
      const m = s.memberships.get(id);
      if (!m || m.organization_id !== this.orgId || m.level >= ORG_LEVEL.admin) continue;
      const u = s.users.get(m.user_uuid);
      const name = u ? `${u.first_name} ${u.last_name}`.trim() || u.email : id;
      out.push({ ref: { type: 'member', id, name }, memberId: id, roleIds: withRoles ? new Set(s.roleIdsOf(id)) : new Set() });
    }
    return out;
  }
}

/** Who created a dashboard, insight or feature flag of the project (user uuid), if the emulator keeps it. */
function creatorOf(s: EmulatorState, teamId: number, resource: string, id: string): string | null {
  const table = resource === 'dashboard' ? s.dashboards : resource === 'insight' ? s.insights : resource === 'feature_flag' ? s.featureFlags : null;
  const row = table?.get(Number(id));
  return row && row.team_id === teamId ? row.created_by_uuid : null;
}

/** Whether the caller may edit the project's rules (org admin, or `admin` on it through a rule). */
function administers(ctx: Ctx, p: ProjectRow): boolean {
  const m = ctx.membership!;
  return m.level >= ORG_LEVEL.admin || (ctx.state.hasFeature(p.organization_id, 'access_control') && ctx.state.projectRuleLevel(m, p)?.level === 'admin');
}

/** Every (subject, scope) on one project whose legacy and most-specific answers differ. */
function projectChanges(ctx: Ctx, p: ProjectRow): Record<string, unknown>[] {
  const walks = new Walks(ctx.state, p.organization_id);
  const rows = [...(ctx.state.teamAccessControls.get(p.id)?.values() ?? [])].filter((r) => !SKIPPED.has(r.resource));
  if (!rows.length) return [];
  const subjects = walks.subjects(rows);
  const changes: Record<string, unknown>[] = [];
  const compare = (subject: Subject, scope: 'object' | 'resource', resource: string, current: Resolved, proposed: Resolved, objectId: string | null = null, objectName: string | null = null, shortId: string | null = null): void => {
    if (current.access_level === proposed.access_level) return;
    const order = levelsOf(resource);
    changes.push({
      subject: subject.ref, scope, resource, object_id: objectId, object_name: objectName, object_short_id: shortId, current, proposed,
      direction: order.indexOf(proposed.access_level) > order.indexOf(current.access_level) ? 'gains' : 'loses',
      project_id: p.id, project_name: p.name,
    });
  };
  const resourceWide = (kind: string) => rows.filter((r) => r.resource_id === null && r.resource === kind);

  // resource scope: kinds with resource-wide rows, for the roles and members that have one there
  // (the default subject sees only default rows, which resolve the same both ways)
  const kinds = [...new Set(rows.filter((r) => r.resource_id === null && !NO_RESOURCE_RULES.has(r.resource)).map((r) => r.resource))];
  for (const kind of kinds) {
    const pool = resourceWide(kind);
    const named = new Set(pool.map(subjectKey));
    const effective = RESOURCE_PARENT[kind] ?? kind;
    const kindRows = resourceWide(effective);
    for (const subject of subjects) {
      if (subject.ref.type === 'default' || !named.has(`${subject.ref.type}|${subject.ref.id}`)) continue;
      compare(subject, 'resource', kind, walks.legacyResource(subject, kindRows, effective), walks.mostSpecificResource(subject, kindRows, effective));
    }
  }

  // object scope: objects with rules (dashboards, insights and flags the project has; an object of
  // a kind the emulator keeps no rows for is taken to exist, named by its id; a project's rules
  // are rules on the project itself)
  const resources = [...new Set(rows.filter((r) => r.resource_id !== null).map((r) => r.resource))];
  for (const resource of resources) {
    const ids = [...new Set(rows.filter((r) => r.resource === resource && r.resource_id !== null).map((r) => r.resource_id!))]
      .filter((id) => resource !== 'project' || id === String(p.id));
    const parent = RESOURCE_PARENT[resource];
    const wideKeys = new Set(rows.filter((r) => (r.resource === resource && r.resource_id === null) || (parent && r.resource === parent)).map(subjectKey).filter((k) => k !== 'default'));
    const kindRows = resourceWide(parent ?? resource);
    for (const subject of subjects) {
      const key = subject.ref.type === 'default' ? 'default' : `${subject.ref.type}|${subject.ref.id}`;
      for (const id of ids) {
        const objectRows = rows.filter((r) => r.resource === resource && r.resource_id === id);
        if (key !== 'default' && !wideKeys.has(key) && !objectRows.some((r) => subjectKey(r) === key)) continue;
        // PostHog leaves out rules whose object is gone, and an object's creator keeps the maximum both ways
        const o = resource === 'project' ? { exists: true, name: p.name, short_id: null } : ctx.state.ruledObject(p.id, resource, id);
        if (!o.exists || (subject.memberId && creatorOf(ctx.state, p.id, resource, id) === ctx.state.memberships.get(subject.memberId)?.user_uuid)) continue;
        compare(subject, 'object', resource, walks.legacyObject(subject, objectRows, resource, kindRows), walks.mostSpecificObject(subject, objectRows, resource, kindRows),
          id, o.name ?? id, o.short_id);
      }
    }
  }
  return changes;
}

function resolutionPreview(ctx: Ctx): Result {
  const s = ctx.state;
  const org = ctx.org!;
  if (!administers(ctx, ctx.project!)) throw forbidden('Only administrators can view the resolution preview.');
  if (!org.members_can_see_org_members && ctx.membership!.level < ORG_LEVEL.admin) throw forbidden('Only organization admins can view the resolution preview.');
  const changes: Record<string, unknown>[] = [];
  // nothing to preview once the organization resolves "most specific wins" (both walks agree)
  if (s.hasFeature(org.id, 'access_control') && !org.uses_most_specific_access_resolution) {
    const scopedTeams = ctx.key.scoped_teams?.length ? ctx.key.scoped_teams : null;
    const projects = [...(s.orgProjects.get(org.id)?.values() ?? [])].sort((a, b) => a.id - b.id);
    for (const p of projects) {
      if (!administers(ctx, p) || (scopedTeams && !scopedTeams.includes(p.id))) continue;
      changes.push(...projectChanges(ctx, p));
    }
  }
  return ok({
    changes,
    summary: {
      total: changes.length,
      gains: changes.filter((c) => c.direction === 'gains').length,
      loses: changes.filter((c) => c.direction === 'loses').length,
      resources: new Set(changes.filter((c) => c.scope === 'resource').map((c) => c.resource)).size,
      objects: new Set(changes.filter((c) => c.scope === 'object').map((c) => `${c.resource}|${c.object_id}`)).size,
    },
  });
}

function resolutionAccept(ctx: Ctx): Result {
  const org = ctx.org!;
  if (ctx.membership!.level < ORG_LEVEL.admin) throw forbidden('Only organization admins can accept the new resolution.');
  // the switch reaches every project, so a credential limited to some projects may not make it
  if (ctx.key.scoped_teams?.length) throw forbidden('A credential scoped to specific projects cannot accept the new resolution.');
  if (!org.uses_most_specific_access_resolution) {
    log(ctx, 'updated', 'Organization', org.id, org.name, [
      { type: 'Organization', action: 'changed', field: 'uses_most_specific_access_resolution', before: org.uses_most_specific_access_resolution, after: true },
    ]);
    org.uses_most_specific_access_resolution = true;
    org.updated_at = ctx.now.toISOString();
  }
  return ok({ uses_most_specific_access_resolution: true });
}

export const RESOLUTION_ROUTES: RouteSpec[] = [
  // unpublished (PostHog excludes them from its schema)
  route('GET', `${PROJECT}/access_control_resolution_preview/`, 'project_access_control_resolution_preview_retrieve', 'access_control', 'project', resolutionPreview),
  route('POST', `${PROJECT}/access_control_resolution_accept/`, 'project_access_control_resolution_accept_create', 'access_control', 'project', resolutionAccept),
];
