// Organization security: personal key audit (@current), organization security settings and
// default role, domains and identity provider configs of the sample, /_emulator/domains/verify.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, err, start } from './helpers.ts';

const NOW = new Date('2026-03-01T12:00:00Z');
const DAY = 86_400_000;

let c: Client;
beforeAll(async () => { c = await start({ now: () => NOW }); });
afterAll(async () => { await c.emulator.close(); });

describe('personal API keys: @current for any key', () => {
  it('POST /_emulator/keys takes created_at, last_rolled_at, last_used_at and any scopes', async () => {
    const created = new Date(NOW.getTime() - 400 * DAY).toISOString();
    const rolled = new Date(NOW.getTime() - 200 * DAY).toISOString();
    const r = await c.control('POST', '/_emulator/keys', {
      email: 'bob@example.com', scopes: ['*'], label: 'old ci key', created_at: created, last_rolled_at: rolled,
    });
    expect(r.status).toBe(201);
    expect(r.body.value).toMatch(/^phx_emulator_/);
    const me = await c.as(r.body.value).get('/api/personal_api_keys/@current/');
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({
      id: r.body.id, label: 'old ci key', scopes: ['*'], created_at: created, last_rolled_at: rolled,
      last_used_at: NOW.toISOString(), scoped_teams: null, scoped_organizations: null, user_id: 2,
    });
    expect(me.body.value).toBeNull();
    expect(me.body.mask_value).toBe(`phx_...${r.body.value.slice(-4)}`);
  });

  it('works for narrow, project-scoped and org-scoped keys alike', async () => {
    for (const extra of [{ scopes: ['feature_flag:read'] }, { scopes: ['project:read'], scoped_teams: [1] }, { scopes: ['organization:read'], scoped_organizations: [c.org] }]) {
      const value = await c.keyFor('carol@example.com', extra.scopes, extra);
      const r = await c.as(value).get('/api/personal_api_keys/@current/');
      expect(r.status, JSON.stringify(extra)).toBe(200);
      expect(r.body.scopes).toEqual(extra.scopes);
    }
  });

  it('last_used_at: set on use, then at most once an hour (as PostHog)', async () => {
    const e = await start({ now: () => NOW });
    try {
      const old = new Date(NOW.getTime() - 30 * DAY).toISOString();
      const value = await e.keyFor('dave@example.com', ['user:read'], { last_used_at: old });
      expect(e.emulator.state.keyByValue(value)!.last_used_at).toBe(old);
      expect((await e.as(value).get('/api/personal_api_keys/@current/')).body.last_used_at).toBe(NOW.toISOString());
      await e.control('POST', '/_emulator/clock', { advance_seconds: 59 * 60 });
      expect((await e.as(value).get('/api/personal_api_keys/@current/')).body.last_used_at).toBe(NOW.toISOString());
      await e.control('POST', '/_emulator/clock', { advance_seconds: 2 * 60 });
      expect((await e.as(value).get('/api/personal_api_keys/@current/')).body.last_used_at).toBe(new Date(NOW.getTime() + 61 * 60_000).toISOString());
    } finally {
      await e.emulator.close();
    }
  });

  it('bad control input → 400; unknown user → 404', async () => {
    expect((await c.control('POST', '/_emulator/keys', { email: 'bob@example.com', created_at: 'yesterday' })).status).toBe(400);
    expect((await c.control('POST', '/_emulator/keys', { email: 'bob@example.com', last_rolled_at: 5 })).status).toBe(400);
    expect((await c.control('POST', '/_emulator/keys', { email: 'bob@example.com', scopes: '*' })).status).toBe(400);
    expect((await c.control('POST', '/_emulator/keys', { email: 'nobody@example.com' })).status).toBe(404);
  });
});

