// Projects: per-organization and root routes.
import { ApiError, forbidden, INSUFFICIENT_ORG_LEVEL, notFound } from '../errors.ts';
import { FEATURE } from '../tables.ts';
import { projectBasic, projectJson } from '../serialize.ts';
import { log, obj, ok, ORG, paginate, paginateList, PROJECT, projectRoute, route, strField, visibleProjects } from './common.ts';
import type { Change } from '../state.ts';
import type { Ctx, Result, RouteSpec } from './common.ts';
import type { MembershipRow, OrganizationRow, ProjectRow } from '../snapshot.ts';

function projectOut(ctx: Ctx, p: ProjectRow, m: MembershipRow | undefined): Record<string, unknown> {
  const level = m ? ctx.state.projectLevel(m, p) : 'none';
  const eff = m ? (m.level >= 8 ? m.level : level === 'admin' ? 8 : level === 'member' ? 1 : null) : null;
  return projectJson(p, eff, level);
}

function orgProjectsList(ctx: Ctx): Result {
  const list = visibleProjects(ctx, ctx.org!, ctx.membership);
  return ok(paginate(ctx, list.length, (i) => projectBasic(list[i]!)));
}

const MAX_PROJECTS_PER_ORGANIZATION = 1500;
const PLAN_LIMIT_DETAIL =
  'You have reached the maximum limit of allowed projects for your current plan. Upgrade your plan to be able to create and manage more projects.';

/** Names compare as PostHog compares them: surrounding spaces and case ignored. */
function nameKey(name: string): string {
  return name.trim().toLowerCase();
}

/** 409 when another project of the organization has the name (case and surrounding spaces ignored). */
function checkNameFree(ctx: Ctx, orgId: string, name: string, except?: number): void {
  const key = nameKey(name);
  for (const p of ctx.state.orgProjects.get(orgId)?.values() ?? []) {
    if (p.id !== except && nameKey(p.name) === key) {
      throw new ApiError(409, 'invalid_request', 'conflict', `There is already a project called "${p.name}" in this organization.`, 'name');
    }
  }
}

/** A nameless project gets the first free "Default project", "Default project 2", … */
function defaultName(ctx: Ctx, orgId: string): string {
  const taken = new Set([...(ctx.state.orgProjects.get(orgId)?.values() ?? [])].map((p) => nameKey(p.name)));
  for (let n = 1; ; n++) {
    const name = n === 1 ? 'Default project' : `Default project ${n}`;
    if (!taken.has(nameKey(name))) return name;
  }
}

/**
 * Project creation (posthog/api/project.py): admins, or members when the organization lets them
 * (members_can_create_projects with organization_invite_settings); then the plan's project limit
 * (the `organizations_projects` feature and its `limit`; without it, one project) and the hard cap.
 */
function createProject(ctx: Ctx, org: OrganizationRow, m: MembershipRow, deniedDetail: string): Result {
  const s = ctx.state;
  if (m.level < 8 && !(org.members_can_create_projects && s.hasFeature(org.id, FEATURE.inviteSettings))) throw forbidden(deniedDetail);
  const body = obj(ctx.body);
  const given = strField(body.name, 'name', { max: 200, nullable: true });
  const count = s.orgProjects.get(org.id)?.size ?? 0;
  if (count >= MAX_PROJECTS_PER_ORGANIZATION) {
    throw forbidden(`You have reached the maximum limit of ${MAX_PROJECTS_PER_ORGANIZATION} projects per organization. Contact support if you'd like access to more projects.`);
  }
  const feature = org.available_product_features.find((f) => f.key === FEATURE.organizationsProjects);
  const limit = feature ? feature.limit ?? null : 1;
  if (limit !== null && count >= limit) throw forbidden(PLAN_LIMIT_DETAIL);
  const name = given && given.trim() ? given : defaultName(ctx, org.id);
  checkNameFree(ctx, org.id, name);
  const p = s.createProject(org.id, name, ctx.now);
  log(ctx, 'created', 'Team', String(p.id), p.name, null, null, p.id);
  return ok(projectOut(ctx, p, m), 201);
}

