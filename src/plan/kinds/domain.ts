// SSO domains (organization.domains), keyed by domain name. A missing domain is created; a
// verified one gets its jit_provisioning and sso_enforcement; an unverified one (or one created in
// this plan) cannot take them yet (PostHog refuses them until the DNS challenge is verified), so
// the plan shows the verification as a manual step and changes nothing else. Domains the matrix
// does not name are reported, never deleted.
import type { ActualDomain } from '../../model/actual.ts';
import type { DomainSpec } from '../../model/desired.ts';
import { InternalError } from '../../errors.ts';
import type { ActualItem, DesiredItem, DiffContext, Kind } from '../kind.ts';
import type { Value } from '../types.ts';

export const VERIFY_STEPS = 'then verify it in PostHog (Settings → Organization → Authentication domains → Verify)';

export function challengeRecord(domain: string): string {
  return `_posthog-challenge.${domain}`;
}

/** The fields the matrix lists for a domain, as PostHog has them. */
function actualValue(have: ActualDomain, spec?: DomainSpec): Value {
  const value: Value = {};
  if (!spec || spec.jitProvisioning !== undefined) value.jit_provisioning = have.jitProvisioning;
  if (!spec || spec.ssoEnforcement !== undefined) value.sso_enforcement = have.ssoEnforcement;
  return value;
}

function wantedValue(spec: DomainSpec): Value {
  const value: Value = {};
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

/** Warnings for settings that need a feature the organization lacks (REFERENCE.md §9, §12). */
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

export const domainKind: Kind = {
  kind: 'domain',
  desired(ctx) {
    const items: DesiredItem[] = [];
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
        items.push({ key: name, value: { domain: name, verified: false }, reason: 'declared in the matrix; SSO settings follow once it is verified', refs: { domain: name } });
        continue;
      }
      const refs = { domain: name, domainId: have.id };
      if (!have.isVerified) {
        ctx.manualSteps.push({
          key: name,
          message: `publish a DNS TXT record ${challengeRecord(name)} with the value ${have.verificationChallenge}, ${VERIFY_STEPS}.${pending(spec, have)}`,
        });
        // PostHog refuses jit_provisioning and sso_enforcement until then: nothing to send.
        items.push({ key: name, value: actualValue(have, spec), refs });
        continue;
      }
      const value = wantedValue(spec);
      // Turning JIT on without the feature is refused by PostHog (400): keep what is there.
      if (value.jit_provisioning === true && !have.jitProvisioning && !features.has('automatic_provisioning')) value.jit_provisioning = false;
      items.push({ key: name, value, refs });
    }
    return items;
  },
  actual(ctx) {
    const items: ActualItem[] = [];
    for (const have of Object.values(ctx.actual.domains ?? {})) {
      items.push({ key: have.domain, value: actualValue(have, ctx.desired.organization.domains[have.domain]), refs: { domain: have.domain, domainId: have.id } });
    }
    return items;
  },
  // No prune: the tool never deletes a domain (it may be what admits the admins themselves).
  // Turning enforcement on is checked by the `sso` guard, not counted as a removal of access.
  lowers: () => false,
  async create(change, env) {
    await env.api.createDomain(env.orgId, change.key);
  },
  async update(change, env) {
    const domain = env.actual.domains?.[change.key];
    if (!domain) throw new InternalError(`domain "${change.key}" has no id: it was not found`);
    const before = change.before ?? {};
    const after = change.after ?? {};
    const body: { jit_provisioning_enabled?: boolean; sso_enforcement?: string } = {};
    if ('jit_provisioning' in after && after.jit_provisioning !== before.jit_provisioning) body.jit_provisioning_enabled = Boolean(after.jit_provisioning);
    if ('sso_enforcement' in after && after.sso_enforcement !== before.sso_enforcement) body.sso_enforcement = String(after.sso_enforcement);
    if (Object.keys(body).length) await env.api.updateDomain(env.orgId, domain.id, body);
  },
};
