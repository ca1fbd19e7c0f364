// The shape of the access matrix, format version 1 (docs/matrix.md), as a zod 4 schema.
// Shape only: strict objects (unknown keys are errors), enums, types. No transforms and no
// cross-field refinements, so `z.toJSONSchema(matrixSchema, { io: 'input' })` yields the editor
// schema (schemas/access-matrix.schema.json). Cross-field rules live in rules.ts.
import { z } from 'zod';
import {
  ACCESS_CONTROL_RESOURCES, ORG_LEVEL_NAMES, PROJECT_LEVELS, allowedResourceLevels,
} from '../model/levels.ts';
import { API_SCOPES, PROJECT_SECRET_KEY_SCOPES } from './scopes.ts';

export const SUPPORTED_VERSIONS = [1] as const;

/** Organization settings the matrix may manage (writable access/security settings, docs/matrix.md, organization.settings). */
export const WRITABLE_ORG_SETTINGS = [
  'enforce_2fa', 'enforce_verified_domains', 'members_can_invite', 'members_can_create_projects',
  'members_can_use_personal_api_keys', 'members_can_see_org_members', 'allow_publicly_shared_resources',
] as const;

/** Organization fields PostHog returns but does not let anyone (or this tool) set. */
export const READ_ONLY_ORG_FIELDS = [
  'id', 'slug', 'created_at', 'updated_at', 'membership_level', 'plugins_access_level', 'teams', 'projects',
  'available_product_features', 'is_member_join_email_enabled', 'metadata', 'customer_id', 'member_count',
  'is_ai_training_locked', 'is_ai_training_cta_shown', 'is_hipaa', 'is_active', 'is_not_active_reason',
  'is_pending_deletion', 'uses_most_specific_access_resolution',
] as const;

/** Writable in PostHog but not access settings, so outside this tool's scope (or managed elsewhere). */
export const UNMANAGED_ORG_FIELDS: Record<string, string> = {
  name: 'the organization name is not an access setting; change it in PostHog',
  logo_media_id: 'the logo is not an access setting; change it in PostHog',
  default_role_id: 'use `organization.default_team: <team name>` instead of a role id',
  is_ai_data_processing_approved: 'AI settings are not access settings; change them in PostHog',
  is_ai_training_opted_in: 'AI settings are not access settings; change them in PostHog',
  default_experiment_stats_method: 'not an access setting; change it in PostHog',
  default_anonymize_ips: 'not an access setting; change it in PostHog',
};

export const SSO_ENFORCEMENT_VALUES = ['', 'saml', 'google-oauth2', 'github', 'gitlab'] as const;

const date = z.iso.date().describe('A UTC date, YYYY-MM-DD. The grant holds through the end of that day.');
const note = z.string().describe('Free text carried into plans and the apply journal (who approved it, why).');

function grant<const L extends readonly [string, ...string[]]>(levels: L, what: string, id: string) {
  const level = z.enum(levels);
  return z
    .union([
      level.describe(`${what}: ${levels.join(' | ')}`),
      z.strictObject({
        level: level.describe(`${what}: ${levels.join(' | ')}`),
        expires: date.optional(),
        then: level.optional().describe('What remains after `expires` (lower than `level`); absent = nothing remains.'),
        note: note.optional(),
      }).describe(`A ${what.toLowerCase()}, possibly temporary.`),
    ])
    .meta({ id, description: `${what} (${levels.join(' | ')}), or {level, expires?, then?, note?}.` });
}

export const orgGrant = grant(ORG_LEVEL_NAMES as unknown as ['member', 'admin', 'owner'], 'Organization level', 'OrganizationGrant');
export const projectGrant = grant(PROJECT_LEVELS, 'Project level', 'ProjectGrant');

// One grant schema per distinct set of allowed resource levels (PostHog's per-resource bounds).
const resourceGrants = new Map<string, ReturnType<typeof grant>>();
function resourceGrant(resource: string) {
  const levels = allowedResourceLevels(resource) as unknown as [string, ...string[]];
  const key = levels.join(',');
  let g = resourceGrants.get(key);
  if (!g) {
    const id = key === 'none,viewer,editor,manager' ? 'ResourceGrant' : `ResourceGrant_${levels[0]}_to_${levels[levels.length - 1]}`;
    g = grant(levels, 'Resource level', id);
    resourceGrants.set(key, g);
  }
  return g;
}