describe('organization security settings and default role', () => {
  const O = () => `/api/organizations/${c.org}/`;

  it('PATCH the security settings (admin), recorded in the activity log', async () => {
    const r = await c.patch(O(), { enforce_2fa: true, members_can_use_personal_api_keys: false, enforce_verified_domains: true, members_can_invite: false, allow_publicly_shared_resources: false });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ enforce_2fa: true, members_can_use_personal_api_keys: false, enforce_verified_domains: true, members_can_invite: false, allow_publicly_shared_resources: false });
    const logs = (await c.get(`/api/organizations/${c.org}/advanced_activity_logs/?scopes=Organization`)).body.results;
    const fields = logs[0].detail.changes.map((ch: any) => ch.field).sort();
    // PostHog's activity log labels (field_name_overrides); fields without a label keep their name
    expect(fields).toEqual(['enforce_verified_domains', 'member invitation permissions', 'personal API key permissions', 'public sharing permissions', 'two-factor authentication requirement']);
    expect(logs[0].team_id).toBeNull();
    expect(err(await c.patch(O(), { enforce_2fa: 'sometimes' }))).toMatchObject({ status: 400, attr: 'enforce_2fa' });
    const carol = c.as(await c.keyFor('carol@example.com'));
    // members_can_use_personal_api_keys is now off: a member's key is refused outright
    expect(err(await carol.patch(O(), { enforce_2fa: false }))).toMatchObject({
      status: 403, detail: "Organization 'Example Co' does not allow using personal API keys. Contact an admin to enable personal API keys for this organization.",
    });
    await c.patch(O(), { enforce_2fa: null, members_can_use_personal_api_keys: true, enforce_verified_domains: false, members_can_invite: true, allow_publicly_shared_resources: true });
    expect(err(await carol.patch(O(), { enforce_2fa: false }))).toMatchObject({ status: 403, detail: 'Your organization access level is insufficient.' });
  });

  it('default_role_id must be a role of this organization', async () => {
    const product = await c.role('Product');
    const r = await c.patch(O(), { default_role_id: product.id });
    expect(r.status).toBe(200);
    expect(r.body.default_role_id).toBe(product.id);
    expect((await c.role('Product')).is_default).toBe(true);
    const stranger = '0b9b0f5e-1111-4222-8333-444455556666';
    expect(err(await c.patch(O(), { default_role_id: stranger }))).toMatchObject({
      status: 400, code: 'does_not_exist', attr: 'default_role_id', detail: `Invalid pk "${stranger}" - object does not exist.`,
    });
    expect(err(await c.patch(O(), { default_role_id: 'product' }))).toMatchObject({ status: 400, attr: 'default_role_id' });
    const logs = (await c.get(`/api/organizations/${c.org}/advanced_activity_logs/?scopes=Organization`)).body.results;
    expect(logs[0].detail.changes).toEqual([{ type: 'Organization', action: 'changed', field: 'default_role_id', before: null, after: product.id }]);
    expect((await c.patch(O(), { default_role_id: null })).body.default_role_id).toBeNull();
  });

  it('a role of another organization is refused', async () => {
    const e = await start();
    try {
      const foreign = await e.role('Engineering');
      expect(err(await c.patch(O(), { default_role_id: foreign.id }))).toMatchObject({ status: 400, code: 'does_not_exist' });
    } finally {
      await e.emulator.close();
    }
  });
});

