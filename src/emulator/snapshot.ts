// The emulator's whole state as a JSON snapshot (docs/emulator.md). The zod schema here is the
// source of schemas/emulator-state.schema.json (regenerate: node src/emulator/generate-schema.ts).
import { createHash } from 'node:crypto';
import { z } from 'zod';

const iso = z.string().describe('ISO 8601 date-time');
const uuid = z.string().describe('UUID');

export const FeatureSchema = z.object({
  key: z.string(),
  name: z.string(),
  limit: z.number().int().nullable().optional().describe('for organizations_projects: the most projects the plan allows (null = no limit)'),
});

export const OrganizationSchema = z.object({
  id: uuid,
  name: z.string(),
  slug: z.string(),
  created_at: iso,
  updated_at: iso,
  logo_media_id: z.string().nullable().default(null),
  available_product_features: z.array(FeatureSchema).default([]),
  default_role_id: z.string().nullable().default(null),
  enforce_2fa: z.boolean().nullable().default(null),
  enforce_verified_domains: z.boolean().default(false),
  members_can_invite: z.boolean().nullable().default(true),
  members_can_create_projects: z.boolean().default(false),
  members_can_use_personal_api_keys: z.boolean().default(true),
  members_can_see_org_members: z.boolean().default(true),
  allow_publicly_shared_resources: z.boolean().default(true),
  is_member_join_email_enabled: z.boolean().default(true),
  is_ai_data_processing_approved: z.boolean().nullable().default(null),
  is_ai_training_opted_in: z.boolean().nullable().default(null),
  default_experiment_stats_method: z.string().nullable().default('bayesian'),
  default_anonymize_ips: z.boolean().default(false),
  uses_most_specific_access_resolution: z.boolean().default(false),
});

export const UserSchema = z.object({
  id: z.number().int(),
  uuid,
  email: z.string(),
  first_name: z.string().default(''),
  last_name: z.string().default(''),
  distinct_id: z.string(),
  is_email_verified: z.boolean().nullable().default(null).describe('null: the address was never checked'),
  is_2fa_enabled: z.boolean().default(false),
  has_social_auth: z.boolean().default(false),
  last_login: iso.nullable().default(null),
  date_joined: iso,
  is_active: z.boolean().default(true),
  current_organization_id: uuid.nullable().default(null),
});

export const MembershipSchema = z.object({
  id: uuid.describe('membership id (organization_member in access control rules)'),
  organization_id: uuid,
  user_uuid: uuid,
  level: z.union([z.literal(1), z.literal(8), z.literal(15)]),
  joined_at: iso,
  updated_at: iso,
});

export const ProjectAccessItemSchema = z.object({ id: z.number().int(), level: z.enum(['none', 'member', 'admin']) });

export const InviteSchema = z.object({
  id: uuid,
  organization_id: uuid,
  target_email: z.string(),
  first_name: z.string().default(''),
  level: z.union([z.literal(1), z.literal(8), z.literal(15)]).default(1),
  message: z.string().nullable().default(null),
  private_project_access: z.array(ProjectAccessItemSchema).nullable().default([]),
  created_by_uuid: uuid.nullable().default(null),
  emailing_attempt_made: z.boolean().default(false),
  created_at: iso,
  updated_at: iso,
});

export const RoleSchema = z.object({
  id: uuid,
  organization_id: uuid,
  name: z.string(),
  created_at: iso,
  created_by_uuid: uuid.nullable().default(null),
});

export const RoleMembershipSchema = z.object({
  id: uuid,
  role_id: uuid,
  membership_id: uuid.describe('organization membership id'),
  joined_at: iso,
  updated_at: iso,
});

export const ProjectSchema = z.object({
  id: z.number().int(),
  uuid,
  organization_id: uuid,
  name: z.string(),
  api_token: z.string(),
  timezone: z.string().default('UTC'),
  created_at: iso,
  updated_at: iso,
});

export const AccessControlSchema = z.object({
  id: uuid,
  team_id: z.number().int().describe('project id'),
  resource: z.string(),
  resource_id: z.string().nullable(),
  organization_member: uuid.nullable().default(null),
  role: uuid.nullable().default(null),
  access_level: z.string(),
  created_by_uuid: uuid.nullable().default(null),
  created_at: iso,
  updated_at: iso,
});

