// posthog/api/test/test_identity_provider_config.py (PostHog/posthog; the copy read is the fullest of
// three indexed, with SAML, SCIM, ID-JAG and deletion cases; the index lists commit 1e47285e). The
// SCIM token action declares no scope, so a personal API key cannot call it (PostHog refuses such actions for keys):
// test_regenerate_scim_token* are left out. LinkedIdentityProviderConfig rows are the config's
// organization_domain_ids in the snapshot.
import { describe, expect } from 'vitest';
import { ADMIN, MEMBER, World, conformance } from './world.ts';

const test = conformance('posthog/api/test/test_identity_provider_config.py');
const base = '/api/organizations/@current/identity_provider_configs';

const storedConfig = async (w: World, id: string) => (await w.snapshot()).identity_provider_configs.find((c: any) => c.id === id);

describe('identity provider configurations', () => {
  test('test_member_can_list_configs', async () => {
    const w = await World.create();
    await w.addIdentityProviderConfig({ name: 'Okta' });
    const r = await w.client.get(base);
    expect(r.status).toBe(200);
    expect(r.body.count).toBe(1);
    expect(r.body.results[0].name).toBe('Okta');
  });

  test('test_cannot_retrieve_config_from_other_org', async () => {
    const w = await World.create({ level: ADMIN });
    const other = await w.addOrganization('Other');
    const config = await w.addIdentityProviderConfig({ name: 'Other Okta', org: other });
    const r = await w.client.get(`${base}/${config}`);
    expect(r.status).toBe(404);
  });

  test('test_admin_can_create_config_with_selected_domains', async () => {
    const w = await World.create({ level: ADMIN });
    const domain = await w.addDomain('example.com');
    const r = await w.client.post(`${base}/`, {
      name: 'Okta production', domain_scope: 'selected', organization_domain_ids: [domain],
      saml_entity_id: 'entity', saml_acs_url: 'https://idp.example.com/acs',
    });
    expect(r.status).toBe(201);
    const row = await storedConfig(w, r.body.id);
    expect(row.organization_id).toBe(w.org);
    expect(row.saml_entity_id).toBe('entity');
    expect(r.body.domain_scope).toBe('selected');
    expect(r.body.organization_domain_ids).toEqual([domain]);
    // assigned once by PostHog; a uuid string
    expect(r.body.saml_relay_state).toMatch(/^[0-9a-f-]{36}$/);
    expect(row.organization_domain_ids).toEqual([domain]);
  });

  test('test_updating_selected_domains_replaces_links', async () => {
    const w = await World.create({ level: ADMIN });
    const first = await w.addDomain('first.example.com');
    const second = await w.addDomain('second.example.com');
    const config = await w.addIdentityProviderConfig({ organization_domain_ids: [first] });
    const r = await w.client.patch(`${base}/${config}/`, { organization_domain_ids: [second] });
    expect(r.status).toBe(200);
    expect(r.body.organization_domain_ids).toEqual([second]);
    expect((await storedConfig(w, config)).organization_domain_ids).toEqual([second]);
  });

  test('test_cannot_map_config_to_another_organizations_domain', async () => {
    const w = await World.create({ level: ADMIN });
    const other = await w.addOrganization('Other');
    const domain = await w.addDomain('other.example.com', { org: other });
    const r = await w.client.post(`${base}/`, { organization_domain_ids: [domain] });
    expect(r.status).toBe(400);
    expect(r.body.attr).toBe('organization_domain_ids');
  });

  test('test_member_cannot_create_config', async () => {
    const w = await World.create({ level: MEMBER });
    const r = await w.client.post(`${base}/`, { name: 'Okta' });
    expect(r.status).toBe(403);
  });

  test('test_can_configure_saml', async () => {
    const w = await World.create({ level: ADMIN });
    const config = await w.addIdentityProviderConfig();
    const r = await w.client.patch(`${base}/${config}/`, { saml_entity_id: 'entity-id', saml_acs_url: 'https://idp.example.com/acs', saml_x509_cert: 'cert' });
    expect(r.status).toBe(200);
    expect(r.body.has_saml).toBe(true);
    expect((await storedConfig(w, config)).saml_entity_id).toBe('entity-id');
  });

  test('test_enable_scim_returns_token_once', async () => {
    const w = await World.create({ level: ADMIN, features: ['scim'] });
    const config = await w.addIdentityProviderConfig();
    const r = await w.client.patch(`${base}/${config}/`, { scim_enabled: true });
    expect(r.status).toBe(200);
    expect(r.body.scim_enabled).toBe(true);
    expect(r.body.scim_bearer_token).toBeTruthy();
    // a later read never shows the plain token
    const read = await w.client.get(`${base}/${config}`);
    expect(read.body.scim_enabled).toBe(true);
    expect(read.body.scim_bearer_token).toBeNull();
  });

  test('test_cannot_enable_scim_without_feature', async () => {
    const w = await World.create({ level: ADMIN });
    const config = await w.addIdentityProviderConfig();
    const r = await w.client.patch(`${base}/${config}/`, { scim_enabled: true });
    expect(r.status).toBe(400);
    expect(r.body.attr).toBe('scim_enabled');
  });

  test('test_can_configure_id_jag', async () => {
    const w = await World.create({ level: ADMIN, features: ['xaa_authentication'] });
    const config = await w.addIdentityProviderConfig();
    const r = await w.client.patch(`${base}/${config}/`, {
      id_jag_issuer_url: 'https://example.com/', id_jag_jwks_url: 'https://example.com/keys.json', id_jag_allowed_clients: ['client-a'],
    });
    expect(r.status).toBe(200);
    expect(r.body.id_jag_issuer_url).toBe('https://example.com');
    expect(r.body.has_id_jag).toBe(true);
  });

  test('test_cannot_configure_id_jag_without_feature', async () => {
    const w = await World.create({ level: ADMIN });
    const config = await w.addIdentityProviderConfig();
    const r = await w.client.patch(`${base}/${config}/`, { id_jag_issuer_url: 'https://example.com' });
    expect(r.status).toBe(400);
    expect(r.body.attr).toBe('id_jag_issuer_url');
  });

  test('test_id_jag_url_must_be_allowed', async () => {
    const w = await World.create({ level: ADMIN, features: ['xaa_authentication'] });
    const config = await w.addIdentityProviderConfig();
    const r = await w.client.patch(`${base}/${config}/`, { id_jag_issuer_url: 'http://169.254.169.254/latest/meta-data' });
    expect(r.status).toBe(400);
  });

  test('test_cannot_delete_a_config_a_domain_still_uses', async () => {
    const w = await World.create({ level: ADMIN });
    const domain = await w.addDomain('linked.example.com', { verified_at: new Date().toISOString() });
    const config = await w.addIdentityProviderConfig({ organization_domain_ids: [domain] });
    const r = await w.client.del(`${base}/${config}/`);
    expect(r.status).toBe(400);
    expect(r.body.code).toBe('linked_to_domain');
    expect(await storedConfig(w, config)).toBeDefined();
  });

  test('test_can_delete_a_config_once_no_domain_uses_it', async () => {
    const w = await World.create({ level: ADMIN });
    await w.addDomain('unlinked.example.com', { verified_at: new Date().toISOString() });
    const config = await w.addIdentityProviderConfig({ organization_domain_ids: [] });
    const r = await w.client.del(`${base}/${config}/`);
    expect(r.status).toBe(204);
    expect(await storedConfig(w, config)).toBeUndefined();
  });
});
