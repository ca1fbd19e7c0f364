// PostHog API request and response shapes for the endpoints posthog-access uses (docs/emulator.md).
// Only the fields we read are typed; PostHog sends more and may add fields at any time.
import type { OrgLevel, ProjectLevel } from '../model/levels.ts';

export interface Paginated<T> {
  count?: number;
  next: string | null;
  previous: string | null;
  results: T[];
}

export interface BasicUser {
  id?: number;
  uuid: string;
  distinct_id?: string;
  first_name?: string;
  last_name?: string;
  email: string;
}

export interface MeResponse extends BasicUser {
  organization: { id: string; name: string } | null;
  organizations?: { id: string; name: string }[];
}

export interface OrganizationResponse {
  id: string;
  name: string;
  slug?: string;
  membership_level: OrgLevel | null;
  available_product_features: { key: string; name?: string }[];
  default_role_id: string | null;
  enforce_2fa: boolean | null;
  enforce_verified_domains?: boolean;
  members_can_invite: boolean | null;
  members_can_create_projects?: boolean;
  members_can_use_personal_api_keys: boolean;
  members_can_see_org_members?: boolean;
  allow_publicly_shared_resources: boolean;
  [field: string]: unknown;
}

export interface MemberResponse {
  /** Membership id. */
  id: string;
  user: BasicUser;
  level: OrgLevel;
  joined_at: string;
  updated_at: string;
  is_2fa_enabled: boolean;
  has_social_auth?: boolean;
  last_login: string | null;
}

export interface PrivateProjectAccess {
  id: number;
  level: ProjectLevel;
}

export interface InviteResponse {
  id: string;
  target_email: string;
  first_name?: string;
  level: OrgLevel;
  is_expired: boolean;
  created_by?: BasicUser | null;
  created_at: string;
  updated_at?: string;
  message?: string | null;
  private_project_access: PrivateProjectAccess[] | null;
  emailing_attempt_made?: boolean;
}

export interface InviteRequest {
  target_email: string;
  level?: OrgLevel;
  first_name?: string;
  message?: string;
  private_project_access?: PrivateProjectAccess[];
  send_email?: boolean;
}

export interface RoleMembershipResponse {
  /** Role membership id: what DELETE takes. */
  id: string;
  role_id: string;
  organization_member: MemberResponse;
  user: BasicUser;
  joined_at: string;
  updated_at: string;
}

export interface RoleResponse {
  id: string;
  name: string;
  created_at: string;
  created_by: BasicUser | null;
  members: RoleMembershipResponse[];
  is_default: boolean;
}

export interface ProjectResponse {
  id: number;
  name: string;
  organization: string;
  api_token?: string;
  [field: string]: unknown;
}

export interface AccessControlRule {
  access_level: string;
  resource: string;
  resource_id: string | null;
  /** Membership id. */
  organization_member: string | null;
  /** Role id. */
  role: string | null;
  /** The tool that owns the rule ("terraform"), on PostHog versions that mark rules so; absent otherwise. */
  managed_by?: string | null;
  created_by?: BasicUser | null;
  created_at?: string;
  updated_at?: string;
}

export interface AccessControlsResponse {
  access_controls: AccessControlRule[];
  available_access_levels: string[];
  default_access_level: string;
  minimum_access_level?: string;
  maximum_access_level?: string;
  user_access_level?: string;
  user_can_edit_access_levels?: boolean;
}

export interface AccessControlPut {
  access_level: string | null;
  organization_member?: string;
  role?: string;
  /** resource_access_controls only. */
  resource?: string;
}

export interface PersonalApiKeyResponse {
  id: string;
  label: string;
  mask_value?: string | null;
  created_at: string;
  last_used_at: string | null;
  last_rolled_at?: string | null;
  user_id?: number;
  scopes: string[];
  scoped_teams: number[] | null;
  scoped_organizations: string[] | null;
}

export interface DomainResponse {
  id: string;
  domain: string;
  is_verified: boolean;
  verified_at: string | null;
  /** The TXT record value to publish (`_posthog-challenge.<domain>`). */
  verification_challenge: string;
  jit_provisioning_enabled: boolean;
  /** "" = off, else a provider: saml, google-oauth2, github, gitlab. */
  sso_enforcement: string;
  has_saml?: boolean;
  identity_provider_config?: string | null;
  scim_base_url?: string | null;
}

export interface IdentityProviderConfigResponse {
  id: string;
  name: string;
  domain_scope: string | null;
  config_scope: string | null;
  organization_domain_ids: string[];
  /** Newer PostHog lists the domains per protocol instead of organization_domain_ids. */
  saml_domain_ids?: string[];
  has_saml: boolean;
  has_oidc: boolean;
  saml_entity_id?: string | null;
  saml_acs_url?: string | null;
  oidc_issuer_url?: string | null;
  oidc_client_id?: string | null;
  scim_enabled?: boolean;
  created_at?: string;
  updated_at?: string;
}

/** A project secret API key (phs_…). `value` is set only in create and roll responses. */
export interface SecretKeyResponse {
  id: string;
  label: string;
  value?: string | null;
  mask_value: string | null;
  created_at: string;
  created_by?: BasicUser | null;
  last_used_at: string | null;
  last_rolled_at: string | null;
  scopes: string[];
}

