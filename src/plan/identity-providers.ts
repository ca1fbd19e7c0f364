// Identity-provider configurations (organization.identity_providers) against PostHog's. Pure.
// The matrix holds only their non-secret settings; a configuration also needs its certificate or
// client secret, which only an admin in PostHog's UI should handle, so the tool tells what to set
// (manual steps, which count as drift) rather than writing half a configuration.
import type { ActualIdentityProvider, ActualState } from '../model/actual.ts';
import type { DesiredState, IdentityProviderSpec } from '../model/desired.ts';
import type { ManualStep, Notice } from './types.ts';
import { count } from '../util/english.ts';

const WHERE = 'PostHog → Settings → Organization → Authentication';

export interface IdentityProviderReport {
  notices: Notice[];
  manualSteps: ManualStep[];
}

/** The settings the matrix lists for a configuration, as "field: value" lines to compare. */
function wanted(spec: IdentityProviderSpec): Record<string, string> {
  const out: Record<string, string> = {};
  if (spec.domains !== undefined) out.domains = spec.domains === 'all' ? 'all' : [...spec.domains].sort().join(', ') || '(none)';
  if (spec.saml) {
    out['SAML entity id'] = spec.saml.entityId;
    out['SAML ACS URL'] = spec.saml.acsUrl;
  }
  if (spec.oidc) {
    out['OIDC issuer URL'] = spec.oidc.issuerUrl;
    out['OIDC client id'] = spec.oidc.clientId;
  }
  if (spec.scim !== undefined) out.SCIM = spec.scim ? 'on' : 'off';
  return out;
}

/** The same fields as PostHog has them. */
function current(config: ActualIdentityProvider, domainNames: Map<string, string>): Record<string, string> {
  const domains = config.domainScope === 'all'
    ? 'all'
    : config.domainIds.map((id) => domainNames.get(id) ?? `(domain ${id})`).sort().join(', ') || '(none)';
  return {
    domains,
    'SAML entity id': config.samlEntityId ?? '(not set)',
    'SAML ACS URL': config.samlAcsUrl ?? '(not set)',
    'OIDC issuer URL': config.oidcIssuerUrl ?? '(not set)',
    'OIDC client id': config.oidcClientId ?? '(not set)',
    SCIM: config.scimEnabled ? 'on' : 'off',
  };
}

/** What the matrix's identity providers need done in PostHog, and the configurations it does not list. */
export function identityProviderReport(desired: DesiredState, actual: ActualState): IdentityProviderReport {
  const report: IdentityProviderReport = { notices: [], manualSteps: [] };
  const declared = desired.organization.identityProviders ?? {};
  const configs = actual.identityProviders;
  if (!Object.keys(declared).length || !configs) return report;
  const domainNames = new Map(Object.values(actual.domains ?? {}).map((d) => [d.id, d.domain]));
  const byName = new Map<string, ActualIdentityProvider[]>();
  for (const c of configs) byName.set(c.name, [...(byName.get(c.name) ?? []), c]);

  for (const [name, spec] of Object.entries(declared)) {
    const key = `identity_provider:${name}`;
    const want = wanted(spec);
    const found = byName.get(name) ?? [];
    if (found.length > 1) {
      report.manualSteps.push({ key, message: `PostHog has ${found.length} identity provider configurations named "${name}" (ids ${found.map((c) => c.id).join(', ')}): rename or remove all but one in ${WHERE}, so the matrix can tell which it describes` });
      continue;
    }
    const [config] = found;
    if (!config) {
      const fields = Object.entries(want).map(([f, v]) => `${f}: ${v}`).join('; ');
      const secret = spec.saml ? ', then upload the identity provider\'s X.509 certificate' : spec.oidc ? ', then set the OIDC client secret' : '';
      report.manualSteps.push({ key, message: `create the identity provider configuration "${name}" in ${WHERE}${fields ? ` with ${fields}` : ''}${secret}` });
      continue;
    }
    const have = current(config, domainNames);
    const differs = Object.entries(want).filter(([f, v]) => have[f] !== v).map(([f, v]) => `${f}: ${have[f]} → ${v}`);
    if (differs.length) report.manualSteps.push({ key, message: `change the identity provider configuration "${name}" in ${WHERE}: ${differs.join('; ')}` });
    if (spec.saml && !config.hasSaml && !differs.some((d) => d.startsWith('SAML'))) {
      report.manualSteps.push({ key, message: `upload the X.509 certificate of "${name}" in ${WHERE}: SAML login does not work until it is set` });
    }
  }

  const unlisted = configs.filter((c) => !(c.name in declared)).map((c) => c.name || `(unnamed ${c.id})`).sort();
  if (unlisted.length) {
    report.notices.push({ level: 'info', code: 'unmanaged', message: `${count(unlisted.length, 'identity provider configuration')} not in the matrix, left alone (the tool never deletes these): ${unlisted.join(', ')}` });
  }
  return report;
}
