// PostHog's role membership API tests (TestRoleMembershipAPI and TestRoleMembershipVisibilityFiltering;
// the copy read imports products.access_control.backend.models.role; the index does not record its
// path, cited here as products/access_control/backend/tests/test_role_membership.py as the brief
// names it). Left out: the visibility-filtering cases, which patch PostHog's facade rather than
// set up a restricted requester.
import { randomUUID } from 'node:crypto';
import { describe, expect } from 'vitest';
import { ADMIN, MEMBER, World, conformance } from './world.ts';

const test = conformance('products/access_control/backend/tests/test_role_membership.py');

/** setUp: self.user is an org admin, role "Analyst". */
async function world() {
  const w = await World.create({ level: ADMIN });
  const role = await w.addRole('Analyst');
  return { w, role, url: `/api/organizations/${w.org}/roles/${role}/role_memberships/` };
}
const roleMembers = async (w: World, role: string) => (await w.snapshot()).role_memberships.filter((m: any) => m.role_id === role);

describe('role memberships', () => {
  const C = 'TestRoleMembershipAPI';

  test(`${C}::test_list_empty`, async () => {
    const { w, url } = await world();
    const r = await w.client.get(url);
    expect(r.status).toBe(200);
    expect(r.body.results).toEqual([]);
  });

  test(`${C}::test_create_membership`, async () => {
    const { w, role, url } = await world();
    const { uuid, membership } = await w.addUser('member@posthog.com');
    const r = await w.client.post(url, { user_uuid: uuid });
    expect(r.status).toBe(201);
    expect(r.body.user.email).toBe('member@posthog.com');
    expect(r.body.organization_member.user.email).toBe('member@posthog.com');
    const rows = await roleMembers(w, role);
    expect(rows).toHaveLength(1);
    expect(rows[0].membership_id).toBe(membership);
  });

  test(`${C}::test_create_as_non_admin_403`, async () => {
    const { w, role, url } = await world();
    const { uuid } = await w.addUser('member@posthog.com');
    await w.setLevel(MEMBER);
    const r = await w.client.post(url, { user_uuid: uuid });
    expect(r.status).toBe(403);
    expect(await roleMembers(w, role)).toHaveLength(0);
  });

  test(`${C}::test_create_duplicate_member_400`, async () => {
    const { w, role, url } = await world();
    const { uuid } = await w.addUser('member@posthog.com');
    await w.addRoleMember(role, 'member@posthog.com');
    const r = await w.client.post(url, { user_uuid: uuid });
    expect(r.status).toBe(400);
    expect(r.body.detail).toBe('User is already part of the role.');
    expect(await roleMembers(w, role)).toHaveLength(1);
  });

  test(`${C}::test_create_nonexistent_user_400`, async () => {
    const { w, url } = await world();
    const r = await w.client.post(url, { user_uuid: randomUUID() });
    expect(r.status).toBe(400);
    expect(r.body.detail).toBe('User does not exist.');
  });

  test(`${C}::test_create_inactive_user_400`, async () => {
    const { w, url } = await world();
    const { uuid } = await w.addUser('member@posthog.com', { is_active: false });
    const r = await w.client.post(url, { user_uuid: uuid });
    expect(r.status).toBe(400);
    expect(r.body.detail).toBe('User does not exist.');
  });

  test(`${C}::test_create_user_from_different_organization_400`, async () => {
    const { w, url } = await world();
    const other = await w.addOrganization('Other Org');
    const { uuid } = await w.addUser('other@posthog.com', { org: other });
    const r = await w.client.post(url, { user_uuid: uuid });
    expect(r.status).toBe(400);
    expect(r.body.detail).toBe('User does not exist.');
  });

  test(`${C}::test_cannot_add_user_to_role_in_different_organization`, async () => {
    const { w } = await world();
    const other = await w.addOrganization('Other Org');
    const otherRole = await w.addRole('Hidden', other);
    const { uuid } = await w.addUser('member@posthog.com');
    const r = await w.client.post(`/api/organizations/${w.org}/roles/${otherRole}/role_memberships/`, { user_uuid: uuid });
    expect(r.status).toBe(400);
    expect(r.body.detail).toBe('Role does not exist.');
    expect(await roleMembers(w, otherRole)).toHaveLength(0);
  });

  test(`${C}::test_list_with_role_org_mismatch_returns_empty_not_404`, async () => {
    const { w } = await world();
    const other = await w.addOrganization('Other Org');
    const otherRole = await w.addRole('Hidden', other);
    await w.addUser('member@posthog.com', { org: other, level: ADMIN });
    await w.addRoleMember(otherRole, 'member@posthog.com');
    const r = await w.client.get(`/api/organizations/${w.org}/roles/${otherRole}/role_memberships/`);
    expect(r.status).toBe(200);
    expect(r.body.results).toEqual([]);
  });

  test(`${C}::test_retrieve_with_role_org_mismatch_404`, async () => {
    const { w } = await world();
    const other = await w.addOrganization('Other Org');
    const otherRole = await w.addRole('Hidden', other);
    await w.addUser('member@posthog.com', { org: other });
    const membership = await w.addRoleMember(otherRole, 'member@posthog.com');
    const r = await w.client.get(`/api/organizations/${w.org}/roles/${otherRole}/role_memberships/${membership}/`);
    expect(r.status).toBe(404);
  });

  test(`${C}::test_list_returns_404_for_nonexistent_organization`, async () => {
    const { w, role } = await world();
    const r = await w.client.get(`/api/organizations/${randomUUID()}/roles/${role}/role_memberships/`);
    expect(r.status).toBe(404);
  });

  test(`${C}::test_list_returns_403_for_organization_requester_is_not_a_member_of`, async () => {
    const { w } = await world();
    const other = await w.addOrganization('Other Org');
    const otherRole = await w.addRole('Hidden', other);
    const r = await w.client.get(`/api/organizations/${other}/roles/${otherRole}/role_memberships/`);
    expect(r.status).toBe(403);
  });

  test(`${C}::test_retrieve_membership`, async () => {
    const { w, role, url } = await world();
    await w.addUser('member@posthog.com');
    const membership = await w.addRoleMember(role, 'member@posthog.com');
    const r = await w.client.get(`${url}${membership}/`);
    expect(r.status).toBe(200);
    expect(r.body.id).toBe(membership);
  });

  test(`${C}::test_cross_organization_role_members_not_leaked`, async () => {
    const { w, role, url } = await world();
    const other = await w.addOrganization('Other Org');
    const otherRole = await w.addRole('Analyst', other);
    await w.addUser('other-member@posthog.com', { org: other });
    await w.addRoleMember(otherRole, 'other-member@posthog.com');
    await w.addUser('own-member@posthog.com');
    await w.addRoleMember(role, 'own-member@posthog.com');
    const r = await w.client.get(url);
    expect(r.body.results.map((m: any) => m.user.email)).toEqual(['own-member@posthog.com']);
  });

  test(`${C}::test_destroy_membership`, async () => {
    const { w, role, url } = await world();
    await w.addUser('member@posthog.com');
    const membership = await w.addRoleMember(role, 'member@posthog.com');
    const r = await w.client.del(`${url}${membership}/`);
    expect(r.status).toBe(204);
    expect(await roleMembers(w, role)).toHaveLength(0);
  });

  test(`${C}::test_destroy_as_non_admin_403`, async () => {
    const { w, role, url } = await world();
    await w.addUser('member@posthog.com');
    const membership = await w.addRoleMember(role, 'member@posthog.com');
    await w.setLevel(MEMBER);
    const r = await w.client.del(`${url}${membership}/`);
    expect(r.status).toBe(403);
    expect(await roleMembers(w, role)).toHaveLength(1);
  });

  test(`${C}::test_no_update_action`, async () => {
    const { w, role, url } = await world();
    await w.addUser('member@posthog.com');
    const membership = await w.addRoleMember(role, 'member@posthog.com');
    const r = await w.client.patch(`${url}${membership}/`, { user_uuid: randomUUID() });
    expect(r.status).toBe(405);
  });
});
