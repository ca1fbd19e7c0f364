// products/access_control/backend/tests/test_access_control.py (PostHog/posthog, copy at commit
// b5c067f1; 66 versions are indexed and this is the one the index serves as newest). Cases are
// named file::Class::test, as test names repeat across classes. Only project-level and
// resource-level rules and the settings-page endpoints are translated: per-object rules
// (notebooks, dashboards, actions …), users_with_access, object search and query counts need
// PostHog's objects, which the emulator does not have. Rules on an object are seeded by id where a
// case only needs the rule row.
import { describe, expect } from 'vitest';
import { ADMIN, MEMBER, OWNER, World, conformance } from './world.ts';
import type { Client, Level } from './world.ts';

const test = conformance('products/access_control/backend/tests/test_access_control.py');

/** BaseAccessControlTest: access control and role-based access licensed. */
async function world(level: Level = MEMBER, extra: string[] = []): Promise<World> {
  return World.create({ level, features: ['access_control', 'role_based_access', ...extra] });
}

const putProject = (c: Client, data: Record<string, unknown> = {}) => c.put('/api/projects/@current/access_controls', { access_level: 'admin', ...data });
const putGlobal = (c: Client, data: Record<string, unknown> = {}) => c.put('/api/projects/@current/resource_access_controls', { access_level: 'editor', ...data });
const myMembership = async (w: World) => (await w.membership(w.email))!.id as string;
const rules = async (w: World) => (await w.snapshot()).access_controls as any[];

/** Runs `fn` as an org admin, then puts the user back to `back` (PostHog's _put_…_as_admin). */
async function asAdmin<T>(w: World, fn: () => Promise<T>, back: Level = MEMBER): Promise<T> {
  await w.setLevel(ADMIN);
  const out = await fn();
  await w.setLevel(back);
  return out;
}

describe('access control: project level', () => {
  const C = 'TestAccessControlProjectLevelAPI';

  test(`${C}::test_project_change_rejected_if_not_org_admin`, async () => {
    const w = await world(MEMBER);
    expect((await putProject(w.client)).status).toBe(403);
  });

  test(`${C}::test_project_change_accepted_if_org_admin`, async () => {
    const w = await world(ADMIN);
    expect((await putProject(w.client)).status).toBe(200);
  });

  test(`${C}::test_project_change_accepted_if_org_owner`, async () => {
    const w = await world(OWNER);
    expect((await putProject(w.client)).status).toBe(200);
  });

  test(`${C}::test_project_removed_with_null`, async () => {
    const w = await world(OWNER);
    await putProject(w.client);
    const r = await putProject(w.client, { access_level: null });
    expect(r.status).toBe(204);
  });

  test(`${C}::test_project_change_if_in_access_control`, async () => {
    const w = await world(ADMIN);
    const me = await myMembership(w);
    let r = await putProject(w.client, { organization_member: me, access_level: 'admin' });
    expect(r.status).toBe(200);
    await w.setLevel(MEMBER);
    r = await putProject(w.client, { organization_member: me, access_level: 'member' });
    expect(r.status).toBe(200);
    expect(r.body.access_level).toBe('member');
    r = await putProject(w.client, { organization_member: me, access_level: 'admin' });
    expect(r.status).toBe(403);
    expect(r.body.detail).toBe('Must be admin to modify project permissions.');
  });

  test(`${C}::test_project_change_rejected_if_not_in_organization`, async () => {
    const w = await world(MEMBER);
    const me = await myMembership(w);
    await w.mutate((s) => {
      s.memberships = s.memberships.filter((m: any) => m.id !== me);
    });
    const r = await putProject(w.client, { organization_member: me, access_level: 'admin' });
    expect(r.status).toBe(404);
  });

  test(`${C}::test_project_change_rejected_if_bad_access_level`, async () => {
    const w = await world(ADMIN);
    const r = await putProject(w.client, { access_level: 'bad' });
    expect(r.status).toBe(400);
    expect(r.body.detail).toBe('Invalid access level. Must be one of: none, member, admin');
  });

  test(`${C}::test_invalid_organization_member_id_error_message`, async () => {
    const w = await world(ADMIN);
    const r = await putProject(w.client, { organization_member: 'not-a-valid-uuid', access_level: 'member' });
    expect(r.status).toBe(400);
    expect(r.body.attr).toBe('organization_member');
    expect(r.body.detail).not.toContain('UUID');
    expect(r.body.detail).toContain('organization member id');
    expect(r.body.detail).toContain('/api/organizations/');
  });

  test(`${C}::test_role_based_access_control_rejected_without_role_based_access_feature`, async () => {
    const w = await World.create({ level: ADMIN, features: ['access_control'] });
    const role = await w.addRole('Engineering');
    let r = await putProject(w.client, { role, access_level: 'admin' });
    expect(r.status).toBe(403);
    expect(r.body.detail).toContain('Role-based access');
    // member rules still work; only the role-backed write is blocked
    r = await putProject(w.client, { organization_member: await myMembership(w), access_level: 'admin' });
    expect(r.status).toBe(200);
  });

  test(`${C}::test_project_change_rejected_if_role_belongs_to_another_organization`, async () => {
    const w = await world(ADMIN);
    const other = await w.addOrganization('Other organization');
    const role = await w.addRole('Foreign role', other);
    const r = await putProject(w.client, { role, access_level: 'admin' });
    expect(r.status).toBe(400);
    expect(r.body.detail).toBe('The role must belong to the same organization as this project.');
  });

  test(`${C}::test_project_change_rejected_if_member_belongs_to_another_organization`, async () => {
    const w = await world(ADMIN);
    const other = await w.addOrganization('Other organization');
    const { membership } = await w.addUser(w.email, { org: other, level: MEMBER });
    const r = await putProject(w.client, { organization_member: membership, access_level: 'admin' });
    expect(r.status).toBe(400);
    expect(r.body.detail).toBe('The member must belong to the same organization as this project.');
  });
});

