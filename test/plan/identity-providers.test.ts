// Identity-provider configurations the matrix declares against PostHog's: what to set by hand
// (manual steps, never writes: a configuration needs a certificate or secret only PostHog's UI
// should take), and the configurations the matrix does not list.
import { describe, expect, it } from 'vitest';
import type { ActualIdentityProvider, ActualState } from '../../src/model/actual.ts';
import type { IdentityProviderSpec } from '../../src/model/desired.ts';
import { identityProviderReport } from '../../src/plan/identity-providers.ts';
import { actual, desired } from './builders.ts';

const OKTA_SAML = { entityId: 'http://www.okta.com/exk1', acsUrl: 'https://acme.okta.com/sso/saml' };

/** PostHog with example.com and example.org, and these configurations (Okta: SAML on example.com by default). */
function posthog(configs: Partial<ActualIdentityProvider>[]): ActualState {
  const state = actual((a) => a.domain('example.com').domain('example.org'));
  const idOf = (d: string) => state.domains![d]!.id;
  state.identityProviders = configs.map((c, i) => ({
    id: `idp-${i}`, name: 'Okta', domainIds: [idOf('example.com')], domainScope: 'selected', hasSaml: true, hasOidc: false,
    samlEntityId: OKTA_SAML.entityId, samlAcsUrl: OKTA_SAML.acsUrl, oidcIssuerUrl: null, oidcClientId: null, scimEnabled: false,
    ...c,
    ...(c.domainIds && { domainIds: c.domainIds.map(idOf) }),
  }));
  return state;
}

const report = (declared: Record<string, IdentityProviderSpec>, configs: Partial<ActualIdentityProvider>[]) => {
  const want = desired();
  want.organization.identityProviders = declared;
  return identityProviderReport(want, posthog(configs));
};

type Case = [name: string, declared: Record<string, IdentityProviderSpec>, configs: Partial<ActualIdentityProvider>[], steps: string[]];

const cases: Case[] = [
  ['the same settings: nothing to do', { Okta: { domains: ['example.com'], saml: OKTA_SAML } }, [{}], []],
  ['only the fields listed are compared', { Okta: { scim: false } }, [{ samlAcsUrl: 'https://elsewhere' }], []],
  ['a missing SAML configuration: create it, then upload the certificate',
    { Okta: { domains: ['example.com'], saml: OKTA_SAML, scim: true } }, [],
    ['create the identity provider configuration "Okta" in PostHog → Settings → Organization → Authentication with domains: example.com; SAML entity id: http://www.okta.com/exk1; SAML ACS URL: https://acme.okta.com/sso/saml; SCIM: on, then upload the identity provider\'s X.509 certificate']],
  ['a missing OIDC configuration: create it, then set the client secret',
    { Google: { domains: 'all', oidc: { issuerUrl: 'https://accounts.google.com', clientId: 'c-1' } } }, [{}],
    ['create the identity provider configuration "Google" in PostHog → Settings → Organization → Authentication with domains: all; OIDC issuer URL: https://accounts.google.com; OIDC client id: c-1, then set the OIDC client secret']],
  ['settings that differ: what to change, from → to',
    { Okta: { domains: ['example.com', 'example.org'], saml: { ...OKTA_SAML, acsUrl: 'https://acme.okta.com/new' }, scim: true } }, [{}],
    ['change the identity provider configuration "Okta" in PostHog → Settings → Organization → Authentication: domains: example.com → example.com, example.org; SAML ACS URL: https://acme.okta.com/sso/saml → https://acme.okta.com/new; SCIM: off → on']],
  ['domain scope all against selected domains', { Okta: { domains: 'all' } }, [{}],
    ['change the identity provider configuration "Okta" in PostHog → Settings → Organization → Authentication: domains: example.com → all']],
  ['SAML settings right but no certificate', { Okta: { saml: OKTA_SAML } }, [{ hasSaml: false }],
    ['upload the X.509 certificate of "Okta" in PostHog → Settings → Organization → Authentication: SAML login does not work until it is set']],
  ['two configurations with the declared name', { Okta: { scim: false } }, [{}, { id: 'x' }],
    ['PostHog has 2 identity provider configurations named "Okta" (ids idp-0, x): rename or remove all but one in PostHog → Settings → Organization → Authentication, so the matrix can tell which it describes']],
];

describe('identity provider configurations', () => {
  it.each(cases)('%s', (_name, declared, configs, steps) => {
    const { manualSteps } = report(declared, configs);
    expect(manualSteps.map((s) => s.message)).toEqual(steps);
    for (const s of manualSteps) expect(s.key).toMatch(/^identity_provider:/);
  });

  it('reports configurations the matrix does not list, never deletes them', () => {
    const { notices, manualSteps } = report({ Okta: {} }, [{}, { id: 'idp-b', name: 'Azure AD' }]);
    expect(manualSteps).toEqual([]);
    expect(notices).toEqual([{ level: 'info', code: 'unmanaged', message: '1 identity provider configuration not in the matrix, left alone (the tool never deletes these): Azure AD' }]);
  });

  it('says nothing when the matrix declares no identity providers', () => {
    expect(report({}, [{}])).toEqual({ notices: [], manualSteps: [] });
  });
});
