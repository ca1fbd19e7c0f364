// Two organizations in one emulator, each with an owner key (the multi-organization setup of
// docs/emulator.md): each key sees its own organization through @current, lists only its own, and
// is refused in the other.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleSnapshot } from '../../src/emulator/sample.ts';
import { Client, err, start } from './helpers.ts';

const SECOND_ORG = '22222222-2222-4222-8222-222222222222';
const OLIVIA = '33333333-3333-4333-8333-333333333333';
const SECOND_KEY = 'phx_second_org_owner_key_for_tests_only';
const NOW = '2026-03-01T12:00:00.000Z';

/** The sample organization plus "Second Co" with its own owner, project and key (value given, hash computed). */
function twoOrganizations(): Record<string, any> {
  const snap: Record<string, any> = sampleSnapshot(new Date(NOW));
  snap.organizations.push({ id: SECOND_ORG, name: 'Second Co', slug: 'second-co', created_at: NOW, updated_at: NOW, available_product_features: [{ key: 'access_control', name: 'Access control' }] });
  snap.users.push({ id: 100, uuid: OLIVIA, email: 'olivia@second.example', distinct_id: 'olivia', date_joined: NOW, current_organization_id: SECOND_ORG });
  snap.memberships.push({ id: '44444444-4444-4444-8444-444444444444', organization_id: SECOND_ORG, user_uuid: OLIVIA, level: 15, joined_at: NOW, updated_at: NOW });
  snap.projects.push({ id: 10, uuid: '55555555-5555-4555-8555-555555555555', organization_id: SECOND_ORG, name: 'Production', api_token: 'phc_second', created_at: NOW, updated_at: NOW });
  snap.personal_api_keys.push({ id: 'second-owner', user_uuid: OLIVIA, label: 'owner', value: SECOND_KEY, scopes: ['*'], created_at: NOW });
  return snap;
}

let c: Client;
let second: Client;
beforeAll(async () => {
  c = await start({ state: twoOrganizations() as any });
  second = c.as(SECOND_KEY);
});
afterAll(async () => { await c.emulator.close(); });

describe('two organizations, one owner key each', () => {
  it('the first line names the first organization and its owner key; the second key works too', async () => {
    expect(c.org).not.toBe(SECOND_ORG);
    expect((await c.get('/api/organizations/@current/')).body.name).toBe('Example Co');
    expect((await second.get('/api/organizations/@current/')).body).toMatchObject({ id: SECOND_ORG, name: 'Second Co', membership_level: 15 });
  });

  it('each key lists only its own organization, projects and members', async () => {
    expect((await c.get('/api/organizations/')).body.results.map((o: any) => o.id)).toEqual([c.org]);
    expect((await second.get('/api/organizations/')).body.results.map((o: any) => o.id)).toEqual([SECOND_ORG]);
    expect((await second.get('/api/projects/')).body.results.map((p: any) => p.id)).toEqual([10]);
    expect((await second.get(`/api/organizations/${SECOND_ORG}/members/`)).body.results.map((m: any) => m.user.email)).toEqual(['olivia@second.example']);
    // the same project name in both organizations is fine
    expect((await c.get('/api/projects/1/')).body.name).toBe('Production');
  });

  it('neither key reaches the other organization', async () => {
    expect(err(await second.get(`/api/organizations/${c.org}/members/`))).toMatchObject({ status: 403 });
    expect(err(await second.get(`/api/organizations/${c.org}/`))).toMatchObject({ status: 404 });
    expect(err(await second.get('/api/projects/1/access_controls/'))).toMatchObject({ status: 404 });
    expect(err(await c.get(`/api/organizations/${SECOND_ORG}/members/`))).toMatchObject({ status: 403 });
    expect(err(await c.put('/api/projects/10/access_controls/', { access_level: 'none' }))).toMatchObject({ status: 404 });
  });

  it('control routes act on the organization they name', async () => {
    const r = await c.control('POST', '/_emulator/members', { email: 'pat@second.example', level: 1, organization: SECOND_ORG });
    expect(r.status).toBe(201);
    expect((await second.get(`/api/organizations/${SECOND_ORG}/members/`)).body.count).toBe(2);
    expect((await c.get(`/api/organizations/${c.org}/members/?email=pat@second.example`)).body.count).toBe(0);
  });
});
