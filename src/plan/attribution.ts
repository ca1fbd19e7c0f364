// Who changed what: drift explained from PostHog's activity log. Pure: given the plan's changes,
// the actual state and recent activity entries, it says who last touched each drifted item, as
// each kind's `attribution` recognises its entries.
import type { ActualState } from '../model/actual.ts';
import type { ActivityLogEntry } from '../posthog/types.ts';
import type { Kind } from './kind.ts';
import { KINDS, kindOf } from './registry.ts';
import type { Change, ChangeKind, ChangeOf, Notice } from './types.ts';

/** Activity scopes that name the things the plan manages. */
export const ATTRIBUTED_SCOPES: readonly string[] = [...new Set(KINDS.flatMap((k) => k.attribution?.scopes ?? []))];

function about<K extends ChangeKind>(kind: Kind<K>, change: ChangeOf<K>, entry: ActivityLogEntry, actual: ActualState): boolean {
  return kind.attribution?.about(change, entry, actual) ?? false;
}

function describe(entry: ActivityLogEntry): string {
  const change = entry.detail.changes?.find((c) => c.field);
  const what = change ? `${change.field}: ${JSON.stringify(change.before)} → ${JSON.stringify(change.after)}` : entry.activity;
  return `${what} by ${entry.user?.email ?? 'PostHog (system)'} on ${entry.created_at.slice(0, 10)}`;
}

/** One notice per drifted change whose last change the activity log shows (entries newest first). */
export function attribute(changes: Change[], actual: ActualState, entries: ActivityLogEntry[]): Notice[] {
  const notices: Notice[] = [];
  for (const change of changes) {
    const entry = entries.find((e) => about(kindOf(change.kind), change, e, actual));
    if (entry) notices.push({ level: 'info', code: 'changed_by', key: change.key, message: `${change.key}: last changed in PostHog — ${describe(entry)}` });
  }
  return notices;
}
