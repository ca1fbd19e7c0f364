// Effective access computed by the emulator as PostHog's settings page shows it: per member and
// per role the stored rule, the enforced level and its source; and the project's defaults.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, err, start } from './helpers.ts';

let c: Client;
beforeAll(async () => { c = await start(); });
afterAll(async () => { await c.emulator.close(); });

const byEmail = (results: any[], email: string) => results.find((r) => r.user.email === email);

describe('access_control_members', () => {
  it('each member: own rule, enforced level and what applies without the own rule', async () => {
    const r = await c.get('/api/projects/1/access_control_members/');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ available_project_levels: ['none', 'member', 'admin'], available_resource_levels: ['none', 'viewer', 'editor', 'manager'], can_edit: true });
    const frank = byEmail(r.body.results, 'frank@example.com');
    expect(frank.organization_level).toBe(1);
    expect(frank.project).toEqual({
      access_level: null, effective_access_level: 'member', minimum: 'none', maximum: 'admin',
      inherited_access: { access_level: 'member', source: 'object', source_subject: 'role', source_resource: 'project', source_resource_id: '1' },
    });
    const carol = byEmail(r.body.results, 'carol@example.com');
    expect(carol.project).toMatchObject({ access_level: 'admin', effective_access_level: 'admin', inherited_access: { access_level: 'member', source_subject: 'default' } });
    const alice = byEmail(r.body.results, 'alice@example.com');
    expect(alice.project).toMatchObject({ effective_access_level: 'admin', inherited_access: { source: 'org_admin' } });
    expect(Object.keys(frank.resources)).toHaveLength(34);
    expect(frank.resources.feature_flag).toMatchObject({ access_level: null, effective_access_level: 'editor', inherited_access: { source: 'resource', source_subject: 'default' } });
    expect(frank.resources.activity_log).toMatchObject({ effective_access_level: 'viewer', minimum: 'none', maximum: 'viewer', inherited_access: { source: 'system_default' } });
    expect(alice.resources.dashboard.effective_access_level).toBe('manager');
  });

  it('member_id narrows to one member; an unknown one is 404', async () => {
    const frank = await c.member('frank@example.com');
    const r = await c.get(`/api/projects/1/access_control_members/?member_id=${frank.id}`);
    expect(r.body.results.map((x: any) => x.user.email)).toEqual(['frank@example.com']);
    expect(err(await c.get('/api/projects/1/access_control_members/?member_id=00000000-0000-4000-8000-000000000000'))).toMatchObject({ status: 404 });
  });

  it('a member who may not edit rules reads it with can_edit false', async () => {
    const frank = c.as(await c.keyFor('frank@example.com'));
    const r = await frank.get('/api/projects/1/access_control_members/');
    expect(r.status).toBe(200);
    expect(r.body.can_edit).toBe(false);
  });
});

describe('access_control_roles and access_control_defaults', () => {
  it('roles: own rule and enforced level', async () => {
    const eng = await c.role('Engineering');
    const r = await c.get('/api/projects/1/access_control_roles/');
    const row = r.body.results.find((x: any) => x.role_id === eng.id);
    expect(row).toMatchObject({ role_name: 'Engineering', project: { access_level: 'member', effective_access_level: 'member' } });
    expect(err(await c.get('/api/projects/1/access_control_roles/?role_id=nope'))).toMatchObject({ status: 404 });
  });

  it('defaults: the stored project default and each kind with its bounds', async () => {
    const r = await c.get('/api/projects/1/access_control_defaults/');
    expect(r.body).toMatchObject({ project_access_level: 'member', can_edit: true });
    expect(r.body.resource_access_levels.feature_flag).toEqual({ access_level: 'editor', minimum: 'none', maximum: 'manager' });
    expect(r.body.resource_access_levels.action).toEqual({ access_level: null, minimum: 'viewer', maximum: 'manager' });
    expect((await c.get('/api/projects/2/access_control_defaults/')).body.project_access_level).toBe('admin');
  });
});

