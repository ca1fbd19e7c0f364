// posthog/test/activity_logging/test_organization_activity_logging.py (PostHog/posthog, copy at commit
// dacf83b9, the only one indexed). PostHog's helper creates the organization through the API; the
// emulator serves no organization create, so the world's organization (owned by the user) stands in.
// The log is read from the stored rows, as PostHog's test reads ActivityLog. Left out: organization
// creation and the logo (uploaded media are not emulated).
import { describe, expect } from 'vitest';
import { ADMIN, MEMBER, OWNER, World, conformance } from './world.ts';

const test = conformance('posthog/test/activity_logging/test_organization_activity_logging.py');

async function world(name: string, features: string[] = []) {
  return World.create({ level: OWNER, organizationName: name, features });
}

/** The newest log row of the organization matching the filter. */
async function log(w: World, filter: { scope?: string; activity: string; item_id?: string }) {
  const rows = ((await w.snapshot()).activity_logs as any[]).filter((r) =>
    r.organization_id === w.org && r.activity === filter.activity && (!filter.scope || r.scope === filter.scope) && (!filter.item_id || r.item_id === filter.item_id));
  rows.sort((a, b) => Date.parse(a.created_at) - Date.parse(b.created_at));
  return rows[rows.length - 1];
}
const change = (row: any, field: string) => (row?.detail?.changes ?? []).find((c: any) => c.field === field);
const update = (w: World, body: Record<string, unknown>) => w.client.patch(`/api/organizations/${w.org}/`, body);