const nameRecord = <T extends z.ZodType>(value: T, description: string) =>
  z.record(z.string(), value).describe(description);

function resourceRules(resource: string) {
  const g = resourceGrant(resource);
  return z.strictObject({
    default: g.optional().describe(`Default level on ${resource} for everyone in the project.`),
    teams: nameRecord(g, 'Team name (declared in `teams`) → level.').optional(),
    members: nameRecord(g, 'Email (declared in `members`) → level.').optional(),
  });
}

const resources = z
  .strictObject(Object.fromEntries(ACCESS_CONTROL_RESOURCES.map((r) => [r, resourceRules(r).optional()])))
  .describe('Resource-type access inside the project (PostHog ACCESS_CONTROL_RESOURCES).');

const secretKey = z.strictObject({
  scopes: z.array(z.enum(PROJECT_SECRET_KEY_SCOPES)).min(1)
    .describe('Scopes PostHog allows on a project secret key; `*` is not allowed.'),
  rotate_after_days: z.int().positive().optional()
    .describe('Apply rolls the key once it is older than this many days.'),
});

const project = z.strictObject({
  access: projectGrant.optional().describe('Project default for everyone: none (private) | member | admin.'),
  teams: nameRecord(projectGrant, 'Team name (declared in `teams`) → project level.').optional(),
  members: nameRecord(projectGrant, 'Email (declared in `members`) → project level.').optional(),
  resources: resources.optional(),
  secret_keys: nameRecord(secretKey, 'Project secret API keys (phs_…) by label, fully managed.').optional(),
});

const teamMember = z
  .union([
    z.string().describe('Email, declared in `members`.'),
    z.strictObject({ email: z.string(), expires: date.optional(), note: note.optional() }),
  ])
  .meta({ id: 'TeamMembership', description: 'An email, or {email, expires?, note?}.' });

const team = z.strictObject({
  members: z.array(teamMember).optional().describe('Who is in the team (PostHog role).'),
  managed_by: z.literal('scim').optional()
    .describe('scim: the role and its members come from the identity provider (a SCIM group of the same name); the tool never creates, renames, deletes or changes its members, and uses it in grants.'),
});

const apiKey = z.strictObject({
  env: z.string().describe('Name of the environment variable holding the key value when the tool runs (not the value).'),
  scopes: z.array(z.enum(API_SCOPES as [string, ...string[]])).min(1).describe('`*` or `<object>:read|write`.'),
  projects: z.array(z.string()).min(1).optional()
    .describe('Project names the key is scoped to (scoped_teams); omit for an organization-wide key.'),
  organizations: z.array(z.string()).min(1).optional()
    .describe('Organization UUIDs (or "@current") the key is scoped to (scoped_organizations).'),
  max_age_days: z.int().positive().optional().describe('Rotation policy: the key must be younger than this.'),
});

const settings = z.strictObject(
  Object.fromEntries(WRITABLE_ORG_SETTINGS.map((s) => [s, z.boolean().optional()])),
).describe('Organization access/security settings; only the keys listed are managed.');

const domain = z.strictObject({
  jit_provisioning: z.boolean().optional().describe('Just-in-time provisioning of users from this domain.'),
  sso_enforcement: z.enum(SSO_ENFORCEMENT_VALUES).optional()
    .describe('"" (off) or a provider: saml, google-oauth2, github, gitlab.'),
});

/**
 * An identity-provider configuration (PostHog's IdentityProviderConfig): its non-secret settings
 * only. Certificates, client secrets and SCIM tokens are set in PostHog, never in the matrix.
 */
const identityProvider = z.strictObject({
  domains: z.union([
    z.literal('all').describe('Every domain of the organization (domain_scope "all").'),
    z.array(z.string()).describe('Domains declared under organization.domains (domain_scope "selected").'),
  ]).optional().describe('The domains this configuration serves: "all", or a list of domains.'),
  saml: z.strictObject({
    entity_id: z.string().min(1).max(512).describe('The identity provider\'s SAML entity id (issuer).'),
    acs_url: z.string().min(1).max(512).describe('The identity provider\'s single sign-on URL (PostHog\'s saml_acs_url).'),
  }).optional().describe('SAML login. The X.509 certificate is uploaded in PostHog, never written here.'),
  oidc: z.strictObject({
    issuer_url: z.string().min(1).describe('https issuer URL, without credentials, query or fragment.'),
    client_id: z.string().min(1).describe('The OAuth client id. The client secret is set in PostHog, never written here.'),
  }).optional().describe('OpenID Connect login.'),
  scim: z.boolean().optional().describe('SCIM provisioning on or off. The bearer token is shown once by PostHog, never written here.'),
}).describe('An identity provider configuration by its name in PostHog.');

