// posthog/api/test/test_organization_invites.py (PostHog/posthog, copy at commit a8b2677e, the newest
// read: AccessControl-based private projects, case-insensitive emails; an older copy at 01f6f78a
// still had max_uses). Left out: analytics captures and sent emails (the emulator sends none),
// and test_user_join_with(out)_default_role (ORM joins, no endpoint).
import { describe, expect } from 'vitest';
import { ADMIN, MEMBER, OWNER, World, conformance, permissionDenied } from './world.ts';

const test = conformance('posthog/api/test/test_organization_invites.py');

// setUp: the organization has advanced permissions (access control)
const FEATURES = ['access_control', 'advanced_permissions'];

async function world(level = MEMBER): Promise<World> {
  return World.create({ level, features: FEATURES });
}

/** `_create_user(email, level)` + `force_login`: the returned world's client is that user. */
async function loginAs(w: World, email: string, level = MEMBER) {
  await w.addUser(email, { level });
  return w.login(email);
}

function bulkPayload(n: number) {
  const names = ['John', 'Jane', 'Alice', 'Bob', ''];
  return Array.from({ length: n }, (_, i) => ({ target_email: `test+${1000000 + i}@posthog.com`, first_name: names[i % names.length] }));
}

describe('organization invites', () => {
  test('test_cant_list_invites_for_an_alien_organization', async () => {
    const w = await world();
    const org = await w.addOrganization('Alien Org');
    const invite = await w.addInvite({ target_email: 'siloed@posthog.com', org });
    let r = await w.client.get(`/api/organizations/${org}/invites/`);
    expect(r.status).toBe(403);
    expect(r.body).toEqual(permissionDenied());
    // there is no retrieve for invites, but permissions are validated first
    r = await w.client.get(`/api/organizations/${org}/invites/${invite}`);
    expect(r.status).toBe(403);
    expect(r.body).toEqual(permissionDenied());
  });

  test('test_add_organization_invite_email_required', async () => {
    const w = await world();
    const r = await w.client.post('/api/organizations/@current/invites/', {});
    expect(r.status).toBe(400);
    expect(r.body).toEqual({ type: 'validation_error', code: 'required', detail: 'This field is required.', attr: 'target_email' });
  });

  test('test_add_organization_invite_with_email', async () => {
    const w = await world();
    const r = await w.client.post('/api/organizations/@current/invites/', { target_email: 'x@x.com' });
    expect(r.status).toBe(201);
    expect(await w.invites()).toHaveLength(1);
    const me = await w.user(w.email);
    const { id: _id, created_at: _c, updated_at: _u, ...rest } = r.body;
    expect(rest).toEqual({
      target_email: 'x@x.com',
      first_name: '',
      created_by: {
        id: me.id,
        uuid: me.uuid,
        distinct_id: me.distinct_id,
        email: me.email,
        first_name: me.first_name,
        last_name: me.last_name,
        is_email_verified: me.is_email_verified,
        hedgehog_config: null,
        role_at_organization: null,
      },
      is_expired: false,
      level: 1,
      // PostHog's test instance has email; the emulator has none, so no attempt is made
      emailing_attempt_made: false,
      message: null,
      private_project_access: [],
    });
  });

  test('test_create_invites_for_the_same_email_multiple_times_deletes_older_invites', async () => {
    const w = await world();
    for (let i = 0; i < 3; i++) {
      const r = await w.client.post('/api/organizations/@current/invites/', { target_email: 'x@posthog.com' });
      expect(r.status).toBe(201);
      const stored = (await w.invites()).find((x) => x.id === r.body.id)!;
      expect(stored.target_email).toBe('x@posthog.com');
      expect(stored.created_by_uuid).toBe((await w.user(w.email)).uuid);
    }
    expect(await w.invites()).toHaveLength(1);
  });

  test('test_can_specify_private_project_access_in_invite', async () => {
    const w = await world();
    const team = await w.addProject('Private Team');
    const me = (await w.membership(w.email))!.id;
    await w.addRule({ team, access_level: 'none' });
    await w.addRule({ team, access_level: 'admin', organization_member: me });
    let r = await w.client.post('/api/organizations/@current/invites/', {
      target_email: 'x@posthog.com', level: MEMBER, private_project_access: [{ id: team, level: 'admin' }],
    });
    expect(r.status).toBe(201);
    let stored = (await w.invites()).find((x) => x.id === r.body.id)!;
    expect(stored.level).toBe(MEMBER);
    expect(stored.private_project_access).toEqual([{ id: team, level: 'admin' }]);
    expect(await w.invites()).toHaveLength(1);

    // a member of the organization who is admin of the project may invite project admins to it
    await w.setLevel(MEMBER);
    r = await w.client.post('/api/organizations/@current/invites/', {
      target_email: 'y@posthog.com', level: MEMBER, private_project_access: [{ id: team, level: 'admin' }],
    });
    expect(r.status).toBe(201);
    stored = (await w.invites()).find((x) => x.id === r.body.id)!;
    expect(stored.level).toBe(MEMBER);
    expect(stored.private_project_access).toEqual([{ id: team, level: 'admin' }]);
    expect(await w.invites()).toHaveLength(2);
  });

  test('test_can_invite_to_private_project_if_user_has_implicit_access_to_team', async () => {
    const w = await world(ADMIN);
    const team = await w.addProject('Private Team');
    await w.addRule({ team, access_level: 'none' });
    const r = await w.client.post('/api/organizations/@current/invites/', {
      target_email: 'x@posthog.com', level: MEMBER, private_project_access: [{ id: team, level: 'admin' }],
    });
    expect(r.status).toBe(201);
    const stored = (await w.invites()).find((x) => x.id === r.body.id)!;
    expect(stored.level).toBe(MEMBER);
    expect(stored.private_project_access).toEqual([{ id: team, level: 'admin' }]);
  });

  test('test_invite_fails_if_team_in_private_project_access_not_in_org', async () => {
    const w = await world();
    const other = await w.addOrganization('Other Org');
    const team = await w.addProject('Private Team', other);
    await w.addRule({ team, access_level: 'none' });
    const r = await w.client.post('/api/organizations/@current/invites/', {
      target_email: 'x@posthog.com', level: MEMBER, private_project_access: [{ id: team, level: 'admin' }],
    });
    expect(r.status).toBe(400);
    expect(r.body).toEqual({
      type: 'validation_error', code: 'invalid_input',
      detail: 'Project does not exist on this organization, or it is private and you do not have access to it.',
      attr: 'private_project_access',
    });
    expect(await w.invites()).toHaveLength(0);
  });

  test('test_invite_fails_if_inviter_does_not_have_access_to_team', async () => {
    const w = await world();
    const team = await w.addProject('Private Team');
    await w.addRule({ team, access_level: 'none' });
    const r = await w.client.post('/api/organizations/@current/invites/', {
      target_email: 'xx@posthog.com', level: MEMBER, private_project_access: [{ id: team, level: 'admin' }],
    });
    expect(r.status).toBe(400);
    expect(r.body).toEqual({
      type: 'validation_error', code: 'invalid_input',
      detail: 'Project does not exist on this organization, or it is private and you do not have access to it.',
      attr: 'private_project_access',
    });
    expect(await w.invites()).toHaveLength(0);
  });

  test('test_invite_fails_if_inviter_level_is_lower_than_requested_level', async () => {
    const w = await world();
    const team = await w.addProject('Private Team');
    await w.addRule({ team, access_level: 'none' });
    await w.addRule({ team, access_level: 'member', organization_member: (await w.membership(w.email))!.id });
    const r = await w.client.post('/api/organizations/@current/invites/', {
      target_email: 'x@posthog.com', level: MEMBER, private_project_access: [{ id: team, level: 'admin' }],
    });
    expect(r.status).toBe(400);
    expect(r.body).toEqual({
      type: 'validation_error', code: 'invalid_input',
      detail: 'You cannot invite to a private project with a higher level than your own.',
      attr: 'private_project_access',
    });
    expect(await w.invites()).toHaveLength(0);
  });

  test('test_cannot_create_invite_for_another_org', async () => {
    const w = await world();
    const other = await w.addOrganization('Another Org');
    const r = await w.client.post(`/api/organizations/${other}/invites/`, { target_email: 'x@posthog.com' });
    expect(r.status).toBe(403);
    expect(r.body).toEqual(permissionDenied());
    expect(await w.invites(other)).toHaveLength(0);
  });

  test('test_allow_bulk_creating_invites', async () => {
    const w = await world();
    const payload = bulkPayload(7);
    const r = await w.client.post('/api/organizations/@current/invites/bulk/', payload);
    expect(r.status).toBe(201);
    expect(await w.invites()).toHaveLength(7);
    expect(r.body).toHaveLength(7);
    const stored = await w.invites();
    r.body.forEach((item: any, i: number) => {
      const row = stored.find((x) => x.id === item.id)!;
      expect(row.target_email).toBe(payload[i]!.target_email);
      expect(item.target_email).toBe(payload[i]!.target_email);
      expect(row.first_name).toBe(payload[i]!.first_name);
      expect(item.first_name).toBe(payload[i]!.first_name);
    });
  });

  test('test_maximum_20_invites_per_request', async () => {
    const w = await world();
    const r = await w.client.post('/api/organizations/@current/invites/bulk/', bulkPayload(21));
    expect(r.status).toBe(400);
    expect(r.body).toEqual({
      type: 'validation_error', code: 'max_length', detail: 'A maximum of 20 invites can be sent in a single request.', attr: null,
    });
    expect(await w.invites()).toHaveLength(0);
  });

  test('test_invites_are_created_atomically', async () => {
    const w = await world();
    const payload: any[] = bulkPayload(5);
    payload[4].target_email = null;
    const r = await w.client.post('/api/organizations/@current/invites/bulk/', payload);
    expect(r.status).toBe(400);
    expect(await w.invites()).toHaveLength(0);
  });

  test('test_cannot_bulk_create_invites_for_another_organization', async () => {
    const w = await world();
    const other = await w.addOrganization('Another');
    const r = await w.client.post(`/api/organizations/${other}/invites/bulk/`, bulkPayload(3));
    expect(r.status).toBe(403);
    expect(r.body).toEqual(permissionDenied());
    expect(await w.invites(other)).toHaveLength(0);
  });

  test('test_delete_organization_invite_if_plain_member', async () => {
    const w = await world(MEMBER);
    const invite = await w.addInvite();
    const r = await w.client.del(`/api/organizations/@current/invites/${invite}`);
    expect(r.status).toBe(403);
    expect(r.body.detail).toContain('Your organization access level is insufficient');
    expect((await w.invites()).map((i) => i.id)).toContain(invite);
  });

  test('test_delete_organization_invite_if_admin', async () => {
    const w = await world(ADMIN);
    const invite = await w.addInvite();
    const r = await w.client.del(`/api/organizations/@current/invites/${invite}`);
    expect(r.status).toBe(204);
    expect(r.text).toBe('');
    expect((await w.invites()).map((i) => i.id)).not.toContain(invite);
  });

  test('test_delete_organization_invite_if_owner', async () => {
    const w = await world(OWNER);
    const invite = await w.addInvite();
    const r = await w.client.del(`/api/organizations/@current/invites/${invite}`);
    expect(r.status).toBe(204);
    expect(r.text).toBe('');
    expect((await w.invites()).map((i) => i.id)).not.toContain(invite);
  });

  test('test_combine_pending_invites_combines_levels_and_project_access', async () => {
    const w = await world();
    const admin = await loginAs(w, 'admin@posthog.com', ADMIN);
    const me = (await w.membership(w.email))!.id;
    const t1 = await w.addProject('Private Team 1');
    const t2 = await w.addProject('Private Team 2');
    for (const team of [t1, t2]) {
      await w.addRule({ team, access_level: 'none' });
      await w.addRule({ team, access_level: 'admin', organization_member: me });
    }
    const first = (await admin.post('/api/organizations/@current/invites/', {
      target_email: 'x@posthog.com', level: MEMBER, private_project_access: [{ id: t1, level: 'member' }],
    })).body;
    const second = (await admin.post('/api/organizations/@current/invites/', {
      target_email: 'x@posthog.com', level: ADMIN, private_project_access: [{ id: t2, level: 'admin' }],
    })).body;
    const r = await admin.post('/api/organizations/@current/invites/', {
      target_email: 'x@posthog.com', level: MEMBER, private_project_access: [{ id: t1, level: 'admin' }], combine_pending_invites: true,
    });
    expect(r.status).toBe(201);
    const ids = (await w.invites()).map((i) => i.id);
    expect(ids).not.toContain(first.id);
    expect(ids).not.toContain(second.id);
    expect(r.body.level).toBe(ADMIN);
    expect(r.body.private_project_access).toHaveLength(2);
    expect(r.body.private_project_access).toContainEqual({ id: t1, level: 'admin' });
    expect(r.body.private_project_access).toContainEqual({ id: t2, level: 'admin' });
  });

  test('test_combine_pending_invites_with_no_existing_invites', async () => {
    const w = await world();
    const r = await w.client.post('/api/organizations/@current/invites/', {
      target_email: 'x@posthog.com', level: MEMBER, combine_pending_invites: true,
    });
    expect(r.status).toBe(201);
    expect(r.body.level).toBe(MEMBER);
    expect(r.body.target_email).toBe('x@posthog.com');
    expect(r.body.private_project_access).toEqual([]);
  });

  test('test_combine_pending_invites_with_expired_invites', async () => {
    const w = await world();
    // created a year before "now": long expired
    await w.addInvite({ target_email: 'xyz@posthog.com', level: ADMIN, created_at: new Date(Date.now() - 370 * 86_400_000).toISOString() });
    const r = await w.client.post('/api/organizations/@current/invites/', {
      target_email: 'xyz@posthog.com', level: MEMBER, combine_pending_invites: true,
    });
    expect(r.status).toBe(201);
    expect(r.body.level).toBe(MEMBER);
    expect(r.body.target_email).toBe('xyz@posthog.com');
    expect(r.body.private_project_access).toEqual([]);
  });

  test('test_combine_pending_invites_false_expires_existing_invites', async () => {
    const w = await world();
    const admin = await loginAs(w, 'admin@posthog.com', ADMIN);
    const first = (await admin.post('/api/organizations/@current/invites/', { target_email: 'x@posthog.com', level: ADMIN })).body;
    const r = await admin.post('/api/organizations/@current/invites/', { target_email: 'x@posthog.com', level: MEMBER, combine_pending_invites: false });
    expect(r.status).toBe(201);
    expect((await w.invites()).map((i) => i.id)).not.toContain(first.id);
    expect(r.body.level).toBe(MEMBER);
  });

  test('test_member_cannot_invite_admin', async () => {
    const w = await world();
    const member = await loginAs(w, 'member@posthog.com');
    const r = await member.post(`/api/organizations/${w.org}/invites/`, { target_email: 'new_admin@posthog.com', level: ADMIN });
    expect(r.status).toBe(403);
    expect(r.body.detail).toBe('You cannot invite a user with a higher permission level than your own.');
    expect((await w.invites()).filter((i) => i.target_email === 'new_admin@posthog.com')).toHaveLength(0);
  });

  test('test_admin_cannot_invite_owner', async () => {
    const w = await world();
    const admin = await loginAs(w, 'admin@posthog.com', ADMIN);
    const r = await admin.post(`/api/organizations/${w.org}/invites/`, { target_email: 'new_owner@posthog.com', level: OWNER });
    expect(r.status).toBe(403);
    expect(r.body.detail).toBe('You cannot invite a user with a higher permission level than your own.');
    expect((await w.invites()).filter((i) => i.target_email === 'new_owner@posthog.com')).toHaveLength(0);
  });

  test('test_member_can_invite_member', async () => {
    const w = await world();
    const member = await loginAs(w, 'member@posthog.com');
    const r = await member.post(`/api/organizations/${w.org}/invites/`, { target_email: 'new_member@posthog.com', level: MEMBER });
    expect(r.status).toBe(201);
    const rows = (await w.invites()).filter((i) => i.target_email === 'new_member@posthog.com');
    expect(rows).toHaveLength(1);
    expect(rows[0]!.level).toBe(MEMBER);
  });

  test('test_admin_can_invite_admin', async () => {
    const w = await world();
    const admin = await loginAs(w, 'admin@posthog.com', ADMIN);
    const r = await admin.post(`/api/organizations/${w.org}/invites/`, { target_email: 'new_admin@posthog.com', level: ADMIN });
    expect(r.status).toBe(201);
    const rows = (await w.invites()).filter((i) => i.target_email === 'new_admin@posthog.com');
    expect(rows).toHaveLength(1);
    expect(rows[0]!.level).toBe(ADMIN);
  });

  test('test_bulk_invite_with_higher_permission_level', async () => {
    const w = await world();
    const member = await loginAs(w, 'member@posthog.com');
    const r = await member.post(`/api/organizations/${w.org}/invites/bulk/`, [
      { target_email: 'new_member@posthog.com', level: MEMBER },
      { target_email: 'new_admin@posthog.com', level: ADMIN },
      { target_email: 'another_member@posthog.com', level: MEMBER },
    ]);
    expect(r.status).toBe(403);
    expect(r.body.detail).toBe('You cannot invite a user with a higher permission level than your own.');
    expect(await w.invites()).toHaveLength(0);
  });

  test('test_bulk_invite_with_same_permission_level', async () => {
    const w = await world();
    const member = await loginAs(w, 'member@posthog.com');
    const r = await member.post(`/api/organizations/${w.org}/invites/bulk/`, [
      { target_email: 'new_member1@posthog.com', level: MEMBER },
      { target_email: 'new_member2@posthog.com', level: MEMBER },
    ]);
    expect(r.status).toBe(201);
    expect(await w.invites()).toHaveLength(2);
  });

  test('test_member_cannot_invite_when_members_can_invite_false_and_feature_available', async () => {
    const w = await world();
    const member = await loginAs(w, 'member@posthog.com');
    await w.setFeatures([...FEATURES, 'organization_invite_settings']);
    await w.setOrganization({ members_can_invite: false });
    let r = await member.post(`/api/organizations/${w.org}/invites/`, { target_email: 'test@posthog.com', level: MEMBER });
    expect(r.status).toBe(403);
    r = await member.post(`/api/organizations/${w.org}/invites/bulk/`, [{ target_email: 'test1@posthog.com', level: MEMBER }]);
    expect(r.status).toBe(403);
  });

  test('test_member_cannot_delete_invite_when_members_can_invite_false', async () => {
    const w = await world();
    const member = await loginAs(w, 'member@posthog.com');
    await w.setFeatures([...FEATURES, 'organization_invite_settings']);
    await w.setOrganization({ members_can_invite: false });
    await w.addUser('admin@posthog.com', { level: ADMIN });
    const invite = await w.addInvite();
    const r = await member.del(`/api/organizations/@current/invites/${invite}`);
    expect(r.status).toBe(403);
    expect((await w.invites()).map((i) => i.id)).toContain(invite);
  });

  test('test_member_can_invite_when_members_can_invite_true_and_feature_available', async () => {
    const w = await world();
    const member = await loginAs(w, 'member@posthog.com');
    await w.setFeatures([...FEATURES, 'organization_invite_settings']);
    await w.setOrganization({ members_can_invite: true });
    let r = await member.post(`/api/organizations/${w.org}/invites/`, { target_email: 'test@posthog.com', level: MEMBER });
    expect(r.status).toBe(201);
    r = await member.post(`/api/organizations/${w.org}/invites/bulk/`, [{ target_email: 'test1@posthog.com', level: MEMBER }]);
    expect(r.status).toBe(201);
  });

  test('test_admin_can_always_invite_regardless_of_members_can_invite', async () => {
    const w = await world();
    const admin = await loginAs(w, 'admin@posthog.com', ADMIN);
    await w.setFeatures(['organization_invite_settings']);
    await w.setOrganization({ members_can_invite: false });
    let r = await admin.post(`/api/organizations/${w.org}/invites/`, { target_email: 'test@posthog.com', level: MEMBER });
    expect(r.status).toBe(201);
    r = await admin.post(`/api/organizations/${w.org}/invites/bulk/`, [{ target_email: 'test1@posthog.com', level: MEMBER }]);
    expect(r.status).toBe(201);
  });

  test('test_member_can_invite_when_feature_not_available', async () => {
    const w = await world();
    const member = await loginAs(w, 'member@posthog.com');
    await w.setFeatures([]);
    // ignored without the feature
    await w.setOrganization({ members_can_invite: false });
    let r = await member.post(`/api/organizations/${w.org}/invites/`, { target_email: 'test@posthog.com', level: MEMBER });
    expect(r.status).toBe(201);
    r = await member.post(`/api/organizations/${w.org}/invites/bulk/`, [{ target_email: 'test1@posthog.com', level: MEMBER }]);
    expect(r.status).toBe(201);
  });

  test('test_can_invite_with_new_access_control_as_org_admin', async () => {
    const w = await world();
    const team = await w.addProject('New Team');
    const admin = await loginAs(w, 'admin@posthog.com', ADMIN);
    const r = await admin.post(`/api/organizations/${w.org}/invites/`, { target_email: 'test@posthog.com', private_project_access: [{ id: team, level: 'member' }] });
    expect(r.status).toBe(201);
    const row = (await w.invites()).find((i) => i.target_email === 'test@posthog.com')!;
    expect(row.private_project_access).toEqual([{ id: team, level: 'member' }]);
  });

  test('test_can_invite_with_new_access_control_as_org_member_to_non_private_team', async () => {
    const w = await world();
    const team = await w.addProject('New Team');
    const member = await loginAs(w, 'member@posthog.com');
    const r = await member.post(`/api/organizations/${w.org}/invites/`, { target_email: 'test@posthog.com', private_project_access: [{ id: team, level: 'member' }] });
    expect(r.status).toBe(201);
    const row = (await w.invites()).find((i) => i.target_email === 'test@posthog.com')!;
    expect(row.private_project_access).toEqual([{ id: team, level: 'member' }]);
  });

  test('test_cannot_invite_with_new_access_control_as_org_member_to_private_team', async () => {
    const w = await world();
    const team = await w.addProject('New Team');
    const member = await loginAs(w, 'member@posthog.com');
    await w.addRule({ team, access_level: 'none' });
    const r = await member.post(`/api/organizations/${w.org}/invites/`, { target_email: 'test@posthog.com', private_project_access: [{ id: team, level: 'member' }] });
    expect(r.status).toBe(400);
    expect(r.body.detail).toContain('Project does not exist on this organization, or it is private and you do not have access to it');
  });

  test('test_can_invite_with_new_access_control_as_team_admin', async () => {
    const w = await world();
    const team = await w.addProject('New Team');
    const member = await loginAs(w, 'member@posthog.com');
    await w.addRule({ team, access_level: 'none' });
    await w.addRule({ team, access_level: 'admin', organization_member: (await w.membership('member@posthog.com'))!.id });
    const r = await member.post(`/api/organizations/${w.org}/invites/`, { target_email: 'test@posthog.com', private_project_access: [{ id: team, level: 'member' }] });
    expect(r.status).toBe(201);
    const row = (await w.invites()).find((i) => i.target_email === 'test@posthog.com')!;
    expect(row.private_project_access).toEqual([{ id: team, level: 'member' }]);
  });

  test('test_add_organization_invite_case_insensitive_email_normalization', async () => {
    const w = await world();
    const r = await w.client.post('/api/organizations/@current/invites/', { target_email: 'Test.User@Example.COM' });
    expect(r.status).toBe(201);
    const rows = await w.invites();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.target_email).toBe('test.user@example.com');
    expect(r.body.target_email).toBe('test.user@example.com');
  });

  test('test_add_organization_invite_case_insensitive_duplicate_prevention', async () => {
    const w = await world();
    let r = await w.client.post('/api/organizations/@current/invites/', { target_email: 'user@example.com' });
    expect(r.status).toBe(201);
    expect(await w.invites()).toHaveLength(1);
    r = await w.client.post('/api/organizations/@current/invites/', { target_email: 'User@Example.COM' });
    expect(r.status).toBe(201);
    expect(await w.invites()).toHaveLength(1);
  });

  test('test_add_organization_invite_case_insensitive_existing_member_check', async () => {
    const w = await world();
    await w.addUser('Existing.User@Example.COM', { first_name: 'Existing' });
    const r = await w.client.post('/api/organizations/@current/invites/', { target_email: 'existing.user@example.com' });
    expect(r.status).toBe(400);
    expect(await w.invites()).toHaveLength(0);
  });
});
