// Organization security against the emulator's sample organization: settings and default_team
// applied then converged; example.org (unverified) as a manual step with its TXT value, and
// drift until it is verified; example.com (verified, covered by a SAML identity provider) gets
// JIT and SSO enforcement; the sso guard refuses, and yields to --allow-sso-without-idp only
// where nobody who administers the organization would be locked out. Identity-provider
// configurations declared in the matrix are compared with the sample's Okta: manual steps, no writes.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { api, cli, control, emulator, type Emulator } from './harness.ts';

let emu: Emulator;
let dir: string;

beforeEach(async () => {
  emu = await emulator();
  dir = await mkdtemp(join(tmpdir(), 'posthog-access-security-'));
});
afterEach(async () => { await emu.close(); });

const journal = () => ['--journal', join(dir, 'journal.jsonl')];

/** A matrix with the sample's people and teams, and this `organization` block (indented YAML). */
async function matrix(organization: string): Promise<string> {
  const file = join(dir, 'access-matrix.yaml');
  await writeFile(file, `version: 1
organization:
  id: \${POSTHOG_ORG_ID}
${organization}
members:
  alice@example.com: owner
  bob@example.com: admin
teams:
  Engineering:
    members: [bob@example.com]
`);
  return file;
}

const orgPath = () => `/api/organizations/${emu.organization}`;
async function domain(name: string): Promise<{ id: string; is_verified: boolean; verification_challenge: string; jit_provisioning_enabled: boolean; sso_enforcement: string }> {
  const list = (await api(emu, 'GET', `${orgPath()}/domains/`)).json.results as { domain: string }[];
  const found = list.find((d) => d.domain === name);
  if (!found) throw new Error(`the sample organization has no domain ${name}`);
  return found as never;
}
const writes = () => emu.requests.filter((r) => r.method !== 'GET');

describe('organization settings', () => {
  it('plans the listed settings and default_team, applies them, then plans nothing', async () => {
    const file = await matrix(`  settings:
    enforce_2fa: true
    members_can_invite: false
    allow_publicly_shared_resources: false
  default_team: Engineering`);
    const first = await cli(emu, ['plan', '-m', file, '--detailed-exitcode']);
    expect(first.code).toBe(2);
    expect(first.stdout).toContain('~ settings  enforce_2fa: false → true, members_can_invite: true → false, allow_publicly_shared_resources: true → false, default_team: (none) → Engineering');
    expect(first.stdout).toMatch(/two_factor_missing.*3 members have not enabled two-factor authentication.*carol@example\.com, frank@example\.com, grace@example\.com/);

    const applied = await cli(emu, ['apply', '-m', file, '--yes', ...journal()]);
    expect(applied.code).toBe(0);
    const org = (await api(emu, 'GET', `${orgPath()}/`)).json;
    expect(org).toMatchObject({ enforce_2fa: true, members_can_invite: false, allow_publicly_shared_resources: false, members_can_see_org_members: true });
    const roles = (await api(emu, 'GET', `${orgPath()}/roles/`)).json.results as { id: string; name: string }[];
    expect(org.default_role_id).toBe(roles.find((r) => r.name === 'Engineering')?.id);
    const patches = writes().filter((r) => r.method === 'PATCH' && r.path === `${orgPath()}/`);
    expect(patches).toHaveLength(1);

    const again = await cli(emu, ['plan', '-m', file, '--detailed-exitcode']);
    expect(again.stdout).toContain('No changes');
    expect(again.code).toBe(0);
    // The 2FA notice stays while people lack it: drift reports it without calling it drift.
    expect(again.stdout).toContain('two_factor_missing');
    expect((await cli(emu, ['drift', '-m', file])).code).toBe(0);
  });

  it('warns when a setting loosens security', async () => {
    await api(emu, 'PATCH', `${orgPath()}/`, { enforce_2fa: true });
    const file = await matrix(`  settings:
    enforce_2fa: false`);
    const plan = await cli(emu, ['plan', '-m', file]);
    expect(plan.stdout).toContain('loosens_security');
    expect(plan.stdout).toContain('enforce_2fa true → false');
  });
});

