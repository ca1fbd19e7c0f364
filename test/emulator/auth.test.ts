import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, err, start } from './helpers.ts';

let c: Client;
beforeAll(async () => { c = await start(); });
afterAll(async () => { await c.emulator.close(); });

describe('authentication', () => {
  it('401 not_authenticated without credentials', async () => {
    const r = await c.as('').get('/api/users/@me/');
    expect(r.status).toBe(401);
    expect(r.body).toEqual({ type: 'authentication_error', code: 'not_authenticated', detail: 'Authentication credentials were not provided.', attr: null });
  });

  it('401 authentication_failed for an unknown key', async () => {
    const r = await c.as('phx_not_a_real_key').get('/api/users/@me/');
    expect(r.status).toBe(401);
    expect(r.body).toEqual({
      type: 'authentication_error', code: 'authentication_failed',
      detail: 'Personal API key found in request Authorization header is invalid.', attr: null,
    });
  });

  it('key value is fake-looking and generated', () => {
    expect(c.key).toMatch(/^phx_emulator_/);
  });

  it('/api/users/@me/ returns the user and organization', async () => {
    const r = await c.get('/api/users/@me');
    expect(r.status).toBe(200);
    expect(r.body.email).toBe('alice@example.com');
    expect(r.body.organization).toMatchObject({ id: c.org, name: 'Example Co', membership_level: 15 });
    expect(r.body.organizations).toHaveLength(1);
  });

  it('404 body for unknown paths and objects', async () => {
    const r = await c.get(`/api/organizations/${c.org}/roles/00000000-0000-0000-0000-000000000000/`);
    expect(r.status).toBe(404);
    expect(r.body).toEqual({ type: 'invalid_request', code: 'not_found', detail: 'Not found.', attr: null });
    expect((await c.get('/api/nothing/here/')).status).toBe(404);
  });

  it('trailing slash is optional and @current resolves', async () => {
    const a = await c.get(`/api/organizations/@current/members`);
    const b = await c.get(`/api/organizations/${c.org}/members/`);
    expect(a.status).toBe(200);
    expect(a.body.count).toBe(b.body.count);
  });
});

describe('scopes', () => {
  it('missing scope → 403 with the scope name', async () => {
    const k = await c.keyFor('alice@example.com', ['organization_member:read']);
    const r = await c.as(k).patch(`/api/organizations/${c.org}/members/${(await c.member('carol@example.com')).user.uuid}/`, { level: 8 });
    expect(err(r)).toMatchObject({ status: 403, type: 'authentication_error', code: 'permission_denied', detail: "API key missing required scope 'organization_member:write'" });
    const roles = await c.as(k).get(`/api/organizations/${c.org}/roles/`);
    expect(err(roles)).toMatchObject({ status: 403, detail: "API key missing required scope 'organization:read'" });
  });

  it('write implies read', async () => {
    const k = await c.keyFor('alice@example.com', ['organization_member:write']);
    expect((await c.as(k).get(`/api/organizations/${c.org}/members/`)).status).toBe(200);
    expect((await c.as(k).get(`/api/organizations/${c.org}/invites/`)).status).toBe(200);
  });

  it('roles use organization scope, access controls access_control scope', async () => {
    const k = await c.keyFor('alice@example.com', ['organization:read', 'access_control:read']);
    expect((await c.as(k).get(`/api/organizations/${c.org}/roles/`)).status).toBe(200);
    expect((await c.as(k).get('/api/projects/1/access_controls/')).status).toBe(200);
    const w = await c.as(k).put('/api/projects/1/access_controls/', { access_level: 'none' });
    expect(err(w)).toMatchObject({ status: 403, detail: "API key missing required scope 'access_control:write'" });
  });

  it('users route needs user:read but skips scoped checks', async () => {
    const k = await c.keyFor('alice@example.com', ['user:read'], { scoped_teams: [1] });
    expect((await c.as(k).get('/api/users/@me/')).status).toBe(200);
  });
});

describe('actions without a scope', () => {
  it('refuse personal API keys ("Personal API Key", as posthog/permissions.py words it), before scoped-key checks', async () => {
    const alice = await c.member('alice@example.com');
    const r = await c.get(`/api/organizations/${c.org}/members/${alice.user.uuid}/scoped_api_keys/`);
    expect(err(r)).toEqual({ status: 403, type: 'authentication_error', code: 'permission_denied', attr: null, detail: 'This action does not support Personal API Key access' });
    const teamKey = await c.keyFor('alice@example.com', ['*'], { scoped_teams: [1] });
    expect(err(await c.as(teamKey).get(`/api/organizations/${c.org}/members/${alice.user.uuid}/scoped_api_keys/`)))
      .toMatchObject({ status: 403, detail: 'This action does not support Personal API Key access' });
  });
});

describe('members_can_use_personal_api_keys', () => {
  it('off (with organization_security_settings): members\' keys are refused on org and project routes; admins\' keys and /users/@me work', async () => {
    const e = await start();
    try {
      const carol = e.as(await e.keyFor('carol@example.com'));
      const bob = e.as(await e.keyFor('bob@example.com'));
      expect((await e.patch(`/api/organizations/${e.org}/`, { members_can_use_personal_api_keys: false })).status).toBe(200);
      const text = "Organization 'Example Co' does not allow using personal API keys. Contact an admin to enable personal API keys for this organization.";
      for (const r of [await carol.get(`/api/organizations/${e.org}/members/`), await carol.get('/api/projects/1/access_controls/'), await carol.get(`/api/organizations/${e.org}/`)]) {
        expect(err(r)).toEqual({ status: 403, type: 'authentication_error', code: 'permission_denied', attr: null, detail: text });
      }
      // checked before the key's own scoped_teams / scopes
      const narrow = e.as(await e.keyFor('carol@example.com', ['user:read'], { scoped_teams: [1] }));
      expect(err(await narrow.get(`/api/organizations/${e.org}/members/`))).toMatchObject({ status: 403, detail: text });
      expect((await carol.get('/api/users/@me/')).status).toBe(200);
      expect((await bob.get(`/api/organizations/${e.org}/members/`)).status).toBe(200);
      // without organization_security_settings the setting has no effect
      await e.control('POST', '/_emulator/features', { features: ['access_control', 'role_based_access'] });
      expect((await carol.get(`/api/organizations/${e.org}/members/`)).status).toBe(200);
    } finally {
      await e.emulator.close();
    }
  });
});

