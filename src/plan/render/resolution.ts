// The resolution mode and `plan --resolution` in words, shared by the text and Markdown views.
import type { OrganizationPlan, Resolution, ResolutionSwitch } from '../types.ts';

/** At most this many people × places are listed in text and Markdown; the JSON plan has them all. */
export const SWITCH_LISTED = 50;

export function modeName(mode: Resolution): string {
  return mode === 'legacy' ? 'legacy (highest wins)' : 'most specific wins';
}

export function switchTitle(s: ResolutionSwitch): string {
  return `If the organization switched from ${modeName(s.from)} to ${modeName(s.to)} resolution (${s.changes.length === 0 ? 'nobody gains or loses anything' : `${s.changes.length} change${s.changes.length === 1 ? '' : 's'} for people`})`;
}

export function switchLines(s: ResolutionSwitch): string[] {
  const lines = s.changes.slice(0, SWITCH_LISTED).map((c) => {
    const where = c.resource === undefined ? c.project : `${c.project} / ${c.resource}`;
    return `${c.email} ${c.direction} ${where}: ${c.from.level} (${c.from.source}) → ${c.to.level} (${c.to.source})`;
  });
  if (s.changes.length > SWITCH_LISTED) lines.push(`… and ${s.changes.length - SWITCH_LISTED} more (the JSON plan lists them all)`);
  return lines;
}

/** What PostHog's own preview said, in one line. */
export function previewLine(s: ResolutionSwitch): string {
  const p = s.posthog;
  if (!p.compared) return `PostHog's preview was not compared: ${p.reason}`;
  const objects = p.objectRecords ? `; ${p.objectRecords} record${p.objectRecords === 1 ? '' : 's'} about single objects, which the matrix does not manage, not compared` : '';
  if (!p.onlyModel.length && !p.onlyPostHog.length) return `PostHog's preview agrees for the projects the matrix names (as they are now)${objects}`;
  const parts = [
    ...(p.onlyModel.length ? [`only posthog-access finds ${p.onlyModel.join(', ')}`] : []),
    ...(p.onlyPostHog.length ? [`only PostHog's preview finds ${p.onlyPostHog.join(', ')}`] : []),
  ];
  return `PostHog's preview differs (as the rules are now): ${parts.join('; ')}; trust PostHog's answer${objects}`;
}

export function resolutionOf(plan: Pick<OrganizationPlan, 'organization'>): string | undefined {
  return plan.organization.resolution && modeName(plan.organization.resolution);
}