describe('organization settings without their licence', () => {
  it('never sends them: a manual step names the licence, the licensed settings and default_team apply', async () => {
    await control(emu, 'POST', '/_emulator/features', { features: ['access_control', 'role_based_access', 'organization_invite_settings'] });
    const file = await matrix(`  settings:
    enforce_2fa: true
    members_can_invite: false
    allow_publicly_shared_resources: false
  default_team: Engineering`);
    const plan = await cli(emu, ['plan', '-m', file]);
    expect(plan.stdout).toContain('. enforce_2fa: false → true needs the "2fa_enforcement" licence');
    expect(plan.stdout).toContain('. allow_publicly_shared_resources: true → false needs the "organization_security_settings" licence');
    expect(plan.stdout).toContain('~ settings  members_can_invite: true → false, default_team: (none) → Engineering');

    emu.requests.length = 0;
    const applied = await cli(emu, ['apply', '-m', file, '--yes', ...journal()]);
    expect(applied.code).toBe(0);
    expect(writes().filter((r) => r.path === `${orgPath()}/`).map((r) => r.status)).toEqual([200]);
    const org = (await api(emu, 'GET', `${orgPath()}/`)).json;
    expect(org).toMatchObject({ enforce_2fa: null, members_can_invite: false, allow_publicly_shared_resources: true });
    expect(org.default_role_id).not.toBeNull();
    // The unlicensed settings stay to do: drift says so until the plan is upgraded.
    expect((await cli(emu, ['drift', '-m', file])).code).toBe(2);
  });
});

describe('SSO domains', () => {
  it('an unverified domain is a manual step with its TXT value, and drift until it is verified', async () => {
    const file = await matrix(`  domains:
    example.org:
      jit_provisioning: true`);
    const { verification_challenge: challenge } = await domain('example.org');
    const plan = await cli(emu, ['plan', '-m', file, '--detailed-exitcode']);
    expect(plan.stdout).toContain('No changes');
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain(`_posthog-challenge.example.org with the value ${challenge}`);
    expect(plan.stdout).toContain('Settings → Organization → Authentication domains → Verify');

    const drift = await cli(emu, ['drift', '-m', file]);
    expect(drift.code).toBe(2);

    // Applying sends nothing PostHog would refuse.
    emu.requests.length = 0;
    expect((await cli(emu, ['apply', '-m', file, '--yes', ...journal()])).code).toBe(0);
    expect(writes()).toEqual([]);

    // Once verified, the next plan sets JIT, and then all is done.
    await control(emu, 'POST', '/_emulator/domains/verify', { domain: 'example.org', verified: true });
    const next = await cli(emu, ['plan', '-m', file, '--detailed-exitcode']);
    expect(next.code).toBe(2);
    expect(next.stdout).toContain('~ domain example.org  jit_provisioning: false → true');
    expect((await cli(emu, ['apply', '-m', file, '--yes', ...journal()])).code).toBe(0);
    expect((await domain('example.org')).jit_provisioning_enabled).toBe(true);
    expect((await cli(emu, ['drift', '-m', file])).code).toBe(0);
  });

  it('sets JIT and SAML enforcement on the verified example.com, covered by the SAML identity provider', async () => {
    const file = await matrix(`  domains:
    example.com:
      jit_provisioning: true
      sso_enforcement: saml`);
    const plan = await cli(emu, ['plan', '-m', file, '--detailed-exitcode']);
    expect(plan.code).toBe(2);
    expect(plan.stdout).toContain('~ domain example.com  jit_provisioning: false → true, sso_enforcement: "" → saml');
    expect(plan.stdout).toMatch(/unmanaged.*example\.org/);

    expect((await cli(emu, ['apply', '-m', file, '--yes', ...journal()])).code).toBe(0);
    expect(await domain('example.com')).toMatchObject({ jit_provisioning_enabled: true, sso_enforcement: 'saml' });
    const again = await cli(emu, ['drift', '-m', file]);
    expect(again.stdout).toContain('No drift. PostHog matches the matrix.');
    expect(again.code).toBe(0);
  });

  it('creates a missing domain and says how to verify it', async () => {
    const file = await matrix(`  domains:
    example.net: {}`);
    const plan = await cli(emu, ['plan', '-m', file]);
    expect(plan.stdout).toContain('+ domain example.net');
    expect(plan.stdout).toMatch(/_posthog-challenge\.example\.net .*the next plan shows it/);
    expect((await cli(emu, ['apply', '-m', file, '--yes', ...journal()])).code).toBe(0);
    const { verification_challenge: challenge } = await domain('example.net');
    expect((await cli(emu, ['plan', '-m', file])).stdout).toContain(`_posthog-challenge.example.net with the value ${challenge}`);
  });
});

