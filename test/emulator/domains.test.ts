import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, err, start } from './helpers.ts';

let c: Client;
beforeAll(async () => { c = await start(); });
afterAll(async () => { await c.emulator.close(); });

const D = () => `/api/organizations/${c.org}/domains/`;

describe('domains', () => {
  it('create needs automatic_provisioning', async () => {
    const other = await start();
    try {
      await other.control('POST', '/_emulator/features', { features: ['access_control'] });
      const r = await other.post(`/api/organizations/${other.org}/domains/`, { domain: 'example.com' });
      expect(err(r)).toMatchObject({ status: 403, code: 'permission_denied', detail: 'Automatic provisioning is not enabled for this organization.' });
    } finally {
      await other.emulator.close();
    }
  });

  it('create, verification_required, verify, already_verified', async () => {
    const r = await c.post(D(), { domain: 'example.net', jit_provisioning_enabled: true });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ domain: 'example.net', is_verified: false, verified_at: null, jit_provisioning_enabled: false });
    expect(r.body.verification_challenge).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    const id = r.body.id;
    const jit = await c.patch(`${D()}${id}/`, { jit_provisioning_enabled: true });
    expect(err(jit)).toMatchObject({ status: 400, code: 'verification_required', attr: 'jit_provisioning_enabled' });
    const sso = await c.patch(`${D()}${id}/`, { sso_enforcement: 'saml' });
    expect(err(sso)).toMatchObject({ status: 400, code: 'verification_required', attr: 'sso_enforcement' });
    const notYet = await c.post(`${D()}${id}/verify/`);
    expect(notYet.status).toBe(200);
    expect(notYet.body.is_verified).toBe(false);
    expect((await c.control('POST', '/_emulator/domains/verify', { domain: 'example.net' })).status).toBe(200);
    const verified = await c.post(`${D()}${id}/verify/`);
    expect(verified.body.is_verified).toBe(true);
    expect(err(await c.post(`${D()}${id}/verify/`))).toMatchObject({ status: 400, code: 'already_verified' });
    const ok = await c.patch(`${D()}${id}/`, { jit_provisioning_enabled: true, sso_enforcement: 'saml' });
    expect(ok.body).toMatchObject({ jit_provisioning_enabled: true, sso_enforcement: 'saml' });
    await c.control('POST', '/_emulator/features', { features: ['access_control', 'role_based_access', 'audit_logs'] });
    const noFeature = await c.patch(`${D()}${id}/`, { jit_provisioning_enabled: true });
    expect(err(noFeature)).toMatchObject({ status: 400, code: 'feature_not_available' });
    expect((await c.del(`${D()}${id}/`)).status).toBe(204);
  });

  it('identity provider configs CRUD', async () => {
    const base = `/api/organizations/${c.org}/identity_provider_configs/`;
    const r = await c.post(base, { name: 'Okta', config_scope: 'saml', saml_entity_id: 'e', saml_acs_url: 'https://idp/acs', saml_x509_cert: 'cert' });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ name: 'Okta', has_saml: true, has_oidc: false });
    expect((await c.get(base)).body.count).toBe(2); // the sample's Okta config and this one
    expect((await c.patch(`${base}${r.body.id}/`, { name: 'Okta 2' })).body.name).toBe('Okta 2');
    expect(err(await c.patch(`${base}${r.body.id}/`, { organization_domain_ids: ['nope'] }))).toMatchObject({ status: 400, attr: 'organization_domain_ids' });
    expect((await c.del(`${base}${r.body.id}/`)).status).toBe(204);
  });
});
