import { describe, expect, it } from 'vitest';
import type { ActualState } from '../../src/model/actual.ts';
import type { DomainSpec } from '../../src/model/desired.ts';
import { diff } from '../../src/plan/diff.ts';
import type { PlanOptions } from '../../src/plan/kind.ts';
import { buildPlan } from '../../src/plan/plan.ts';
import { actual, desired, gate, type ActualStateBuilder } from './builders.ts';

const NOW = new Date('2026-11-22T12:00:00Z');
const FEATURES = ['access_control', 'role_based_access', 'automatic_provisioning', 'sso_enforcement', 'saml'];
const SAFETY = { maxDeletes: 10, protected: [] };

// The key's user (ME) is root@example.com, an owner: example.com is the admins' domain.
function guards(specs: Record<string, DomainSpec>, build: (a: ActualStateBuilder) => void, options: PlanOptions = {}) {
  const state: ActualState = actual((a) => { a.features(FEATURES).noDomains(); build(a); });
  const { changes } = diff(desired({ organization: { id: '@current', settings: {}, domains: specs } }), state, NOW, options);
  return gate({ changes, actual: state, safety: SAFETY, options }).filter((r) => r.guard === 'sso');
}

describe('sso guard', () => {
  it.each<[string, Record<string, DomainSpec>, (a: ActualStateBuilder) => void, PlanOptions, 'ok' | 'refused']>([
    ['allows SAML on a domain a SAML configuration covers', { 'example.com': { ssoEnforcement: 'saml' } }, (a) => a.domain('example.com').identityProvider(['example.com']), {}, 'ok'],
    ['allows SAML through a configuration scoped to all domains', { 'example.com': { ssoEnforcement: 'saml' } }, (a) => a.domain('example.com').identityProvider([], { domainScope: 'all' }), {}, 'ok'],
    ['refuses SAML when the covering configuration has no SAML (SCIM only)', { 'partner.io': { ssoEnforcement: 'saml' } }, (a) => a.domain('partner.io').identityProvider(['partner.io'], { saml: false }), {}, 'refused'],
    ['refuses SAML on an uncovered domain', { 'partner.io': { ssoEnforcement: 'saml' } }, (a) => a.domain('partner.io').domain('other.io').identityProvider(['other.io']), {}, 'refused'],
    ['allows SAML on an uncovered domain with the override (no admin there)', { 'partner.io': { ssoEnforcement: 'saml' } }, (a) => a.domain('partner.io'), { allowSsoWithoutIdp: true }, 'ok'],
    ['refuses a social provider on an uncovered domain', { 'partner.io': { ssoEnforcement: 'google-oauth2' } }, (a) => a.domain('partner.io'), {}, 'refused'],
    ['allows a social provider with the override', { 'partner.io': { ssoEnforcement: 'github' } }, (a) => a.domain('partner.io'), { allowSsoWithoutIdp: true }, 'ok'],
    ['allows a social provider on the admins\' domain with the override', { 'example.com': { ssoEnforcement: 'gitlab' } }, (a) => a.domain('example.com'), { allowSsoWithoutIdp: true }, 'ok'],
    ['refuses SAML without a configuration on the admins\' domain, even with the override', { 'example.com': { ssoEnforcement: 'saml' } }, (a) => a.domain('example.com'), { allowSsoWithoutIdp: true }, 'refused'],
    ['allows turning enforcement off', { 'partner.io': { ssoEnforcement: '' } }, (a) => a.domain('partner.io', { sso: 'saml' }), {}, 'ok'],
    ['leaves enforcement that is already on alone', { 'partner.io': { ssoEnforcement: 'saml', jitProvisioning: true } }, (a) => a.domain('partner.io', { sso: 'saml' }), {}, 'ok'],
    ['no check for an unverified domain (nothing is sent)', { 'partner.io': { ssoEnforcement: 'saml' } }, (a) => a.domain('partner.io', { verified: false }), {}, 'ok'],
    ['no check for a domain created in this plan', { 'partner.io': { ssoEnforcement: 'saml' } }, () => {}, {}, 'ok'],
  ])('%s', (_name, specs, build, options, expected) => {
    const refusals = guards(specs, build, options);
    expect(refusals.length ? 'refused' : 'ok').toBe(expected);
  });

  it('counts admins, not members, for the lockout', () => {
    const onMemberDomain = guards({ 'staff.io': { ssoEnforcement: 'saml' } }, (a) => a.member('pat@staff.io', 'member').domain('staff.io'), { allowSsoWithoutIdp: true });
    expect(onMemberDomain).toEqual([]);
    const onAdminDomain = guards({ 'staff.io': { ssoEnforcement: 'saml' } }, (a) => a.member('pat@staff.io', 'admin').domain('staff.io'), { allowSsoWithoutIdp: true });
    expect(onAdminDomain).toHaveLength(1);
    expect(onAdminDomain[0]?.message).toContain('would lock out pat@staff.io');
  });

  it('says what to do, and names the override when it helps', () => {
    const [refusal] = guards({ 'partner.io': { ssoEnforcement: 'google-oauth2' } }, (a) => a.domain('partner.io'));
    expect(refusal?.message).toContain('--allow-sso-without-idp');
    expect(refusal?.changeIds).toEqual(['domain:partner.io']);
    const [lockout] = guards({ 'example.com': { ssoEnforcement: 'saml' } }, (a) => a.domain('example.com'), { allowSsoWithoutIdp: true });
    expect(lockout?.message).toContain('root@example.com');
    expect(lockout?.message).toContain('--allow-sso-without-idp or not');
  });

  it('buildPlan passes the run\'s options to the guards', () => {
    const state = actual((a) => { a.features(FEATURES).domain('partner.io'); });
    const input = {
      desired: desired({ organization: { id: '@current', settings: {}, domains: { 'partner.io': { ssoEnforcement: 'github' } } } }),
      actual: state, at: NOW, createdAt: NOW, host: 'https://emulator', matrix: { file: 'm.yaml', sha256: 'x' },
      read: { organization: '@current', projects: [], secretKeys: [], domains: true },
    };
    expect(buildPlan(input).organizations[0]!.refusals.map((r) => r.guard)).toEqual(['sso']);
    expect(buildPlan({ ...input, options: { allowSsoWithoutIdp: true } }).organizations[0]!.refusals).toEqual([]);
  });
});