export const PersonalApiKeySchema = z.object({
  id: z.string(),
  user_uuid: uuid,
  label: z.string(),
  secure_value: z.string().optional().describe('sha256$<hex digest of the key value>; computed from `value` when left out'),
  value: z.string().optional().describe('plain key value; optional, kept only so a restarted emulator can hand the same key out'),
  mask_value: z.string().optional().describe('default: phx_...<last 4 characters of value>'),
  scopes: z.array(z.string()),
  scoped_teams: z.array(z.number().int()).nullable().default(null),
  scoped_organizations: z.array(z.string()).nullable().default(null),
  created_at: iso,
  last_used_at: iso.nullable().default(null),
  last_rolled_at: iso.nullable().default(null),
}).refine((k) => k.secure_value !== undefined || k.value !== undefined, { message: 'a personal API key needs secure_value or value' })
  .transform((k) => ({
    ...k,
    secure_value: k.secure_value ?? 'sha256$' + createHash('sha256').update(k.value!).digest('hex'),
    mask_value: k.mask_value ?? (k.value ? `${k.value.slice(0, 4)}...${k.value.slice(-4)}` : 'phx_...'),
  }));

export const ProjectSecretKeySchema = z.object({
  id: z.string(),
  team_id: z.number().int().describe('project id'),
  label: z.string(),
  secure_value: z.string().describe('sha256$<hex digest of the key value>; the plain value is never stored'),
  mask_value: z.string(),
  scopes: z.array(z.string()),
  created_by_uuid: uuid.nullable().default(null),
  created_at: iso,
  last_used_at: iso.nullable().default(null),
  last_rolled_at: iso.nullable().default(null),
});

/** What people create in a project that others rely on (read for offboarding): feature flags, dashboards, insights. */
export const FeatureFlagSchema = z.object({
  id: z.number().int(),
  team_id: z.number().int().describe('project id'),
  key: z.string(),
  name: z.string().default(''),
  active: z.boolean().default(true),
  deleted: z.boolean().default(false),
  created_by_uuid: uuid.nullable().default(null),
  created_at: iso,
});

export const DashboardSchema = z.object({
  id: z.number().int(),
  team_id: z.number().int().describe('project id'),
  name: z.string(),
  pinned: z.boolean().default(false),
  deleted: z.boolean().default(false),
  created_by_uuid: uuid.nullable().default(null),
  created_at: iso,
});

export const InsightSchema = z.object({
  id: z.number().int(),
  team_id: z.number().int().describe('project id'),
  short_id: z.string(),
  name: z.string().nullable().default(null),
  saved: z.boolean().default(true).describe('false: a private (unsaved) insight of its creator'),
  deleted: z.boolean().default(false),
  dashboards: z.array(z.number().int()).default([]).describe('ids of the dashboards it is on'),
  created_by_uuid: uuid.nullable().default(null),
  created_at: iso,
});

export const DomainSchema = z.object({
  id: uuid,
  organization_id: uuid,
  domain: z.string(),
  verified_at: iso.nullable().default(null),
  verification_challenge: z.string(),
  jit_provisioning_enabled: z.boolean().default(false),
  sso_enforcement: z.string().default(''),
  verifiable: z.boolean().default(false).describe('emulator only: POST verify succeeds'),
  created_at: iso,
});

export const IdentityProviderConfigSchema = z.object({
  id: uuid,
  organization_id: uuid,
  name: z.string(),
  domain_scope: z.string().nullable().default(null),
  config_scope: z.string().nullable().default(null),
  organization_domain_ids: z.array(z.string()).default([]),
  saml_entity_id: z.string().nullable().default(null),
  saml_acs_url: z.string().nullable().default(null),
  saml_x509_cert: z.string().nullable().default(null),
  oidc_issuer_url: z.string().nullable().default(null),
  oidc_client_id: z.string().nullable().default(null),
  saml_relay_state: z.string().nullable().default(null).describe('assigned once at creation; never changes'),
  scim_enabled: z.boolean().default(false),
  scim_token_hash: z.string().nullable().default(null).describe('sha256$<hex> of the SCIM bearer token; the plain token is never stored'),
  id_jag_issuer_url: z.string().nullable().default(null),
  id_jag_jwks_url: z.string().nullable().default(null),
  id_jag_allowed_clients: z.array(z.string()).default([]),
  created_at: iso,
  updated_at: iso,
});

