// The two access resolution modes: the preview of what switching to "most specific wins" changes,
// and accepting it (PostHog: products/access_control/backend/presentation/access_control_settings.py).
// Both are project actions; the project only selects the organization.
import { forbidden } from '../errors.ts';
import { kindBounds, ORG_LEVEL, PROJECT_ACCESS_LEVELS, RESOURCE_ACCESS_LEVELS, RESOURCE_PARENT } from '../tables.ts';
import { log, ok, PROJECT, route } from './common.ts';
import type { Ctx, Result, RouteSpec } from './common.ts';
import type { RuleAnswer } from '../state.ts';
import type { AccessControlRow, MembershipRow, ProjectRow } from '../snapshot.ts';

interface Resolved {
  access_level: string;
  source: 'object' | 'resource' | 'system_default';
  source_subject: 'member' | 'role' | 'default' | null;
  source_resource: string | null;
  source_resource_id: string | null;
  subject_name: string | null;
}

function resolved(ctx: Ctx, m: MembershipRow, answer: RuleAnswer<string> | null, fallback: string, scope: 'object' | 'resource', resource: string, resourceId: string | null): Resolved {
  if (!answer) return { access_level: fallback, source: 'system_default', source_subject: null, source_resource: null, source_resource_id: null, subject_name: null };
  const name = answer.source === 'member' ? ctx.state.users.get(m.user_uuid)?.email ?? null
    : answer.source === 'role' ? ctx.state.roles.get(answer.roleId!)?.name ?? null : 'Everyone';
  return { access_level: answer.level, source: scope, source_subject: answer.source, source_resource: resource, source_resource_id: resourceId, subject_name: name };
}

/** Whether the caller may edit the project's rules (org admin, or `admin` on it through a rule). */
function administers(ctx: Ctx, p: ProjectRow): boolean {
  const m = ctx.membership!;
  return m.level >= ORG_LEVEL.admin || ctx.state.projectRuleLevel(m, p)?.level === 'admin';
}

/** Resource-wide rows that apply to a kind: a child kind uses its parent's. */
function kindRows(rows: AccessControlRow[], kind: string): AccessControlRow[] {
  const effective = RESOURCE_PARENT[kind] ?? kind;
  return rows.filter((r) => r.resource_id === null && r.resource === effective);
}

function resolutionPreview(ctx: Ctx): Result {
  const s = ctx.state;
  const org = ctx.org!;
  const me = ctx.membership!;
  if (!org.members_can_see_org_members && me.level < ORG_LEVEL.admin) throw forbidden('Only organization admins can view the resolution preview.');
  if (!administers(ctx, ctx.project!)) throw forbidden('Only administrators can view the resolution preview.');
  const changes: Record<string, unknown>[] = [];
  // nothing to preview once the organization resolves "most specific wins"
  if (s.hasFeature(org.id, 'access_control') && !org.uses_most_specific_access_resolution) {
    const scopedTeams = ctx.key.scoped_teams?.length ? ctx.key.scoped_teams : null;
    const members = s.listedMembers(org.id).filter((m) => m.level < ORG_LEVEL.admin);
    for (const p of s.orgProjects.get(org.id)?.values() ?? []) {
      const rows = [...(s.teamAccessControls.get(p.id)?.values() ?? [])];
      if (!rows.length || !administers(ctx, p) || (scopedTeams && !scopedTeams.includes(p.id))) continue;
      const kinds = [...new Set(rows.filter((r) => r.resource_id === null).map((r) => r.resource))];
      const seen = new Set<string>();
      const compare = (m: MembershipRow, scope: 'object' | 'resource', resource: string, resourceId: string | null, order: readonly string[], fallback: string, scopeRows: AccessControlRow[]): void => {
        const current = resolved(ctx, m, s.ruleLevel(m, scopeRows, order, false, scope === 'resource'), fallback, scope, resource, resourceId);
        const proposedAnswer = s.ruleLevel(m, scopeRows, order, true);
        const proposed = resolved(ctx, m, proposedAnswer, fallback, scope, resource, resourceId);
        if (current.access_level === proposed.access_level) return;
        // one record per deciding rule subject, not per member
        const subject = proposedAnswer?.source === 'member' ? { type: 'member', id: m.id, name: proposed.subject_name }
          : proposedAnswer?.source === 'role' ? { type: 'role', id: proposedAnswer.roleId, name: proposed.subject_name }
          : { type: 'default', id: null, name: 'Everyone' };
        const key = `${subject.type}|${subject.id}|${scope}|${resource}`;
        if (seen.has(key)) return;
        seen.add(key);
        changes.push({
          subject, scope, resource, object_id: resourceId, object_name: scope === 'object' ? p.name : null, object_short_id: null,
          current, proposed, direction: order.indexOf(proposed.access_level) > order.indexOf(current.access_level) ? 'gains' : 'loses',
          project_id: p.id, project_name: p.name,
        });
      };
      const projectRows = s.projectRules(p.id);
      for (const m of members) {
        compare(m, 'object', 'project', String(p.id), PROJECT_ACCESS_LEVELS, 'admin', projectRows);
        for (const kind of kinds) compare(m, 'resource', kind, null, RESOURCE_ACCESS_LEVELS, kindBounds(kind).default, kindRows(rows, kind));
      }
    }
  }
  const gains = changes.filter((c) => c.direction === 'gains').length;
  return ok({
    changes,
    summary: { total: changes.length, gains, loses: changes.length - gains, resources: changes.filter((c) => c.scope === 'resource').length, objects: changes.filter((c) => c.scope === 'object').length },
  });
}

function resolutionAccept(ctx: Ctx): Result {
  const org = ctx.org!;
  if (ctx.key.scoped_teams?.length) throw forbidden('A credential scoped to specific projects cannot accept the new resolution.');
  if (ctx.membership!.level < ORG_LEVEL.admin) throw forbidden('Only organization admins can accept the new resolution.');
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
