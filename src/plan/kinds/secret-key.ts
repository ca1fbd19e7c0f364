// Project secret API keys (phs_…): created when missing, scopes kept as declared, rolled when older
// than rotate_after_days or when the user asks (--roll-secret-keys), and with prune.secret_keys
// unlisted ones deleted. A new or rolled value exists once, in PostHog's response: it goes to the
// secret sink and nowhere else (not the plan, not the journal, not the logs, not an error).
import { z } from 'zod';
import type { ActualSecretKey, SecretKeySink } from '../../model/actual.ts';
import { daysSince, olderThan } from '../../util/days.ts';
import { defineKind, type ActualItem, type DesiredItem, type DiffContext } from '../kind.ts';
import { projectSections } from './access.ts';

export const secretKeyShape = {
  value: z.object({ scopes: z.array(z.string()), roll: z.boolean() }),
  subject: z.object({ project: z.string(), label: z.string() }),
};

type SecretKeyValue = z.output<typeof secretKeyShape.value>;

export const secretKeyId = (s: { project: string; label: string }) => `${s.project} / ${s.label}`;

const sorted = (scopes: readonly string[]) => [...new Set(scopes)].sort();

/** The moment a key's current value was made: its last roll, else its creation. */
export function secretKeyBorn(key: Pick<ActualSecretKey, 'createdAt' | 'lastRolledAt'>): string {
  return key.lastRolledAt ?? key.createdAt;
}

/** Whole days since the key's current value was made, at `now`. */
export function secretKeyAgeDays(key: Pick<ActualSecretKey, 'createdAt' | 'lastRolledAt'>, now: Date): number {
  return daysSince(secretKeyBorn(key), now);
}

/** Clocks differ (this machine's, PostHog's): a value made within this much before the call started is that call's. */
const CLOCK_SLACK_MS = 60_000;

/**
 * A value PostHog made that reached no sink: the journal records that a call making this key's value
 * started, no delivery after it, and PostHog says the key was created or rolled at or after that
 * start. For a roll the old value is dead too: only another roll puts a working value in the sink.
 */
export function lostValue(key: Pick<ActualSecretKey, 'createdAt' | 'lastRolledAt'>, journal: { started?: string; delivered?: string } | undefined): string | undefined {
  const started = journal?.started;
  if (!started) return undefined;
  if (journal.delivered && Date.parse(journal.delivered) >= Date.parse(started)) return undefined;
  const born = secretKeyBorn(key);
  if (Date.parse(born) < Date.parse(started) - CLOCK_SLACK_MS) return undefined;
  return `${key.lastRolledAt ? 'rolled' : 'created'} on ${born} but its value never reached a sink (the journal records the call that made it, started ${started}, and no delivery): rolled again so that one does`;
}

/**
 * What the secrets file (`--secrets-file`, given to plan, drift or apply) says of a key it does not
 * hold the current value of: a dead value (a roll it never heard of, two runs rolling one key) or
 * none. Told as a manual step, never rolled by itself: the file may be a stale copy, or shared by
 * another organization with the same project and label, while the service still holds a working
 * value; a roll would kill it. Nothing of any value is named, not even PostHog's mask of it.
 */
export function sinkReason(held: SecretKeySink['keys'][string] | undefined): string | undefined {
  if (held === 'other') return 'the secrets file holds a value that is not the key\'s current one';
  if (held === 'none') return 'the secrets file holds no value for it';
  return undefined;
}

/**
 * What the secrets file cannot settle: no mask from PostHog to compare with, or no file at all.
 * `kept` are the keys PostHog has that this plan does not roll anyway.
 */
function sinkNotices(ctx: DiffContext, kept: string[]): void {
  const sink = ctx.actual.secretKeySink;
  if (!sink) return;
  if (!sink.exists) {
    // A wrong path must not roll every key (their working values may be held elsewhere): told, not rolled.
    if (kept.length) {
      ctx.manualSteps.push({
        key: 'secret_key:secrets-file',
        message: `--secrets-file ${sink.file} does not exist, so it holds no value for ${kept.join(', ')}, which PostHog has: give the path of the file apply writes; if their values are lost, roll them (posthog-access apply --roll-secret-keys ${kept.map((id) => `"${id.replace(' / ', '/')}"`).join(' ')} --secrets-file ${sink.file})`,
      });
    }
    return;
  }
  for (const id of Object.keys(sink.keys).filter((i) => sink.keys[i] === 'unknown')) {
    ctx.notices.push({ level: 'warning', code: 'secret_key_unchecked', key: id, message: `${id}: PostHog gives no mask of its value, so it cannot be compared with --secrets-file ${sink.file}` });
  }
}

/** Whether `--roll-secret-keys` asks for this key: all (true), its label, or "Project/label". */
function rollRequested(ctx: DiffContext, project: string, label: string): boolean {
  const asked = ctx.options.rollSecretKeys;
  if (asked === undefined) return false;
  if (asked === true) return true;
  return asked.some((entry) => matches(entry, project, label));
}

