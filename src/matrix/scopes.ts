// API scopes the matrix may name (PostHog's posthog/scopes.py).
// PostHog changes these lists often; keep them in step with posthog/scopes.py.

/** Scope objects a personal API key may carry as `<object>:read` / `<object>:write` (internal ones excluded). */
export const API_SCOPE_OBJECTS = [
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

export const API_SCOPE_ACTIONS = ['read', 'write'] as const;

/** Every scope a personal API key may carry: `*` or `<object>:<read|write>`. */
export const API_SCOPES: readonly string[] = [
  '*',
  ...API_SCOPE_OBJECTS.flatMap((o) => API_SCOPE_ACTIONS.map((a) => `${o}:${a}`)),
];

/**
 * Scopes PostHog lets a project secret API key (phs_…) carry:
 * PROJECT_SECRET_API_KEY_ALLOWED_API_SCOPE_ACTION in posthog/scopes.py. `*` is rejected by PostHog.
 * (`llm_gateway:read` is granted behind a feature flag by PostHog and deliberately not listed.)
 */
export const PROJECT_SECRET_KEY_SCOPES = [
  'endpoint:read',
  'feature_flag:read',
  'experiment:read',
  'query:read',
  'account:read',
  'loop:write',
] as const;
