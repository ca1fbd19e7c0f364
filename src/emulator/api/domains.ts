// Domains and identity-provider configurations.
import { randomBytes, randomUUID } from 'node:crypto';
import { forbidden, invalid, notFound } from '../errors.ts';
import { domainJson, idpJson } from '../serialize.ts';
import { hashKey } from '../state.ts';
import { FEATURE } from '../tables.ts';
import { boolField, log, noContent, noScopeAction, obj, ok, ORG, paginate, requireAdmin, route, strField } from './common.ts';
import type { Ctx, Result, RouteSpec } from './common.ts';
import type { Change } from '../state.ts';
import type { DomainRow, IdentityProviderConfigRow } from '../snapshot.ts';

const DOMAIN_RE = /^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,}$/;

function orgDomain(ctx: Ctx): DomainRow {
  const d = ctx.state.domains.get(ctx.params.id!);
  if (!d || d.organization_id !== ctx.org!.id) throw notFound();
  return d;
}

function domainsList(ctx: Ctx): Result {
  const list = [...ctx.state.domains.values()].filter((d) => d.organization_id === ctx.org!.id);
  return ok(paginate(ctx, list.length, (i) => domainJson(ctx.state, list[i]!)));
}

function domainsCreate(ctx: Ctx): Result {
  requireAdmin(ctx);
  if (!ctx.state.hasFeature(ctx.org!.id, 'automatic_provisioning')) throw forbidden('Automatic provisioning is not enabled for this organization.');
  const body = obj(ctx.body);
  const domain = strField(body.domain, 'domain', { required: true, max: 128 })!;
  if (!DOMAIN_RE.test(domain)) throw invalid('Please enter a valid domain or subdomain name.', 'domain', 'invalid_input');
  for (const d of ctx.state.domains.values()) if (d.domain === domain) throw invalid('domain with this domain already exists.', 'domain', 'unique');
  const d: DomainRow = {
    id: randomUUID(), organization_id: ctx.org!.id, domain, verified_at: null,
    verification_challenge: randomBytes(24).toString('base64url'), jit_provisioning_enabled: false, sso_enforcement: '',
    verifiable: false, created_at: ctx.now.toISOString(),
  };
  ctx.state.domains.set(d.id, d);
  log(ctx, 'created', 'OrganizationDomain', d.id, d.domain);
  return ok(domainJson(ctx.state, d), 201);
}

function domainsRetrieve(ctx: Ctx): Result {
  return ok(domainJson(ctx.state, orgDomain(ctx)));
}

function domainsUpdate(ctx: Ctx): Result {
  const d = orgDomain(ctx);
  requireAdmin(ctx);
  const body = obj(ctx.body);
  for (const attr of ['jit_provisioning_enabled', 'sso_enforcement'] as const) {
    if (attr in body && !d.verified_at) throw invalid('This attribute cannot be updated until the domain is verified.', attr, 'verification_required');
  }
  const changes: Change[] = [];
  if ('jit_provisioning_enabled' in body) {
    const v = boolField(body.jit_provisioning_enabled, 'jit_provisioning_enabled')!;
    if (v && !ctx.state.hasFeature(ctx.org!.id, 'automatic_provisioning')) {
      throw invalid('Automatic provisioning is not enabled for this organization.', 'jit_provisioning_enabled', 'feature_not_available');
    }
    if (v !== d.jit_provisioning_enabled) changes.push({ type: 'OrganizationDomain', action: 'changed', field: 'jit_provisioning_enabled', before: d.jit_provisioning_enabled, after: v });
    d.jit_provisioning_enabled = v;
  }
  if ('sso_enforcement' in body) {
    const v = strField(body.sso_enforcement, 'sso_enforcement', { max: 28, nullable: true }) ?? '';
    if (v !== d.sso_enforcement) changes.push({ type: 'OrganizationDomain', action: 'changed', field: 'sso_enforcement', before: d.sso_enforcement, after: v });
    d.sso_enforcement = v;
  }
  if (changes.length) log(ctx, 'updated', 'OrganizationDomain', d.id, d.domain, changes);
  return ok(domainJson(ctx.state, d));
}

function domainsDestroy(ctx: Ctx): Result {
  const d = orgDomain(ctx);
  requireAdmin(ctx);
  const org = ctx.org!;
  if (org.enforce_verified_domains && d.verified_at) {
    const myDomain = ctx.user.email.split('@')[1]?.toLowerCase();
    if (myDomain === d.domain) {
      throw invalid('Deleting this domain would block you from the organization, as verified domains are enforced.', null, 'would_block_self');
    }
  }
  ctx.state.domains.delete(d.id);
  for (const c of ctx.state.idpConfigs.values()) c.organization_domain_ids = c.organization_domain_ids.filter((x) => x !== d.id);
  log(ctx, 'deleted', 'OrganizationDomain', d.id, d.domain);
  return noContent();
}