describe('organization activity logging', () => {
  test('test_organization_update_activity_logging', async () => {
    const w = await world('Original Organization');
    expect((await update(w, { name: 'Updated Organization' })).status).toBe(200);
    const row = await log(w, { activity: 'updated' });
    expect(row).toBeDefined();
    expect(row.user_uuid).toBe((await w.user(w.email)).uuid);
    expect(row.detail.name).toBe('Updated Organization');
    const c = change(row, 'organization name');
    expect(c).toBeDefined();
    expect(c.before).toBe('Original Organization');
    expect(c.after).toBe('Updated Organization');
  });

  test('test_organization_security_settings_activity_logging', async () => {
    const w = await world('Security Test Org', ['2fa_enforcement']);
    await update(w, { enforce_2fa: true });
    const c = change(await log(w, { activity: 'updated' }), 'two-factor authentication requirement');
    expect(c).toBeDefined();
    expect(c.after).toBeTruthy();
  });

  test('test_organization_member_invite_permissions_activity_logging', async () => {
    const w = await world('Permissions Test Org', ['organization_invite_settings', 'organization_security_settings']);
    await update(w, { members_can_invite: false });
    let c = change(await log(w, { activity: 'updated' }), 'member invitation permissions');
    expect(c).toBeDefined();
    expect(c.after).toBeFalsy();
    await update(w, { members_can_use_personal_api_keys: false });
    c = change(await log(w, { activity: 'updated' }), 'personal API key permissions');
    expect(c).toBeDefined();
    expect(c.after).toBeFalsy();
  });

  test('test_organization_sharing_settings_activity_logging', async () => {
    const w = await world('Sharing Test Org', ['organization_security_settings']);
    await update(w, { allow_publicly_shared_resources: false });
    const c = change(await log(w, { activity: 'updated' }), 'public sharing permissions');
    expect(c).toBeDefined();
    expect(c.after).toBeFalsy();
  });

  test('test_organization_multiple_changes_activity_logging', async () => {
    const w = await world('Multi Change Test Org', ['2fa_enforcement', 'organization_invite_settings']);
    await update(w, { name: 'New Multi Change Org', enforce_2fa: true, members_can_invite: false });
    const row = await log(w, { activity: 'updated' });
    const fields = Object.fromEntries((row?.detail?.changes ?? []).map((c: any) => [c.field, c]));
    expect(fields).toHaveProperty(['organization name']);
    expect(fields).toHaveProperty(['two-factor authentication requirement']);
    expect(fields).toHaveProperty(['member invitation permissions']);
    expect(fields['organization name'].after).toBe('New Multi Change Org');
    expect(fields['two-factor authentication requirement'].after).toBeTruthy();
    expect(fields['member invitation permissions'].after).toBeFalsy();
  });

  test('test_organization_name_change_logging', async () => {
    const w = await world('Name Test Org');
    await update(w, { name: 'Name Test Org Updated' });
    const c = change(await log(w, { activity: 'updated' }), 'organization name');
    expect(c).toBeDefined();
    expect(c.after).toBe('Name Test Org Updated');
  });

  test('test_organization_experiment_stats_method_logging', async () => {
    const w = await world('Experiments Test Org');
    await update(w, { default_experiment_stats_method: 'frequentist' });
    const c = change(await log(w, { activity: 'updated' }), 'default experiment stats method');
    expect(c).toBeDefined();
    expect(c.after).toBe('frequentist');
  });

  test('test_organization_member_join_email_logging', async () => {
    const w = await world('Email Preferences Test Org');
    await update(w, { is_member_join_email_enabled: false });
    const c = change(await log(w, { activity: 'updated' }), 'member join email notifications');
    expect(c).toBeDefined();
    expect(c.after).toBeFalsy();
  });

  test('test_organization_2fa_enforcement_logging', async () => {
    const w = await world('2FA Test Org', ['2fa_enforcement']);
    await update(w, { enforce_2fa: true });
    const c = change(await log(w, { activity: 'updated' }), 'two-factor authentication requirement');
    expect(c).toBeDefined();
    expect(c.after).toBeTruthy();
  });

  test('test_organization_membership_creation_activity_logging', async () => {
    const w = await world('Test Membership Org');
    // user.join(organization=org): a person joining, as by SSO (control API)
    const joined = await w.control('POST', '/_emulator/members', { email: 'testmember@example.com', level: MEMBER, organization: w.org });
    expect(joined.status).toBe(201);
    const row = await log(w, { scope: 'OrganizationMembership', activity: 'created', item_id: joined.body.id });
    expect(row).toBeDefined();
    expect(row.item_id).toBe(joined.body.id);
    expect(row.detail.name).toContain('joined');
    expect(row.detail.name).toContain('testmember@example.com');
    expect(row.detail.context.user_email).toBe('testmember@example.com');
    expect(row.detail.context.organization_name).toBe('Test Membership Org');
  });

  test('test_organization_membership_deletion_activity_logging', async () => {
    const w = await world('Test Delete Membership Org');
    const { uuid, membership } = await w.addUser('deletemember@example.com', { first_name: 'Delete', last_name: 'Member' });
    const r = await w.client.del(`/api/organizations/${w.org}/members/${uuid}/`);
    expect(r.status).toBe(204);
    const row = await log(w, { scope: 'OrganizationMembership', activity: 'deleted' });
    expect(row).toBeDefined();
    expect(row.item_id).toBe(membership);
    expect(row.detail.name).toContain('left');
    expect(row.detail.name).toContain('deletemember@example.com');
    expect(row.detail.context.user_email).toBe('deletemember@example.com');
    expect(row.detail.context.organization_name).toBe('Test Delete Membership Org');
  });

  test('test_organization_membership_level_update_activity_logging', async () => {
    const w = await world('Test Update Membership Org');
    const { uuid, membership } = await w.addUser('updatemember@example.com', { first_name: 'Update', last_name: 'Member' });
    const r = await w.client.patch(`/api/organizations/${w.org}/members/${uuid}/`, { level: ADMIN });
    expect(r.status).toBe(200);
    const row = await log(w, { scope: 'OrganizationMembership', activity: 'updated' });
    expect(row).toBeDefined();
    expect(row.item_id).toBe(membership);
    expect(row.detail.name).toContain('membership updated');
    const c = change(row, 'level');
    expect(c).toBeDefined();
    expect(c.before).toBe(1);
    expect(c.after).toBe(8);
  });

  test('test_organization_invite_creation_activity_logging', async () => {
    const w = await world('Test Invite Org');
    const r = await w.client.post(`/api/organizations/${w.org}/invites/`, { target_email: 'invitee@example.com', level: MEMBER });
    expect(r.status).toBe(201);
    const row = await log(w, { scope: 'OrganizationInvite', activity: 'created', item_id: r.body.id });
    expect(row).toBeDefined();
    expect(row.user_uuid).toBe((await w.user(w.email)).uuid);
    expect(row.detail.name).toContain('invited user invitee@example.com');
    expect(row.detail.name).toContain('Test Invite Org');
    expect(row.detail.context.target_email).toBe('invitee@example.com');
    expect(row.detail.context.organization_name).toBe('Test Invite Org');
    expect(row.detail.context.inviter_user_email).toBe(w.email);
    expect(row.detail.context.level).toBe('member');
  });

  test('test_organization_invite_deletion_activity_logging', async () => {
    const w = await world('Test Delete Invite Org');
    const created = await w.client.post(`/api/organizations/${w.org}/invites/`, { target_email: 'delete-invitee@example.com', level: ADMIN });
    expect(created.status).toBe(201);
    const r = await w.client.del(`/api/organizations/${w.org}/invites/${created.body.id}/`);
    expect(r.status).toBe(204);
    const row = await log(w, { scope: 'OrganizationInvite', activity: 'deleted' });
    expect(row).toBeDefined();
    expect(row.item_id).toBe(created.body.id);
    expect(row.detail.name).toContain('cancelled');
    expect(row.detail.name).toContain('delete-invitee@example.com');
    expect(row.detail.context.target_email).toBe('delete-invitee@example.com');
    expect(row.detail.context.organization_name).toBe('Test Delete Invite Org');
    expect(row.detail.context.level).toBe('administrator');
  });
});