describe('the sso guard', () => {
  it('refuses enforcement on a domain no identity provider covers, and allows it with --allow-sso-without-idp', async () => {
    await control(emu, 'POST', '/_emulator/domains/verify', { domain: 'example.org', verified: true });
    const file = await matrix(`  domains:
    example.org:
      sso_enforcement: google-oauth2`);
    const plan = await cli(emu, ['plan', '-m', file]);
    expect(plan.code).toBe(1);
    expect(plan.stdout).toContain('✗ sso: enforcing google-oauth2 login on example.org, but no identity provider configuration covers it');

    emu.requests.length = 0;
    const refused = await cli(emu, ['apply', '-m', file, '--yes', ...journal()]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('--allow-sso-without-idp');
    expect(writes()).toEqual([]);

    expect((await cli(emu, ['plan', '-m', file, '--allow-sso-without-idp'])).code).toBe(0);
    expect((await cli(emu, ['apply', '-m', file, '--yes', '--allow-sso-without-idp', ...journal()])).code).toBe(0);
    expect((await domain('example.org')).sso_enforcement).toBe('google-oauth2');
  });

  it('refuses SAML on the admins\' domain without a SAML configuration, even with the override', async () => {
    const configs = (await api(emu, 'GET', `${orgPath()}/identity_provider_configs/`)).json.results as { id: string }[];
    for (const c of configs) await api(emu, 'PATCH', `${orgPath()}/identity_provider_configs/${c.id}/`, { organization_domain_ids: [] });
    const file = await matrix(`  domains:
    example.com:
      sso_enforcement: saml`);
    emu.requests.length = 0;
    const run = await cli(emu, ['apply', '-m', file, '--yes', '--allow-sso-without-idp', ...journal()]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/✗ sso: enforcing saml login on example\.com .*would lock out alice@example\.com, bob@example\.com, dave@example\.com, grace@example\.com/);
    expect(writes()).toEqual([]);
    expect((await domain('example.com')).sso_enforcement).toBe('');
  });
});

describe('identity providers', () => {
  const okta = (acsUrl: string) => `  domains:
    example.com: {}
  identity_providers:
    Okta:
      domains: [example.com]
      saml:
        entity_id: "http://www.okta.com/exkexampleco"
        acs_url: "${acsUrl}"`;

  it('the sample\'s Okta as declared: nothing to do, no drift', async () => {
    const file = await matrix(okta('https://example-co.okta.com/app/posthog/sso/saml'));
    const drift = await cli(emu, ['drift', '-m', file]);
    expect(drift.stdout).not.toContain('identity_provider:');
    expect(drift.code).toBe(0);
  });

  it('differences and missing configurations are manual steps, never writes', async () => {
    const file = await matrix(`${okta('https://example-co.okta.com/app/posthog/sso/saml2')}
    Google:
      domains: all
      oidc: { issuer_url: "https://accounts.google.com", client_id: "c-1" }`);
    const plan = await cli(emu, ['plan', '-m', file]);
    expect(plan.stdout).toContain('change the identity provider configuration "Okta" in PostHog → Settings → Organization → Authentication: SAML ACS URL: https://example-co.okta.com/app/posthog/sso/saml → https://example-co.okta.com/app/posthog/sso/saml2');
    expect(plan.stdout).toContain('create the identity provider configuration "Google" in PostHog → Settings → Organization → Authentication with domains: all; OIDC issuer URL: https://accounts.google.com; OIDC client id: c-1, then set the OIDC client secret');
    expect((await cli(emu, ['drift', '-m', file])).code).toBe(2);
    emu.requests.length = 0;
    expect((await cli(emu, ['apply', '-m', file, '--yes', ...journal()])).code).toBe(0);
    expect(writes()).toEqual([]);
  });
});