function domainsVerify(ctx: Ctx): Result {
  const d = orgDomain(ctx);
  requireAdmin(ctx);
  if (d.verified_at) throw invalid('This domain has already been verified.', null, 'already_verified');
  if (d.verifiable) {
    d.verified_at = ctx.now.toISOString();
    log(ctx, 'updated', 'OrganizationDomain', d.id, d.domain, [{ type: 'OrganizationDomain', action: 'changed', field: 'verified_at', before: null, after: d.verified_at }]);
  }
  return ok(domainJson(ctx.state, d));
}

function orgIdp(ctx: Ctx): IdentityProviderConfigRow {
  const c = ctx.state.idpConfigs.get(ctx.params.id!);
  if (!c || c.organization_id !== ctx.org!.id) throw notFound();
  return c;
}

function idpList(ctx: Ctx): Result {
  const list = [...ctx.state.idpConfigs.values()].filter((c) => c.organization_id === ctx.org!.id);
  list.sort((a, b) => (a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : 0));
  return ok(paginate(ctx, list.length, (i) => idpJson(list[i]!)));
}

/**
 * An ID-JAG issuer or JWKS URL PostHog may fetch: https, a host name (no IP literal of a private,
 * loopback or link-local range, no localhost), no credentials, query or fragment. A trailing `/`
 * is dropped.
 */
function publicHttpsUrl(v: unknown, attr: string): string | null {
  const text = strField(v, attr, { nullable: true, max: 512 });
  if (text === null || text === '') return null;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw invalid('Enter a valid URL.', attr);
  }
  const host = url.hostname.toLowerCase();
  const privateHost = host === 'localhost' || host.endsWith('.localhost') || host.startsWith('[') ||
    /^(127|10|0)\./.test(host) || /^169\.254\./.test(host) || /^192\.168\./.test(host) || /^172\.(1[6-9]|2\d|3[01])\./.test(host) ||
    /^\d+(\.\d+){3}$/.test(host);
  if (url.protocol !== 'https:' || url.username || url.password || url.search || url.hash || privateHost) {
    throw invalid('The URL must be a public https URL without credentials, query or fragment.', attr);
  }
  return url.toString().replace(/\/$/, '');
}

const SCIM_TOKEN_PREFIX = 'phscim_emulator_';

/** Returns the plain SCIM token when this body enabled SCIM (shown once), else null. */
function applyIdpBody(ctx: Ctx, c: IdentityProviderConfigRow, body: Record<string, unknown>, creating: boolean): string | null {
  // the name is optional in PostHog
  if ('name' in body) c.name = strField(body.name, 'name', { max: 255, nullable: true }) ?? '';
  else if (creating) c.name = '';
  for (const f of ['domain_scope', 'config_scope', 'saml_entity_id', 'saml_x509_cert', 'oidc_client_id'] as const) {
    if (f in body) c[f] = strField(body[f], f, { nullable: true });
  }
  if ('saml_acs_url' in body) c.saml_acs_url = strField(body.saml_acs_url, 'saml_acs_url', { nullable: true, max: 512 });
  if ('oidc_issuer_url' in body) {
    const v = strField(body.oidc_issuer_url, 'oidc_issuer_url', { nullable: true });
    if (v && !v.startsWith('https://')) throw invalid('OIDC issuer URL must use https.', 'oidc_issuer_url');
    c.oidc_issuer_url = v;
  }
  if ('organization_domain_ids' in body) {
    const ids = body.organization_domain_ids;
    if (!Array.isArray(ids)) throw invalid('Expected a list of items.', 'organization_domain_ids', 'not_a_list');
    for (const id of ids) {
      const d = ctx.state.domains.get(String(id));
      if (!d || d.organization_id !== ctx.org!.id) throw invalid(`Invalid pk "${String(id)}" - object does not exist.`, 'organization_domain_ids', 'does_not_exist');
    }
    c.organization_domain_ids = ids.map(String);
  }
  for (const attr of ['id_jag_issuer_url', 'id_jag_jwks_url'] as const) {
    if (!(attr in body)) continue;
    const v = publicHttpsUrl(body[attr], attr);
    if (v !== null && !ctx.state.hasFeature(ctx.org!.id, FEATURE.xaaAuthentication)) {
      throw invalid('Cross-app access (ID-JAG) is not available for this organization.', attr, 'feature_not_available');
    }
    c[attr] = v;
  }
  if ('id_jag_allowed_clients' in body) {
    const v = body.id_jag_allowed_clients;
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw invalid('Expected a list of items.', 'id_jag_allowed_clients', 'not_a_list');
    c.id_jag_allowed_clients = v as string[];
  }
  if ('scim_enabled' in body) {
    const on = boolField(body.scim_enabled, 'scim_enabled')!;
    if (on && !ctx.state.hasFeature(ctx.org!.id, FEATURE.scim)) {
      throw invalid('SCIM is not available for this organization.', 'scim_enabled', 'feature_not_available');
    }
    if (on && !c.scim_enabled) {
      const token = SCIM_TOKEN_PREFIX + randomBytes(24).toString('base64url');
      c.scim_enabled = true;
      c.scim_token_hash = hashKey(token);
      return token;
    }
    if (!on) {
      c.scim_enabled = false;
      c.scim_token_hash = null;
    }
  }
  return null;
}