function matches(entry: string, project: string, label: string): boolean {
  const slash = entry.lastIndexOf('/');
  if (slash === -1) return entry.trim() === label;
  return entry.slice(0, slash).trim() === project && entry.slice(slash + 1).trim() === label;
}

/** A `--roll-secret-keys` entry that names no declared key is most likely a typo: say so. */
function unmatchedRollRequests(ctx: DiffContext): void {
  const asked = ctx.options.rollSecretKeys;
  if (!Array.isArray(asked)) return;
  const declared = Object.entries(ctx.desired.projects).flatMap(([project, p]) => Object.keys(p.secretKeys).map((label) => ({ project, label })));
  for (const entry of asked) {
    if (declared.some((d) => matches(entry, d.project, d.label))) continue;
    const known = declared.map((d) => `${d.project}/${d.label}`).join(', ') || 'none';
    ctx.notices.push({ level: 'warning', code: 'roll_unknown', key: entry, message: `--roll-secret-keys ${entry}: no declared secret key has that label (declared: ${known}); nothing is rolled for it` });
  }
}

function desiredKeys(ctx: DiffContext): DesiredItem<'secret_key'>[] {
  unmatchedRollRequests(ctx);
  const sink = ctx.actual.secretKeySink?.exists ? ctx.actual.secretKeySink : undefined;
  const items: DesiredItem<'secret_key'>[] = [];
  const kept: string[] = [];
  for (const [project, spec] of Object.entries(ctx.desired.projects)) {
    for (const [label, key] of Object.entries(spec.secretKeys)) {
      const scopes = sorted(key.scopes);
      const have = ctx.actual.projects[project]?.secretKeys?.[label];
      const reasons: string[] = [];
      let roll = false;
      if (have) {
        if (sorted(have.scopes).join(' ') !== scopes.join(' ')) reasons.push('scopes differ from the matrix');
        const id = secretKeyId({ project, label });
        const held = sink?.keys[id];
        // A file holding the current value shows it did reach a sink, whatever this machine's journal says.
        const lost = held === 'current' ? undefined : lostValue(have, ctx.actual.secretKeyJournal?.[id]);
        const dead = sinkReason(held);
        if (rollRequested(ctx, project, label)) {
          roll = true;
          reasons.push('--roll-secret-keys');
        } else if (lost) {
          roll = true;
          reasons.push(lost);
        } else if (key.rotateAfterDays !== undefined && olderThan(secretKeyBorn(have), key.rotateAfterDays, ctx.now)) {
          roll = true;
          reasons.push(`older than rotate_after_days (${key.rotateAfterDays} day${key.rotateAfterDays === 1 ? '' : 's'})`);
        }
        if (!roll && dead && sink) {
          ctx.manualSteps.push({
            key: `secret_key:${id}`,
            message: `${id}: ${dead} (--secrets-file ${sink.file}). If the service's value is lost, roll the key so that the file holds one that works: posthog-access apply --roll-secret-keys "${project}/${label}" --secrets-file ${sink.file}; if the service holds a working value (the file is a stale copy, or shared with another organization), put that value in the file instead`,
          });
        }
      }
      if (have && !roll) kept.push(secretKeyId({ project, label }));
      items.push({
        subject: { project, label },
        value: { scopes, roll },
        ...(reasons.length && { reason: reasons.join('; ') }),
        needs: [`project:${project}`],
      });
    }
  }
  sinkNotices(ctx, kept);
  return items;
}

/** Keys of the projects the matrix lists (others are never read, nor touched). */
function actualKeys(ctx: DiffContext): ActualItem<'secret_key'>[] {
  const items: ActualItem<'secret_key'>[] = [];
  for (const project of Object.keys(ctx.desired.projects)) {
    for (const key of Object.values(ctx.actual.projects[project]?.secretKeys ?? {})) {
      items.push({ subject: { project, label: key.label }, value: { scopes: sorted(key.scopes), roll: false } });
    }
  }
  return items;
}

/** Losing a scope can break the service that uses the key: counted like a demotion. */
function lowers(before: SecretKeyValue, after: SecretKeyValue): boolean {
  const kept = new Set(after.scopes);
  return before.scopes.some((s) => !kept.has(s));
}

export const secretKeyKind = defineKind({
  kind: 'secret_key',
  shape: secretKeyShape,
  key: secretKeyId,
  scope: 'project:write',
  section: 'Secret keys',
  label: 'secret key',
  reads: (desired) => ({
    secretKeys: Object.keys(desired.projects).filter((p) => desired.prune.secretKeys || Object.keys(desired.projects[p]?.secretKeys ?? {}).length > 0),
  }),
  fingerprint: projectSections,
  desired: desiredKeys,
  actual: actualKeys,
  prune: (ctx) => ({ enabled: ctx.desired.prune.secretKeys, flag: 'prune.secret_keys' }),
  lowers,
  // A created or rolled key has a new value, shown by PostHog once: it needs a secret sink.
  makesSecret: (change) => change.action === 'create' || (change.action === 'update' && change.after.roll),
});