describe('access control: bounds', () => {
  const C = 'TestAccessControlMinimumLevelValidation';

  for (const resource of ['activity_log', 'toolbar']) {
    test(`${C}::test_${resource}_access_level_cannot_be_above_viewer`, async () => {
      const w = await world(ADMIN);
      for (const level of ['editor', 'manager']) {
        const r = await w.client.put('/api/projects/@current/resource_access_controls', { resource, access_level: level });
        expect(r.status).toBe(400);
        expect(r.body.detail).toContain("cannot be set above the maximum 'viewer'");
      }
    });
  }

  test(`${C}::test_activity_log_access_restricted_for_users_without_access`, async () => {
    // audit_logs: PostHog's test instance does not gate the activity log, the (cloud) emulator does
    const w = await world(ADMIN, ['audit_logs']);
    let r = await w.client.put('/api/projects/@current/resource_access_controls', { resource: 'activity_log', access_level: 'none' });
    expect(r.status).toBe(200);
    const row = (await rules(w)).find((x) => x.team_id === w.project && x.resource === 'activity_log' && x.resource_id === null);
    expect(row?.access_level).toBe('none');
    await w.setLevel(MEMBER);
    r = await w.client.get('/api/projects/@current/activity_log/');
    expect(r.status).toBe(403);
    r = await w.client.get('/api/projects/@current/advanced_activity_logs/');
    expect(r.status).toBe(403);
  });
});

