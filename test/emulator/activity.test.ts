import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, err, start } from './helpers.ts';

let c: Client;
beforeAll(async () => { c = await start(); });
afterAll(async () => { await c.emulator.close(); });

describe('activity log', () => {
  it('records changes in PostHog shape', async () => {
    const carol = await c.member('carol@example.com');
    await c.patch(`/api/organizations/${c.org}/members/${carol.user.uuid}/`, { level: 8 });
    await c.post(`/api/organizations/${c.org}/invites/`, { target_email: 'erin@example.com' });
    await c.post(`/api/organizations/${c.org}/roles/`, { name: 'Data' });
    await c.put('/api/projects/2/access_controls/', { access_level: 'none' });
    const r = await c.get(`/api/organizations/${c.org}/advanced_activity_logs/`);
    expect(r.status).toBe(200);
    const scopes = r.body.results.map((l: any) => `${l.scope}:${l.activity}`);
    expect(scopes).toEqual(['AccessControl:created', 'Role:created', 'OrganizationInvite:created', 'OrganizationMembership:updated']);
    const m = r.body.results[3];
    expect(m).toMatchObject({
      item_id: carol.id, team_id: null, organization_id: c.org, user: { email: 'alice@example.com' },
      detail: { name: 'Carol Example (carol@example.com) membership updated in Example Co', changes: [{ type: 'OrganizationMembership', action: 'changed', field: 'level', before: 1, after: 8 }] },
    });
    expect(m.detail.context).toMatchObject({ user_email: 'carol@example.com', level: 'administrator' });
    const ac = r.body.results[0];
    expect(ac.team_id).toBe(2);
  });

  it('project feed has project-level entries and paginates', async () => {
    await c.put('/api/projects/2/access_controls/', { access_level: 'member' });
    await c.put('/api/projects/2/access_controls/', { access_level: null });
    const r = await c.get('/api/projects/2/activity_log/?page_size=2');
    expect(r.body.results).toHaveLength(2);
    expect(r.body.results[0].activity).toBe('deleted');
    expect(r.body.next).toMatch(new RegExp(`^${c.emulator.url}/api/projects/2/activity_log/\\?`));
    const p2 = await c.get(r.body.next);
    expect(p2.body.results).toHaveLength(1);
    expect(p2.body.next).toBeNull();
    const filtered = await c.get(`/api/organizations/${c.org}/advanced_activity_logs/?scopes=Role`);
    expect(filtered.body.results.every((l: any) => l.scope === 'Role')).toBe(true);
  });

  it("a project's feed needs viewer on activity_log: its rules, or a grant on one entry", async () => {
    const frank = c.as(await c.keyFor('frank@example.com'));
    const frankId = (await c.member('frank@example.com')).id;
    expect((await frank.get('/api/projects/1/activity_log/')).status).toBe(200);
    expect((await c.put('/api/projects/1/resource_access_controls/', { resource: 'activity_log', access_level: 'none' })).status).toBe(200);
    for (const path of ['/api/projects/1/activity_log/', '/api/projects/1/advanced_activity_logs/']) {
      expect(err(await frank.get(path))).toMatchObject({ status: 403, detail: 'You do not have viewer access to this resource.' });
    }
    // org admins are never restricted; a member's own rule lifts the default
    expect((await c.get('/api/projects/1/advanced_activity_logs/')).body.count).toBeGreaterThan(0);
    await c.put('/api/projects/1/resource_access_controls/', { resource: 'activity_log', access_level: 'viewer', organization_member: frankId });
    expect((await frank.get('/api/projects/1/activity_log/')).status).toBe(200);
    await c.put('/api/projects/1/resource_access_controls/', { resource: 'activity_log', access_level: null, organization_member: frankId });
    await c.put('/api/projects/1/resource_access_controls/', { resource: 'activity_log', access_level: null });
  });

  it('needs audit_logs (402)', async () => {
    await c.control('POST', '/_emulator/features', { features: ['access_control'] });
    const r = await c.get(`/api/organizations/${c.org}/advanced_activity_logs/`);
    expect(err(r)).toMatchObject({ status: 402, code: 'payment_required' });
    expect((await c.get('/api/projects/1/activity_log/')).status).toBe(402);
  });
});
