// Effective access computed by the emulator as PostHog's settings page shows it: per member and
// per role the stored rule, the enforced level and its source; and the project's defaults.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, err, start } from './helpers.ts';

let c: Client;
beforeAll(async () => { c = await start(); });
afterAll(async () => { await c.emulator.close(); });

const byEmail = (results: any[], email: string) => results.find((r) => r.user.email === email);

describe('access_control_members', () => {
  it('each member: own rule, enforced level and what applies without the own rule', async () => {
    const r = await c.get('/api/projects/1/access_control_members/');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ available_project_levels: ['none', 'member', 'admin'], available_resource_levels: ['none', 'viewer', 'editor', 'manager'], can_edit: true });
    const frank = byEmail(r.body.results, 'frank@example.com');
    expect(frank.organization_level).toBe(1);
    expect(frank.project).toEqual({
      access_level: null, effective_access_level: 'member', minimum: 'none', maximum: 'admin',
      inherited_access: { access_level: 'member', source: 'object', source_subject: 'role', source_resource: 'project', source_resource_id: '1' },
    });
    const carol = byEmail(r.body.results, 'carol@example.com');
    expect(carol.project).toMatchObject({ access_level: 'admin', effective_access_level: 'admin', inherited_access: { access_level: 'member', source_subject: 'default' } });
    const alice = byEmail(r.body.results, 'alice@example.com');
    expect(alice.project).toMatchObject({ effective_access_level: 'admin', inherited_access: { source: 'org_admin' } });
    expect(Object.keys(frank.resources)).toHaveLength(34);
    expect(frank.resources.feature_flag).toMatchObject({ access_level: null, effective_access_level: 'editor', inherited_access: { source: 'resource', source_subject: 'default' } });
    expect(frank.resources.activity_log).toMatchObject({ effective_access_level: 'viewer', minimum: 'none', maximum: 'viewer', inherited_access: { source: 'system_default' } });
    expect(alice.resources.dashboard.effective_access_level).toBe('manager');
  });

  it('member_id narrows to one member; an unknown one is 404', async () => {
    const frank = await c.member('frank@example.com');
    const r = await c.get(`/api/projects/1/access_control_members/?member_id=${frank.id}`);
    expect(r.body.results.map((x: any) => x.user.email)).toEqual(['frank@example.com']);
    expect(err(await c.get('/api/projects/1/access_control_members/?member_id=00000000-0000-4000-8000-000000000000'))).toMatchObject({ status: 404 });
  });

  it('a member who may not edit rules reads it with can_edit false', async () => {
    const frank = c.as(await c.keyFor('frank@example.com'));
    const r = await frank.get('/api/projects/1/access_control_members/');
    expect(r.status).toBe(200);
    expect(r.body.can_edit).toBe(false);
  });
});

describe('access_control_roles and access_control_defaults', () => {
  it('roles: own rule and enforced level', async () => {
    const eng = await c.role('Engineering');
    const r = await c.get('/api/projects/1/access_control_roles/');
    const row = r.body.results.find((x: any) => x.role_id === eng.id);
    expect(row).toMatchObject({ role_name: 'Engineering', project: { access_level: 'member', effective_access_level: 'member' } });
    expect(err(await c.get('/api/projects/1/access_control_roles/?role_id=nope'))).toMatchObject({ status: 404 });
  });

  it('defaults: the stored project default and each kind with its bounds', async () => {
    const r = await c.get('/api/projects/1/access_control_defaults/');
    expect(r.body).toMatchObject({ project_access_level: 'member', can_edit: true });
    expect(r.body.resource_access_levels.feature_flag).toEqual({ access_level: 'editor', minimum: 'none', maximum: 'manager' });
    expect(r.body.resource_access_levels.action).toEqual({ access_level: null, minimum: 'viewer', maximum: 'manager' });
    expect((await c.get('/api/projects/2/access_control_defaults/')).body.project_access_level).toBe('admin');
  });
});
