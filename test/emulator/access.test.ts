import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, err, start } from './helpers.ts';

let c: Client;
beforeAll(async () => { c = await start(); });
afterAll(async () => { await c.emulator.close(); });

const AC = (p: number) => `/api/projects/${p}/access_controls/`;
const RAC = (p: number) => `/api/projects/${p}/resource_access_controls/`;

describe('project access_controls', () => {
  it('GET shape', async () => {
    const r = await c.get(AC(1));
    expect(r.status).toBe(200);
    expect(Object.keys(r.body).sort()).toEqual([
      'access_controls', 'available_access_levels', 'default_access_level', 'inherited_access', 'maximum_access_level',
      'minimum_access_level', 'user_access_level', 'user_can_edit_access_levels',
    ]);
    // a project has nothing to inherit from
    expect(r.body.inherited_access).toBeNull();
    expect(r.body).toMatchObject({
      available_access_levels: ['none', 'member', 'admin'], default_access_level: 'admin', minimum_access_level: 'none',
      maximum_access_level: 'admin', user_access_level: 'admin', user_can_edit_access_levels: true,
    });
    expect(r.body.access_controls.every((x: any) => x.resource === 'project' && x.resource_id === '1')).toBe(true);
    expect(Object.keys(r.body.access_controls[0]).sort()).toEqual(
      ['access_level', 'created_at', 'created_by', 'organization_member', 'resource', 'resource_id', 'role', 'updated_at']);
  });

  it('upserts by identity, access_level null deletes (204)', async () => {
    const bob = await c.member('bob@example.com');
    const a = await c.put(AC(2), { organization_member: bob.id, access_level: 'member' });
    expect(a.status).toBe(200);
    expect(a.body).toMatchObject({ organization_member: bob.id, role: null, access_level: 'member', resource: 'project', resource_id: '2' });
    const b = await c.put(AC(2), { organization_member: bob.id, access_level: 'admin' });
    expect(b.body.access_level).toBe('admin');
    let rules = (await c.get(AC(2))).body.access_controls;
    expect(rules.filter((x: any) => x.organization_member === bob.id)).toHaveLength(1);
    const d = await c.put(AC(2), { organization_member: bob.id, access_level: null });
    expect(d.status).toBe(204);
    rules = (await c.get(AC(2))).body.access_controls;
    expect(rules.filter((x: any) => x.organization_member === bob.id)).toHaveLength(0);
    expect((await c.put(AC(2), { organization_member: bob.id, access_level: null })).status).toBe(204);
  });

  it('default rule (no subject) and role rules', async () => {
    const product = await c.role('Product');
    expect((await c.put(AC(2), { access_level: 'none' })).body).toMatchObject({ organization_member: null, role: null, access_level: 'none' });
    expect((await c.put(AC(2), { role: product.id, access_level: 'member' })).body).toMatchObject({ role: product.id });
  });

  it('member XOR role', async () => {
    const bob = await c.member('bob@example.com');
    const product = await c.role('Product');
    const r = await c.put(AC(1), { organization_member: bob.id, role: product.id, access_level: 'member' });
    expect(err(r)).toMatchObject({ status: 400, type: 'validation_error', detail: 'You can not scope an access control to both a member and a role.' });
  });

  it('invalid level', async () => {
    const r = await c.put(AC(1), { access_level: 'viewer' });
    expect(err(r)).toMatchObject({ status: 400, detail: 'Invalid access level. Must be one of: none, member, admin' });
  });

  it('organization_member is the membership id, not the user uuid', async () => {
    const bob = await c.member('bob@example.com');
    const r = await c.put(AC(1), { organization_member: bob.user.uuid, access_level: 'member' });
    expect(err(r)).toMatchObject({ status: 400, attr: 'organization_member', code: 'does_not_exist' });
  });

  it('project PUT: a resource_id in the body is overwritten by the URL target, not refused', async () => {
    const r = await c.put(AC(1), { access_level: 'member', resource_id: '2' });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ resource: 'project', resource_id: '1', organization_member: null, role: null, access_level: 'member' });
    expect((await c.get(AC(2))).body.access_controls.some((x: any) => x.access_level === 'member' && !x.organization_member && !x.role)).toBe(false);
  });

  it('writer must be an org admin or an explicit project admin: "Must be admin to modify project permissions."', async () => {
    const carol = await c.keyFor('carol@example.com');
    // carol has an explicit admin rule on Production
    expect((await c.as(carol).put(AC(1), { access_level: 'member' })).status).toBe(200);
    const frank = await c.keyFor('frank@example.com');
    const r = await c.as(frank).put(AC(1), { access_level: 'none' });
    expect(err(r)).toEqual({ status: 403, type: 'authentication_error', code: 'permission_denied', detail: 'Must be admin to modify project permissions.', attr: null });
    expect((await c.as(frank).get(AC(1))).body).toMatchObject({ user_access_level: 'member', user_can_edit_access_levels: false });
    // resource-type rules without a resource_id: the project-wide text
    const rr = await c.as(frank).put(RAC(1), { resource: 'dashboard', access_level: 'viewer' });
    expect(err(rr)).toMatchObject({ status: 403, code: 'permission_denied', detail: 'Must be an Organization admin to modify project-wide permissions.' });
  });

  it('an open project (no rules) gives members admin access but not the right to change its rules', async () => {
    const e = await start();
    try {
      const carol = e.as(await e.keyFor('carol@example.com'));
      // Staging has no rules: carol's level falls back to the default `admin`, which is not explicit
      expect((await carol.get(AC(2))).body).toMatchObject({ user_access_level: 'admin', user_can_edit_access_levels: false });
      expect(err(await carol.put(AC(2), { access_level: 'none' }))).toMatchObject({ status: 403, detail: 'Must be admin to modify project permissions.' });
      // an explicit default `admin` rule does count
      expect((await e.put(AC(2), { access_level: 'admin' })).status).toBe(200);
      expect((await carol.get(AC(2))).body.user_can_edit_access_levels).toBe(true);
      expect((await carol.put(AC(2), { access_level: 'member' })).status).toBe(200);
      // without the access_control feature, nobody below org admin may change rules
      await e.control('POST', '/_emulator/features', { features: ['role_based_access'] });
      const bob = await e.keyFor('bob@example.com');
      expect((await e.as(bob).put(AC(2), { access_level: 'admin' })).status).toBe(200);
      const carol2 = e.as(await e.keyFor('carol@example.com'));
      expect(err(await carol2.put(AC(2), { access_level: 'none' }))).toMatchObject({ status: 403, detail: 'Must be admin to modify project permissions.' });
    } finally {
      await e.emulator.close();
    }
  });

  it('subjects: member id must be a UUID, exist, and belong to the project\'s organization; roles likewise', async () => {
    const notUuid = await c.put(AC(1), { organization_member: 'bob', access_level: 'member' });
    expect(err(notUuid)).toEqual({
      status: 400, type: 'validation_error', code: 'invalid', attr: 'organization_member',
      detail: "Invalid organization member id. Use the 'id' field from the /api/organizations/<organization_id>/members/ endpoint.",
    });
    const otherOrg = '0c1d2e3f-0000-4000-8000-0000000000aa';
    const s = c.emulator.state;
    const alice = await c.member('alice@example.com');
    const foreignMember = s.addMembership({
      id: '0c1d2e3f-0000-4000-8000-0000000000bb', organization_id: otherOrg, user_uuid: alice.user.uuid, level: 1,
      joined_at: '2020-01-01T00:00:00.000Z', updated_at: '2020-01-01T00:00:00.000Z',
    });
    const foreignRole = s.addRole({ id: '0c1d2e3f-0000-4000-8000-0000000000cc', organization_id: otherOrg, name: 'Elsewhere', created_at: '2020-01-01T00:00:00.000Z', created_by_uuid: null });
    try {
      expect(err(await c.put(AC(1), { organization_member: foreignMember.id, access_level: 'member' }))).toEqual({
        status: 400, type: 'validation_error', code: 'invalid', attr: null, detail: 'The member must belong to the same organization as this project.',
      });
      expect(err(await c.put(AC(1), { role: foreignRole.id, access_level: 'member' }))).toEqual({
        status: 400, type: 'validation_error', code: 'invalid', attr: null, detail: 'The role must belong to the same organization as this project.',
      });
    } finally {
      s.removeMembership(foreignMember);
      s.removeRole(foreignRole);
    }
  });

  it('members without access get 403 on the project', async () => {
    const carol = await c.keyFor('carol@example.com');
    const r = await c.as(carol).get(AC(3));
    expect(err(r)).toMatchObject({ status: 403, detail: "You don't have access to the project." });
    expect((await c.as(carol).get('/api/projects/')).body.results.map((p: any) => p.name)).not.toContain('Sandbox');
  });

  it('role subjects need role_based_access (403)', async () => {
    const other = await start();
    try {
      await other.control('POST', '/_emulator/features', { features: ['access_control'] });
      const product = await other.role('Product');
      const r = await other.put(AC(1), { role: product.id, access_level: 'member' });
      expect(err(r)).toMatchObject({ status: 403, detail: 'Role-based access controls require the Role-based access feature.' });
      expect((await other.put(AC(1), { access_level: 'member' })).status).toBe(200);
    } finally {
      await other.emulator.close();
    }
  });
});

