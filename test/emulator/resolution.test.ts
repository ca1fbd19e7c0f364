// Both access resolution modes on the emulator's own access paths, and the preview and accept
// endpoints that move an organization from legacy ("highest wins") to "most specific wins".
import { beforeEach, afterEach, describe, expect, it } from 'vitest';
import { Client, err, start } from './helpers.ts';

let c: Client;
let frankKey: string;
let frankMember: any;
beforeEach(async () => {
  c = await start();
  frankKey = await c.keyFor('frank@example.com');
  frankMember = await c.member('frank@example.com');
  const eng = await c.role('Engineering');
  // on Staging (2): frank denied by his own rule, granted admin through his role Engineering
  expect((await c.put('/api/projects/2/access_controls/', { organization_member: frankMember.id, access_level: 'none' })).status).toBe(200);
  expect((await c.put('/api/projects/2/access_controls/', { role: eng.id, access_level: 'admin' })).status).toBe(200);
});
afterEach(async () => { await c.emulator.close(); });

describe('resolution modes', () => {
  it('legacy: the highest of the member and role rules wins (a member none under a role grant does nothing)', async () => {
    expect((await c.get(`/api/organizations/${c.org}/`)).body.uses_most_specific_access_resolution).toBe(false);
    const r = await c.as(frankKey).get('/api/projects/2/access_controls/');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ user_access_level: 'admin', user_can_edit_access_levels: true });
  });

  it('legacy: a member rule beats the project default even when it grants less', async () => {
    // Production (1): default member; frank gets his own none
    await c.put('/api/projects/1/access_controls/', { organization_member: frankMember.id, access_level: 'none' });
    const eng = await c.role('Engineering');
    await c.put('/api/projects/1/access_controls/', { role: eng.id, access_level: null });
    expect(err(await c.as(frankKey).get('/api/projects/1/'))).toMatchObject({ status: 403, detail: "You don't have access to the project." });
  });

  it('the preview names who loses what; accepting switches the organization and the member none now denies', async () => {
    const preview = await c.get('/api/projects/1/access_control_resolution_preview/');
    expect(preview.status).toBe(200);
    expect(preview.body.changes).toEqual([expect.objectContaining({
      // a member is named "first last" (else by address), as PostHog's preview names them
      subject: { type: 'member', id: frankMember.id, name: 'Frank Example' },
      scope: 'object', resource: 'project', object_id: '2', object_name: 'Staging', project_id: 2, project_name: 'Staging', direction: 'loses',
      current: expect.objectContaining({ access_level: 'admin', source: 'object', source_subject: 'role', subject_name: 'Engineering' }),
      proposed: expect.objectContaining({ access_level: 'none', source: 'object', source_subject: 'member', subject_name: 'Frank Example' }),
    })]);
    expect(preview.body.summary).toEqual({ total: 1, gains: 0, loses: 1, resources: 0, objects: 1 });

    const carol = c.as(await c.keyFor('carol@example.com'));
    expect(err(await carol.post('/api/projects/1/access_control_resolution_accept/', {}))).toMatchObject({ status: 403, detail: 'Only organization admins can accept the new resolution.' });
    expect(err(await c.as(frankKey).get('/api/projects/1/access_control_resolution_preview/'))).toMatchObject({ status: 403, detail: 'Only administrators can view the resolution preview.' });

    const accepted = await c.post('/api/projects/1/access_control_resolution_accept/', {});
    expect(accepted.status).toBe(200);
    expect(accepted.body).toEqual({ uses_most_specific_access_resolution: true });
    expect((await c.get(`/api/organizations/${c.org}/`)).body.uses_most_specific_access_resolution).toBe(true);
    expect(err(await c.as(frankKey).get('/api/projects/2/'))).toMatchObject({ status: 403, detail: "You don't have access to the project." });
    expect((await c.get('/api/projects/1/access_control_resolution_preview/')).body.summary.total).toBe(0);
    const log = (await c.get(`/api/organizations/${c.org}/advanced_activity_logs/?scopes=Organization`)).body.results[0];
    expect(log.detail.changes).toEqual([expect.objectContaining({ field: 'uses_most_specific_access_resolution', before: false, after: true })]);
  });

  it('a key scoped to projects cannot accept', async () => {
    const scoped = c.as(await c.keyFor('alice@example.com', ['*'], { scoped_teams: [1] }));
    expect(err(await scoped.post('/api/projects/1/access_control_resolution_accept/', {}))).toMatchObject({
      status: 403, detail: 'A credential scoped to specific projects cannot accept the new resolution.',
    });
  });

  it('resource-wide rules: legacy pools them (highest wins), most specific takes the member rule', async () => {
    await c.put('/api/projects/1/resource_access_controls/', { resource: 'dashboard', access_level: 'editor' });
    await c.put('/api/projects/1/resource_access_controls/', { resource: 'dashboard', organization_member: frankMember.id, access_level: 'viewer' });
    const preview = (await c.get('/api/projects/1/access_control_resolution_preview/')).body;
    const dash = preview.changes.find((x: any) => x.resource === 'dashboard');
    expect(dash).toMatchObject({ scope: 'resource', object_id: null, direction: 'loses', current: { access_level: 'editor' }, proposed: { access_level: 'viewer', source_subject: 'member' } });
  });

  it('objects with rules: an object default beats a resource-wide rule only when most specific wins', async () => {
    await c.put('/api/projects/1/resource_access_controls/', { resource: 'dashboard', access_level: 'editor' });
    // the sample's dashboard 1 ("Company KPIs") gets a default rule; dashboard 5 does not exist
    const state = (await c.control('GET', '/_emulator/state')).body;
    const rule = (id: string) => ({ id: crypto.randomUUID(), team_id: 1, resource: 'dashboard', resource_id: id, organization_member: null, role: null, access_level: 'none', created_by_uuid: null, created_at: '2026-01-01T00:00:00Z', updated_at: '2026-01-01T00:00:00Z' });
    state.access_controls.push(rule('1'), rule('5'));
    c = c.as((await c.control('PUT', '/_emulator/state', state)).body.key);
    const preview = (await c.get('/api/projects/1/access_control_resolution_preview/')).body;
    const dash = preview.changes.filter((x: any) => x.resource === 'dashboard');
    // one record for everyone, not one per member; the rule left on a missing dashboard is not listed
    expect(dash).toEqual([{
      subject: { type: 'default', id: null, name: 'Everyone' }, scope: 'object', resource: 'dashboard', object_id: '1', object_name: 'Company KPIs', object_short_id: null,
      current: { access_level: 'editor', source: 'resource', source_subject: 'default', source_resource: 'dashboard', source_resource_id: null, subject_name: null },
      proposed: { access_level: 'none', source: 'object', source_subject: 'default', source_resource: 'dashboard', source_resource_id: '1', subject_name: null },
      direction: 'loses', project_id: 1, project_name: 'Production',
    }]);
    expect(preview.summary).toMatchObject({ objects: 2, resources: 0 });
  });
});
