// Offboarding warnings: when a plan removes a member, what they created that others rely on
// (feature flags, dashboards, saved insights), and that PostHog deletes their private insights,
// so owners can be reassigned first. Pure: from what src/state/created.ts read into the state.
import type { ActualState, CreatedKind, CreatedObject, CreatedRead } from '../model/actual.ts';
import { count as plural } from '../util/english.ts';
import { OFFBOARDING_SCOPES } from './scopes.ts';
import type { Change, Notice } from './types.ts';

/** At most this many things are named in a plan's warning; `explain EMAIL --offboarding` lists them all. */
export const NAMED_IN_WARNING = 5;

const KIND_WORDS: Record<CreatedKind, [string, string]> = {
  feature_flag: ['feature flag', 'feature flags'],
  dashboard: ['dashboard', 'dashboards'],
  insight: ['saved insight', 'saved insights'],
};

/** "2 feature flags and 1 dashboard". */
export function countWords(objects: readonly CreatedObject[]): string {
  const parts = (Object.keys(KIND_WORDS) as CreatedKind[]).flatMap((kind) => {
    const n = objects.filter((o) => o.kind === kind).length;
    return n ? [plural(n, ...KIND_WORDS[kind])] : [];
  });
  return parts.length <= 1 ? parts.join('') : `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
}

/** "Production: new-onboarding (feature flag)". */
export const describeCreated = (o: CreatedObject) => `${o.project}: ${o.name} (${o.kind === 'insight' ? 'insight' : KIND_WORDS[o.kind][0]})`;

/** The warning for one person, or none when they created nothing that was read. */
export function offboardingNotice(email: string, objects: readonly CreatedObject[]): Notice | undefined {
  const shared = objects.filter((o) => o.shared);
  const personal = objects.filter((o) => !o.shared);
  if (!shared.length && !personal.length) return undefined;
  const parts: string[] = [];
  if (shared.length) {
    const named = shared.slice(0, NAMED_IN_WARNING).map(describeCreated).join(', ');
    const more = shared.length > NAMED_IN_WARNING ? `, and ${shared.length - NAMED_IN_WARNING} more` : '';
    parts.push(`created ${countWords(shared)} that others may rely on (${named}${more})`);
  }
  if (personal.length) parts.push(`has ${plural(personal.length, 'private insight, which PostHog deletes', 'private insights, which PostHog deletes')} when they are removed`);
  return {
    level: 'warning', code: 'offboarding', key: email,
    message: `${email} ${parts.join('; ')}: reassign owners before applying (\`posthog-access explain ${email} --offboarding\` lists everything)`,
  };
}

/** Where the lists could not be read: one notice naming the projects and the scopes needed. */
export function unreadNotice(created: CreatedRead): Notice | undefined {
  if (!created.unread.length) return undefined;
  const where = [...new Set(created.unread.map((u) => `${u.project} (${KIND_WORDS[u.kind][1]})`))].join(', ');
  return {
    level: 'info', code: 'offboarding_unread',
    message: `what removed members created could not be read in ${where}: PostHog refused (${created.unread[0]!.reason}); the key needs ${OFFBOARDING_SCOPES.join(', ')} and access to those projects`,
  };
}

/** The offboarding notices of a plan: one per removed member who created something, and what could not be read. */
export function offboardingNotices(changes: readonly Change[], actual: ActualState): Notice[] {
  const created = actual.created;
  if (!created) return [];
  const out: Notice[] = [];
  for (const c of changes) {
    if (c.kind !== 'member' || c.action !== 'delete') continue;
    const notice = offboardingNotice(c.subject.email, created.byEmail[c.subject.email] ?? []);
    if (notice) out.push(notice);
  }
  const unread = unreadNotice(created);
  if (unread) out.push(unread);
  return out;
}