function idpCreate(ctx: Ctx): Result {
  requireAdmin(ctx);
  const iso = ctx.now.toISOString();
  const c: IdentityProviderConfigRow = {
    id: randomUUID(), organization_id: ctx.org!.id, name: '', domain_scope: null, config_scope: null, organization_domain_ids: [],
    saml_entity_id: null, saml_acs_url: null, saml_x509_cert: null, oidc_issuer_url: null, oidc_client_id: null,
    saml_relay_state: randomUUID(), scim_enabled: false, scim_token_hash: null,
    id_jag_issuer_url: null, id_jag_jwks_url: null, id_jag_allowed_clients: [], created_at: iso, updated_at: iso,
  };
  const token = applyIdpBody(ctx, c, obj(ctx.body), true);
  ctx.state.idpConfigs.set(c.id, c);
  log(ctx, 'created', 'IdentityProviderConfig', c.id, c.name);
  return ok(idpJson(c, token), 201);
}

function idpRetrieve(ctx: Ctx): Result {
  return ok(idpJson(orgIdp(ctx)));
}

function idpUpdate(ctx: Ctx): Result {
  const c = orgIdp(ctx);
  requireAdmin(ctx);
  const copy = { ...c, organization_domain_ids: [...c.organization_domain_ids], id_jag_allowed_clients: [...c.id_jag_allowed_clients] };
  const token = applyIdpBody(ctx, copy, obj(ctx.body), ctx.method === 'PUT');
  copy.updated_at = ctx.now.toISOString();
  Object.assign(c, copy);
  log(ctx, 'updated', 'IdentityProviderConfig', c.id, c.name);
  return ok(idpJson(c, token));
}

function idpDestroy(ctx: Ctx): Result {
  const c = orgIdp(ctx);
  requireAdmin(ctx);
  if (c.organization_domain_ids.length) {
    throw invalid('This configuration is still linked to a domain: unlink its domains (organization_domain_ids) before deleting it.', null, 'linked_to_domain');
  }
  ctx.state.idpConfigs.delete(c.id);
  log(ctx, 'deleted', 'IdentityProviderConfig', c.id, c.name);
  return noContent();
}

export const DOMAIN_ROUTES: RouteSpec[] = [
  route('GET', `${ORG}/domains/`, 'domains_list', 'organization', 'org', domainsList),
  route('POST', `${ORG}/domains/`, 'domains_create', 'organization', 'org', domainsCreate),
  route('GET', `${ORG}/domains/{id}/`, 'domains_retrieve', 'organization', 'org', domainsRetrieve),
  route('PATCH', `${ORG}/domains/{id}/`, 'domains_partial_update', 'organization', 'org', domainsUpdate),
  route('PUT', `${ORG}/domains/{id}/`, 'domains_update', 'organization', 'org', domainsUpdate),
  route('DELETE', `${ORG}/domains/{id}/`, 'domains_destroy', 'organization', 'org', domainsDestroy),
  route('POST', `${ORG}/domains/{id}/verify/`, 'domains_verify_create', 'organization', 'org', domainsVerify),
  // declares no scope: refused for personal API keys before any handler runs
  route('POST', `${ORG}/domains/{id}/scim/token/`, 'domains_scim_token_create', null, 'org', noScopeAction),
  // unpublished
  route('GET', `${ORG}/identity_provider_configs/`, 'identity_provider_configs_list', 'organization', 'org', idpList),
  route('POST', `${ORG}/identity_provider_configs/`, 'identity_provider_configs_create', 'organization', 'org', idpCreate),
  route('GET', `${ORG}/identity_provider_configs/{id}/`, 'identity_provider_configs_retrieve', 'organization', 'org', idpRetrieve),
  route('PATCH', `${ORG}/identity_provider_configs/{id}/`, 'identity_provider_configs_partial_update', 'organization', 'org', idpUpdate),
  route('PUT', `${ORG}/identity_provider_configs/{id}/`, 'identity_provider_configs_update', 'organization', 'org', idpUpdate),
  route('DELETE', `${ORG}/identity_provider_configs/{id}/`, 'identity_provider_configs_destroy', 'organization', 'org', idpDestroy),
];