describe('legacy keys without scopes', () => {
  it('skip the scope and scoped-key checks, as PostHog does', async () => {
    const e = await start();
    try {
      const value = await e.keyFor('alice@example.com', ['user:read'], { scoped_teams: [1] });
      e.emulator.state.keyByValue(value)!.scopes = [];
      expect((await e.as(value).get(`/api/organizations/${e.org}/members/`)).status).toBe(200);
      expect((await e.as(value).get('/api/projects/2/access_controls/')).status).toBe(200);
      expect((await e.as(value).get('/api/personal_api_keys/@current/')).body.scopes).toEqual(['*']);
    } finally {
      await e.emulator.close();
    }
  });
});

describe('scoped keys', () => {
  it('scoped_teams keys are refused on organization routes', async () => {
    const k = await c.keyFor('alice@example.com', ['*'], { scoped_teams: [1] });
    const r = await c.as(k).get(`/api/organizations/${c.org}/members/`);
    expect(err(r)).toMatchObject({ status: 403, code: 'permission_denied', detail: 'API keys with scoped projects are only supported on project-based endpoints.' });
  });

  it('scoped_teams keys only reach their projects', async () => {
    const k = await c.keyFor('alice@example.com', ['*'], { scoped_teams: [1] });
    expect((await c.as(k).get('/api/projects/1/access_controls/')).status).toBe(200);
    const r = await c.as(k).get('/api/projects/2/access_controls/');
    expect(err(r)).toMatchObject({ status: 403, detail: 'API key does not have access to the requested project: ID 2.' });
  });

  it('scoped_organizations is honoured and filters the organization list', async () => {
    const other = '11111111-1111-4111-8111-111111111111';
    const k = await c.keyFor('alice@example.com', ['*'], { scoped_organizations: [other] });
    const r = await c.as(k).get(`/api/organizations/${c.org}/members/`);
    expect(err(r)).toMatchObject({ status: 403, detail: `API key does not have access to the requested organization: ID ${c.org}.` });
    expect((await c.as(k).get('/api/organizations/')).body.count).toBe(0);
    const ok = await c.keyFor('alice@example.com', ['*'], { scoped_organizations: [c.org] });
    expect((await c.as(ok).get('/api/organizations/')).body.count).toBe(1);
  });
});

describe('personal API keys', () => {
  it('@current returns the key without its value', async () => {
    const r = await c.get('/api/personal_api_keys/@current/');
    expect(r.status).toBe(200);
    // `value` is a field of PostHog's serializer, null outside the create and roll responses
    expect(r.body).toHaveProperty('value', null);
    expect(Object.keys(r.body)).toEqual(['id', 'label', 'value', 'mask_value', 'created_at', 'last_used_at', 'user_id', 'scopes', 'scoped_teams', 'scoped_organizations', 'last_rolled_at']);
    expect(r.body.mask_value).toMatch(/^phx_\.\.\.[A-Za-z0-9_-]{4}$/);
    expect(r.body.scopes).toEqual(['*']);
    expect(JSON.stringify(r.body)).not.toContain(c.key);
  });

  it('every other action with a PAK is refused', async () => {
    for (const r of [await c.get('/api/personal_api_keys/'), await c.post('/api/personal_api_keys/', { label: 'x' }), await c.del('/api/personal_api_keys/@current/')]) {
      expect(err(r)).toMatchObject({ status: 403, code: 'permission_denied', detail: 'This action does not support Personal API Key access' });
    }
  });
});

describe('rate limit', () => {
  it('429 throttled with Retry-After past the per-minute limit', async () => {
    const rl = await start({ rateLimit: { perMinute: 3, perHour: 100 } });
    try {
      for (let i = 0; i < 3; i++) expect((await rl.get('/api/users/@me/')).status).toBe(200);
      const r = await rl.get('/api/users/@me/');
      expect(r.status).toBe(429);
      expect(r.body.type).toBe('throttled_error');
      expect(r.body.code).toBe('throttled');
      expect(r.body.detail).toMatch(/^Request was throttled\. Expected available in \d+ seconds?\.$/);
      const retry = Number(r.headers.get('retry-after'));
      expect(retry).toBeGreaterThan(0);
      expect(retry).toBeLessThanOrEqual(60);
      // per key: another key is not throttled
      const k2 = await rl.keyFor('bob@example.com');
      expect((await rl.as(k2).get('/api/users/@me/')).status).toBe(200);
    } finally {
      await rl.emulator.close();
    }
  });

  it('hourly window counts too', async () => {
    const rl = await start({ rateLimit: { perMinute: 100, perHour: 2 } });
    try {
      await rl.get('/api/users/@me/');
      await rl.get('/api/users/@me/');
      const r = await rl.get('/api/users/@me/');
      expect(r.status).toBe(429);
      expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(60);
    } finally {
      await rl.emulator.close();
    }
  });
});
