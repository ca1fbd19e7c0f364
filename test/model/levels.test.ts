// PostHog's resource kinds and their bounds, as its access-control facade defines them
// (ACCESS_CONTROL_RESOURCES with default_access_level, minimum_access_level and highest_access_level),
// and the matrix accepting exactly what PostHog accepts for each.
import { describe, expect, it } from 'vitest';
import { ACCESS_CONTROL_RESOURCES, RESOURCE_LEVELS, allowedResourceLevels, resourceBounds } from '../../src/model/levels.ts';
import { BASE, problemsOf } from '../matrix/helpers.ts';

type Row = [kind: string, minimum: string, maximum: string, fallback: string];

// Every kind PostHog lets rules be set on, in its own order; all but three go none → manager, default editor.
const POSTHOG: Row[] = [
  ['action', 'viewer', 'manager', 'editor'],
  ...['customer_analytics', 'dashboard', 'early_access_feature', 'endpoint', 'experiment', 'export',
    'external_data_source', 'warehouse_objects', 'feature_flag', 'heatmap', 'hog_flow', 'insight',
    'llm_analytics', 'evaluation', 'tagger', 'llm_skill', 'ai_observability_clusters', 'notebook',
    'revenue_analytics', 'session_recording', 'sharing_configuration', 'survey', 'ticket', 'web_analytics',
  ].map((k): Row => [k, 'none', 'manager', 'editor']),
  ['activity_log', 'none', 'viewer', 'viewer'],
  ...['error_tracking', 'logs', 'mcp_analytics', 'metrics', 'tracing', 'replay_scanner'].map((k): Row => [k, 'none', 'manager', 'editor']),
  ['toolbar', 'none', 'viewer', 'viewer'],
  ['llm_playground', 'none', 'manager', 'editor'],
];

const matrixWith = (kind: string, level: string) =>
  `${BASE}projects:\n  Prod:\n    resources:\n      ${kind}: { default: ${level} }\n`;

describe('resource kinds and bounds', () => {
  it('are PostHog\'s 34 kinds, in its order', () => {
    expect([...ACCESS_CONTROL_RESOURCES]).toEqual(POSTHOG.map(([k]) => k));
    expect(ACCESS_CONTROL_RESOURCES).toHaveLength(34);
  });

  it.each(POSTHOG)('%s: from %s up to %s, default %s', (kind, minimum, maximum, fallback) => {
    expect(resourceBounds(kind)).toEqual({ minimum, maximum, default: fallback });
    const allowed = RESOURCE_LEVELS.slice(RESOURCE_LEVELS.indexOf(minimum as never), RESOURCE_LEVELS.indexOf(maximum as never) + 1);
    expect(allowedResourceLevels(kind)).toEqual(allowed);
    // validate takes every level PostHog takes for the kind and refuses the others, naming them
    for (const level of RESOURCE_LEVELS) {
      const problems = problemsOf(matrixWith(kind, level));
      if (allowed.includes(level)) expect(problems).toEqual([]);
      else expect(problems).toEqual([expect.stringContaining(`"${level}" is not a level for ${kind}`)]);
    }
  });
});
