// The model's answer to "what would switching to most-specific resolution change" held against
// PostHog's own preview (GET access_control_resolution_preview). Pure. PostHog lists one record
// per rule subject and also covers rules on single objects the matrix does not manage, so the two
// are compared by place and direction: project P, or resource type R in project P, gains or loses.
import type { ResolutionPreviewResponse } from '../posthog/types.ts';
import type { SwitchChange } from './switch.ts';

export interface PreviewCheck {
  /** Places and directions the model finds and PostHog's preview does not, sorted. */
  onlyModel: string[];
  /** Places and directions PostHog's preview lists and the model does not, sorted. */
  onlyPostHog: string[];
  /** Preview records about single objects (a dashboard, a flag), which the matrix does not manage. */
  objectRecords: number;
}

const place = (project: string, resource: string | undefined, direction: string) =>
  `${resource === undefined ? project : `${project} / ${resource}`} ${direction}`;

/**
 * Compare within `projects` (the projects whose rules the model read): PostHog's preview covers
 * every project of the organization the key administers.
 */
export function comparePreview(model: SwitchChange[], preview: ResolutionPreviewResponse, projects: Iterable<string>): PreviewCheck {
  const known = new Set(projects);
  const ours = new Set(model.filter((c) => known.has(c.project)).map((c) => place(c.project, c.resource, c.direction)));
  const theirs = new Set<string>();
  let objectRecords = 0;
  for (const c of preview.changes) {
    if (!known.has(c.project_name)) continue;
    if (c.scope === 'resource') theirs.add(place(c.project_name, c.resource, c.direction));
    else if (c.resource === 'project') theirs.add(place(c.project_name, undefined, c.direction));
    else objectRecords++;
  }
  return {
    onlyModel: [...ours].filter((p) => !theirs.has(p)).sort(),
    onlyPostHog: [...theirs].filter((p) => !ours.has(p)).sort(),
    objectRecords,
  };
}