describe('access control: resource level', () => {
  test('TestAccessControlResourceLevelAPI::test_project_reports_no_inherited_level', async () => {
    const w = await world(ADMIN);
    const r = await w.client.get('/api/projects/@current/access_controls');
    expect(r.status).toBe(200);
    expect(r.body.inherited_access).toBeNull();
  });

  const S = 'TestResourceAccessControlsSecurityValidation';
  test(`${S}::test_resource_access_controls_allowed_on_project_viewset`, async () => {
    const w = await world(ADMIN);
    const r = await w.client.put('/api/projects/@current/resource_access_controls', { resource: 'dashboard', access_level: 'editor' });
    expect(r.status).toBe(200);
  });

  test(`${S}::test_resource_access_controls_with_spoofed_resource_id_rejected`, async () => {
    const w = await world(ADMIN);
    const r = await w.client.put('/api/projects/@current/resource_access_controls', { resource: 'dashboard', resource_id: '4242', access_level: 'none' });
    expect(r.status).toBe(403);
    expect(r.body.detail).toContain('Cannot modify access controls for a resource different from the URL target');
  });

  const P = 'TestResourceAccessControlsViaProjectId';
  const url = (w: World) => `/api/projects/${w.project}/resource_access_controls`;

  test(`${P}::test_put_resource_access_controls_via_project_id_succeeds_for_admin`, async () => {
    const w = await world(ADMIN);
    const r = await w.client.put(url(w), { resource: 'dashboard', access_level: 'editor' });
    expect(r.status).toBe(200);
    expect(r.body.resource).toBe('dashboard');
    expect(r.body.access_level).toBe('editor');
  });

  test(`${P}::test_get_resource_access_controls_via_project_id_succeeds_for_admin`, async () => {
    const w = await world(ADMIN);
    const r = await w.client.get(url(w));
    expect(r.status).toBe(200);
    expect(r.body).toHaveProperty('access_controls');
  });

  test(`${P}::test_put_resource_access_controls_via_project_id_rejected_for_member`, async () => {
    const w = await world(MEMBER);
    const r = await w.client.put(url(w), { resource: 'dashboard', access_level: 'none' });
    expect(r.status).toBe(403);
  });

  test(`${P}::test_put_resource_access_controls_via_project_id_creates_correct_access_control`, async () => {
    const w = await world(ADMIN);
    const r = await w.client.put(url(w), { resource: 'notebook', access_level: 'viewer' });
    expect(r.status).toBe(200);
    const row = (await rules(w)).find((x) => x.team_id === w.project && x.resource === 'notebook' && x.resource_id === null);
    expect(row.access_level).toBe('viewer');
    expect(row.organization_member).toBeNull();
    expect(row.role).toBeNull();
  });

  test(`${P}::test_put_resource_access_controls_via_project_id_with_spoofed_resource_id_rejected`, async () => {
    const w = await world(ADMIN);
    const r = await w.client.put(url(w), { resource: 'dashboard', resource_id: '4242', access_level: 'none' });
    expect(r.status).toBe(403);
    expect(r.body.detail).toContain('Cannot modify access controls for a resource different from the URL target');
  });

  test(`${P}::test_delete_resource_access_control_via_project_id`, async () => {
    const w = await world(ADMIN);
    let r = await w.client.put(url(w), { resource: 'dashboard', access_level: 'viewer' });
    expect(r.status).toBe(200);
    const find = async () => (await rules(w)).find((x) => x.team_id === w.project && x.resource === 'dashboard' && x.resource_id === null);
    expect(await find()).toBeDefined();
    r = await w.client.put(url(w), { resource: 'dashboard', access_level: null });
    expect(r.status).toBe(204);
    expect(await find()).toBeUndefined();
  });
});

describe('access control: which projects are listed', () => {
  const C = 'TestAccessControlProjectFiltering';
  /** setUp: two more projects in the organization. */
  async function filtering() {
    const w = await world(MEMBER);
    const otherTeam = await w.addProject('other team');
    await w.addProject('other team 2');
    return { w, otherTeam };
  }
  const teamsOfMe = async (w: World) => (await w.client.get('/api/users/@me')).body.organization.teams;

  test(`${C}::test_default_lists_all_projects`, async () => {
    const { w } = await filtering();
    expect((await w.client.get('/api/projects')).body.results).toHaveLength(3);
    expect(await teamsOfMe(w)).toHaveLength(3);
  });

  test(`${C}::test_does_not_list_projects_without_access`, async () => {
    const { w, otherTeam } = await filtering();
    const r = await asAdmin(w, () => w.client.put(`/api/projects/${otherTeam}/access_controls`, { access_level: 'none' }));
    expect(r.status).toBe(200);
    expect((await w.client.get('/api/projects')).body.results).toHaveLength(2);
    expect(await teamsOfMe(w)).toHaveLength(2);
  });

  test(`${C}::test_always_lists_all_projects_if_org_admin`, async () => {
    const { w, otherTeam } = await filtering();
    await asAdmin(w, () => w.client.put(`/api/projects/${otherTeam}/access_controls`, { access_level: 'none' }));
    await w.setLevel(ADMIN);
    expect((await w.client.get('/api/projects')).body.results).toHaveLength(3);
    expect(await teamsOfMe(w)).toHaveLength(3);
  });
});

