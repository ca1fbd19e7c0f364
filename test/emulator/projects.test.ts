// Projects: names unique per organization ignoring case and surrounding spaces (409 on create and
// rename), nameless creates, POST /api/projects/, the plan's project limit and project settings.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Client, err, start } from './helpers.ts';

let c: Client;
beforeEach(async () => { c = await start(); });
afterEach(async () => { await c.emulator.close(); });

const P = () => `/api/organizations/${c.org}/projects/`;

describe('project names', () => {
  it('a name another project has, in any case or with spaces around it, is 409 on create', async () => {
    for (const name of ['production', ' Production ', 'PRODUCTION']) {
      const r = await c.post(P(), { name });
      expect(err(r), name).toMatchObject({ status: 409, code: 'conflict', attr: 'name' });
      expect(r.body.detail).toBe('There is already a project called "Production" in this organization.');
    }
    expect((await c.post('/api/projects/', { name: 'staging ' })).status).toBe(409);
    expect((await c.get(P())).body.count).toBe(3);
  });

  it('renaming to a taken name is 409; keeping or re-casing its own name is fine', async () => {
    expect(err(await c.patch('/api/projects/2/', { name: 'sandbox' }))).toMatchObject({ status: 409, code: 'conflict' });
    expect((await c.get('/api/projects/2/')).body.name).toBe('Staging');
    expect((await c.patch('/api/projects/2/', { name: 'STAGING' })).body.name).toBe('STAGING');
    expect((await c.patch('/api/projects/2/', { name: 'Staging EU', timezone: 'Europe/Berlin' })).body).toMatchObject({ name: 'Staging EU', timezone: 'Europe/Berlin' });
  });

  it('pre-existing duplicates stay editable while their name is unchanged', async () => {
    await c.emulator.state.createProject(c.org, 'production', new Date());
    expect((await c.patch('/api/projects/4/', { name: 'production', timezone: 'UTC' })).status).toBe(200);
  });

  it('the same name in another organization is fine; a nameless create gets the first free "Default project N"', async () => {
    const first = await c.post(P(), {});
    expect(first.status).toBe(201);
    expect(first.body.name).toBe('Default project');
    expect((await c.post(P(), { name: '  ' })).body.name).toBe('Default project 2');
  });

  it('a member who is not a project admin may not change project settings', async () => {
    // frank reaches Production as a member (its default), not as an admin
    const frank = c.as(await c.keyFor('frank@example.com'));
    expect(err(await frank.patch('/api/projects/1/', { name: 'Mine' }))).toMatchObject({ status: 403, detail: "You don't have sufficient permissions in the project." });
    const carol = c.as(await c.keyFor('carol@example.com'));
    // carol has an admin rule on Production
    expect((await carol.patch('/api/projects/1/', { name: 'Production EU' })).status).toBe(200);
  });
});

describe('keys scoped to organizations', () => {
  it('another organization itself is not found (404); its nested routes refuse the key (403)', async () => {
    const other = '11111111-1111-4111-8111-111111111111';
    const key = c.as(await c.keyFor('alice@example.com', ['*'], { scoped_organizations: [other] }));
    expect(err(await key.get(`/api/organizations/${c.org}/`))).toMatchObject({ status: 404, code: 'not_found' });
    expect(err(await key.get(`/api/organizations/${c.org}/roles/`))).toMatchObject({ status: 403 });
  });
});
