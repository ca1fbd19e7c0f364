// PostHog's own tables, as the emulator enforces them: organization levels, access levels and
// their per-kind bounds, API scope objects, the project secret key allow-list and the licence each
// organization setting needs. Written from PostHog's source (posthog/scopes.py,
// products/access_control/backend/facade/user_access_control.py, posthog/api/organization.py;
// see docs/emulator.md), deliberately NOT imported from the tool: the emulator is the tool's
// picture of PostHog, and one wrong table shared by both sides would pass every test.

/** OrganizationMembership.Level. */
export const ORG_LEVEL = { member: 1, admin: 8, owner: 15 } as const;
export type OrgLevelValue = 1 | 8 | 15;

/** The label PostHog's activity log uses for a membership level ("administrator", not "admin"). */
export function orgLevelLabel(level: number): 'member' | 'administrator' | 'owner' {
  if (level >= ORG_LEVEL.owner) return 'owner';
  if (level >= ORG_LEVEL.admin) return 'administrator';
  return 'member';
}

/** Ladder of `project` (and `organization`) rules, lowest first. */
export const PROJECT_ACCESS_LEVELS = ['none', 'member', 'admin'] as const;
export type ProjectAccessLevel = (typeof PROJECT_ACCESS_LEVELS)[number];

/** Ladder of every other resource kind, lowest first. */
export const RESOURCE_ACCESS_LEVELS = ['none', 'viewer', 'editor', 'manager'] as const;
export type ResourceAccessLevel = (typeof RESOURCE_ACCESS_LEVELS)[number];

/** ACCESS_CONTROL_RESOURCES: the kinds whose rules have effect (34). */
export const RESOURCE_KINDS = [
  'action', 'customer_analytics', 'dashboard', 'early_access_feature', 'endpoint', 'experiment', 'export',
  'external_data_source', 'warehouse_objects', 'feature_flag', 'heatmap', 'hog_flow', 'insight',
  'llm_analytics', 'evaluation', 'tagger', 'llm_skill', 'ai_observability_clusters', 'notebook',
  'revenue_analytics', 'session_recording', 'sharing_configuration', 'survey', 'ticket', 'web_analytics',
  'activity_log', 'error_tracking', 'logs', 'mcp_analytics', 'metrics', 'tracing', 'replay_scanner', 'toolbar',
  'llm_playground',
] as const;

export interface KindBounds { default: ResourceAccessLevel; minimum: ResourceAccessLevel; maximum: ResourceAccessLevel }

/** Kinds whose default, minimum or maximum differ from editor / none / manager. */
const SPECIAL_BOUNDS: Record<string, KindBounds> = {
  activity_log: { default: 'viewer', minimum: 'none', maximum: 'viewer' },
  toolbar: { default: 'viewer', minimum: 'none', maximum: 'viewer' },
  action: { default: 'editor', minimum: 'viewer', maximum: 'manager' },
};

/** Default, minimum and maximum level of a resource kind (not `project`). */
export function kindBounds(resource: string): KindBounds {
  return SPECIAL_BOUNDS[resource] ?? { default: 'editor', minimum: 'none', maximum: 'manager' };
}

/** RESOURCE_INHERITANCE_MAP: a child kind uses its parent's resource-wide rules. */
export const RESOURCE_PARENT: Record<string, string> = {
  session_recording_playlist: 'session_recording',
  warehouse_table: 'warehouse_objects',
  warehouse_view: 'warehouse_objects',
  dataset: 'llm_analytics',
  llm_provider_key: 'llm_analytics',
  llm_prompt: 'llm_analytics',
  account: 'customer_analytics',
  customer_journey: 'customer_analytics',
  experiment_saved_metric: 'experiment',
  experiment_holdout: 'experiment',
  dashboard_template: 'dashboard',
  marketing_analytics: 'web_analytics',
  vision_action: 'replay_scanner',
  vision_alert: 'replay_scanner',
};

/** ACCESS_CONTROL_MAX_OBJECTS_PER_RESOURCE: objects of one kind in one project that may carry rules. */
export const MAX_OBJECTS_WITH_RULES_PER_KIND = 1000;