export const ActivityChangeSchema = z.object({
  type: z.string(),
  action: z.string(),
  field: z.string().nullable(),
  before: z.unknown(),
  after: z.unknown(),
});

export const ActivityLogSchema = z.object({
  id: uuid,
  organization_id: uuid,
  team_id: z.number().int().nullable(),
  user_uuid: uuid.nullable(),
  activity: z.string(),
  scope: z.string(),
  item_id: z.string().nullable(),
  detail: z.object({
    name: z.string().nullable(),
    short_id: z.string().nullable().default(null),
    type: z.string().nullable().default(null),
    changes: z.array(ActivityChangeSchema).nullable(),
    trigger: z.unknown().default(null),
    context: z.record(z.string(), z.unknown()).nullable().default(null),
  }),
  created_at: iso,
  is_system: z.boolean().default(false),
});

export const RateLimitSchema = z.union([
  z.literal(false),
  z.object({ perMinute: z.number().int().positive(), perHour: z.number().int().positive() }),
]);

export const SnapshotSchema = z.object({
  $schema: z.string().optional(),
  version: z.literal(1),
  clock: iso.nullable().default(null).describe('emulator clock at save time; null = real time'),
  rate_limit: RateLimitSchema.optional().describe('false disables; default 480/minute, 4800/hour'),
  organizations: z.array(OrganizationSchema),
  users: z.array(UserSchema),
  memberships: z.array(MembershipSchema),
  invites: z.array(InviteSchema).default([]),
  roles: z.array(RoleSchema).default([]),
  role_memberships: z.array(RoleMembershipSchema).default([]),
  projects: z.array(ProjectSchema).default([]),
  access_controls: z.array(AccessControlSchema).default([]),
  personal_api_keys: z.array(PersonalApiKeySchema).default([]),
  project_secret_api_keys: z.array(ProjectSecretKeySchema).default([]),
  domains: z.array(DomainSchema).default([]),
  identity_provider_configs: z.array(IdentityProviderConfigSchema).default([]),
  activity_logs: z.array(ActivityLogSchema).default([]),
  feature_flags: z.array(FeatureFlagSchema).default([]),
  dashboards: z.array(DashboardSchema).default([]),
  insights: z.array(InsightSchema).default([]),
});

export type Snapshot = z.output<typeof SnapshotSchema>;
export type SnapshotInput = z.input<typeof SnapshotSchema>;
export type OrganizationRow = z.output<typeof OrganizationSchema>;
export type UserRow = z.output<typeof UserSchema>;
export type MembershipRow = z.output<typeof MembershipSchema>;
export type InviteRow = z.output<typeof InviteSchema>;
export type RoleRow = z.output<typeof RoleSchema>;
export type RoleMembershipRow = z.output<typeof RoleMembershipSchema>;
export type ProjectRow = z.output<typeof ProjectSchema>;
export type AccessControlRow = z.output<typeof AccessControlSchema>;
export type PersonalApiKeyRow = z.output<typeof PersonalApiKeySchema>;
export type ProjectSecretKeyRow = z.output<typeof ProjectSecretKeySchema>;
export type DomainRow = z.output<typeof DomainSchema>;
export type IdentityProviderConfigRow = z.output<typeof IdentityProviderConfigSchema>;
export type ActivityLogRow = z.output<typeof ActivityLogSchema>;
export type FeatureFlagRow = z.output<typeof FeatureFlagSchema>;
export type DashboardRow = z.output<typeof DashboardSchema>;
export type InsightRow = z.output<typeof InsightSchema>;

/** Parse and default a snapshot; throws a readable error on a bad one. */
export function parseSnapshot(input: unknown): Snapshot {
  const r = SnapshotSchema.safeParse(input);
  if (!r.success) {
    const first = r.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new Error(`Invalid emulator snapshot: ${first.join('; ')}`);
  }
  return r.data;
}

/** The JSON Schema committed as schemas/emulator-state.schema.json. */
export function snapshotJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(SnapshotSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return {
    ...schema,
    $id: 'https://github.com/posthog-access/posthog-access/schemas/emulator-state.schema.json',
    title: 'posthog-access emulator state snapshot',
  };
}

export function snapshotJsonSchemaText(): string {
  return JSON.stringify(snapshotJsonSchema(), null, 2) + '\n';
}
