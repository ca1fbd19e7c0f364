// Day arithmetic in UTC, the one place it is written.

export const DAY_MS = 86_400_000;

/** Whole days from `iso` to `now`. */
export function daysSince(iso: string, now: Date): number {
  return Math.floor((now.getTime() - Date.parse(iso)) / DAY_MS);
}

/** Whether more than `days` days have passed from `iso` to `now`. */
export function olderThan(iso: string, days: number, now: Date): boolean {
  return now.getTime() - Date.parse(iso) > days * DAY_MS;
}

/** The instant a day ends: the start of the next day, UTC (`day` is YYYY-MM-DD). */
export function endOfDay(day: string): number {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return Date.UTC(y, m - 1, d + 1);
}