/** One entry of PostHog's activity log (docs/emulator.md, activity log). */
export interface ActivityLogEntry {
  id: string;
  /** The project the entry is about; null for organization-level entries. */
  team_id?: number | null;
  user: BasicUser | null;
  activity: string;
  scope: string;
  item_id: string | null;
  detail: {
    name: string | null;
    changes: { type: string; action: string; field: string | null; before: unknown; after: unknown }[] | null;
    context?: Record<string, unknown> | null;
  };
  created_at: string;
}

/** What posthog-access calls. Implemented over HTTP by src/posthog/api.ts. */
/** A resolved level with where it comes from (PostHog's resolved-access object). */
export interface ResolvedAccessResponse {
  access_level: string | null;
  source?: string;
  source_subject?: string | null;
  source_resource?: string;
  source_resource_id?: string | null;
  subject_name?: string | null;
}

/** One change the switch to most-specific resolution would make, per rule subject (not per member). */
export interface ResolutionPreviewChange {
  subject: { type: 'default' | 'role' | 'member'; id: string | null; name: string };
  scope: 'object' | 'resource';
  resource: string;
  object_id?: string | null;
  object_name?: string | null;
  current: ResolvedAccessResponse;
  proposed: ResolvedAccessResponse;
  direction: 'gains' | 'loses';
  project_id: number;
  project_name: string;
}

/** GET /api/projects/{id}/access_control_resolution_preview/ (covers the whole organization). */
export interface ResolutionPreviewResponse {
  changes: ResolutionPreviewChange[];
  summary?: { total: number; gains: number; loses: number; resources?: number; objects?: number };
}

export interface PostHogApi {
  me(): Promise<MeResponse>;
  currentKey(): Promise<PersonalApiKeyResponse>;
  organization(orgId: string): Promise<OrganizationResponse>;

  listMembers(orgId: string): Promise<MemberResponse[]>;
  updateMemberLevel(orgId: string, userUuid: string, level: OrgLevel): Promise<MemberResponse>;
  removeMember(orgId: string, userUuid: string): Promise<void>;

  listInvites(orgId: string): Promise<InviteResponse[]>;
  createInvite(orgId: string, invite: InviteRequest): Promise<InviteResponse>;
  /** `POST invites/bulk/`: at most 20, validated all or nothing before any is created. */
  createInvites(orgId: string, invites: InviteRequest[]): Promise<InviteResponse[]>;
  deleteInvite(orgId: string, inviteId: string): Promise<void>;

  listRoles(orgId: string): Promise<RoleResponse[]>;
  createRole(orgId: string, name: string): Promise<RoleResponse>;
  renameRole(orgId: string, roleId: string, name: string): Promise<RoleResponse>;
  deleteRole(orgId: string, roleId: string): Promise<void>;
  addRoleMember(orgId: string, roleId: string, userUuid: string): Promise<RoleMembershipResponse>;
  removeRoleMember(orgId: string, roleId: string, roleMembershipId: string): Promise<void>;

  listProjects(orgId: string): Promise<ProjectResponse[]>;
  createProject(orgId: string, name: string): Promise<ProjectResponse>;
  renameProject(projectId: number, name: string): Promise<ProjectResponse>;

  projectAccessControls(projectId: number): Promise<AccessControlsResponse>;
  putProjectAccessControl(projectId: number, body: AccessControlPut): Promise<AccessControlRule | null>;
  resourceAccessControls(projectId: number): Promise<AccessControlsResponse>;
  putResourceAccessControl(projectId: number, body: AccessControlPut): Promise<AccessControlRule | null>;

  /** What switching the organization to most-specific resolution would change (any project of it selects the organization). */
  resolutionPreview(projectId: number): Promise<ResolutionPreviewResponse>;

  updateOrganization(orgId: string, patch: Record<string, unknown>): Promise<OrganizationResponse>;
  listDomains(orgId: string): Promise<DomainResponse[]>;
  createDomain(orgId: string, domain: string): Promise<DomainResponse>;
  updateDomain(orgId: string, domainId: string, patch: { jit_provisioning_enabled?: boolean; sso_enforcement?: string }): Promise<DomainResponse>;
  listIdentityProviders(orgId: string): Promise<IdentityProviderConfigResponse[]>;

  listSecretKeys(projectId: number): Promise<SecretKeyResponse[]>;
  createSecretKey(projectId: number, body: { label: string; scopes: string[] }): Promise<SecretKeyResponse>;
  updateSecretKey(projectId: number, keyId: string, body: { scopes: string[] }): Promise<SecretKeyResponse>;
  rollSecretKey(projectId: number, keyId: string): Promise<SecretKeyResponse>;
  deleteSecretKey(projectId: number, keyId: string): Promise<void>;

  /** The newest organization-level activity (advanced_activity_logs), newest first: one page. */
  organizationActivity(orgId: string, query: { scopes: string[]; pageSize: number }): Promise<ActivityLogEntry[]>;

  /** Number of HTTP requests sent so far (for benchmarks and call-count tests). */
  readonly requestCount: number;
}