const organization = z.strictObject({
  id: z.string().optional().describe('Organization UUID or "@current" (the key\'s organization); ${VAR} reads the environment.'),
  host: z.string().min(1).optional().describe('PostHog base URL of this organization, e.g. https://eu.posthog.com (default: $POSTHOG_HOST, else https://us.posthog.com).'),
  api_key_env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name (letters, digits, _)').optional()
    .describe('The environment variable holding the personal API key for this organization (default POSTHOG_PERSONAL_API_KEY). Never the key itself.'),
  settings: settings.optional(),
  domains: nameRecord(domain, 'Verified domain (lower-case host name) → SSO settings.').optional(),
  identity_providers: nameRecord(identityProvider, 'Identity provider configurations (SAML, OIDC, SCIM) by name, and the domains they serve.').optional(),
  default_team: z.string().optional().describe('The team (role) new members get when they join.'),
});

export const matrixSchema = z.strictObject({
  version: z.literal(1).describe('Format version of the matrix. This tool reads version 1.'),
  organization: organization.optional(),
  members: nameRecord(orgGrant, 'Organization members by email (case-insensitive) → organization level.').optional(),
  teams: nameRecord(team, 'PostHog roles by name, and who is in them.').optional(),
  projects: nameRecord(project, 'Projects by name (unique in the organization); created if missing.').optional(),
  api_keys: nameRecord(apiKey, 'Personal API keys that services use, audited against this.').optional(),
  prune: z.strictObject({
    members: z.boolean().optional().describe('Remove organization members not listed.'),
    invites: z.boolean().optional().describe('Revoke pending invites for people not listed.'),
    teams: z.boolean().optional().describe('Remove roles and role members not listed.'),
    project_access: z.boolean().optional().describe('Remove rules in listed projects the matrix does not state.'),
    secret_keys: z.boolean().optional().describe('Delete project secret keys not listed.'),
  }).optional().describe('Which sections are authoritative (all false by default).'),
  review: z.strictObject({
    every_days: z.int().positive().optional()
      .describe('Review access at least this often: plan and drift warn when the newest review record is older, or when there is none.'),
    records: z.string().min(1).optional()
      .describe('Folder of the review records (`review --record`), relative to the matrix (default reviews).'),
  }).optional().describe('The periodic access review (docs/review.md).'),
  safety: z.strictObject({
    max_deletes: z.int().nonnegative().optional()
      .describe('A plan with more removals/demotions is refused unless overridden (default 10).'),
    protected: z.array(z.string()).optional().describe('Emails never removed or demoted by the tool.'),
  }).optional(),
});

/** The matrix as written (after interpolation), once it has the right shape. */
export type MatrixInput = z.input<typeof matrixSchema>;

/** The JSON Schema editors use (yaml-language-server), generated from the zod schema. */
export function matrixJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(matrixSchema, { io: 'input', target: 'draft-7' }) as Record<string, unknown>;
  const { $schema, ...rest } = generated;
  return {
    $schema,
    $id: 'urn:posthog-access:access-matrix:v1',
    title: 'posthog-access access matrix (format version 1)',
    description:
      'The YAML access matrix of posthog-access: organization members, teams (PostHog roles), project and ' +
      'resource access, project secret keys and audited API keys. Generated from src/matrix/schema.ts by ' +
      '`npm run schema`; do not edit by hand. ${VAR} interpolation is resolved by the tool, not by this schema.',
    ...rest,
  };
}

/** The committed file's exact text: pretty JSON and a final newline. */
export function renderJsonSchema(): string {
  return `${JSON.stringify(matrixJsonSchema(), null, 2)}\n`;
}

/** Where the editor schema is committed, relative to the repository root. */
export const JSON_SCHEMA_PATH = 'schemas/access-matrix.schema.json';
