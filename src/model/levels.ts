// PostHog's access levels, as the API names them (PostHog's facade/user_access_control.py; docs/access.md).
// Shared by the loader (what the matrix may say), the differ and the emulator (what PostHog accepts).

export const ORG_LEVELS = { member: 1, admin: 8, owner: 15 } as const;
export type OrgLevelName = keyof typeof ORG_LEVELS;
export type OrgLevel = (typeof ORG_LEVELS)[OrgLevelName];
export const ORG_LEVEL_NAMES = Object.keys(ORG_LEVELS) as OrgLevelName[];

export function orgLevelName(level: number): OrgLevelName {
  if (level >= ORG_LEVELS.owner) return 'owner';
  if (level >= ORG_LEVELS.admin) return 'admin';
  return 'member';
}

export const PROJECT_LEVELS = ['none', 'member', 'admin'] as const;
export type ProjectLevel = (typeof PROJECT_LEVELS)[number];

export const RESOURCE_LEVELS = ['none', 'viewer', 'editor', 'manager'] as const;
export type ResourceLevel = (typeof RESOURCE_LEVELS)[number];

/** Resource types that accept rules (ACCESS_CONTROL_RESOURCES in PostHog's source; docs/matrix.md). */
export const ACCESS_CONTROL_RESOURCES = [
  'action', 'customer_analytics', 'dashboard', 'early_access_feature', 'endpoint', 'experiment', 'export',
  'external_data_source', 'warehouse_objects', 'feature_flag', 'heatmap', 'hog_flow', 'insight',
  'llm_analytics', 'evaluation', 'tagger', 'llm_skill', 'ai_observability_clusters', 'notebook',
  'revenue_analytics', 'session_recording', 'sharing_configuration', 'survey', 'ticket', 'web_analytics',
  'activity_log', 'error_tracking', 'logs', 'mcp_analytics', 'metrics', 'tracing', 'replay_scanner', 'toolbar',
  'llm_playground',
] as const;
export type AccessControlResource = (typeof ACCESS_CONTROL_RESOURCES)[number];

/**
 * Kinds whose access follows a parent kind (PostHog's RESOURCE_INHERITANCE_MAP): PostHog ignores a
 * resource-wide rule on the child, so the matrix sets the parent instead.
 */
export const RESOURCE_INHERITANCE: Readonly<Record<string, AccessControlResource>> = {
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

/** Scope objects that take no resource-wide rules at all (access comes from membership or the project's own rules). */
export const WITHOUT_RESOURCE_RULES = ['organization', 'project', 'plugin'] as const;

interface Bounds { minimum: ResourceLevel; maximum: ResourceLevel; default: ResourceLevel }

const RESOURCE_BOUNDS: Partial<Record<AccessControlResource, Bounds>> = {
  activity_log: { minimum: 'none', maximum: 'viewer', default: 'viewer' },
  toolbar: { minimum: 'none', maximum: 'viewer', default: 'viewer' },
  action: { minimum: 'viewer', maximum: 'manager', default: 'editor' },
};

/** PostHog's per-resource minimum, maximum and default level. */
export function resourceBounds(resource: string): Bounds {
  return RESOURCE_BOUNDS[resource as AccessControlResource] ?? { minimum: 'none', maximum: 'manager', default: 'editor' };
}

/** The levels PostHog accepts for a resource type, lowest first. */
export function allowedResourceLevels(resource: string): ResourceLevel[] {
  const { minimum, maximum } = resourceBounds(resource);
  return RESOURCE_LEVELS.slice(RESOURCE_LEVELS.indexOf(minimum), RESOURCE_LEVELS.indexOf(maximum) + 1);
}

export const PROJECT_DEFAULT_LEVEL: ProjectLevel = 'admin';

export type LevelContext = 'organization' | 'project' | 'resource';

const ORDER: Record<LevelContext, readonly string[]> = {
  organization: ORG_LEVEL_NAMES,
  project: PROJECT_LEVELS,
  resource: RESOURCE_LEVELS,
};

/** Position of a level within its context (higher grants more); -1 when it is not a level there. */
export function levelRank(context: LevelContext, level: string): number {
  return ORDER[context].indexOf(level);
}
