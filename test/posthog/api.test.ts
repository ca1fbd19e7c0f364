// createPostHogApi: every PostHogApi method hits the documented path with the documented body.
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.ts';
import { LIST_PAGE_SIZE, createApiFromEnv, createPostHogApi } from '../../src/posthog/api.ts';
import { PostHogClient } from '../../src/posthog/client.ts';
import { HOST, KEY } from './helpers.ts';

const ORG = '0190-org';
const O = `/api/organizations/${ORG}`;
let client: PostHogClient;

beforeAll(() => nock.disableNetConnect());
afterEach(async () => {
  expect(nock.isDone()).toBe(true);
  nock.cleanAll();
  await client?.close();
});
afterAll(() => nock.enableNetConnect());

function api() {
  client = new PostHogClient({ key: KEY, rateLimiter: null });
  return createPostHogApi(client);
}

// The fields the tool relies on (src/posthog/shape.ts checks them).
const M1 = { id: 'm1', user: { uuid: 'u1', email: 'a@x.com' } };
const M2 = { id: 'm2', user: { uuid: 'u2', email: 'b@x.com' } };
const I1 = { id: 'i1', target_email: 'c@x.com' };
const R1 = { id: 'r1', name: 'Eng', members: [{ id: 'rm1', user: { uuid: 'u1', email: 'a@x.com' } }] };
const P1 = { id: 1, name: 'Default' };

const page = (results: unknown[], next: string | null = null) => ({ count: results.length, next, previous: null, results });