describe('domains and identity provider configs of the sample', () => {
  const D = () => `/api/organizations/${c.org}/domains/`;
  const I = () => `/api/organizations/${c.org}/identity_provider_configs/`;

  it('example.com verified with Okta (SAML), example.org unverified; fields the client reads', async () => {
    const domains = (await c.get(D())).body.results;
    const byName = Object.fromEntries(domains.map((d: any) => [d.domain, d]));
    expect(Object.keys(byName).sort()).toEqual(['example.com', 'example.org']);
    for (const d of domains) {
      for (const f of ['id', 'domain', 'is_verified', 'verified_at', 'verification_challenge', 'jit_provisioning_enabled', 'sso_enforcement']) expect(d).toHaveProperty(f);
    }
    expect(byName['example.com']).toMatchObject({ is_verified: true, jit_provisioning_enabled: false, sso_enforcement: '', has_saml: true });
    expect(byName['example.org']).toMatchObject({ is_verified: false, verified_at: null, has_saml: false, identity_provider_config: null });
    const idps = (await c.get(I())).body.results;
    expect(idps).toHaveLength(1);
    expect(idps[0]).toMatchObject({ name: 'Okta', config_scope: 'saml', domain_scope: null, has_saml: true, has_oidc: false, organization_domain_ids: [byName['example.com'].id] });
    for (const f of ['id', 'name', 'domain_scope', 'config_scope', 'organization_domain_ids', 'has_saml', 'has_oidc']) expect(idps[0]).toHaveProperty(f);
    expect(byName['example.com'].identity_provider_config).toBe(idps[0].id);
  });

  it('POST /_emulator/domains/verify: challenge present → next verify succeeds; verified:true at once; verified:false undoes', async () => {
    const org = (await c.get(D())).body.results.find((d: any) => d.domain === 'example.org');
    expect((await c.post(`${D()}${org.id}/verify/`)).body.is_verified).toBe(false);
    const marked = await c.control('POST', '/_emulator/domains/verify', { domain: ' Example.ORG ' });
    expect(marked.status).toBe(200);
    expect(marked.body).toMatchObject({ domain: 'example.org', verifiable: true, verified_at: null, is_verified: false });
    expect((await c.get(`${D()}${org.id}/`)).body.is_verified).toBe(false);
    const verified = await c.post(`${D()}${org.id}/verify/`);
    expect(verified.body).toMatchObject({ is_verified: true, verified_at: NOW.toISOString() });

    const undone = await c.control('POST', '/_emulator/domains/verify', { domain: 'example.org', verified: false });
    expect(undone.body).toMatchObject({ verifiable: false, is_verified: false, verified_at: null });
    expect((await c.post(`${D()}${org.id}/verify/`)).body.is_verified).toBe(false);
    const atOnce = await c.control('POST', '/_emulator/domains/verify', { domain: 'example.org', verified: true });
    expect(atOnce.body).toMatchObject({ verifiable: true, is_verified: true, verified_at: NOW.toISOString() });
    expect((await c.get(`${D()}${org.id}/`)).body.is_verified).toBe(true);
    expect(err(await c.post(`${D()}${org.id}/verify/`))).toMatchObject({ status: 400, code: 'already_verified' });

    const logs = (await c.get(`/api/organizations/${c.org}/advanced_activity_logs/?scopes=OrganizationDomain`)).body.results;
    expect(logs.filter((l: any) => l.item_id === org.id).map((l: any) => l.detail.changes[0].field)).toEqual(['verified_at', 'verified_at', 'verified_at']);

    expect((await c.control('POST', '/_emulator/domains/verify', { domain: 'nowhere.example' })).status).toBe(404);
    expect((await c.control('POST', '/_emulator/domains/verify', {})).status).toBe(400);
    expect((await c.control('POST', '/_emulator/domains/verify', { domain: 'example.org', verified: 'yes' })).status).toBe(400);
  });

  it('JIT and SSO enforcement on the verified sample domain', async () => {
    const com = (await c.get(D())).body.results.find((d: any) => d.domain === 'example.com');
    const r = await c.patch(`${D()}${com.id}/`, { jit_provisioning_enabled: true, sso_enforcement: 'saml' });
    expect(r.body).toMatchObject({ jit_provisioning_enabled: true, sso_enforcement: 'saml' });
    const back = await c.patch(`${D()}${com.id}/`, { jit_provisioning_enabled: false, sso_enforcement: '' });
    expect(back.body).toMatchObject({ jit_provisioning_enabled: false, sso_enforcement: '' });
  });
});
