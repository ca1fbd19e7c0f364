// When a grant is in force. `expires` names the last day of the grant (inclusive, UTC).
import type { Grant } from '../model/desired.ts';

const DAY_MS = 86_400_000;
export const EXPIRING_SOON_DAYS = 14;

/** The instant a grant stops: the start of the day after `expires`, UTC. */
export function endOf(expires: string): number {
  const [y, m, d] = expires.split('-').map(Number) as [number, number, number];
  return Date.UTC(y, m - 1, d + 1);
}

export interface Effective<L extends string> {
  /** The level in force at `now`, or null when nothing remains. */
  level: L | null;
  /** Set when the grant's own level has ended: why the level differs from the declared one. */
  expiredReason?: string;
  /** Set when the grant ends within EXPIRING_SOON_DAYS of `now`. */
  endsSoon?: string;
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
  if (end - now.getTime() <= EXPIRING_SOON_DAYS * DAY_MS) return { level: grant.level, endsSoon: grant.expires };
  return { level: grant.level };
}

/** Whether a dated membership (no level) is still in force. */
export function inForce(expires: string | undefined, now: Date): boolean {
  return !expires || now.getTime() < endOf(expires);
}
