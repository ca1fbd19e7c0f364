// posthog/api/test/test_organization_domain.py (PostHog/posthog, copy at commit c5f3deaf, the only one
// indexed; it predates the move of SAML/SCIM to identity-provider configurations, so its SCIM-on-
// domain cases are left out: test_identity_provider_config.py covers SCIM now). DNS answers are
// mocked in PostHog; here the emulator's control API marks a domain's challenge as present. Cases
// PostHog runs as self-hosted (no is_cloud) get `automatic_provisioning`, which self-hosted
// PostHog does not check and the (cloud) emulator does. Also left out: analytics captures and
// last_verification_retry (not in the API).
import { describe, expect } from 'vitest';
import { ADMIN, World, conformance, notFound, permissionDenied } from './world.ts';
import type { Level } from './world.ts';

const test = conformance('posthog/api/test/test_organization_domain.py');
const CHALLENGE = /^[0-9A-Za-z_-]{32}$/;
const insufficient = permissionDenied('Your organization access level is insufficient.');

/** setUpTestData: myposthog.com in self.organization, org.posthog.net in another organization. */
async function world(opts: { level?: Level; features?: string[]; verified?: boolean } = {}) {
  const w = await World.create({ level: opts.level ?? 1, features: opts.features ?? [] });
  const domain = await w.addDomain('myposthog.com', { verified_at: opts.verified ? new Date().toISOString() : null });
  const anotherOrg = await w.addOrganization('Another Org');
  await w.addProject('Default project', anotherOrg);
  const anotherDomain = await w.addDomain('org.posthog.net', { org: anotherOrg });
  return { w, domain, anotherOrg, anotherDomain };
}

const stored = async (w: World, id: string) => (await w.snapshot()).domains.find((d: any) => d.id === id);

