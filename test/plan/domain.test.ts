import { describe, expect, it } from 'vitest';
import type { ActualState } from '../../src/model/actual.ts';
import type { DesiredState, DomainSpec } from '../../src/model/desired.ts';
import { diff } from '../../src/plan/diff.ts';
import { applyChange } from '../../src/apply/apply.ts';
import { WRITERS, type ApplyEnv } from '../../src/apply/writers/index.ts';
import { domainKind } from '../../src/plan/kinds/domain.ts';
import type { Change } from '../../src/plan/types.ts';
import type { PostHogApi } from '../../src/posthog/types.ts';
import { actual, afterOf, desired, patchOf, type ActualStateBuilder } from './builders.ts';

const NOW = new Date('2026-11-22T12:00:00Z');
const SSO_FEATURES = ['access_control', 'role_based_access', 'automatic_provisioning', 'sso_enforcement', 'saml'];
const brief = (c: Change) => `${c.action} ${c.kind} ${c.key}`;
const domains = (specs: Record<string, DomainSpec>): DesiredState => desired({ organization: { id: '@current', settings: {}, domains: specs } });
const org = (build: (a: ActualStateBuilder) => void = () => {}, features = SSO_FEATURES) =>
  actual((a) => { a.features(features).noDomains(); build(a); });
const run = (d: DesiredState, a: ActualState) => diff(d, a, NOW);

describe('domains: plan', () => {
  it.each<[string, Record<string, DomainSpec>, (a: ActualStateBuilder) => void, string[]]>([
    ['creates a missing domain', { 'example.net': { jitProvisioning: true } }, () => {}, ['create domain example.net']],
    ['nothing when a verified domain matches', { 'example.com': { jitProvisioning: true, ssoEnforcement: 'saml' } }, (a) => a.domain('example.com', { jit: true, sso: 'saml' }), []],
    ['turns JIT on for a verified domain', { 'example.com': { jitProvisioning: true } }, (a) => a.domain('example.com'), ['update domain example.com']],
    ['turns SSO enforcement off for a verified domain', { 'example.com': { ssoEnforcement: '' } }, (a) => a.domain('example.com', { sso: 'google-oauth2' }), ['update domain example.com']],
    ['compares only the listed fields', { 'example.com': { jitProvisioning: false } }, (a) => a.domain('example.com', { sso: 'saml' }), []],
    ['no API change for an unverified domain', { 'example.org': { jitProvisioning: true, ssoEnforcement: 'saml' } }, (a) => a.domain('example.org', { verified: false }), []],
  ])('%s', (_name, specs, build, expected) => {
    expect(run(domains(specs), org(build)).changes.map(brief)).toEqual(expected);
  });

  it('updates carry only the changed fields in the patch and are not destructive', () => {
    const [change] = run(domains({ 'example.com': { jitProvisioning: true, ssoEnforcement: '' } }), org((a) => a.domain('example.com'))).changes;
    expect(patchOf(change)).toEqual([{ op: 'replace', path: '/jit_provisioning', value: true }]);
    expect(change?.destructive).toBe(false);
  });

  it('an unverified domain becomes a manual step with its TXT record and what follows verification', () => {
    const result = run(domains({ 'example.org': { jitProvisioning: true, ssoEnforcement: 'saml' } }), org((a) => a.domain('example.org', { verified: false, challenge: 'abc123' })));
    expect(result.manualSteps).toHaveLength(1);
    const step = result.manualSteps[0]!;
    expect(step.key).toBe('example.org');
    expect(step.message).toContain('TXT record _posthog-challenge.example.org with the value abc123');
    expect(step.message).toContain('Settings → Organization → Authentication domains → Verify');
    expect(step.message).toContain('the next plan sets jit_provisioning: true, sso_enforcement: saml');
  });

  it('a domain created in this plan gets a manual step whose value the next plan shows', () => {
    const result = run(domains({ 'example.net': {} }), org());
    expect(result.changes[0]).toMatchObject({ action: 'create', key: 'example.net' });
    expect(result.manualSteps[0]?.message).toMatch(/_posthog-challenge\.example\.net .*the next plan shows it/);
  });

  it('no manual step for a verified domain', () => {
    expect(run(domains({ 'example.com': { jitProvisioning: true } }), org((a) => a.domain('example.com'))).manualSteps).toEqual([]);
  });

  it('without automatic_provisioning a missing domain is not created, with a warning', () => {
    const result = run(domains({ 'example.net': {} }), org(() => {}, ['access_control']));
    expect(result.changes).toEqual([]);
    expect(result.manualSteps).toEqual([]);
    expect(result.notices).toContainEqual(expect.objectContaining({ level: 'warning', code: 'feature_missing', key: 'example.net', message: expect.stringContaining('automatic_provisioning') }));
  });

  it('without automatic_provisioning JIT is not turned on (PostHog would refuse it), with a warning', () => {
    const result = run(domains({ 'example.com': { jitProvisioning: true, ssoEnforcement: 'google-oauth2' } }), org((a) => a.domain('example.com'), ['sso_enforcement']));
    expect(result.changes).toHaveLength(1);
    expect(afterOf(result.changes[0])).toEqual({ jit_provisioning: false, sso_enforcement: 'google-oauth2' });
    expect(result.notices).toContainEqual(expect.objectContaining({ level: 'warning', code: 'feature_missing', message: expect.stringContaining('jit_provisioning needs the "automatic_provisioning" feature') }));
  });

  it.each([
    ['sso_enforcement', 'google-oauth2', ['automatic_provisioning', 'saml'], 'sso_enforcement needs the "sso_enforcement" feature'],
    ['saml', 'saml', ['automatic_provisioning', 'sso_enforcement'], 'SAML login needs the "saml" feature'],
  ])('warns when the %s feature is missing', (_feature, sso, features, message) => {
    const result = run(domains({ 'example.com': { ssoEnforcement: sso } }), org((a) => a.domain('example.com'), features));
    expect(result.notices).toContainEqual(expect.objectContaining({ level: 'warning', code: 'feature_missing', message: expect.stringContaining(message) }));
  });

  it('reports domains the matrix does not name and never deletes them', () => {
    const result = run(domains({ 'example.com': {} }), org((a) => a.domain('example.com').domain('legacy.io')));
    expect(result.changes).toEqual([]);
    expect(result.notices).toContainEqual(expect.objectContaining({ code: 'unmanaged', message: expect.stringContaining('legacy.io') }));
  });

  it('asks nothing of a matrix without domains', () => {
    const result = run(domains({}), actual());
    expect(result.changes).toEqual([]);
    expect(result.notices).toEqual([]);
  });
});

