// SSO domains (organization.domains), keyed by domain name. A missing domain is created; a
// verified one gets its jit_provisioning and sso_enforcement; an unverified one (or one created in
// this plan) cannot take them yet (PostHog refuses them until the DNS challenge is verified), so
// the plan shows the verification as a manual step and changes nothing else. Domains the matrix
// does not name are reported, never deleted.
import { z } from 'zod';
import type { ActualDomain, ActualIdentityProvider } from '../../model/actual.ts';
import type { DomainSpec } from '../../model/desired.ts';
import { defineKind, type ActualItem, type DesiredItem, type DiffContext } from '../kind.ts';
import { administrators } from '../lookup.ts';
import { refuse } from '../refuse.ts';
import type { Refusal } from '../types.ts';

export const domainShape = {
  // A create holds the domain (unverified); an update the SSO fields the matrix lists.
  value: z.object({ domain: z.string().optional(), verified: z.boolean().optional(), jit_provisioning: z.boolean().optional(), sso_enforcement: z.string().optional() }),
  subject: z.object({ domain: z.string() }),
};

type DomainValue = z.output<typeof domainShape.value>;

export const VERIFY_STEPS = 'then verify it in PostHog (Settings → Organization → Authentication domains → Verify)';

export function challengeRecord(domain: string): string {
  return `_posthog-challenge.${domain}`;
}

/** The fields the matrix lists for a domain, as PostHog has them. */
function actualValue(have: ActualDomain, spec?: DomainSpec): DomainValue {
  const value: DomainValue = {};
  if (!spec || spec.jitProvisioning !== undefined) value.jit_provisioning = have.jitProvisioning;
  if (!spec || spec.ssoEnforcement !== undefined) value.sso_enforcement = have.ssoEnforcement;
  return value;
}

function wantedValue(spec: DomainSpec): DomainValue {
  const value: DomainValue = {};
  if (spec.jitProvisioning !== undefined) value.jit_provisioning = spec.jitProvisioning;
  if (spec.ssoEnforcement !== undefined) value.sso_enforcement = spec.ssoEnforcement;
  return value;
}

/** What will be set once the domain is verified, for the manual step ("" when nothing is pending). */
function pending(spec: DomainSpec, have?: ActualDomain): string {
  const parts: string[] = [];
  if (spec.jitProvisioning !== undefined && spec.jitProvisioning !== (have?.jitProvisioning ?? false)) parts.push(`jit_provisioning: ${spec.jitProvisioning}`);
  if (spec.ssoEnforcement !== undefined && spec.ssoEnforcement !== (have?.ssoEnforcement ?? '')) parts.push(`sso_enforcement: ${spec.ssoEnforcement === '' ? '""' : spec.ssoEnforcement}`);
  return parts.length ? ` Once it is verified, the next plan sets ${parts.join(', ')}.` : '';
}

/** Warnings for settings that need a feature the organization lacks (PostHog's AvailableFeature keys). */
function featureWarnings(ctx: DiffContext, name: string, spec: DomainSpec, have?: ActualDomain): void {
  const features = new Set(ctx.actual.organization.features);
  const warn = (message: string) => ctx.notices.push({ level: 'warning', code: 'feature_missing', key: name, message });
  if (spec.jitProvisioning === true && !have?.jitProvisioning && !features.has('automatic_provisioning')) {
    warn(`${name}: jit_provisioning needs the "automatic_provisioning" feature, which this organization lacks: PostHog refuses to turn it on, so the plan leaves it as it is`);
  }
  const sso = spec.ssoEnforcement;
  if (sso && !features.has('sso_enforcement')) {
    warn(`${name}: sso_enforcement needs the "sso_enforcement" feature, which this organization lacks: PostHog may store it but does not enforce it`);
  }
  if (sso === 'saml' && !features.has('saml')) {
    warn(`${name}: SAML login needs the "saml" feature, which this organization lacks: enforcing SAML would leave people on ${name} without a way to log in`);
  }
}

/** PostHog's IdentityProviderConfig.domain_scope: "all" covers every domain of the organization. */
const ALL_DOMAINS = 'all';
const SOCIAL_PROVIDERS = new Set(['google-oauth2', 'github', 'gitlab']);

/** Whether a configuration applies to a domain (by id, or to all domains) and can serve the provider. */
function serves(config: ActualIdentityProvider, domainId: string, provider: string): boolean {
  const covers = config.domainIds.includes(domainId) || config.domainScope === ALL_DOMAINS;
  // A SCIM-only or XAA-only configuration lets nobody log in by SAML.
  return covers && (provider !== 'saml' || config.hasSaml);
}

