// Projects: per-organization and root routes.
import { forbidden, notFound } from '../errors.ts';
import { projectBasic, projectJson } from '../serialize.ts';
import { log, obj, ok, ORG, paginate, paginateList, PROJECT, route, strField, visibleProjects } from './common.ts';
import type { Ctx, Result, RouteSpec } from './common.ts';
import type { MembershipRow, ProjectRow } from '../snapshot.ts';

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

export const PROJECT_ROUTES: RouteSpec[] = [
  route('GET', `${ORG}/projects/`, 'list_2', 'project', 'org', orgProjectsList),
  route('POST', `${ORG}/projects/`, 'create_2', 'project', 'org', orgProjectsCreate),
  route('GET', `${ORG}/projects/{id}/`, 'retrieve_2', 'project', 'org', orgProjectsRetrieve),
  // unpublished: root project routes
  route('GET', '/api/projects/', 'projects_list', 'project', 'root', rootProjectsList),
  route('GET', `${PROJECT}/`, 'projects_retrieve', 'project', 'project', projectRetrieve),
];
