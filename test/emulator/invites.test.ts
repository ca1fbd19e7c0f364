import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, err, start } from './helpers.ts';

let c: Client;
let now = new Date('2026-02-01T12:00:00Z');
beforeAll(async () => { c = await start({ now: () => now }); });
afterAll(async () => { await c.emulator.close(); });

const inv = () => `/api/organizations/${c.org}/invites/`;

describe('invites', () => {
  it('lists the sample invites with is_expired from the emulator clock', async () => {
    const r = await c.get(inv());
    const byEmail = Object.fromEntries(r.body.results.map((i: any) => [i.target_email, i]));
    expect(byEmail['henry@example.com'].is_expired).toBe(true);
    expect(byEmail['zoe@example.com'].is_expired).toBe(false);
  });

  // PostHog lower-cases the whole address (test_add_organization_invite_case_insensitive_email_normalization)
  it('creates (201), lower-cases the whole address', async () => {
    const r = await c.post(inv(), { target_email: 'Erin@EXAMPLE.com', level: 1, private_project_access: [{ id: 1, level: 'member' }] });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ target_email: 'erin@example.com', level: 1, is_expired: false, private_project_access: [{ id: 1, level: 'member' }] });
    expect(r.body.created_by.email).toBe('alice@example.com');
  });

  it('a new invite replaces earlier ones for the same email', async () => {
    const before = (await c.get(inv())).body.results.find((i: any) => i.target_email === 'henry@example.com');
    const r = await c.post(inv(), { target_email: 'henry@example.com' });
    expect(r.status).toBe(201);
    expect(r.body.id).not.toBe(before.id);
    expect(r.body.is_expired).toBe(false);
    const henrys = (await c.get(inv())).body.results.filter((i: any) => i.target_email === 'henry@example.com');
    expect(henrys).toHaveLength(1);
  });

  it('400 for an existing member', async () => {
    const r = await c.post(inv(), { target_email: 'bob@example.com' });
    expect(err(r)).toMatchObject({ status: 400, type: 'validation_error', detail: 'A user with this email address already belongs to the organization.' });
  });

  it('403 for a level above your own', async () => {
    const bob = await c.keyFor('bob@example.com');
    const r = await c.as(bob).post(inv(), { target_email: 'new@example.com', level: 15 });
    expect(err(r)).toMatchObject({ status: 403, code: 'permission_denied', detail: 'You cannot invite a user with a higher permission level than your own.' });
  });

  it('validates private_project_access', async () => {
    const r = await c.post(inv(), { target_email: 'x@example.com', private_project_access: [{ id: 999, level: 'member' }] });
    expect(err(r)).toMatchObject({ status: 400, detail: 'Project does not exist on this organization, or it is private and you do not have access to it.' });
    const bad = await c.post(inv(), { target_email: 'x@example.com', private_project_access: [{ id: 1, level: 8 }] });
    expect(bad.status).toBe(400);
  });

  it('requires target_email', async () => {
    expect(err(await c.post(inv(), { level: 1 }))).toMatchObject({ status: 400, code: 'required', attr: 'target_email' });
  });

  it('bulk: array required, max 20, created all', async () => {
    const notArray = await c.post(`${inv()}bulk/`, { target_email: 'a@example.com' });
    expect(err(notArray)).toMatchObject({ status: 400, detail: 'This endpoint needs an array of data for bulk invite creation.' });
    const many = Array.from({ length: 21 }, (_, i) => ({ target_email: `p${i}@example.com` }));
    const tooMany = await c.post(`${inv()}bulk/`, many);
    expect(err(tooMany)).toMatchObject({ status: 400, code: 'max_length', detail: 'A maximum of 20 invites can be sent in a single request.' });
    const ok = await c.post(`${inv()}bulk/`, many.slice(0, 2));
    expect(ok.status).toBe(201);
    expect(ok.body).toHaveLength(2);
    // validation is all-or-nothing: one bad item and nothing is created
    const invalidItem = await c.post(`${inv()}bulk/`, [{ target_email: 'q0@example.com' }, { target_email: 'not-an-email' }]);
    expect(err(invalidItem)).toMatchObject({ status: 400, code: 'invalid' });
    expect((await c.get(inv())).body.results.some((i: any) => i.target_email === 'q0@example.com')).toBe(false);
    // the "already a member" check runs while creating, item by item, with no transaction:
    // the items before the member are created, then the request fails
    const partial = await c.post(`${inv()}bulk/`, [{ target_email: 'q1@example.com' }, { target_email: 'bob@example.com' }, { target_email: 'q2@example.com' }]);
    expect(err(partial)).toEqual({ status: 400, type: 'validation_error', code: 'invalid', attr: null, detail: 'A user with this email address already belongs to the organization.' });
    const emails = (await c.get(inv())).body.results.map((i: any) => i.target_email);
    expect(emails).toContain('q1@example.com');
    expect(emails).not.toContain('q2@example.com');
  });

  it('a level above your own is refused (403) even when an earlier field is invalid; levels may be strings', async () => {
    const bob = await c.keyFor('bob@example.com');
    const r = await c.as(bob).post(inv(), { target_email: 'not-an-email', level: 15 });
    expect(err(r)).toMatchObject({ status: 403, code: 'permission_denied', detail: 'You cannot invite a user with a higher permission level than your own.' });
    const s = await c.post(inv(), { target_email: 'stringlevel@example.com', level: '8' });
    expect(s.status).toBe(201);
    expect(s.body.level).toBe(8);
    expect(err(await c.post(inv(), { target_email: 'badlevel@example.com', level: 9 }))).toMatchObject({ status: 400, code: 'invalid_choice', attr: 'level' });
  });

  it('members may invite to open projects; to private ones only where they have access, at most at their level', async () => {
    const e = await start({ now: () => now });
    try {
      const carol = e.as(await e.keyFor('carol@example.com'));
      const I = `/api/organizations/${e.org}/invites/`;
      // Staging (2) is open: fine for a member
      expect((await carol.post(I, { target_email: 'm1@example.com', private_project_access: [{ id: 2, level: 'member' }] })).status).toBe(201);
      // Sandbox (3) is private (default none), carol has no rule there
      const priv = await carol.post(I, { target_email: 'm2@example.com', private_project_access: [{ id: 3, level: 'member' }] });
      // code invalid_input as in PostHog's test_invite_fails_if_inviter_does_not_have_access_to_team
      expect(err(priv)).toEqual({
        status: 400, type: 'validation_error', code: 'invalid_input', attr: 'private_project_access',
        detail: 'Project does not exist on this organization, or it is private and you do not have access to it.',
      });
      // with an admin rule of her own on Sandbox she may
      const carolM = await e.member('carol@example.com');
      expect((await e.put('/api/projects/3/access_controls/', { organization_member: carolM.id, access_level: 'admin' })).status).toBe(200);
      expect((await carol.post(I, { target_email: 'm2@example.com', private_project_access: [{ id: 3, level: 'member' }] })).status).toBe(201);
      // with a member rule she may invite as member there, not as admin
      // (test_invite_fails_if_inviter_level_is_lower_than_requested_level)
      expect((await e.put('/api/projects/3/access_controls/', { organization_member: carolM.id, access_level: 'member' })).status).toBe(200);
      expect((await carol.post(I, { target_email: 'm4@example.com', private_project_access: [{ id: 3, level: 'member' }] })).status).toBe(201);
      expect(err(await carol.post(I, { target_email: 'm5@example.com', private_project_access: [{ id: 3, level: 'admin' }] }))).toEqual({
        status: 400, type: 'validation_error', code: 'invalid_input', attr: 'private_project_access',
        detail: 'You cannot invite to a private project with a higher level than your own.',
      });
      // an empty or omitted list is [] (the model's default; test_add_organization_invite_with_email)
      expect((await carol.post(I, { target_email: 'm3@example.com', private_project_access: [] })).body.private_project_access).toEqual([]);
      expect((await carol.post(I, { target_email: 'm6@example.com' })).body.private_project_access).toEqual([]);
    } finally {
      await e.emulator.close();
    }
  });

  it('without members_can_invite (and with organization_invite_settings) members get DRF\'s default 403', async () => {
    const e = await start({ now: () => now });
    try {
      await e.patch(`/api/organizations/${e.org}/`, { members_can_invite: false });
      const carol = e.as(await e.keyFor('carol@example.com'));
      for (const r of [
        await carol.post(`/api/organizations/${e.org}/invites/`, { target_email: 'x@example.com' }),
        await carol.post(`/api/organizations/${e.org}/invites/bulk/`, [{ target_email: 'x@example.com' }]),
      ]) {
        expect(err(r)).toEqual({ status: 403, type: 'authentication_error', code: 'permission_denied', attr: null, detail: 'You do not have permission to perform this action.' });
      }
      // admins still may
      expect((await e.post(`/api/organizations/${e.org}/invites/`, { target_email: 'x@example.com' })).status).toBe(201);
      // without the feature the setting has no effect
      await e.control('POST', '/_emulator/features', { features: ['access_control'] });
      expect((await carol.post(`/api/organizations/${e.org}/invites/`, { target_email: 'y@example.com' })).status).toBe(201);
    } finally {
      await e.emulator.close();
    }
  });

  // PostHog: test_delete_organization_invite_only_if_admin
  it('only admins delete an invite (a member gets 403 and the invite stays), then 404', async () => {
    const carol = await c.keyFor('carol@example.com');
    const zoe = (await c.get(inv())).body.results.find((i: any) => i.target_email === 'zoe@example.com');
    expect(err(await c.as(carol).del(`${inv()}${zoe.id}/`))).toMatchObject({ status: 403, code: 'permission_denied', detail: 'Your organization access level is insufficient.' });
    expect((await c.del(`${inv()}${zoe.id}/`)).status).toBe(204);
    expect(err(await c.del(`${inv()}${zoe.id}/`))).toMatchObject({ status: 404, code: 'not_found' });
  });

  it('case variants of an address are one invite', async () => {
    const first = await c.post(inv(), { target_email: 'Case.Person@Example.com' });
    const second = await c.post(inv(), { target_email: 'case.person@example.COM' });
    expect(second.status).toBe(201);
    const listed = (await c.get(inv())).body.results.filter((i: any) => i.target_email === 'case.person@example.com');
    expect(listed.map((i: any) => i.id)).toEqual([second.body.id]);
    expect(second.body.id).not.toBe(first.body.id);
  });

  it('ages with the clock: 3-day validity', async () => {
    now = new Date(now.getTime() + 4 * 86_400_000);
    const erin = (await c.get(inv())).body.results.find((i: any) => i.target_email === 'erin@example.com');
    expect(erin.is_expired).toBe(true);
    const acc = await c.control('POST', '/_emulator/invites/accept', { email: 'Erin@example.com' });
    expect(acc.status).toBe(400);
    expect(acc.body.code).toBe('expired');
  });

  it('control clock moves time too', async () => {
    const r = await c.control('POST', '/_emulator/clock', { advance_days: 1 });
    expect(r.body.now).toBe(new Date(now.getTime() + 86_400_000).toISOString());
    await c.control('POST', '/_emulator/clock', { now: now.toISOString() });
  });

  it('acceptance creates the member and one project rule per private_project_access item', async () => {
    const r = await c.post(inv(), { target_email: 'erin@example.com', level: 1, private_project_access: [{ id: 2, level: 'admin' }] });
    expect(r.status).toBe(201);
    const acc = await c.control('POST', '/_emulator/invites/accept', { email: 'erin@example.com' });
    expect(acc.status).toBe(201);
    expect(acc.body).toMatchObject({ level: 1, user: { email: 'erin@example.com' } });
    const rules = (await c.get('/api/projects/2/access_controls/')).body.access_controls;
    expect(rules).toContainEqual(expect.objectContaining({ organization_member: acc.body.id, access_level: 'admin', resource: 'project', resource_id: '2' }));
    expect((await c.get(inv())).body.results.some((i: any) => i.target_email === 'erin@example.com')).toBe(false);
    expect((await c.control('POST', '/_emulator/invites/accept', { email: 'nobody@example.com' })).status).toBe(404);
  });
});
