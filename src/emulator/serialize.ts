// JSON shapes PostHog returns, built from emulator rows.
import { orgLevelLabel } from './tables.ts';
import type { EmulatorState } from './state.ts';
import type {
  AccessControlRow, ActivityLogRow, DomainRow, IdentityProviderConfigRow, InviteRow, MembershipRow, OrganizationRow,
  PersonalApiKeyRow, ProjectRow, ProjectSecretKeyRow, RoleMembershipRow, RoleRow, UserRow,
} from './snapshot.ts';

export function userBasic(u: UserRow | undefined | null): Record<string, unknown> | null {
  if (!u) return null;
  return {
    id: u.id,
    uuid: u.uuid,
    distinct_id: u.distinct_id,
    first_name: u.first_name,
    last_name: u.last_name,
    email: u.email,
    is_email_verified: u.is_email_verified,
    hedgehog_config: null,
    role_at_organization: null,
  };
}

export function memberJson(s: EmulatorState, m: MembershipRow): Record<string, unknown> {
  const u = s.users.get(m.user_uuid);
  return {
    id: m.id,
    user: userBasic(u),
    level: m.level,
    joined_at: m.joined_at,
    updated_at: m.updated_at,
    is_2fa_enabled: u?.is_2fa_enabled ?? false,
    has_social_auth: u?.has_social_auth ?? false,
    last_login: u?.last_login ?? null,
  };
}

export function inviteJson(s: EmulatorState, i: InviteRow, now: Date): Record<string, unknown> {
  return {
    id: i.id,
    target_email: i.target_email,
    first_name: i.first_name,
    emailing_attempt_made: i.emailing_attempt_made,
    level: i.level,
    is_expired: s.isExpired(i, now),
    created_by: userBasic(i.created_by_uuid ? s.users.get(i.created_by_uuid) : null),
    created_at: i.created_at,
    updated_at: i.updated_at,
    message: i.message,
    private_project_access: i.private_project_access ?? [],
  };
}

export function roleMembershipJson(s: EmulatorState, rm: RoleMembershipRow): Record<string, unknown> {
  const m = s.memberships.get(rm.membership_id);
  return {
    id: rm.id,
    role_id: rm.role_id,
    organization_member: m ? memberJson(s, m) : null,
    user: userBasic(m ? s.users.get(m.user_uuid) : null),
    joined_at: rm.joined_at,
    updated_at: rm.updated_at,
  };
}

/**
 * A role. `visible`: the membership ids the requester may see (the restricted roster, see
 * EmulatorState.visibleMembershipIds), or null for all; hidden members are left out of `members`
 * and a hidden creator is shown as null.
 */
export function roleJson(s: EmulatorState, r: RoleRow, visible: Set<string> | null = null): Record<string, unknown> {
  const org = s.orgs.get(r.organization_id);
  const creator = r.created_by_uuid ? s.membership(r.organization_id, r.created_by_uuid) : undefined;
  const creatorHidden = visible !== null && !(creator && visible.has(creator.id));
  return {
    id: r.id,
    name: r.name,
    created_at: r.created_at,
    created_by: creatorHidden ? null : userBasic(r.created_by_uuid ? s.users.get(r.created_by_uuid) : null),
    members: [...(s.roleMembers.get(r.id)?.values() ?? [])].filter((rm) => visible === null || visible.has(rm.membership_id)).map((rm) => roleMembershipJson(s, rm)),
    is_default: org?.default_role_id === r.id,
  };
}

export function projectBasic(p: ProjectRow): Record<string, unknown> {
  return {
    id: p.id,
    uuid: p.uuid,
    organization: p.organization_id,
    api_token: p.api_token,
    name: p.name,
    completed_snippet_onboarding: true,
    has_completed_onboarding_for: null,
    ingested_event: true,
    is_demo: false,
    timezone: p.timezone,
    access_control: false,
  };
}

