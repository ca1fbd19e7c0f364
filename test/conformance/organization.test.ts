// posthog/api/test/test_organization.py (PostHog/posthog; the copy read is the newest of three, with
// the licence tests for organization settings; older copies at 7de761df and 0181271c predate them).
// Left out: organization create/delete and onboarding (not served by the emulator), the OAuth
// token case, the RBAC migration action and the serializer unit tests.
import { describe, expect } from 'vitest';
import { ADMIN, MEMBER, OWNER, World, conformance } from './world.ts';

const test = conformance('posthog/api/test/test_organization.py');

describe('organization', () => {
  test('test_get_current_organization', async () => {
    const w = await World.create();
    const r = await w.client.get('/api/organizations/@current');
    expect(r.status).toBe(200);
    expect(r.body.id).toBe(w.org);
    // no product features by default
    expect(r.body.available_product_features ?? []).toEqual([]);
    // deprecated attributes are gone
    expect(r.body).not.toHaveProperty('personalization');
    expect(r.body).not.toHaveProperty('setup');
  });

  for (const [name, level] of [['test_update_organization_if_admin', ADMIN], ['test_update_organization_if_owner', OWNER]] as const) {
    test(name, async () => {
      const w = await World.create({ level });
      await w.setOrganization({ is_member_join_email_enabled: true });
      const rename = await w.client.patch(`/api/organizations/${w.org}`, { name: 'QWERTY' });
      const email = await w.client.patch(`/api/organizations/${w.org}`, { is_member_join_email_enabled: false });
      expect(rename.status).toBe(200);
      expect(email.status).toBe(200);
      const org = await w.organization();
      expect(org.name).toBe('QWERTY');
      expect(org.is_member_join_email_enabled).toBe(false);
    });
  }

  test('test_cannot_update_organization_if_not_owner_or_admin', async () => {
    const w = await World.create({ level: MEMBER });
    const rename = await w.client.patch(`/api/organizations/${w.org}`, { name: 'ASDFG' });
    const email = await w.client.patch(`/api/organizations/${w.org}`, { is_member_join_email_enabled: false });
    expect(rename.status).toBe(403);
    expect(email.status).toBe(403);
    expect((await w.organization()).name).not.toBe('ASDFG');
  });

  test('test_cant_update_plugins_access_level', async () => {
    const w = await World.create({ level: ADMIN });
    // PostHog's test stores 3 and sends 9; the snapshot has no such column, so send a value other
    // than the one the emulator reports
    const before = (await w.client.get(`/api/organizations/${w.org}`)).body.plugins_access_level;
    expect(typeof before).toBe('number');
    const sent = before === 9 ? 3 : 9;
    const r = await w.client.patch(`/api/organizations/${w.org}`, { plugins_access_level: sent });
    expect(r.status).toBe(200);
    const after = (await w.client.get(`/api/organizations/${w.org}`)).body.plugins_access_level;
    expect(after).toBe(before);
  });

  test('test_is_active_fields_are_read_only', async () => {
    const w = await World.create({ level: ADMIN });
    let r = await w.client.get(`/api/organizations/${w.org}`);
    expect(r.status).toBe(200);
    expect(r.body).toHaveProperty('is_active');
    expect(r.body).toHaveProperty('is_not_active_reason');
    expect(r.body.is_active).toBe(true);
    expect(r.body.is_not_active_reason).toBeNull();
    r = await w.client.patch(`/api/organizations/${w.org}`, { is_active: false, is_not_active_reason: 'Test reason' });
    expect(r.status).toBe(200);
    r = await w.client.get(`/api/organizations/${w.org}`);
    expect(r.body.is_active).toBe(true);
    expect(r.body.is_not_active_reason).toBeNull();
  });

  test('test_enforce_2fa_for_everyone', async () => {
    const w = await World.create();
    // only admins may enforce 2FA
    let r = await w.client.patch(`/api/organizations/${w.org}/`, { enforce_2fa: true });
    expect(r.status).toBe(403);
    await w.setLevel(ADMIN);
    await w.setFeatures(['2fa_enforcement']);
    r = await w.client.patch(`/api/organizations/${w.org}/`, { enforce_2fa: true });
    expect(r.status).toBe(200);
    expect((await w.organization()).enforce_2fa).toBe(true);
  });

  test('test_ai_data_processing_consent_capture_event', async () => {
    const w = await World.create({ level: ADMIN });
    const r = await w.client.patch(`/api/organizations/${w.org}/`, { is_ai_data_processing_approved: true });
    expect(r.status).toBe(200);
    expect((await w.organization()).is_ai_data_processing_approved).toBe(true);
  });

  test('test_cannot_update_members_can_invite_without_feature', async () => {
    const w = await World.create({ level: ADMIN, features: [] });
    const current = (await w.organization()).members_can_invite;
    const r = await w.client.patch(`/api/organizations/${w.org}/`, { members_can_invite: !current });
    expect(r.status).toBe(400);
    expect(r.body.code ?? '').toContain('payment_required');
    expect((await w.organization()).members_can_invite).toBe(current);
  });

  test('test_cannot_update_enforce_2fa_without_feature', async () => {
    const w = await World.create({ level: ADMIN, features: [] });
    const r = await w.client.patch(`/api/organizations/${w.org}/`, { enforce_2fa: true });
    expect(r.status).toBe(400);
    expect(r.body.code ?? '').toContain('payment_required');
    expect(r.body.detail ?? '').toContain('upgrade your plan');
    expect((await w.organization()).enforce_2fa).toBeFalsy();
  });

  test('test_cannot_update_allow_publicly_shared_resources_without_feature', async () => {
    const w = await World.create({ level: ADMIN, features: [] });
    const current = (await w.organization()).allow_publicly_shared_resources;
    const r = await w.client.patch(`/api/organizations/${w.org}/`, { allow_publicly_shared_resources: !current });
    expect(r.status).toBe(400);
    expect(r.body.code ?? '').toContain('payment_required');
    expect((await w.organization()).allow_publicly_shared_resources).toBe(current);
  });

  test('test_cannot_update_members_can_use_personal_api_keys_without_feature', async () => {
    const w = await World.create({ level: ADMIN, features: [] });
    const current = (await w.organization()).members_can_use_personal_api_keys;
    const r = await w.client.patch(`/api/organizations/${w.org}/`, { members_can_use_personal_api_keys: !current });
    expect(r.status).toBe(400);
    expect(r.body.code ?? '').toContain('payment_required');
    expect((await w.organization()).members_can_use_personal_api_keys).toBe(current);
  });

  test('test_projects_outside_personal_api_key_scoped_organizations_not_listed', async () => {
    const w = await World.create();
    // Organization.objects.bootstrap(self.user): the user owns another organization
    const other = await w.addOrganization('Other');
    await w.addUser(w.email, { org: other, level: OWNER });
    const key = await w.keyFor(w.email, ['*'], { scoped_organizations: [other] });
    const r = await key.get('/api/organizations/');
    expect(r.status).toBe(200);
    expect(new Set(r.body.results.map((o: any) => o.id))).toEqual(new Set([other]));
  });

  test('test_put_organization_as_member_forbidden', async () => {
    const w = await World.create({ level: MEMBER });
    const r = await w.client.put(`/api/organizations/${w.org}`, { name: 'Updated Name PUT' });
    expect(r.status).toBe(403);
  });

  test('test_patch_organization_as_member_forbidden', async () => {
    const w = await World.create({ level: MEMBER });
    const r = await w.client.patch(`/api/organizations/${w.org}`, { name: 'Updated Name PATCH' });
    expect(r.status).toBe(403);
  });

  test('test_patch_consistency_admin', async () => {
    const w = await World.create({ level: ADMIN });
    const r = await w.client.patch(`/api/organizations/${w.org}`, { name: 'Admin Updated Name PATCH' });
    expect(r.status).toBe(200);
    expect((await w.organization()).name).toBe('Admin Updated Name PATCH');
  });

  test('test_idor_protection_patch', async () => {
    const w = await World.create({ level: ADMIN });
    const other = await w.addOrganization('Other');
    await w.addUser('other_user@posthog.com', { org: other, level: OWNER });
    const r = await w.client.patch(`/api/organizations/${other}`, { name: 'Hacked Name PATCH' });
    expect([403, 404]).toContain(r.status);
    expect((await w.organization(other)).name).not.toBe('Hacked Name PATCH');
  });
});