describe('per-subject rule lists', () => {
  it("each subject's own object rules, the project's own row left out, named by id", async () => {
    const eng = await c.role('Engineering');
    const frank = await c.member('frank@example.com');
    // object rules by id (the emulator keeps no dashboards or flags of its own)
    const s = (await c.control('GET', '/_emulator/state')).body;
    const rule = (extra: Record<string, unknown>) => ({ id: crypto.randomUUID(), team_id: 1, organization_member: null, role: null, created_by_uuid: null, created_at: '2026-01-01T00:00:00Z', updated_at: '2026-01-01T00:00:00Z', ...extra });
    s.access_controls.push(
      rule({ resource: 'feature_flag', resource_id: '7', access_level: 'viewer' }),
      rule({ resource: 'dashboard', resource_id: '12', access_level: 'none' }),
      rule({ resource: 'dashboard', resource_id: '3', access_level: 'editor', role: eng.id }),
      rule({ resource: 'notebook', resource_id: 'abc', access_level: 'manager', organization_member: frank.id }),
    );
    c = c.as((await c.control('PUT', '/_emulator/state', s)).body.key);
    const defaults = await c.get('/api/projects/1/access_control_default_objects/');
    expect(defaults.body.results).toEqual([
      { resource: 'dashboard', resource_id: '12', name: '12', short_id: null, access_level: 'none' },
      { resource: 'feature_flag', resource_id: '7', name: '7', short_id: null, access_level: 'viewer' },
    ]);
    expect((await c.get(`/api/projects/1/access_control_role_objects/?role_id=${eng.id}`)).body.results.map((r: any) => [r.resource, r.resource_id])).toEqual([['dashboard', '3']]);
    // frank's project rule on Sandbox is another project's; his notebook rule is his own
    expect((await c.get(`/api/projects/1/access_control_member_objects/?member_id=${frank.id}`)).body.results.map((r: any) => r.resource_id)).toEqual(['abc']);
    expect((await c.get(`/api/projects/3/access_control_member_objects/?member_id=${frank.id}`)).body.results).toEqual([]);
  });

  it('property lists are empty (no property definitions); a missing or foreign subject is refused', async () => {
    expect((await c.get('/api/projects/1/access_control_default_properties/')).body).toEqual({ results: [] });
    const carol = await c.member('carol@example.com');
    expect((await c.get(`/api/projects/1/access_control_member_properties/?member_id=${carol.id}`)).body).toEqual({ results: [] });
    expect(err(await c.get('/api/projects/1/access_control_member_objects/'))).toMatchObject({ status: 400, code: 'invalid', detail: 'member_id is required' });
    expect(err(await c.get('/api/projects/1/access_control_role_properties/'))).toMatchObject({ status: 400, detail: 'role_id is required' });
    expect(err(await c.get('/api/projects/1/access_control_role_objects/?role_id=00000000-0000-4000-8000-000000000000'))).toMatchObject({ status: 404 });
    expect(err(await c.get('/api/projects/1/access_control_member_properties/?member_id=nope'))).toMatchObject({ status: 404 });
  });
});

