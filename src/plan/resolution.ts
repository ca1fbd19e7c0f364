// The organization's access resolution mode in a plan (docs/plan-json.md): the member `none` rules
// of the matrix that deny nothing in that mode, and, for `plan --resolution`, what switching modes
// would change for people, held against PostHog's own preview when it could be read. Pure.
import type { ResolutionMode } from '../access/effective.ts';
import { describeSource } from '../access/effective.ts';
import { comparePreview } from '../access/preview.ts';
import { describeIneffectiveDeny, ineffectiveDenies, switchChanges, type SwitchChange } from '../access/switch.ts';
import { modeOf, viewOfActual, viewOfDesired } from '../access/view.ts';
import type { ActualState } from '../model/actual.ts';
import type { DesiredState } from '../model/desired.ts';
import type { ResolutionPreviewResponse } from '../posthog/types.ts';
import type { Notice, ResolutionSwitch } from './types.ts';

/** PostHog's preview as the pipeline got it: the answer, or why there is none. */
export type PreviewRead = { preview: ResolutionPreviewResponse } | { unavailable: string };

const plain = (c: SwitchChange): ResolutionSwitch['changes'][number] => ({
  email: c.email, project: c.project, ...(c.resource !== undefined && { resource: c.resource }), direction: c.direction,
  from: { level: c.from.level, source: describeSource(c.from.source) },
  to: { level: c.to.level, source: describeSource(c.to.source) },
});

/** Warnings for the matrix's member `none` rules that deny nothing in the organization's mode. */
export function denyNotices(desired: DesiredState, actual: ActualState, at: Date): Notice[] {
  const mode = modeOf(actual);
  return ineffectiveDenies(desired, viewOfDesired(desired, actual, at), at).map((d) => ({
    level: 'warning', code: 'deny_without_effect', key: d.resource === undefined ? `${d.project} / member:${d.email}` : `${d.project} / ${d.resource} / member:${d.email}`,
    message: describeIneffectiveDeny(d, mode),
  }));
}

/**
 * What switching to `to` would change for people once the plan is applied, and whether PostHog's
 * preview (which sees the rules as they are now) finds the same places for the state as read.
 */
export function resolutionSwitch(desired: DesiredState, actual: ActualState, at: Date, to: ResolutionMode, read?: PreviewRead): ResolutionSwitch {
  const from = modeOf(actual);
  const changes = switchChanges(viewOfDesired(desired, actual, at), to).map(plain);
  let posthog: ResolutionSwitch['posthog'];
  if (to !== 'most_specific') posthog = { compared: false, reason: 'PostHog previews only the switch to most-specific' };
  else if (!read) posthog = { compared: false, reason: 'not read' };
  else if ('unavailable' in read) posthog = { compared: false, reason: read.unavailable };
  else {
    const known = Object.values(actual.projects).filter((p) => p.rulesLoaded);
    // PostHog names projects as it spells them; the plan knows them by the matrix's spelling.
    const spelling = new Map(known.map((p) => [p.posthogName ?? p.name, p.name]));
    const preview = { ...read.preview, changes: read.preview.changes.map((c) => ({ ...c, project_name: spelling.get(c.project_name) ?? c.project_name })) };
    posthog = { compared: true, ...comparePreview(switchChanges(viewOfActual(actual), to), preview, known.map((p) => p.name)) };
  }
  return { from, to, changes, posthog };
}