describe('createPostHogApi', () => {
  it('reads the user, the key and the organization', async () => {
    nock(HOST).get('/api/users/@me/').reply(200, { email: 'me@x' })
      .get('/api/personal_api_keys/@current/').reply(200, { scopes: ['*'] })
      .get(`${O}/`).reply(200, { id: ORG });
    const a = api();
    expect(await a.me()).toEqual({ email: 'me@x' });
    expect(await a.currentKey()).toEqual({ scopes: ['*'] });
    expect(await a.organization(ORG)).toEqual({ id: ORG });
    expect(a.requestCount).toBe(3);
  });

  it('lists collections with large pages, following next', async () => {
    const limit = String(LIST_PAGE_SIZE);
    nock(HOST)
      .get(`${O}/members/`).query({ limit }).reply(200, page([M1], `${HOST}${O}/members/?limit=${limit}&offset=${limit}`))
      .get(`${O}/members/`).query({ limit, offset: limit }).reply(200, page([M2]))
      .get(`${O}/invites/`).query({ limit }).reply(200, page([I1]))
      .get(`${O}/roles/`).query({ limit }).reply(200, page([R1]))
      .get(`${O}/projects/`).query({ limit }).reply(200, page([P1]));
    const a = api();
    expect(await a.listMembers(ORG)).toEqual([M1, M2]);
    expect(await a.listInvites(ORG)).toEqual([I1]);
    expect(await a.listRoles(ORG)).toEqual([R1]);
    expect(await a.listProjects(ORG)).toEqual([P1]);
  });

  it('writes members, invites, roles, role memberships and projects', async () => {
    nock(HOST)
      .patch(`${O}/members/u-1/`, { level: 8 }).reply(200, { level: 8 })
      .delete(`${O}/members/u-1/`).reply(204)
      .post(`${O}/invites/`, { target_email: 'a@x.com', level: 1 }).reply(201, { id: 'i1' })
      .delete(`${O}/invites/i1/`).reply(204)
      .post(`${O}/roles/`, { name: 'Eng' }).reply(201, { id: 'r1' })
      .patch(`${O}/roles/r1/`, { name: 'Engineering' }).reply(200, { id: 'r1' })
      .delete(`${O}/roles/r1/`).reply(204)
      .post(`${O}/roles/r1/role_memberships/`, { user_uuid: 'u-1' }).reply(201, { id: 'rm1' })
      .delete(`${O}/roles/r1/role_memberships/rm1/`).reply(204)
      .post(`${O}/projects/`, { name: 'Web' }).reply(201, { id: 7 });
    const a = api();
    expect(await a.updateMemberLevel(ORG, 'u-1', 8)).toEqual({ level: 8 });
    expect(await a.removeMember(ORG, 'u-1')).toBeUndefined();
    expect(await a.createInvite(ORG, { target_email: 'a@x.com', level: 1 })).toEqual({ id: 'i1' });
    await a.deleteInvite(ORG, 'i1');
    expect(await a.createRole(ORG, 'Eng')).toEqual({ id: 'r1' });
    expect(await a.renameRole(ORG, 'r1', 'Engineering')).toEqual({ id: 'r1' });
    await a.deleteRole(ORG, 'r1');
    expect(await a.addRoleMember(ORG, 'r1', 'u-1')).toEqual({ id: 'rm1' });
    await a.removeRoleMember(ORG, 'r1', 'rm1');
    expect(await a.createProject(ORG, 'Web')).toEqual({ id: 7 });
  });

  it('reads and writes access controls; a 204 delete returns null', async () => {
    const rule = { access_level: 'member', resource: 'project', resource_id: '7', organization_member: 'm1', role: null };
    nock(HOST)
      .get('/api/projects/7/access_controls/').reply(200, { access_controls: [rule] })
      .put('/api/projects/7/access_controls/', { access_level: 'member', organization_member: 'm1' }).reply(200, rule)
      .put('/api/projects/7/access_controls/', { access_level: null, organization_member: 'm1' }).reply(204)
      .get('/api/projects/7/resource_access_controls/').reply(200, { access_controls: [] })
      .put('/api/projects/7/resource_access_controls/', { resource: 'dashboard', access_level: 'viewer', role: 'r1' }).reply(200, { ...rule, resource: 'dashboard' })
      .put('/api/projects/7/resource_access_controls/', { resource: 'dashboard', access_level: null }).reply(204);
    const a = api();
    expect((await a.projectAccessControls(7)).access_controls).toEqual([rule]);
    expect(await a.putProjectAccessControl(7, { access_level: 'member', organization_member: 'm1' })).toEqual(rule);
    expect(await a.putProjectAccessControl(7, { access_level: null, organization_member: 'm1' })).toBeNull();
    expect((await a.resourceAccessControls(7)).access_controls).toEqual([]);
    expect(await a.putResourceAccessControl(7, { resource: 'dashboard', access_level: 'viewer', role: 'r1' })).toMatchObject({ resource: 'dashboard' });
    expect(await a.putResourceAccessControl(7, { resource: 'dashboard', access_level: null })).toBeNull();
  });

  it('URL-encodes path segments but keeps @current literal', async () => {
    nock(HOST)
      .delete('/api/organizations/@current/members/a%2F..%2Fb%3Fx/').reply(204)
      .get('/api/organizations/@current/').reply(200, {});
    const a = api();
    await a.removeMember('@current', 'a/../b?x');
    await a.organization('@current');
  });
});

describe('createApiFromEnv', () => {
  it('reads POSTHOG_PERSONAL_API_KEY and POSTHOG_HOST and can be closed', async () => {
    const before = { key: process.env.POSTHOG_PERSONAL_API_KEY, host: process.env.POSTHOG_HOST };
    process.env.POSTHOG_PERSONAL_API_KEY = KEY;
    process.env.POSTHOG_HOST = 'https://eu.posthog.com';
    try {
      nock('https://eu.posthog.com').matchHeader('authorization', `Bearer ${KEY}`).get('/api/users/@me/').reply(200, { email: 'e' });
      const a = createApiFromEnv();
      client = a.client;
      expect(await a.me()).toEqual({ email: 'e' });
      expect(a.requestCount).toBe(1);
    } finally {
      for (const [k, v] of [['POSTHOG_PERSONAL_API_KEY', before.key], ['POSTHOG_HOST', before.host]] as const) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });

  it('explains a missing key', () => {
    const before = process.env.POSTHOG_PERSONAL_API_KEY;
    delete process.env.POSTHOG_PERSONAL_API_KEY;
    try {
      expect(() => createApiFromEnv()).toThrow(ConfigError);
      expect(() => createApiFromEnv()).toThrow(/POSTHOG_PERSONAL_API_KEY is not set/);
    } finally {
      if (before !== undefined) process.env.POSTHOG_PERSONAL_API_KEY = before;
    }
  });
});