describe('access control: scopes', () => {
  const C = 'TestAccessControlScopeRequirements';
  const cases: [string, string[], string, string, Record<string, unknown> | null, number, string | null][] = [
    ['test_access_controls_get_requires_access_control_read_scope', ['project:read'], 'GET', 'access_controls', null, 403, 'access_control:read'],
    ['test_resource_access_controls_get_requires_access_control_read_scope', ['project:read'], 'GET', 'resource_access_controls', null, 403, 'access_control:read'],
    ['test_deprecated_global_access_controls_get_requires_access_control_read_scope', ['project:read'], 'GET', 'global_access_controls', null, 403, 'access_control:read'],
    ['test_access_controls_get_succeeds_with_access_control_read_scope', ['access_control:read'], 'GET', 'access_controls', null, 200, null],
    ['test_resource_access_controls_get_succeeds_with_access_control_read_scope', ['access_control:read'], 'GET', 'resource_access_controls', null, 200, null],
    ['test_project_access_controls_put_fails_with_only_read_scope', ['access_control:read'], 'PUT', 'access_controls', { access_level: 'editor' }, 403, 'access_control:write'],
    ['test_project_access_controls_put_succeeds_with_write_scope', ['access_control:write'], 'PUT', 'access_controls', { access_level: 'admin', resource: 'project', resource_id: 'SELF' }, 200, null],
    ['test_resource_access_controls_put_fails_with_only_read_scope', ['access_control:read'], 'PUT', 'resource_access_controls', { access_level: 'editor', resource: 'notebook' }, 403, 'access_control:write'],
    ['test_resource_access_controls_put_succeeds_with_write_scope', ['access_control:write'], 'PUT', 'resource_access_controls', { access_level: 'editor', resource: 'dashboard' }, 200, null],
  ];
  for (const [name, scopes, method, path, body, status, detail] of cases) {
    test(`${C}::${name}`, async () => {
      const w = await world(ADMIN);
      const key = await w.keyFor(w.email, scopes, { label: 'test_key' });
      const payload = body && { ...body, ...(body.resource_id === 'SELF' ? { resource_id: String(w.project) } : {}) };
      const r = await key.req(method, `/api/projects/@current/${path}`, payload ?? undefined);
      expect(r.status).toBe(status);
      if (detail) expect(r.body.detail).toContain(detail);
    });
  }
});

