import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, err, start } from './helpers.ts';

let c: Client;
beforeAll(async () => { c = await start(); });
afterAll(async () => { await c.emulator.close(); });

const roles = () => `/api/organizations/${c.org}/roles/`;

describe('roles', () => {
  it('lists roles with embedded members and is_default', async () => {
    const r = await c.get(roles());
    expect(r.body.count).toBe(3);
    const eng = r.body.results.find((x: any) => x.name === 'Engineering');
    expect(eng.is_default).toBe(false);
    expect(eng.members.map((m: any) => m.user.email).sort()).toEqual(['bob@example.com', 'frank@example.com']);
    expect(eng.members[0]).toMatchObject({ role_id: eng.id, organization_member: { level: expect.any(Number) } });
  });

  it('creates, with case-insensitive unique names', async () => {
    const r = await c.post(roles(), { name: 'Data' });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ name: 'Data', members: [], is_default: false, created_by: { email: 'alice@example.com' } });
    const dup = await c.post(roles(), { name: 'engineering' });
    expect(err(dup)).toEqual({ status: 400, type: 'validation_error', code: 'unique', detail: 'There is already a role with this name.', attr: 'name' });
    const rename = await c.patch(`${roles()}${r.body.id}/`, { name: 'PRODUCT' });
    expect(err(rename)).toMatchObject({ status: 400, code: 'unique' });
    const ok = await c.patch(`${roles()}${r.body.id}/`, { name: 'Data Science' });
    expect(ok.body.name).toBe('Data Science');
  });

  it('writes need admin', async () => {
    const carol = await c.keyFor('carol@example.com');
    expect((await c.as(carol).get(roles())).status).toBe(200);
    expect(err(await c.as(carol).post(roles(), { name: 'X' }))).toMatchObject({ status: 403, detail: 'Your organization access level is insufficient.' });
  });

  it('the admin check comes before the lookup: a member gets 403 even for an unknown role or membership', async () => {
    const carol = c.as(await c.keyFor('carol@example.com'));
    const nobody = '4d1b1c9e-0000-4000-8000-0000000000ff';
    const eng = await c.role('Engineering');
    for (const r of [
      await carol.patch(`${roles()}${nobody}/`, { name: 'Y' }),
      await carol.del(`${roles()}${nobody}/`),
      await carol.del(`${roles()}${eng.id}/role_memberships/${nobody}/`),
      await carol.post(`${roles()}${nobody}/role_memberships/`, { user_uuid: nobody }),
    ]) {
      expect(err(r)).toEqual({ status: 403, type: 'authentication_error', code: 'permission_denied', attr: null, detail: 'Your organization access level is insufficient.' });
    }
    expect(err(await c.del(`${roles()}${nobody}/`))).toMatchObject({ status: 404, code: 'not_found' });
  });

  it('role memberships: list, create by user_uuid, errors, delete', async () => {
    const eng = await c.role('Engineering');
    const rm = `${roles()}${eng.id}/role_memberships/`;
    const list = await c.get(rm);
    expect(list.body.count).toBe(2);
    const carol = await c.member('carol@example.com');
    const created = await c.post(rm, { user_uuid: carol.user.uuid });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ role_id: eng.id, organization_member: { id: carol.id }, user: { email: 'carol@example.com' } });
    expect(err(await c.post(rm, { user_uuid: carol.user.uuid }))).toMatchObject({ status: 400, detail: 'User is already part of the role.' });
    expect(err(await c.post(rm, { user_uuid: '4d1b1c9e-0000-4000-8000-000000000000' }))).toMatchObject({ status: 400, detail: 'User does not exist.' });
    expect(err(await c.post(`${roles()}4d1b1c9e-0000-4000-8000-000000000000/role_memberships/`, { user_uuid: carol.user.uuid }))).toMatchObject({ status: 400, detail: 'Role does not exist.' });
    expect(err(await c.post(rm, {}))).toMatchObject({ status: 400, code: 'required', attr: 'user_uuid' });
    expect((await c.del(`${rm}${created.body.id}/`)).status).toBe(204);
    expect((await c.get(rm)).body.count).toBe(2);
  });

  it('deleting a role cascades its memberships and rules', async () => {
    const eng = await c.role('Engineering');
    const before = (await c.get('/api/projects/1/access_controls/')).body.access_controls;
    expect(before.some((r: any) => r.role === eng.id)).toBe(true);
    expect((await c.del(`${roles()}${eng.id}/`)).status).toBe(204);
    const after = (await c.get('/api/projects/1/access_controls/')).body.access_controls;
    expect(after.some((r: any) => r.role === eng.id)).toBe(false);
    expect(c.emulator.state.roleMembers.get(eng.id)).toBeUndefined();
    expect((await c.get(`${roles()}${eng.id}/role_memberships/`)).body.count).toBe(0);
  });
});