export function teamBasic(p: ProjectRow): Record<string, unknown> {
  return { ...projectBasic(p), project_id: p.id };
}

export function projectJson(p: ProjectRow, effectiveLevel: number | null, userAccessLevel: string): Record<string, unknown> {
  return {
    ...projectBasic(p),
    created_at: p.created_at,
    updated_at: p.updated_at,
    effective_membership_level: effectiveLevel,
    default_modifiers: {},
    group_types: [],
    has_group_types: false,
    live_events_token: null,
    person_on_events_querying_enabled: true,
    product_intents: [],
    secret_api_token: null,
    secret_api_token_backup: null,
    user_access_level: userAccessLevel,
  };
}

export function orgJson(s: EmulatorState, o: OrganizationRow, level: number | null, visibleProjects: ProjectRow[]): Record<string, unknown> {
  return {
    id: o.id,
    name: o.name,
    slug: o.slug,
    logo_media_id: o.logo_media_id,
    created_at: o.created_at,
    updated_at: o.updated_at,
    membership_level: level,
    plugins_access_level: level !== null && level >= 8 ? 9 : 0,
    teams: visibleProjects.map(teamBasic),
    projects: visibleProjects.map((p) => ({ id: p.id, name: p.name })),
    available_product_features: o.available_product_features,
    is_member_join_email_enabled: o.is_member_join_email_enabled,
    metadata: {},
    customer_id: null,
    enforce_2fa: o.enforce_2fa,
    enforce_verified_domains: o.enforce_verified_domains,
    members_can_invite: o.members_can_invite,
    members_can_create_projects: o.members_can_create_projects,
    members_can_use_personal_api_keys: o.members_can_use_personal_api_keys,
    members_can_see_org_members: o.members_can_see_org_members,
    allow_publicly_shared_resources: o.allow_publicly_shared_resources,
    member_count: s.memberCount(o.id),
    is_ai_data_processing_approved: o.is_ai_data_processing_approved,
    is_ai_training_opted_in: o.is_ai_training_opted_in,
    is_ai_training_locked: false,
    is_ai_training_cta_shown: false,
    is_hipaa: false,
    default_experiment_stats_method: o.default_experiment_stats_method,
    default_anonymize_ips: o.default_anonymize_ips,
    default_role_id: o.default_role_id,
    uses_most_specific_access_resolution: o.uses_most_specific_access_resolution,
    is_active: true,
    is_not_active_reason: null,
    is_pending_deletion: false,
  };
}

export function orgBasic(o: OrganizationRow, level: number | null): Record<string, unknown> {
  return {
    id: o.id,
    name: o.name,
    slug: o.slug,
    logo_media_id: o.logo_media_id,
    membership_level: level,
    members_can_use_personal_api_keys: o.members_can_use_personal_api_keys,
  };
}

export function accessControlJson(s: EmulatorState, ac: AccessControlRow): Record<string, unknown> {
  return {
    access_level: ac.access_level,
    resource: ac.resource,
    resource_id: ac.resource_id,
    organization_member: ac.organization_member,
    role: ac.role,
    created_by: userBasic(ac.created_by_uuid ? s.users.get(ac.created_by_uuid) : null),
    created_at: ac.created_at,
    updated_at: ac.updated_at,
  };
}

export function keyJson(s: EmulatorState, k: PersonalApiKeyRow): Record<string, unknown> {
  return {
    id: k.id,
    label: k.label,
    // PersonalAPIKeySerializer.value: the plain key only in the create and roll responses (which
    // personal keys cannot reach), null everywhere else
    value: null,
    mask_value: k.mask_value,
    created_at: k.created_at,
    last_used_at: k.last_used_at,
    user_id: s.users.get(k.user_uuid)?.id ?? null,
    scopes: k.scopes.length ? k.scopes : ['*'],
    scoped_teams: k.scoped_teams,
    scoped_organizations: k.scoped_organizations,
    last_rolled_at: k.last_rolled_at,
  };
}