describe('domains: apply', () => {
  function fakeEnv(state: ActualState) {
    const calls: unknown[][] = [];
    const api = {
      createDomain: async (...args: unknown[]) => { calls.push(['create', ...args]); return {}; },
      updateDomain: async (...args: unknown[]) => { calls.push(['update', ...args]); return {}; },
    } as unknown as PostHogApi;
    const env: ApplyEnv = { api, orgId: 'org-1', actual: state, created: new Map() };
    return { env, calls };
  }

  it('POSTs a missing domain by name only', async () => {
    const state = org();
    const { env, calls } = fakeEnv(state);
    await applyChange(run(domains({ 'example.net': { jitProvisioning: true } }), state).changes[0]!, env);
    expect(calls).toEqual([['create', 'org-1', 'example.net']]);
  });

  it('PATCHes a verified domain with the changed fields under PostHog names', async () => {
    const state = org((a) => a.domain('example.com', { jit: true }));
    const { env, calls } = fakeEnv(state);
    const [change] = run(domains({ 'example.com': { jitProvisioning: true, ssoEnforcement: 'saml' } }), state).changes;
    await applyChange(change!, env);
    expect(calls).toEqual([['update', 'org-1', state.domains!['example.com']!.id, { sso_enforcement: 'saml' }]]);
  });

  it('has no delete', () => {
    expect(WRITERS.domain.delete).toBeUndefined();
    expect(domainKind.prune).toBeUndefined();
  });
});
