// When a grant is in force. `expires` names the last day of the grant (inclusive, UTC).
import type { DesiredState, Grant } from '../model/desired.ts';
import type { Temporary } from './types.ts';
import { DAY_MS, endOfDay } from '../util/days.ts';
export const EXPIRING_SOON_DAYS = 14;

/** The instant a grant stops: the start of the day after `expires`, UTC. */
export function endOf(expires: string): number {
  return endOfDay(expires);
}

export interface Effective<L extends string> {
  /** The level in force at `now`, or null when nothing remains. */
  level: L | null;
  /** Set when the grant's own level has ended: why the level differs from the declared one. */
  expiredReason?: string;
  /** Set when the grant ends within EXPIRING_SOON_DAYS of `now`. */
  endsSoon?: string;
  /** Set while a temporary grant is in force: `until 2026-12-31, then member` (or `then none`). */
  until?: string;
}

/** How a temporary grant ends, for the plan's reasons: its last day and what follows. */
export function untilText(expires: string, then: string | undefined, none = 'none'): string {
  return `until ${expires}, then ${then ?? none}`;
}

/** A temporary grant's own fields on a change: its last day and what remains (null: nothing). */
export function temporaryOf(grant: { expires?: string; then?: string }): Temporary | undefined {
  return grant.expires ? { expires: grant.expires, then: grant.then ?? null } : undefined;
}

export function effectiveGrant<L extends string>(grant: Grant<L>, now: Date): Effective<L> {
  if (!grant.expires) return { level: grant.level };
  const end = endOf(grant.expires);
  if (now.getTime() >= end) {
    return {
      level: grant.then ?? null,
      expiredReason: grant.then ? `expired ${grant.expires}, then ${grant.then}` : `expired ${grant.expires}`,
    };
  }
  const until = untilText(grant.expires, grant.then);
  if (end - now.getTime() <= EXPIRING_SOON_DAYS * DAY_MS) return { level: grant.level, endsSoon: grant.expires, until };
  return { level: grant.level, until };
}

/** Whether a dated membership (no level) is still in force. */
export function inForce(expires: string | undefined, now: Date): boolean {
  return !expires || now.getTime() < endOf(expires);
}

/**
 * The first moment after `at` when a grant in the matrix begins or stops being in force: a plan
 * computed at `at` is only right until then.
 */
export function nextBoundary(desired: DesiredState, at: Date): Date | null {
  let next = Infinity;
  const consider = (expires: string | undefined) => {
    if (!expires) return;
    const end = endOf(expires);
    if (end > at.getTime() && end < next) next = end;
  };
  const grants = (g: { default?: Grant<string>; teams: Record<string, Grant<string>>; members: Record<string, Grant<string>> }) => {
    consider(g.default?.expires);
    for (const grant of [...Object.values(g.teams), ...Object.values(g.members)]) consider(grant.expires);
  };
  for (const grant of Object.values(desired.members)) consider(grant.expires);
  for (const team of Object.values(desired.teams)) for (const m of team.members) consider(m.expires);
  for (const project of Object.values(desired.projects)) {
    grants(project);
    for (const resource of Object.values(project.resources)) grants(resource);
  }
  return Number.isFinite(next) ? new Date(next) : null;
}
