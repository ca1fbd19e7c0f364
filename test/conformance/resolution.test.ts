// The tests of access resolution (legacy and most-specific modes): the preview endpoint's API cases from
// products/access_control/backend/tests/test_resolution_preview.py (copy at commit 3274beb0, the
// newest of 25 indexed), and the resolver cases of posthog/rbac/test/test_most_specific_resolution.py
// (copy at b3ee2984; the products/ copy at 3501fb98 has the same cases) that can be observed over
// HTTP, through the effective-access endpoint access_control_members. Object-level resolver cases
// need PostHog's dashboards and warehouse tables and are left out; so are the telemetry assertions.
// No PostHog test of the accept endpoint (access_control_resolution_accept) was found.
import { describe, expect } from 'vitest';
import { ADMIN, MEMBER, World, conformance } from './world.ts';

const preview = conformance('products/access_control/backend/tests/test_resolution_preview.py');
const resolution = conformance('posthog/rbac/test/test_most_specific_resolution.py');

/**
 * BaseUserAccessControlTest: self.user (member) in role "Engineers", other@posthog.com in role
 * "Administrators", norole@posthog.com in none; access control and role-based access licensed; the
 * organization resolves the legacy way.
 */
async function base() {
  const w = await World.create({ level: MEMBER, features: ['access_control', 'role_based_access'] });
  const roleA = await w.addRole('Engineers');
  const roleB = await w.addRole('Administrators');
  await w.addRoleMember(roleA, w.email);
  await w.addUser('other@posthog.com');
  await w.addRoleMember(roleB, 'other@posthog.com');
  await w.addUser('norole@posthog.com');
  return { w, roleA, roleB };
}

const DASHBOARD = '1';

/** `Dashboard.objects.create(team=…, created_by=…, name=…)`, as a snapshot row. */
async function addDashboard(w: World, id: number, team: number, name: string, creator: string) {
  await w.mutate((s) => {
    const uuid = s.users.find((u: any) => u.email === creator).uuid;
    s.dashboards.push({ id, team_id: team, name, created_by_uuid: uuid, created_at: new Date().toISOString() });
  });
}

/** TestResolutionPreviewAPI.setUp: "Growth KPIs" by other@posthog.com, its default viewer, dashboards' default editor. */
async function previewWorld() {
  const b = await base();
  await addDashboard(b.w, 1, b.w.project, 'Growth KPIs', 'other@posthog.com');
  await b.w.addRule({ resource: 'dashboard', resource_id: DASHBOARD, access_level: 'viewer' });
  await b.w.addRule({ resource: 'dashboard', resource_id: null, access_level: 'editor' });
  return b;
}
const get = (w: World) => w.client.get('/api/projects/@current/access_control_resolution_preview');

describe('resolution preview', () => {
  const C = 'TestResolutionPreviewAPI';

  preview(`${C}::test_requires_admin`, async () => {
    const { w } = await previewWorld();
    expect((await get(w)).status).toBe(403);
  });

  preview(`${C}::test_hidden_member_list_requires_org_admin`, async () => {
    const { w } = await previewWorld();
    // a project admin (through the project's default rule) passes the base gate …
    await w.addRule({ access_level: 'admin' });
    await w.setOrganization({ members_can_see_org_members: false });
    // … but the organization hides its member list
    expect((await get(w)).status).toBe(403);
    await w.setLevel(ADMIN);
    expect((await get(w)).status).toBe(200);
  });

  preview(`${C}::test_returns_changes_and_summary`, async () => {
    const { w } = await previewWorld();
    await w.setLevel(ADMIN);
    const r = await get(w);
    expect(r.status).toBe(200);
    expect(r.body.summary.total).toBe(1);
    expect(r.body.summary.loses).toBe(1);
    const change = r.body.changes[0];
    expect(change.subject).toEqual({ type: 'default', id: null, name: 'Everyone' });
    expect(change.object_name).toBe('Growth KPIs');
    expect(change.project_id).toBe(w.project);
    expect(change.project_name).toBe('Default project');
    expect(change.current).toEqual({
      access_level: 'editor', source: 'resource', source_subject: 'default', source_resource: 'dashboard', source_resource_id: null, subject_name: null,
    });
    expect(change.proposed).toEqual({
      access_level: 'viewer', source: 'object', source_subject: 'default', source_resource: 'dashboard', source_resource_id: DASHBOARD, subject_name: null,
    });
  });

  preview(`${C}::test_covers_every_project_the_requester_administers`, async () => {
    const { w } = await previewWorld();
    const second = await w.addProject('Second project');
    await addDashboard(w, 2, second, 'Second dashboard', 'other@posthog.com');
    await w.addRule({ team: second, resource: 'dashboard', resource_id: '2', access_level: 'viewer' });
    await w.addRule({ team: second, resource: 'dashboard', resource_id: null, access_level: 'editor' });
    // a project admin of the current project sees only its changes
    await w.addRule({ access_level: 'admin' });
    let r = await get(w);
    expect(r.status).toBe(200);
    expect(new Set(r.body.changes.map((c: any) => c.project_name))).toEqual(new Set(['Default project']));
    // an org admin sees every project with rules
    await w.setLevel(ADMIN);
    r = await get(w);
    expect(r.status).toBe(200);
    expect(r.body.summary.total).toBe(2);
    expect(new Set(r.body.changes.map((c: any) => c.project_name))).toEqual(new Set(['Default project', 'Second project']));
  });

  preview(`${C}::test_project_scoped_credential_stays_within_its_projects`, async () => {
    const { w } = await previewWorld();
    await w.setLevel(ADMIN);
    const second = await w.addProject('Second project');
    await addDashboard(w, 2, second, 'Second dashboard', 'other@posthog.com');
    await w.addRule({ team: second, resource: 'dashboard', resource_id: '2', access_level: 'viewer' });
    await w.addRule({ team: second, resource: 'dashboard', resource_id: null, access_level: 'editor' });
    const key = await w.keyFor(w.email, ['*'], { label: 'scoped', scoped_teams: [w.project] });
    const r = await key.get(`/api/projects/${w.project}/access_control_resolution_preview`);
    expect(r.status).toBe(200);
    expect(new Set(r.body.changes.map((c: any) => c.project_name))).toEqual(new Set(['Default project']));
  });
});

describe('resolution observed through effective access', () => {
  /** self.user's own row in access_control_members (any project member may read it). */
  async function mine(w: World) {
    const me = (await w.membership(w.email))!.id;
    const r = await w.client.get(`/api/projects/@current/access_control_members?member_id=${me}`);
    expect(r.status).toBe(200);
    return r.body.results.find((m: any) => m.organization_membership_id === me);
  }

  resolution('TestResolveResourceAccess::test_resource_without_resource_level_controls_resolves_to_system_default', async () => {
    const { w } = await base();
    const row = await mine(w);
    expect(row.project.effective_access_level).toBe('admin');
    expect(row.project.inherited_access.source).toBe('system_default');
  });

  resolution('TestShadowDivergenceTelemetry::test_resource_divergence_is_reported', async () => {
    const { w, roleA } = await base();
    const me = (await w.membership(w.email))!.id;
    await w.addRule({ resource: 'dashboard', resource_id: null, access_level: 'none', organization_member: me });
    await w.addRule({ resource: 'dashboard', resource_id: null, access_level: 'editor', role: roleA });
    // the enforced (legacy) answer: the role's grant wins over the member's own "none"
    const row = await mine(w);
    expect(row.resources.dashboard.effective_access_level).toBe('editor');
  });
});