function orgProjectsCreate(ctx: Ctx): Result {
  return createProject(ctx, ctx.org!, ctx.membership!, 'You need to be an organization admin or above to create new projects.');
}

/** The organization `/api/projects/` means: the user's current one, or the one the key is scoped to. */
function rootOrganization(ctx: Ctx): OrganizationRow | undefined {
  const s = ctx.state;
  const scoped = ctx.key.scoped_organizations?.length ? ctx.key.scoped_organizations : null;
  const current = ctx.user.current_organization_id;
  if (current && (!scoped || scoped.includes(current))) return s.orgs.get(current);
  for (const id of scoped ?? []) if (s.membership(id, ctx.user.uuid)) return s.orgs.get(id);
  return undefined;
}

function rootProjectsCreate(ctx: Ctx): Result {
  const org = rootOrganization(ctx);
  const m = org ? ctx.state.membership(org.id, ctx.user.uuid) : undefined;
  if (!org || !m) throw notFound();
  ctx.org = org;
  ctx.membership = m;
  return createProject(ctx, org, m, INSUFFICIENT_ORG_LEVEL);
}

/** Project settings: the name (unique in the organization) and the time zone; project admins only. */
function projectUpdate(ctx: Ctx): Result {
  const p = ctx.project!;
  if (ctx.state.projectLevel(ctx.membership!, p) !== 'admin') throw forbidden("You don't have sufficient permissions in the project.");
  const body = obj(ctx.body);
  const changes: Change[] = [];
  if ('name' in body) {
    const name = strField(body.name, 'name', { required: true, max: 200 })!;
    // renaming is allowed at the plan's project limit; a duplicate that keeps its name stays editable
    if (name !== p.name) {
      checkNameFree(ctx, p.organization_id, name, p.id);
      changes.push({ type: 'Team', action: 'changed', field: 'name', before: p.name, after: name });
      p.name = name;
    }
  }
  if ('timezone' in body) {
    const tz = strField(body.timezone, 'timezone', { required: true, max: 240 })!;
    if (tz !== p.timezone) {
      changes.push({ type: 'Team', action: 'changed', field: 'timezone', before: p.timezone, after: tz });
      p.timezone = tz;
    }
  }
  if (changes.length) {
    p.updated_at = ctx.now.toISOString();
    log(ctx, 'updated', 'Team', String(p.id), p.name, changes, null, p.id);
  }
  return ok(projectOut(ctx, p, ctx.membership));
}

function orgProjectsRetrieve(ctx: Ctx): Result {
  const id = Number(ctx.params.id);
  const p = ctx.state.projects.get(id);
  if (!p || p.organization_id !== ctx.org!.id) throw notFound();
  if (ctx.membership!.level < 8 && ctx.state.projectLevel(ctx.membership!, p) === 'none') throw notFound();
  return ok(projectOut(ctx, p, ctx.membership));
}

function rootProjectsList(ctx: Ctx): Result {
  const org = rootOrganization(ctx);
  if (!org) return ok(paginateList(ctx, []));
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
  // keys scoped to projects may read their own project here
  projectRoute(route('GET', `${ORG}/projects/{id}/`, 'retrieve_2', 'project', 'org', orgProjectsRetrieve)),
  // unpublished: root project routes
  route('GET', '/api/projects/', 'projects_list', 'project', 'root', rootProjectsList),
  route('POST', '/api/projects/', 'projects_create', 'project', 'root', rootProjectsCreate),
  route('GET', `${PROJECT}/`, 'projects_retrieve', 'project', 'project', projectRetrieve),
  route('PATCH', `${PROJECT}/`, 'projects_partial_update', 'project', 'project', projectUpdate),
];