describe('organization domains', () => {
  test('test_can_list_and_retrieve_domains', async () => {
    const { w, domain } = await world();
    const r = await w.client.get('/api/organizations/@current/domains');
    expect(r.status).toBe(200);
    expect(r.body.count).toBe(1);
    const item = r.body.results[0];
    expect(item.domain).toBe('myposthog.com');
    expect(item.verified_at).toBeNull();
    expect(item.is_verified).toBe(false);
    expect(item.jit_provisioning_enabled).toBe(false);
    expect(item.sso_enforcement).toBe('');
    expect(item.verification_challenge).toMatch(CHALLENGE);
    const one = await w.client.get(`/api/organizations/${w.org}/domains/${domain}`);
    expect(one.status).toBe(200);
    expect(one.body).toEqual(item);
  });

  test('test_cannot_list_or_retrieve_domains_for_other_org', async () => {
    const { w, anotherOrg, anotherDomain } = await world({ level: ADMIN });
    let r = await w.client.get(`/api/organizations/@current/domains/${anotherDomain}`);
    expect(r.status).toBe(404);
    expect(r.body).toEqual(notFound());
    r = await w.client.get(`/api/organizations/${anotherOrg}/domains/${anotherDomain}`);
    expect(r.status).toBe(403);
    expect(r.body).toEqual(permissionDenied());
  });

  test('test_create_domain', async () => {
    const { w } = await world({ level: ADMIN, features: ['automatic_provisioning'] });
    const r = await w.client.post('/api/organizations/@current/domains/', {
      domain: 'the.posthog.com',
      verified_at: '2022-01-01T14:25:25.000Z', // ignored
      verification_challenge: '123', // ignored
      jit_provisioning_enabled: true, // ignored
      sso_enforcement: 'saml', // ignored
    });
    expect(r.status).toBe(201);
    expect(r.body.domain).toBe('the.posthog.com');
    expect(r.body.verified_at).toBeNull();
    expect(r.body.jit_provisioning_enabled).toBe(false);
    expect(r.body.verification_challenge).toMatch(CHALLENGE);
    const row = await stored(w, r.body.id);
    expect(row.domain).toBe('the.posthog.com');
    expect(row.verified_at).toBeNull();
    expect(row.sso_enforcement).toBe('');
  });

  test('test_cant_create_domain_without_feature', async () => {
    const { w } = await world({ level: ADMIN });
    const r = await w.client.post('/api/organizations/@current/domains/', {
      domain: 'the.posthog.com', verified_at: '2022-01-01T14:25:25.000Z', verification_challenge: '123',
      jit_provisioning_enabled: true, sso_enforcement: 'saml',
    });
    expect(r.status).toBe(403);
  });

  test('test_cannot_create_duplicate_domain', async () => {
    const { w, anotherOrg } = await world({ level: ADMIN, features: ['automatic_provisioning'] });
    await w.addDomain('i-registered-first.com', { org: anotherOrg });
    const count = (await w.snapshot()).domains.length;
    const r = await w.client.post('/api/organizations/@current/domains/', { domain: 'i-registered-first.com' });
    expect(r.status).toBe(400);
    expect(r.body).toEqual({ type: 'validation_error', code: 'unique', detail: 'domain with this domain already exists.', attr: 'domain' });
    expect((await w.snapshot()).domains).toHaveLength(count);
  });

  test('test_cannot_create_invalid_domain', async () => {
    const { w } = await world({ level: ADMIN, features: ['automatic_provisioning'] });
    const count = (await w.snapshot()).domains.length;
    for (const domain of ['test@posthog.com', '🦔🦔🦔.com', 'one.two.c', '--alpha.com', 'javascript: alert(1)']) {
      const r = await w.client.post('/api/organizations/@current/domains/', { domain });
      expect(r.status).toBe(400);
      expect(r.body).toEqual({ type: 'validation_error', code: 'invalid_input', detail: 'Please enter a valid domain or subdomain name.', attr: 'domain' });
    }
    expect((await w.snapshot()).domains).toHaveLength(count);
  });

  test('test_can_request_verification_for_unverified_domains', async () => {
    const { w, domain } = await world({ level: ADMIN });
    // the TXT record holds the challenge
    expect((await w.control('POST', '/_emulator/domains/verify', { domain: 'myposthog.com' })).status).toBe(200);
    const r = await w.client.post(`/api/organizations/@current/domains/${domain}/verify`);
    expect(r.status).toBe(200);
    expect(r.body.domain).toBe('myposthog.com');
    const row = await stored(w, domain);
    expect(row.verified_at).not.toBeNull();
    expect(Date.parse(r.body.verified_at)).toBe(Date.parse(row.verified_at));
    expect(r.body.is_verified).toBe(true);
  });

  test('test_domain_is_not_verified_with_missing_challenge', async () => {
    const { w, domain } = await world({ level: ADMIN });
    const r = await w.client.post(`/api/organizations/@current/domains/${domain}/verify`);
    expect(r.status).toBe(200);
    expect(r.body.domain).toBe('myposthog.com');
    expect(r.body.verified_at).toBeNull();
    expect((await stored(w, domain)).verified_at).toBeNull();
  });

  test('test_cannot_request_verification_for_verified_domains', async () => {
    const { w, domain } = await world({ level: ADMIN, verified: true });
    const r = await w.client.post(`/api/organizations/@current/domains/${domain}/verify`);
    expect(r.status).toBe(400);
    expect(r.body).toEqual({ type: 'validation_error', code: 'already_verified', detail: 'This domain has already been verified.', attr: null });
  });

  test('test_only_admin_can_create_verified_domains', async () => {
    const { w } = await world();
    const count = (await w.snapshot()).domains.length;
    const r = await w.client.post('/api/organizations/@current/domains/', { domain: 'evil.posthog.com' });
    expect(r.status).toBe(403);
    expect(r.body).toEqual(insufficient);
    expect((await w.snapshot()).domains).toHaveLength(count);
  });

  test('test_only_admin_can_request_verification', async () => {
    const { w, domain } = await world();
    const r = await w.client.post(`/api/organizations/@current/domains/${domain}/verify`);
    expect(r.status).toBe(403);
    expect(r.body).toEqual(insufficient);
    expect((await stored(w, domain)).verified_at).toBeNull();
  });

  test('test_can_update_jit_provisioning_and_sso_enforcement', async () => {
    const { w, domain } = await world({ level: ADMIN, features: ['automatic_provisioning'], verified: true });
    const r = await w.client.patch(`/api/organizations/@current/domains/${domain}/`, { sso_enforcement: 'google-oauth2', jit_provisioning_enabled: true });
    expect(r.status).toBe(200);
    expect(r.body.sso_enforcement).toBe('google-oauth2');
    expect(r.body.jit_provisioning_enabled).toBe(true);
    const row = await stored(w, domain);
    expect(row.sso_enforcement).toBe('google-oauth2');
    expect(row.jit_provisioning_enabled).toBe(true);
  });

  test('test_cannot_enforce_sso_or_enable_jit_provisioning_on_unverified_domain', async () => {
    const { w, domain } = await world({ level: ADMIN });
    let r = await w.client.patch(`/api/organizations/@current/domains/${domain}/`, { sso_enforcement: 'google-oauth2' });
    expect(r.status).toBe(400);
    expect(r.body).toEqual({
      type: 'validation_error', code: 'verification_required', detail: 'This attribute cannot be updated until the domain is verified.', attr: 'sso_enforcement',
    });
    expect((await stored(w, domain)).sso_enforcement).toBe('');
    r = await w.client.patch(`/api/organizations/@current/domains/${domain}/`, { jit_provisioning_enabled: true });
    expect(r.status).toBe(400);
    expect(r.body).toEqual({
      type: 'validation_error', code: 'verification_required', detail: 'This attribute cannot be updated until the domain is verified.', attr: 'jit_provisioning_enabled',
    });
    expect((await stored(w, domain)).jit_provisioning_enabled).toBe(false);
  });

  test('test_only_allowed_parameters_can_be_updated', async () => {
    const { w, domain } = await world({ level: ADMIN });
    const r = await w.client.patch(`/api/organizations/@current/domains/${domain}/`, { verified_at: '2020-01-01T12:12:12Z', verification_challenge: '123' });
    expect(r.status).toBe(200);
    expect(r.body.verified_at).toBeNull();
    expect(r.body.verification_challenge).toMatch(CHALLENGE);
  });

  test('test_only_admin_can_update_domain', async () => {
    const { w, domain } = await world({ verified: true });
    const r = await w.client.patch(`/api/organizations/${w.org}/domains/${domain}/`, { sso_enforcement: 'google-oauth2', jit_provisioning_enabled: true });
    expect(r.status).toBe(403);
    expect(r.body).toEqual(insufficient);
    const row = await stored(w, domain);
    expect(row.jit_provisioning_enabled).toBe(false);
    expect(row.sso_enforcement).toBe('');
  });

  test('test_cannot_update_domain_for_another_org', async () => {
    const { w, anotherOrg, anotherDomain } = await world({ level: ADMIN });
    await w.mutate((s) => {
      s.domains.find((d: any) => d.id === anotherDomain).verified_at = new Date().toISOString();
    });
    const r = await w.client.patch(`/api/organizations/${anotherOrg}/domains/${anotherDomain}/`, { sso_enforcement: 'google-oauth2', jit_provisioning_enabled: true });
    expect(r.status).toBe(403);
    expect(r.body).toEqual(permissionDenied());
    const row = await stored(w, anotherDomain);
    expect(row.jit_provisioning_enabled).toBe(false);
    expect(row.sso_enforcement).toBe('');
  });

  test('test_admin_can_delete_domain', async () => {
    const { w, domain } = await world({ level: ADMIN });
    const r = await w.client.del(`/api/organizations/@current/domains/${domain}`);
    expect(r.status).toBe(204);
    expect(r.text).toBe('');
    expect(await stored(w, domain)).toBeUndefined();
  });

  test('test_only_admin_can_delete_domain', async () => {
    const { w, domain } = await world();
    const r = await w.client.del(`/api/organizations/@current/domains/${domain}`);
    expect(r.status).toBe(403);
    expect(r.body).toEqual(insufficient);
    expect(await stored(w, domain)).toBeDefined();
  });

  test('test_cannot_delete_domain_for_another_org', async () => {
    const { w, anotherOrg, anotherDomain } = await world({ level: ADMIN });
    const r = await w.client.del(`/api/organizations/${anotherOrg}/domains/${anotherDomain}`);
    expect(r.status).toBe(403);
    expect(r.body).toEqual(permissionDenied());
    expect(await stored(w, anotherDomain)).toBeDefined();
  });
});