export const domainKind = defineKind({
  kind: 'domain',
  shape: domainShape,
  key: (s) => s.domain,
  scope: 'organization:write',
  section: 'Organization',
  label: 'domain',
  // Identity providers are read with the domains: the matrix may declare those alone.
  reads: (desired) => ({ domains: Object.keys(desired.organization.domains).length > 0 || Object.keys(desired.organization.identityProviders ?? {}).length > 0 }),
  fingerprint: (actual) => (actual.domains ? { domains: { domains: actual.domains, identityProviders: actual.identityProviders ?? [] } } : {}),
  desired(ctx) {
    const items: DesiredItem<'domain'>[] = [];
    const features = new Set(ctx.actual.organization.features);
    for (const [name, spec] of Object.entries(ctx.desired.organization.domains)) {
      const have = ctx.actual.domains?.[name];
      featureWarnings(ctx, name, spec, have);
      if (!have) {
        if (!features.has('automatic_provisioning')) {
          ctx.notices.push({
            level: 'warning', code: 'feature_missing', key: name,
            message: `${name} is not an authentication domain of this organization, and adding one needs the "automatic_provisioning" feature, which this organization lacks: nothing is planned for it`,
          });
          continue;
        }
        ctx.manualSteps.push({
          key: name,
          message: `once apply has created the domain, publish a DNS TXT record ${challengeRecord(name)} with the verification value PostHog generates (the next plan shows it), ${VERIFY_STEPS}.${pending(spec)}`,
        });
        items.push({ subject: { domain: name }, value: { domain: name, verified: false }, reason: 'declared in the matrix; SSO settings follow once it is verified' });
        continue;
      }
      if (!have.isVerified) {
        ctx.manualSteps.push({
          key: name,
          message: `publish a DNS TXT record ${challengeRecord(name)} with the value ${have.verificationChallenge}, ${VERIFY_STEPS}.${pending(spec, have)}`,
        });
        // PostHog refuses jit_provisioning and sso_enforcement until then: nothing to send.
        items.push({ subject: { domain: name }, value: actualValue(have, spec) });
        continue;
      }
      const value = wantedValue(spec);
      // Turning JIT on without the feature is refused by PostHog (400): keep what is there.
      if (value.jit_provisioning === true && !have.jitProvisioning && !features.has('automatic_provisioning')) value.jit_provisioning = false;
      items.push({ subject: { domain: name }, value });
    }
    return items;
  },
  actual(ctx) {
    const items: ActualItem<'domain'>[] = [];
    for (const have of Object.values(ctx.actual.domains ?? {})) {
      items.push({ subject: { domain: have.domain }, value: actualValue(have, ctx.desired.organization.domains[have.domain]) });
    }
    return items;
  },
  // No prune: the tool never deletes a domain (it may be what admits the admins themselves).
  // Turning enforcement on is checked by the refusals below, not counted as a removal of access.
  lowers: () => false,
  /**
   * Turning SSO enforcement on for a domain makes everyone with an email there log in through that
   * provider. Without an identity provider configuration covering the domain that is refused, unless
   * `--allow-sso-without-idp` says it is intended (social logins such as google-oauth2 need no
   * configuration in PostHog). SAML without a SAML configuration cannot work at all: if an owner or
   * admin (or the key's user) has an email on that domain, they would be locked out of the
   * organization that could undo it, so that is refused even with the flag.
   */
  refusals(changes, { actual, options }) {
    const out: Refusal[] = [];
    for (const change of changes) {
      if (change.action !== 'update') continue;
      const provider = change.after.sso_enforcement;
      if (typeof provider !== 'string' || provider === '' || provider === change.before.sso_enforcement) continue;
      const domain = actual.domains?.[change.key];
      if (!domain) continue; // not in PostHog yet: nothing about SSO is sent for it
      if ((actual.identityProviders ?? []).some((c) => serves(c, domain.id, provider))) continue;

      const admins = administrators(actual).filter((email) => email.split('@')[1] === domain.domain);
      const lockout = !SOCIAL_PROVIDERS.has(provider) && admins.length > 0;
      if (lockout) {
        out.push(refuse('sso', `enforcing ${provider} login on ${domain.domain} without an identity provider configuration covering it would lock out ${admins.join(', ')} (owners and admins of this organization), --allow-sso-without-idp or not: set up the ${provider} configuration in PostHog (Settings → Organization → Authentication) and cover ${domain.domain} with it first`, [change]));
      } else if (!options.allowSsoWithoutIdp) {
        out.push(refuse('sso', `enforcing ${provider} login on ${domain.domain}, but no identity provider configuration covers it: everyone with an email on ${domain.domain} must then log in with ${provider}. Cover the domain with a configuration in PostHog first, or run with --allow-sso-without-idp if that is intended`, [change]));
      }
    }
    return out;
  },
});