describe('access control: settings-page endpoints', () => {
  const D = 'TestAccessControlDefaultsEndpoint';
  const defaults = (w: World) => w.client.get('/api/projects/@current/access_control_defaults');

  test(`${D}::test_response_structure`, async () => {
    const w = await world(ADMIN);
    await putProject(w.client, { access_level: 'member' });
    await putGlobal(w.client, { resource: 'dashboard', access_level: 'viewer' });
    const r = await defaults(w);
    expect(r.status).toBe(200);
    for (const key of ['available_project_levels', 'available_resource_levels', 'can_edit', 'project_access_level', 'resource_access_levels']) {
      expect(r.body).toHaveProperty(key);
    }
    expect(r.body.project_access_level).toBe('member');
    for (const key of ['access_level', 'minimum', 'maximum']) expect(r.body.resource_access_levels.dashboard).toHaveProperty(key);
    expect(r.body.resource_access_levels.dashboard.access_level).toBe('viewer');
  });

  test(`${D}::test_no_overrides_returns_default_project_level`, async () => {
    const w = await world(ADMIN);
    const r = await defaults(w);
    expect(r.status).toBe(200);
    expect(r.body.project_access_level).toBe('admin');
    const entries = Object.values(r.body.resource_access_levels) as any[];
    expect(entries.length).toBeGreaterThan(0);
    for (const entry of entries) expect(entry.access_level).toBeNull();
  });

  test(`${D}::test_all_resources_present`, async () => {
    const w = await world(ADMIN);
    const r = await defaults(w);
    for (const kind of ['dashboard', 'feature_flag', 'insight']) expect(r.body.resource_access_levels).toHaveProperty(kind);
  });

  test(`${D}::test_only_returns_current_team_defaults`, async () => {
    const w = await world(ADMIN);
    await putProject(w.client, { access_level: 'member' });
    await putGlobal(w.client, { resource: 'dashboard', access_level: 'viewer' });
    const other = await w.addProject('Other Team');
    await w.addRule({ team: other, access_level: 'admin' });
    await w.addRule({ team: other, resource: 'dashboard', access_level: 'editor' });
    const r = await defaults(w);
    expect(r.body.project_access_level).toBe('member');
    expect(r.body.resource_access_levels.dashboard.access_level).toBe('viewer');
  });

  const R = 'TestAccessControlRolesEndpoint';
  const ENTRY = ['access_level', 'effective_access_level', 'inherited_access', 'minimum', 'maximum'];
  async function rolesWorld(features?: string[]) {
    const w = features ? await World.create({ level: ADMIN, features }) : await world(ADMIN);
    const role = await w.addRole('Engineering');
    return { w, role };
  }
  const rolesOf = async (w: World) => (await w.client.get('/api/projects/@current/access_control_roles')).body;
  const findRole = (results: any[], id: string) => results.find((r) => String(r.role_id) === id);

  test(`${R}::test_response_structure`, async () => {
    const { w, role } = await rolesWorld();
    await putProject(w.client, { role, access_level: 'admin' });
    const r = await w.client.get('/api/projects/@current/access_control_roles');
    expect(r.status).toBe(200);
    for (const key of ['available_project_levels', 'available_resource_levels', 'can_edit', 'results']) expect(r.body).toHaveProperty(key);
    const row = findRole(r.body.results, role);
    for (const key of ['role_id', 'role_name', 'project', 'resources']) expect(row).toHaveProperty(key);
    expect(row.role_id).toBe(role);
    expect(row.role_name).toBe('Engineering');
    for (const key of ENTRY) {
      expect(row.project).toHaveProperty(key);
      expect(row.resources.dashboard).toHaveProperty(key);
    }
  });

  test(`${R}::test_returns_all_roles`, async () => {
    const { w, role } = await rolesWorld();
    const role2 = await w.addRole('Support');
    const body = await rolesOf(w);
    expect(body.results).toHaveLength(2);
    expect(findRole(body.results, role)).toBeDefined();
    expect(findRole(body.results, role2)).toBeDefined();
  });

  test(`${R}::test_saved_overrides_returned`, async () => {
    const { w, role } = await rolesWorld();
    await putProject(w.client, { role, access_level: 'admin' });
    await putGlobal(w.client, { resource: 'dashboard', access_level: 'editor', role });
    const row = findRole((await rolesOf(w)).results, role);
    expect(row.project.access_level).toBe('admin');
    expect(row.resources.dashboard.access_level).toBe('editor');
  });

  test(`${R}::test_no_overrides_returns_nulls`, async () => {
    const { w, role } = await rolesWorld();
    const row = findRole((await rolesOf(w)).results, role);
    expect(row.project.access_level).toBeNull();
    for (const entry of Object.values(row.resources) as any[]) expect(entry.access_level).toBeNull();
  });

  test(`${R}::test_project_admin_does_not_affect_resource_effective_level`, async () => {
    const { w, role } = await rolesWorld();
    await putProject(w.client, { access_level: 'admin' });
    const row = findRole((await rolesOf(w)).results, role);
    expect(row.project.access_level).toBeNull();
    expect(row.project.effective_access_level).toBe('admin');
    expect(row.project.inherited_access.access_level).toBe('admin');
    expect(row.project.inherited_access.source_subject).toBe('default');
    const ff = row.resources.feature_flag;
    expect(ff.access_level).toBeNull();
    expect(ff.effective_access_level).toBe('editor');
    expect(ff.inherited_access.source).toBe('system_default');
  });

  test(`${R}::test_project_defaults_populated_without_explicit_entries`, async () => {
    const { w, role } = await rolesWorld();
    const r = await w.client.get('/api/projects/@current/access_control_roles');
    expect(r.status).toBe(200);
    const row = findRole(r.body.results, role);
    expect(row.project.access_level).toBeNull();
    expect(row.project.effective_access_level).toBe('admin');
    expect(row.project.inherited_access.access_level).toBe('admin');
    expect(row.project.inherited_access.source).toBe('system_default');
    const ff = row.resources.feature_flag;
    expect(ff.access_level).toBeNull();
    expect(ff.effective_access_level).toBe('editor');
    expect(ff.inherited_access.source).toBe('system_default');
  });

  test(`${R}::test_only_returns_current_team_role_overrides`, async () => {
    const { w, role } = await rolesWorld();
    await putProject(w.client, { role, access_level: 'member' });
    const other = await w.addProject('Other Team');
    await w.addRule({ team: other, role, access_level: 'admin' });
    const row = findRole((await rolesOf(w)).results, role);
    expect(row.project.access_level).toBe('member');
  });

  test(`${R}::test_role_overrides_ignored_when_role_based_access_not_available`, async () => {
    const { w, role } = await rolesWorld(['access_control']);
    // written straight to the rows: without the feature the API refuses role rules
    await w.addRule({ access_level: 'member' });
    await w.addRule({ access_level: 'admin', role });
    await w.addRule({ resource: 'dashboard', access_level: 'viewer' });
    await w.addRule({ resource: 'dashboard', access_level: 'manager', role });
    const row = findRole((await rolesOf(w)).results, role);
    expect(row.resources.dashboard.effective_access_level).toBe('viewer');
    expect(row.resources.dashboard.inherited_access.access_level).toBe('viewer');
    expect(row.resources.dashboard.inherited_access.source_subject).toBe('default');
    expect(row.project.access_level).toBeNull();
    expect(row.project.effective_access_level).toBe('member');
  });

  const M = 'TestAccessControlMembersEndpoint';
  async function membersWorld(features?: string[]) {
    const w = features ? await World.create({ level: ADMIN, features }) : await world(ADMIN);
    const user2 = (await w.addUser('user2@example.com')).membership;
    const role = await w.addRole('Engineering');
    return { w, user2, role };
  }
  const membersOf = async (w: World, c: Client = w.client) => (await c.get('/api/projects/@current/access_control_members')).body;
  const findMember = (results: any[], id: string) => results.find((m) => String(m.organization_membership_id) === id);

  test(`${M}::test_response_structure`, async () => {
    const { w, user2 } = await membersWorld();
    await putProject(w.client, { organization_member: user2, access_level: 'admin' });
    const r = await w.client.get('/api/projects/@current/access_control_members');
    expect(r.status).toBe(200);
    for (const key of ['available_project_levels', 'available_resource_levels', 'can_edit', 'results']) expect(r.body).toHaveProperty(key);
    const row = findMember(r.body.results, user2);
    for (const key of ['organization_membership_id', 'user', 'organization_level', 'project', 'resources']) expect(row).toHaveProperty(key);
    expect(row.organization_membership_id).toBe(user2);
    for (const key of ['uuid', 'first_name', 'last_name', 'email']) expect(row.user).toHaveProperty(key);
    expect(row.user.email).toBe('user2@example.com');
    for (const key of ENTRY) {
      expect(row.project).toHaveProperty(key);
      expect(row.resources.dashboard).toHaveProperty(key);
    }
  });

  test(`${M}::test_returns_all_active_members`, async () => {
    const { w, user2 } = await membersWorld();
    const ids = (await membersOf(w)).results.map((m: any) => String(m.organization_membership_id));
    expect(ids).toContain(await myMembership(w));
    expect(ids).toContain(user2);
  });

  test(`${M}::test_saved_overrides_returned`, async () => {
    const { w, user2 } = await membersWorld();
    await putProject(w.client, { organization_member: user2, access_level: 'admin' });
    await putGlobal(w.client, { resource: 'dashboard', access_level: 'editor', organization_member: user2 });
    const row = findMember((await membersOf(w)).results, user2);
    expect(row.project.access_level).toBe('admin');
    expect(row.resources.dashboard.access_level).toBe('editor');
  });

  test(`${M}::test_no_overrides_returns_nulls`, async () => {
    const { w, user2 } = await membersWorld();
    const row = findMember((await membersOf(w)).results, user2);
    expect(row.project.access_level).toBeNull();
    for (const entry of Object.values(row.resources) as any[]) expect(entry.access_level).toBeNull();
  });

  test(`${M}::test_member_roles_affect_effective_access`, async () => {
    const { w, user2, role } = await membersWorld();
    await putProject(w.client, { access_level: 'member' });
    await putProject(w.client, { role, access_level: 'admin' });
    await w.addRoleMember(role, 'user2@example.com');
    const row = findMember((await membersOf(w)).results, user2);
    expect(row.project.access_level).toBeNull();
    expect(row.project.effective_access_level).toBe('admin');
    expect(row.project.inherited_access.access_level).toBe('admin');
    expect(row.project.inherited_access.source_subject).toBe('role');
  });

  test(`${M}::test_project_admin_does_not_affect_resource_effective_level`, async () => {
    const { w, user2 } = await membersWorld();
    await putProject(w.client, { access_level: 'admin' });
    const row = findMember((await membersOf(w)).results, user2);
    expect(row.project.access_level).toBeNull();
    expect(row.project.effective_access_level).toBe('admin');
    expect(row.project.inherited_access.access_level).toBe('admin');
    expect(row.project.inherited_access.source_subject).toBe('default');
    const ff = row.resources.feature_flag;
    expect(ff.access_level).toBeNull();
    expect(ff.effective_access_level).toBe('editor');
    expect(ff.inherited_access.source).toBe('system_default');
  });

  test(`${M}::test_project_defaults_populated_without_explicit_entries`, async () => {
    const { w, user2 } = await membersWorld();
    const r = await w.client.get('/api/projects/@current/access_control_members');
    expect(r.status).toBe(200);
    const row = findMember(r.body.results, user2);
    expect(row.project.access_level).toBeNull();
    expect(row.project.effective_access_level).toBe('admin');
    expect(row.project.inherited_access.access_level).toBe('admin');
    expect(row.project.inherited_access.source).toBe('system_default');
    const ff = row.resources.feature_flag;
    expect(ff.access_level).toBeNull();
    expect(ff.effective_access_level).toBe('editor');
    expect(ff.inherited_access.source).toBe('system_default');
  });

  test(`${M}::test_role_overrides_ignored_when_role_based_access_not_available`, async () => {
    const { w, user2, role } = await membersWorld(['access_control']);
    await w.addRule({ access_level: 'member' });
    await w.addRule({ access_level: 'admin', role });
    await w.addRule({ resource: 'dashboard', access_level: 'viewer' });
    await w.addRule({ resource: 'dashboard', access_level: 'manager', role });
    await w.addRoleMember(role, 'user2@example.com');
    const row = findMember((await membersOf(w)).results, user2);
    expect(row.resources.dashboard.effective_access_level).toBe('viewer');
    expect(row.resources.dashboard.inherited_access.access_level).toBe('viewer');
    expect(row.resources.dashboard.inherited_access.source_subject).toBe('default');
    expect(row.project.effective_access_level).toBe('member');
    expect(row.project.inherited_access.access_level).toBe('member');
    expect(row.project.inherited_access.source_subject).toBe('default');
  });

  test(`${M}::test_members_without_project_access_hidden_when_org_restricts_member_list_visibility`, async () => {
    const { w, user2 } = await membersWorld();
    const me = await myMembership(w);
    const user3 = (await w.addUser('user3@example.com')).membership;
    const orgAdmin = (await w.addUser('admin4@example.com', { level: ADMIN })).membership;
    await putProject(w.client, { access_level: 'none' });
    await putProject(w.client, { organization_member: me, access_level: 'member' });
    await putProject(w.client, { organization_member: user2, access_level: 'member' });

    // a plain member with the default visibility sees the whole roster
    await w.setLevel(MEMBER);
    expect(findMember((await membersOf(w)).results, user3)).toBeDefined();

    await w.setOrganization({ members_can_see_org_members: false });
    // restricted: members without project-scoped access are hidden, org admins included
    let body = await membersOf(w);
    expect(body.can_edit).toBe(false);
    expect(findMember(body.results, user3)).toBeUndefined();
    expect(findMember(body.results, orgAdmin)).toBeUndefined();
    expect(findMember(body.results, user2)).toBeDefined();
    expect(findMember(body.results, me)).toBeDefined();

    // org admins always see everyone
    await w.setLevel(ADMIN);
    body = await membersOf(w);
    expect(findMember(body.results, user3)).toBeDefined();
    expect(findMember(body.results, orgAdmin)).toBeDefined();

    // a project admin who is not an org admin can edit, and still sees the restricted roster
    await putProject(w.client, { organization_member: me, access_level: 'admin' });
    await w.setLevel(MEMBER);
    body = await membersOf(w);
    expect(body.can_edit).toBe(true);
    expect(findMember(body.results, user3)).toBeUndefined();
  });

  test(`${M}::test_only_returns_current_team_member_overrides`, async () => {
    const { w, user2 } = await membersWorld();
    await putProject(w.client, { organization_member: user2, access_level: 'member' });
    const other = await w.addProject('Other Team');
    await w.addRule({ team: other, organization_member: user2, access_level: 'admin' });
    const row = findMember((await membersOf(w)).results, user2);
    expect(row.project.access_level).toBe('member');
  });

  const S = 'TestAccessControlSubjectRulesEndpoints';
  const subjectEndpoints: [string, string, string][] = [
    ['member_objects', 'access_control_member_objects', 'member_id'],
    ['member_properties', 'access_control_member_properties', 'member_id'],
    ['role_objects', 'access_control_role_objects', 'role_id'],
    ['role_properties', 'access_control_role_properties', 'role_id'],
    ['members_list', 'access_control_members', 'member_id'],
    ['roles_list', 'access_control_roles', 'role_id'],
  ];
  subjectEndpoints.forEach(([name, endpoint, param], i) => {
    test(`${S}::test_subject_from_another_organization_is_404_${i}_${name}`, async () => {
      const w = await world(ADMIN);
      const other = await w.addOrganization('Other org');
      const { membership } = await w.addUser('other-org-user@posthog.com', { org: other });
      const role = await w.addRole('Other org role', other);
      // not in PostHog's test: the endpoint answers for this organization's own subject, so the
      // 404 below cannot come from a missing route
      const own = param === 'member_id' ? await myMembership(w) : await w.addRole('Own role');
      expect((await w.client.get(`/api/projects/@current/${endpoint}?${param}=${own}`)).status).toBe(200);
      const r = await w.client.get(`/api/projects/@current/${endpoint}?${param}=${param === 'member_id' ? membership : role}`);
      expect(r.status).toBe(404);
    });
  });

  ([['member_objects', 'access_control_member_objects'], ['member_properties', 'access_control_member_properties'], ['members_list', 'access_control_members']] as const)
    .forEach(([name, endpoint], i) => {
      test(`${S}::test_member_endpoints_denied_to_plain_members_when_org_restricts_member_list_visibility_${i}_${name}`, async () => {
        const w = await world(ADMIN);
        const colleague = (await w.addUser('colleague@example.com')).membership;
        await w.setOrganization({ members_can_see_org_members: false });
        await w.setLevel(MEMBER);
        let r = await w.client.get(`/api/projects/@current/${endpoint}?member_id=${colleague}`);
        expect(r.status).toBe(404);
        // a project admin who is not an org admin manages access from the filtered list
        await w.setLevel(ADMIN);
        await putProject(w.client, { organization_member: await myMembership(w), access_level: 'admin' });
        await w.setLevel(MEMBER);
        r = await w.client.get(`/api/projects/@current/${endpoint}?member_id=${colleague}`);
        expect(r.status).toBe(200);
        // org admins are unaffected
        await w.setLevel(ADMIN);
        r = await w.client.get(`/api/projects/@current/${endpoint}?member_id=${colleague}`);
        expect(r.status).toBe(200);
      });
    });

  test(`${S}::test_member_filter_narrows_the_members_list_to_one_row`, async () => {
    const w = await world(ADMIN);
    await w.addUser('second-member@posthog.com');
    const me = await myMembership(w);
    const r = await w.client.get(`/api/projects/@current/access_control_members?member_id=${me}`);
    expect(r.status).toBe(200);
    expect(r.body.results.map((x: any) => x.organization_membership_id)).toEqual([me]);
  });

  test(`${S}::test_role_filter_narrows_the_roles_list_to_one_row`, async () => {
    const w = await world(ADMIN);
    const role = await w.addRole('Engineering');
    await w.addRole('Support');
    const r = await w.client.get(`/api/projects/@current/access_control_roles?role_id=${role}`);
    expect(r.status).toBe(200);
    expect(r.body.results.map((x: any) => x.role_id)).toEqual([role]);
  });

  test(`${S}::test_default_objects_returns_only_rows_without_a_subject`, async () => {
    const w = await world(ADMIN);
    const role = await w.addRole('Engineering');
    // two dashboards by id: "shared" (everyone editor) and "scoped" (member none, role viewer)
    await w.addRule({ resource: 'dashboard', resource_id: '101', access_level: 'editor' });
    await w.addRule({ resource: 'dashboard', resource_id: '102', access_level: 'none', organization_member: await myMembership(w) });
    await w.addRule({ resource: 'dashboard', resource_id: '102', access_level: 'viewer', role });
    const r = await w.client.get('/api/projects/@current/access_control_default_objects');
    expect(r.status).toBe(200);
    expect(r.body.results.map((x: any) => [x.resource_id, x.access_level])).toEqual([['101', 'editor']]);
  });

  test(`${S}::test_member_objects_excludes_the_project_access_row`, async () => {
    const w = await world(ADMIN);
    const me = await myMembership(w);
    await w.addRule({ access_level: 'admin', organization_member: me });
    await w.addRule({ resource: 'dashboard', resource_id: '101', access_level: 'editor', organization_member: me });
    const r = await w.client.get(`/api/projects/@current/access_control_member_objects?member_id=${me}`);
    expect(r.status).toBe(200);
    expect(r.body.results.map((x: any) => x.resource)).toEqual(['dashboard']);
  });
});
