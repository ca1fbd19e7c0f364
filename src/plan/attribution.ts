// Who changed what: drift explained from PostHog's activity log. Pure: given the plan's changes,
// the actual state and recent activity entries, it says who last touched each drifted item.
import { findTeam, type ActualState } from '../model/actual.ts';
import type { ActivityLogEntry } from '../posthog/types.ts';
import type { Change, Notice } from './types.ts';

/** Activity scopes that name the things the plan manages. */
export const ATTRIBUTED_SCOPES = ['Organization', 'OrganizationMembership', 'OrganizationInvite', 'Role', 'RoleMembership'];

const lower = (v: unknown) => (typeof v === 'string' ? v.toLowerCase() : undefined);

/** Does this entry describe the item a change is about? */
function about(change: Change, entry: ActivityLogEntry, actual: ActualState): boolean {
  const email = lower(change.refs.email);
  const context = entry.detail.context ?? {};
  switch (change.kind) {
    case 'member':
      return entry.scope === 'OrganizationMembership' && entry.item_id === actual.members[change.key]?.membershipId;
    case 'invite':
      return entry.scope === 'OrganizationInvite' && (lower(entry.detail.name) === email || lower(context.target_email) === email);
    case 'team':
      return entry.scope === 'Role' && entry.item_id === findTeam(actual, change.key)?.id;
    case 'team_member':
      return (entry.scope === 'RoleMembership' || entry.scope === 'Role') &&
        lower(context.role_name) === lower(change.refs.team) && lower(context.user_email) === email;
    case 'org_settings':
      return entry.scope === 'Organization' && entry.item_id === actual.organization.id;
    default:
      return false;
  }
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
    const entry = entries.find((e) => about(change, e, actual));
    if (entry) notices.push({ level: 'info', code: 'changed_by', key: change.key, message: `${change.key}: last changed in PostHog — ${describe(entry)}` });
  }
  return notices;
}
