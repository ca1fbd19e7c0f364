// PostHog's role API tests. The brief names products/access_control/backend/tests/test_role.py; that
// path is not in the index, and the newest copy found of the role API tests (TestRoleAPI and
// TestRoleCrossOrgAuthorization, importing ee.models.rbac.role) is cited under that name here.
// Left out: feature_flags_access_level (a field of the old roles) and the database constraint case.
import { describe, expect } from 'vitest';
import { ADMIN, MEMBER, World, conformance } from './world.ts';

const test = conformance('products/access_control/backend/tests/test_role.py');

/** APILicensedTest: every feature. */
const FEATURES = ['access_control', 'role_based_access', 'organization_invite_settings', 'organization_security_settings'];
const roles = async (w: World, org = w.org) => (await w.snapshot()).roles.filter((r: any) => r.organization_id === org);

describe('roles', () => {
  const X = 'TestRoleCrossOrgAuthorization';
  /** setUp: admin of org A, member of org B; the active organization is A. */
  async function crossOrg() {
    const w = await World.create({ level: ADMIN, features: FEATURES });
    const orgB = await w.addOrganization('Org B', { features: FEATURES });
    await w.addUser(w.email, { org: orgB, level: MEMBER });
    return { w, orgB };
  }

  test(`${X}::test_cross_org_admin_cannot_create_roles_in_other_org`, async () => {
    const { w, orgB } = await crossOrg();
    const r = await w.client.post(`/api/organizations/${orgB}/roles`, { name: 'Hacked Role' });
    expect(r.status).toBe(403);
  });

  test(`${X}::test_cross_org_admin_cannot_update_roles_in_other_org`, async () => {
    const { w, orgB } = await crossOrg();
    const role = await w.addRole('Engineering', orgB);
    const r = await w.client.patch(`/api/organizations/${orgB}/roles/${role}`, { name: 'Hacked' });
    expect(r.status).toBe(403);
  });

  test(`${X}::test_cross_org_admin_cannot_delete_roles_in_other_org`, async () => {
    const { w, orgB } = await crossOrg();
    const role = await w.addRole('Engineering', orgB);
    const r = await w.client.del(`/api/organizations/${orgB}/roles/${role}`);
    expect(r.status).toBe(403);
  });

  test(`${X}::test_cross_org_role_creation_uses_correct_org`, async () => {
    const { w, orgB } = await crossOrg();
    await w.setLevel(ADMIN, w.email, orgB);
    const r = await w.client.post(`/api/organizations/${orgB}/roles`, { name: 'New Role' });
    expect(r.status).toBe(201);
    const row = (await w.snapshot()).roles.find((x: any) => x.id === r.body.id);
    expect(row.organization_id).toBe(orgB);
  });

  test(`${X}::test_cross_org_role_name_uniqueness_checks_correct_org`, async () => {
    const { w, orgB } = await crossOrg();
    await w.addRole('Engineering');
    await w.setLevel(ADMIN, w.email, orgB);
    const r = await w.client.post(`/api/organizations/${orgB}/roles`, { name: 'Engineering' });
    expect(r.status).toBe(201);
  });

  test(`${X}::test_member_cannot_modify_roles_after_fix`, async () => {
    const { w } = await crossOrg();
    await w.setLevel(MEMBER);
    const r = await w.client.post(`/api/organizations/${w.org}/roles`, { name: 'Blocked' });
    expect(r.status).toBe(403);
  });

  test(`${X}::test_admin_can_modify_roles_with_explicit_org_id`, async () => {
    const { w } = await crossOrg();
    const r = await w.client.post(`/api/organizations/${w.org}/roles`, { name: 'Allowed' });
    expect(r.status).toBe(201);
  });

  const R = 'TestRoleAPI';

  test(`${R}::test_only_organization_admins_and_higher_can_create`, async () => {
    const w = await World.create({ level: ADMIN, features: FEATURES });
    const admin = await w.client.post('/api/organizations/@current/roles', { name: 'Product' });
    await w.setLevel(MEMBER);
    const member = await w.client.post('/api/organizations/@current/roles', { name: 'Product 2' });
    expect(admin.status).toBe(201);
    expect((await roles(w)).map((r: any) => r.name)).toEqual(['Product']);
    expect(member.status).toBe(403);
  });

  test(`${R}::test_only_organization_admins_and_higher_can_update`, async () => {
    const w = await World.create({ level: ADMIN, features: FEATURES });
    const role = await w.addRole('Engineering');
    const admin = await w.client.patch(`/api/organizations/@current/roles/${role}`, { name: 'on call support' });
    await w.setLevel(MEMBER);
    const member = await w.client.patch(`/api/organizations/@current/roles/${role}`, { name: 'member eng' });
    expect(admin.status).toBe(200);
    expect(member.status).toBe(403);
    expect((await roles(w)).map((r: any) => r.name)).toEqual(['on call support']);
  });

  test(`${R}::test_cannot_duplicate_role_name`, async () => {
    const w = await World.create({ level: ADMIN, features: FEATURES });
    await w.addRole('Marketing');
    const r = await w.client.post('/api/organizations/@current/roles', { name: 'marketing' });
    expect(r.status).toBe(400);
    expect(r.body).toEqual({ type: 'validation_error', code: 'unique', detail: 'There is already a role with this name.', attr: 'name' });
    expect(await roles(w)).toHaveLength(1);
  });

  test(`${R}::test_can_rename_role_with_case_change`, async () => {
    const w = await World.create({ level: ADMIN, features: FEATURES });
    const role = await w.addRole('engineering');
    const r = await w.client.patch(`/api/organizations/@current/roles/${role}`, { name: 'Engineering' });
    expect(r.status).toBe(200);
    expect((await roles(w))[0].name).toBe('Engineering');
  });

  test(`${R}::test_cannot_rename_role_to_existing_name`, async () => {
    const w = await World.create({ level: ADMIN, features: FEATURES });
    await w.addRole('Marketing');
    const eng = await w.addRole('Engineering');
    const r = await w.client.patch(`/api/organizations/@current/roles/${eng}`, { name: 'marketing' });
    expect(r.status).toBe(400);
    expect(r.body.code).toBe('unique');
  });

  test(`${R}::test_returns_correct_results_by_organization`, async () => {
    const w = await World.create({ level: ADMIN, features: FEATURES });
    await w.client.post('/api/organizations/@current/roles', { name: 'Product' });
    await w.client.post('/api/organizations/@current/roles', { name: 'Customer Success' });
    const other = await w.addOrganization('other org');
    await w.addRole('Product', other);
    expect((await w.snapshot()).roles).toHaveLength(3);
    const r = await w.client.get('/api/organizations/@current/roles');
    expect(r.body.count).toBe(2);
    expect(r.text).not.toContain(other);
  });
});