/** posthog/scopes.py: API scope objects a key may carry (`<object>:read` / `<object>:write`). */
export const SCOPE_OBJECTS = [
  'action', 'access_control', 'account', 'activity_log', 'alert', 'annotation', 'approvals', 'batch_export',
  'batch_import', 'batch_import_support', 'billing', 'business_knowledge', 'canvas', 'cohort', 'comment',
  'conversation', 'customer_analytics', 'customer_task', 'customer_journey', 'customer_profile_config',
  'data_catalog', 'data_catalog_approval', 'dashboard', 'event_filter', 'dashboard_template', 'dataset',
  'early_access_feature', 'endpoint', 'engineering_analytics', 'error_tracking', 'evaluation', 'element',
  'event_definition', 'experiment', 'experiment_holdout', 'experiment_saved_metric', 'export',
  'external_data_schema', 'external_data_source', 'feature_flag', 'file_system', 'file_system_shortcut',
  'group', 'health_issue', 'heatmap', 'hog_flow', 'hog_function', 'ingestion_warning', 'insight',
  'insight_variable', 'integration', 'legal_document', 'link', 'live_debugger', 'llm_analytics',
  'ai_observability_clusters', 'llm_gateway', 'llm_playground', 'llm_prompt', 'llm_provider_key', 'llm_skill',
  'logs', 'loop', 'marketing_analytics', 'mcp_analytics', 'metrics', 'notebook', 'organization',
  'organization_integration', 'organization_member', 'person', 'plugin', 'product_enablement', 'product_tour',
  'project', 'property_definition', 'query', 'query_performance', 'replay_scanner', 'review_hog',
  'revenue_analytics', 'session_recording', 'session_recording_playlist', 'sharing_configuration',
  'signal_scout', 'stamphog', 'streamlit_app', 'subscription', 'survey', 'tagger', 'ticket', 'task', 'toolbar',
  'tracing', 'field_note', 'uploaded_media', 'usage_metric', 'user', 'user_interview', 'vision_action',
  'vision_alert', 'visual_review', 'warehouse_objects', 'warehouse_table', 'warehouse_view', 'web_analytics',
  'webhook', 'wizard_session',
] as const;

/** posthog/scopes.py: internal scope objects, never grantable. */
export const INTERNAL_SCOPE_OBJECTS = [
  'clickhouse_test_cluster_perf', 'interactive_run', 'internal_run', 'loop_context_internal',
  'mcp_builtin_agent', 'signal_scout_internal', 'signal_scout_report', 'signal_scratchpad_internal',
] as const;

const SCOPE_OBJECT_SET: ReadonlySet<string> = new Set(SCOPE_OBJECTS);

export function isScopeObject(name: string): boolean {
  return SCOPE_OBJECT_SET.has(name);
}

/** `<object>:<read|write>` with a grantable (non-internal) object. */
export function isGrantableScope(scope: string): boolean {
  const [obj, action, extra] = scope.split(':');
  return extra === undefined && (action === 'read' || action === 'write') && SCOPE_OBJECT_SET.has(obj ?? '');
}

/**
 * PROJECT_SECRET_API_KEY_ALLOWED_API_SCOPE_ACTION (posthog/scopes.py). `llm_gateway:read` is granted
 * by PostHog behind a feature flag only and is not listed.
 */
export const SECRET_KEY_SCOPES = ['endpoint:read', 'feature_flag:read', 'experiment:read', 'query:read', 'account:read', 'loop:write'] as const;

/** MAX_PROJECT_SECRET_API_KEYS_PER_TEAM (the newest file read says 50; another version says 10). */
export const MAX_SECRET_KEYS_PER_PROJECT = 50;

/** AvailableFeature keys the emulator consults (posthog/constants.py). */
export const FEATURE = {
  accessControl: 'access_control',
  roleBasedAccess: 'role_based_access',
  inviteSettings: 'organization_invite_settings',
  securitySettings: 'organization_security_settings',
  twoFactorEnforcement: '2fa_enforcement',
  automaticProvisioning: 'automatic_provisioning',
  auditLogs: 'audit_logs',
  organizationsProjects: 'organizations_projects',
  scim: 'scim',
  /** AvailableFeature.XAA_AUTHENTICATION; the key string is not confirmed. */
  xaaAuthentication: 'xaa_authentication',
} as const;

/**
 * Organization settings a PATCH may change only with a licence (posthog/api/organization.py;
 * tests `test_cannot_update_*_without_feature` in posthog/api/test/test_organization.py):
 * without it, 400 `payment_required` and the value stays.
 */
export const SETTING_LICENCE: Record<string, string> = {
  members_can_invite: FEATURE.inviteSettings,
  members_can_use_personal_api_keys: FEATURE.securitySettings,
  allow_publicly_shared_resources: FEATURE.securitySettings,
  enforce_2fa: FEATURE.twoFactorEnforcement,
};

/**
 * The activity log's labels for changed fields (PostHog's `field_name_overrides`,
 * posthog/models/activity_logging/activity_log.py): a change of `enforce_2fa` is logged as
 * "two-factor authentication requirement". Fields without a label keep their name.
 */
export const ACTIVITY_FIELD_LABELS: Record<string, Record<string, string>> = {
  Organization: {
    name: 'organization name',
    enforce_2fa: 'two-factor authentication requirement',
    members_can_invite: 'member invitation permissions',
    members_can_use_personal_api_keys: 'personal API key permissions',
    allow_publicly_shared_resources: 'public sharing permissions',
    is_member_join_email_enabled: 'member join email notifications',
    session_cookie_age: 'session cookie age',
    default_experiment_stats_method: 'default experiment stats method',
  },
};
