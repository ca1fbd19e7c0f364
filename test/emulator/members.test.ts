import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, err, start } from './helpers.ts';

let c: Client;
let bobKey: string;
let carolKey: string;
beforeAll(async () => {
  c = await start();
  bobKey = await c.keyFor('bob@example.com');
  carolKey = await c.keyFor('carol@example.com');
});
afterAll(async () => { await c.emulator.close(); });

const path = (org: string, uuid = '') => `/api/organizations/${org}/members/${uuid ? uuid + '/' : ''}`;

describe('members list', () => {
  it('paginates with absolute next/previous links built from the Host', async () => {
    const r = await c.get(`${path(c.org)}?limit=2`);
    expect(r.body.count).toBe(6);
    expect(r.body.results).toHaveLength(2);
    expect(r.body.previous).toBeNull();
    expect(r.body.next).toBe(`${c.emulator.url}/api/organizations/${c.org}/members/?limit=2&offset=2`);
    const p2 = await c.get(r.body.next);
    expect(p2.body.previous).toBe(`${c.emulator.url}/api/organizations/${c.org}/members/?limit=2`);
    const p3 = await c.get(p2.body.next);
    expect(p3.body.next).toBeNull();
    const all = [...r.body.results, ...p2.body.results, ...p3.body.results];
    expect(new Set(all.map((m: any) => m.id)).size).toBe(6);
  });

  it('orders by -joined_at by default', async () => {
    const r = await c.get(path(c.org));
    const joined = r.body.results.map((m: any) => m.joined_at);
    expect([...joined].sort().reverse()).toEqual(joined);
    expect(r.body.results[0].user.email).toBe('grace@example.com');
  });

  it('filters by exact email', async () => {
    const r = await c.get(`${path(c.org)}?email=carol@example.com`);
    expect(r.body.count).toBe(1);
    expect(r.body.results[0]).toMatchObject({ level: 1, user: { email: 'carol@example.com' } });
    expect((await c.get(`${path(c.org)}?email=carol@example`)).body.count).toBe(0);
  });

  it('items carry membership id, user, level, 2FA, last_login', async () => {
    const m = await c.member('grace@example.com');
    expect(Object.keys(m).sort()).toEqual(['has_social_auth', 'id', 'is_2fa_enabled', 'joined_at', 'last_login', 'level', 'updated_at', 'user']);
    expect(m.last_login).toBeNull();
    expect(m.is_2fa_enabled).toBe(false);
  });
});

describe('members list: who is listed', () => {
  it('inactive users and PostHog bots are left out of the list, the email filter and member_count', async () => {
    const e = await start();
    try {
      const s = e.emulator.state;
      const now = new Date('2026-01-01T00:00:00Z');
      for (const email of ['gone@example.com', 'assistant@posthogbot.user']) {
        const u = s.createUser(email, now, { is_active: email !== 'gone@example.com' });
        s.addMembership({ id: crypto.randomUUID(), organization_id: e.org, user_uuid: u.uuid, level: 1, joined_at: now.toISOString(), updated_at: now.toISOString() });
      }
      const list = await e.get(path(e.org));
      expect(list.body.count).toBe(6);
      expect(list.body.results.map((m: any) => m.user.email)).not.toContain('gone@example.com');
      expect((await e.get(`${path(e.org)}?email=gone@example.com`)).body.count).toBe(0);
      expect((await e.get(`${path(e.org)}?order=joined_at`)).body.count).toBe(6);
      expect((await e.get(`/api/organizations/${e.org}/`)).body.member_count).toBe(6);
    } finally {
      await e.emulator.close();
    }
  });
});

describe('level changes (validate_update)', () => {
  it("can't change your own level", async () => {
    const alice = await c.member('alice@example.com');
    const r = await c.patch(path(c.org, alice.user.uuid), { level: 8 });
    expect(err(r)).toMatchObject({ status: 403, code: 'permission_denied', detail: "You can't change your own access level." });
  });

  it('only owners make owners', async () => {
    const carol = await c.member('carol@example.com');
    const r = await c.as(bobKey).patch(path(c.org, carol.user.uuid), { level: 15 });
    expect(err(r)).toMatchObject({ status: 403, detail: "You can only make another member owner if you're this organization's owner." });
  });

  // PostHog runs validate_update without a level in the object permission first, so a member
  // raising someone gets the admin message (test_change_organization_member_level_requires_admin)
  it('a member raising someone above their own level is told that editing others needs admin', async () => {
    const frank = await c.member('frank@example.com');
    const r = await c.as(carolKey).patch(path(c.org, frank.user.uuid), { level: 8 });
    expect(err(r)).toMatchObject({ status: 403, detail: 'You can only edit others if you are an admin.' });
    expect((await c.member('frank@example.com')).level).toBe(1);
  });

  it('editing others needs admin', async () => {
    const frank = await c.member('frank@example.com');
    const r = await c.as(carolKey).patch(path(c.org, frank.user.uuid), { level: 1 });
    expect(err(r)).toMatchObject({ status: 403, detail: 'You can only edit others if you are an admin.' });
  });

  it('cannot edit someone above you', async () => {
    const alice = await c.member('alice@example.com');
    const r = await c.as(bobKey).patch(path(c.org, alice.user.uuid), { level: 8 });
    expect(err(r)).toMatchObject({ status: 403, detail: 'You can only edit others with level lower or equal to you.' });
  });

  it('invalid level → 400 invalid_choice', async () => {
    const carol = await c.member('carol@example.com');
    const r = await c.patch(path(c.org, carol.user.uuid), { level: 5 });
    expect(err(r)).toMatchObject({ status: 400, type: 'validation_error', code: 'invalid_choice', attr: 'level' });
  });

  it('owner promotes and demotes, several owners allowed', async () => {
    const dave = await c.member('dave@example.com');
    const up = await c.patch(path(c.org, dave.user.uuid), { level: 15 });
    expect(up.status).toBe(200);
    expect(up.body.level).toBe(15);
    expect((await c.member('alice@example.com')).level).toBe(15);
    const down = await c.patch(path(c.org, dave.user.uuid), { level: 8 });
    expect(down.body.level).toBe(8);
  });

  it('404 for an unknown user uuid', async () => {
    const r = await c.patch(path(c.org, '6b8fd52b-0000-4000-8000-000000000000'), { level: 1 });
    expect(err(r)).toMatchObject({ status: 404, code: 'not_found' });
  });
});