describe('members/project_access', () => {
  it("every member × every project the caller reaches, with the enforced level and the deciding rule", async () => {
    const r = await c.get(`/api/organizations/${c.org}/members/project_access/`);
    expect(r.status).toBe(200);
    const carol = await c.member('carol@example.com');
    const eng = await c.role('Engineering');
    const byMember = (id: string) => r.body.results.find((x: any) => x.organization_membership_id === id).projects;
    const carolRows = byMember(carol.id);
    // projects by name: Production, Sandbox, Staging
    expect(carolRows.map((p: any) => [p.team_name, p.access_level])).toEqual([['Production', 'admin'], ['Sandbox', 'none'], ['Staging', 'admin']]);
    expect(carolRows[0]).toMatchObject({
      team_id: 1, subject_id: carol.id,
      resolved: { access_level: 'admin', source: 'object', source_subject: 'member', source_resource: 'project', source_resource_id: '1', subject_name: 'Carol Example' },
    });
    expect(carolRows[1]).toMatchObject({ subject_id: null, resolved: { access_level: 'none', source_subject: 'default', subject_name: null } });
    expect(carolRows[2]).toMatchObject({ subject_id: null, resolved: { source: 'system_default', source_subject: null } });
    const frank = byMember((await c.member('frank@example.com')).id);
    expect(frank[0]).toMatchObject({ access_level: 'member', subject_id: eng.id, resolved: { source_subject: 'role', subject_name: 'Engineering' } });
    const alice = byMember((await c.member('alice@example.com')).id);
    expect(alice[1]).toMatchObject({ access_level: 'admin', subject_id: null, resolved: { source: 'org_admin' } });
  });

  it('a member sees only the projects they reach; member_id narrows; malformed 400, unknown 404', async () => {
    const carolKey = c.as(await c.keyFor('carol@example.com'));
    const carol = await c.member('carol@example.com');
    const r = await carolKey.get(`/api/organizations/${c.org}/members/project_access/?member_id=${carol.id}`);
    expect(r.status).toBe(200);
    expect(r.body.results).toHaveLength(1);
    expect(r.body.results[0].projects.map((p: any) => p.team_name)).toEqual(['Production', 'Staging']);
    expect(err(await c.get(`/api/organizations/${c.org}/members/project_access/?member_id=nope`))).toMatchObject({ status: 400, attr: 'member_id', detail: 'Must be a UUID.' });
    expect(err(await c.get(`/api/organizations/${c.org}/members/project_access/?member_id=00000000-0000-4000-8000-000000000000`))).toMatchObject({ status: 404 });
    // the scope is organization_member:read
    const noScope = c.as(await c.keyFor('alice@example.com', ['access_control:read']));
    expect(err(await noScope.get(`/api/organizations/${c.org}/members/project_access/`))).toMatchObject({ status: 403, detail: "API key missing required scope 'organization_member:read'" });
  });
});

describe('the restricted member roster (members_can_see_org_members off)', () => {
  let e: Client;
  beforeAll(async () => {
    e = await start();
    // Production and Staging private; Sandbox was already
    await e.put('/api/projects/1/access_controls/', { access_level: 'none' });
    await e.put('/api/projects/2/access_controls/', { access_level: 'none' });
    await e.patch(`/api/organizations/${e.org}/`, { members_can_see_org_members: false });
  });
  afterAll(async () => { await e.emulator.close(); });

  const emails = (list: any[]) => list.map((m) => m.user.email).sort();

  it('a member below admin sees themselves and the people granted on a project they reach', async () => {
    const carol = e.as(await e.keyFor('carol@example.com'));
    // carol reaches Production (her admin rule): there bob and frank (Engineering) and grace (her own rule)
    const r = await carol.get(`/api/organizations/${e.org}/members/`);
    expect(emails(r.body.results)).toEqual(['bob@example.com', 'carol@example.com', 'frank@example.com', 'grace@example.com']);
    expect(r.body.count).toBe(4);
    // the same roster in the project-access view and in role members
    const pa = await carol.get(`/api/organizations/${e.org}/members/project_access/`);
    expect(pa.body.results).toHaveLength(4);
    const roles = (await carol.get(`/api/organizations/${e.org}/roles/`)).body.results;
    // Product's only member is dave, an org admin with no rule anywhere; its creator alice is hidden too
    const product = roles.find((x: any) => x.name === 'Product');
    expect(product.members).toEqual([]);
    expect(product.created_by).toBeNull();
    const eng = roles.find((x: any) => x.name === 'Engineering');
    expect(eng.members.map((m: any) => m.user.email).sort()).toEqual(['bob@example.com', 'frank@example.com']);
    expect((await carol.get(`/api/organizations/${e.org}/roles/${product.id}/role_memberships/`)).body.results).toEqual([]);
  });

  it('org admins still see everyone', async () => {
    expect((await e.get(`/api/organizations/${e.org}/members/`)).body.count).toBe(6);
  });

  it('access_control_members hides members without access to that project from a member', async () => {
    const frank = e.as(await e.keyFor('frank@example.com'));
    const r = await frank.get('/api/projects/3/access_control_members/');
    expect(r.status).toBe(200);
    expect(r.body.results.map((m: any) => m.user.email).sort()).toEqual(['frank@example.com', 'grace@example.com']);
  });
});