describe('resource_access_controls', () => {
  it('GET lists resource-type rules (resource_id null)', async () => {
    const r = await c.get(RAC(1));
    expect(r.body).toMatchObject({ available_access_levels: ['none', 'viewer', 'editor', 'manager'], default_access_level: 'editor' });
    expect(r.body.access_controls).toContainEqual(expect.objectContaining({ resource: 'feature_flag', resource_id: null, access_level: 'editor' }));
  });

  it('upsert and delete', async () => {
    const eng = await c.role('Engineering');
    const a = await c.put(RAC(1), { resource: 'dashboard', role: eng.id, access_level: 'viewer' });
    expect(a.body).toMatchObject({ resource: 'dashboard', resource_id: null, role: eng.id, access_level: 'viewer' });
    expect((await c.put(RAC(1), { resource: 'dashboard', role: eng.id, access_level: 'manager' })).body.access_level).toBe('manager');
    expect((await c.put(RAC(1), { resource: 'dashboard', role: eng.id, access_level: null })).status).toBe(204);
  });

  it('per-resource minimum and maximum', async () => {
    expect(err(await c.put(RAC(1), { resource: 'action', access_level: 'none' })))
      .toMatchObject({ status: 400, detail: "Access level cannot be set below the minimum 'viewer' for action." });
    expect(err(await c.put(RAC(1), { resource: 'activity_log', access_level: 'editor' })))
      .toMatchObject({ status: 400, detail: "Access level cannot be set above the maximum 'viewer' for activity_log." });
    expect(err(await c.put(RAC(1), { resource: 'dashboard', access_level: 'admin' })))
      .toMatchObject({ status: 400, detail: 'Invalid access level. Must be one of: none, viewer, editor, manager' });
    expect((await c.put(RAC(1), { resource: 'activity_log', access_level: 'none' })).status).toBe(200);
  });

  it('resource_id: another id → 403; the project\'s own id is accepted', async () => {
    const r = await c.put(RAC(1), { resource: 'dashboard', resource_id: '42', access_level: 'viewer' });
    expect(err(r)).toEqual({ status: 403, type: 'authentication_error', code: 'permission_denied', attr: null, detail: 'Cannot modify access controls for a resource different from the URL target.' });
    const same = await c.put(RAC(1), { resource: 'dashboard', resource_id: '1', access_level: 'viewer' });
    expect(same.status).toBe(200);
    expect(same.body).toMatchObject({ resource: 'dashboard', resource_id: '1', access_level: 'viewer' });
    expect((await c.put(RAC(1), { resource: 'dashboard', resource_id: '1', access_level: null })).status).toBe(204);
  });

  it('resource: any non-internal API scope object, else "Invalid resource. Must be one of: (…)"', async () => {
    const ok = await c.put(RAC(1), { resource: 'cohort', access_level: 'viewer' });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ resource: 'cohort', resource_id: null, access_level: 'viewer' });
    expect((await c.put(RAC(1), { resource: 'cohort', access_level: null })).status).toBe(204);
    const bad = await c.put(RAC(1), { resource: 'dashboards', access_level: 'viewer' });
    expect(err(bad)).toMatchObject({ status: 400, type: 'validation_error', code: 'invalid', attr: 'resource' });
    expect(bad.body.detail).toMatch(/^Invalid resource\. Must be one of: \('action', 'access_control', .*'webhook', 'wizard_session'\)$/);
  });

  it('GET: user_access_level is the requester\'s project level, user_can_edit_access_levels as for writes', async () => {
    const frank = await c.keyFor('frank@example.com');
    expect((await c.as(frank).get(RAC(1))).body).toMatchObject({ user_access_level: 'member', user_can_edit_access_levels: false });
    expect((await c.get(RAC(1))).body).toMatchObject({ user_access_level: 'admin', user_can_edit_access_levels: true });
    expect(Object.keys((await c.get(RAC(1))).body)).not.toContain('inherited_access');
  });
});

describe('projects', () => {
  it('list per org, root list and retrieve by integer id', async () => {
    const org = await c.get(`/api/organizations/${c.org}/projects/`);
    expect(org.body.results.map((p: any) => p.name)).toEqual(['Production', 'Staging', 'Sandbox']);
    expect((await c.get('/api/projects/')).body.count).toBe(3);
    const p = await c.get('/api/projects/2/');
    expect(p.body).toMatchObject({ id: 2, name: 'Staging', organization: c.org });
    expect((await c.get('/api/projects/abc/')).status).toBe(404);
  });

  it('create needs admin; 201', async () => {
    const r = await c.post(`/api/organizations/${c.org}/projects/`, { name: 'Data Warehouse' });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ id: 4, name: 'Data Warehouse' });
    const carol = await c.keyFor('carol@example.com');
    expect(err(await c.as(carol).post(`/api/organizations/${c.org}/projects/`, { name: 'X' })))
      .toMatchObject({ status: 403, detail: 'You need to be an organization admin or above to create new projects.' });
  });
});