describe('removal', () => {
  it('owners cannot be removed (400), admins cannot remove owners (403)', async () => {
    const alice = await c.member('alice@example.com');
    const self = await c.del(path(c.org, alice.user.uuid));
    expect(err(self)).toEqual({ status: 400, type: 'validation_error', code: 'invalid', detail: 'Cannot leave the organization as its owner!', attr: null });
    const byAdmin = await c.as(bobKey).del(path(c.org, alice.user.uuid));
    expect(err(byAdmin)).toMatchObject({ status: 403, detail: 'You can only edit others with level lower or equal to you.' });
  });

  it('members cannot remove others', async () => {
    const frank = await c.member('frank@example.com');
    const r = await c.as(carolKey).del(path(c.org, frank.user.uuid));
    expect(err(r)).toMatchObject({ status: 403, detail: 'You can only edit others if you are an admin.' });
  });

  it('delete cascades access rules and role memberships', async () => {
    const frank = await c.member('frank@example.com');
    const sandboxBefore = (await c.get('/api/projects/3/access_controls/')).body.access_controls;
    expect(sandboxBefore.some((r: any) => r.organization_member === frank.id)).toBe(true);
    const eng = await c.role('Engineering');
    expect(eng.members.some((m: any) => m.user.email === 'frank@example.com')).toBe(true);
    const r = await c.del(path(c.org, frank.user.uuid));
    expect(r.status).toBe(204);
    const sandboxAfter = (await c.get('/api/projects/3/access_controls/')).body.access_controls;
    expect(sandboxAfter.some((x: any) => x.organization_member === frank.id)).toBe(false);
    expect((await c.role('Engineering')).members.some((m: any) => m.user.email === 'frank@example.com')).toBe(false);
    expect((await c.members()).some((m) => m.user.email === 'frank@example.com')).toBe(false);
  });

  it('an owner can remove another owner after demoting them', async () => {
    const dave = await c.member('dave@example.com');
    await c.patch(path(c.org, dave.user.uuid), { level: 15 });
    expect((await c.del(path(c.org, dave.user.uuid))).status).toBe(400);
    await c.patch(path(c.org, dave.user.uuid), { level: 8 });
    expect((await c.del(path(c.org, dave.user.uuid))).status).toBe(204);
  });
});

describe('organization', () => {
  it('GET has membership_level, features, default_role_id and settings', async () => {
    const r = await c.get(`/api/organizations/${c.org}/`);
    expect(r.body).toMatchObject({ id: c.org, name: 'Example Co', membership_level: 15, default_role_id: null, members_can_invite: true });
    expect(r.body.available_product_features.map((f: any) => f.key)).toContain('role_based_access');
    expect((await c.as(carolKey).get(`/api/organizations/@current/`)).body.membership_level).toBe(1);
  });

  it('PATCH writes only writable fields and needs admin', async () => {
    const eng = await c.role('Engineering');
    const r = await c.patch(`/api/organizations/${c.org}/`, { enforce_2fa: true, default_role_id: eng.id, slug: 'nope', member_count: 5 });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ enforce_2fa: true, default_role_id: eng.id, slug: 'example-co' });
    expect((await c.role('Engineering')).is_default).toBe(true);
    const denied = await c.as(carolKey).patch(`/api/organizations/${c.org}/`, { enforce_2fa: false });
    expect(err(denied)).toMatchObject({ status: 403, detail: 'Your organization access level is insufficient.' });
    const bad = await c.patch(`/api/organizations/${c.org}/`, { members_can_invite: 'maybe' });
    expect(err(bad)).toMatchObject({ status: 400, attr: 'members_can_invite' });
  });
});