/** `value` is the plain key, given only in the create and roll responses. */
export function secretKeyJson(s: EmulatorState, k: ProjectSecretKeyRow, value: string | null = null): Record<string, unknown> {
  return {
    id: k.id,
    label: k.label,
    value,
    mask_value: k.mask_value,
    created_at: k.created_at,
    created_by: userBasic(k.created_by_uuid ? s.users.get(k.created_by_uuid) : null),
    last_used_at: k.last_used_at,
    last_rolled_at: k.last_rolled_at,
    scopes: [...k.scopes],
  };
}

export function domainJson(s: EmulatorState, d: DomainRow): Record<string, unknown> {
  let saml: IdentityProviderConfigRow | undefined;
  let config: IdentityProviderConfigRow | undefined;
  for (const c of s.idpConfigs.values()) {
    if (c.organization_id !== d.organization_id || !c.organization_domain_ids.includes(d.id)) continue;
    config ??= c;
    if (!saml && c.saml_entity_id) saml = c;
  }
  return {
    id: d.id,
    domain: d.domain,
    is_verified: d.verified_at !== null,
    verified_at: d.verified_at,
    verification_challenge: d.verification_challenge,
    jit_provisioning_enabled: d.jit_provisioning_enabled,
    sso_enforcement: d.sso_enforcement,
    has_saml: Boolean(saml?.saml_entity_id && saml.saml_acs_url && saml.saml_x509_cert),
    saml_entity_id: saml?.saml_entity_id ?? null,
    saml_acs_url: saml?.saml_acs_url ?? null,
    saml_x509_cert: saml?.saml_x509_cert ?? null,
    identity_provider_config: config?.id ?? null,
    has_scim: false,
    scim_enabled: false,
    scim_base_url: null,
    scim_bearer_token: null,
  };
}

/** `scimToken`: the plain SCIM bearer token, only in the response that enabled SCIM. */
export function idpJson(c: IdentityProviderConfigRow, scimToken: string | null = null): Record<string, unknown> {
  return {
    id: c.id,
    name: c.name,
    domain_scope: c.domain_scope,
    config_scope: c.config_scope,
    organization_domain_ids: c.organization_domain_ids,
    created_at: c.created_at,
    updated_at: c.updated_at,
    has_saml: Boolean(c.saml_entity_id && c.saml_acs_url && c.saml_x509_cert),
    saml_entity_id: c.saml_entity_id,
    saml_acs_url: c.saml_acs_url,
    saml_x509_cert: c.saml_x509_cert,
    saml_relay_state: c.saml_relay_state,
    has_oidc: Boolean(c.oidc_issuer_url && c.oidc_client_id),
    oidc_issuer_url: c.oidc_issuer_url,
    oidc_client_id: c.oidc_client_id,
    has_oidc_client_secret: false,
    has_scim: c.scim_enabled,
    scim_enabled: c.scim_enabled,
    scim_base_url: null,
    scim_bearer_token: scimToken,
    has_id_jag: Boolean(c.id_jag_issuer_url),
    id_jag_issuer_url: c.id_jag_issuer_url,
    id_jag_jwks_url: c.id_jag_jwks_url,
    id_jag_allowed_clients: c.id_jag_allowed_clients,
  };
}

export function logJson(s: EmulatorState, l: ActivityLogRow): Record<string, unknown> {
  return {
    id: l.id,
    user: userBasic(l.user_uuid ? s.users.get(l.user_uuid) : null),
    unread: false,
    organization_id: l.organization_id,
    team_id: l.team_id,
    was_impersonated: false,
    is_system: l.is_system,
    activity: l.activity,
    item_id: l.item_id,
    scope: l.scope,
    detail: l.detail,
    created_at: l.created_at,
  };
}

export function levelLabel(level: number): string {
  return orgLevelLabel(level);
}
