// The one interface every resource kind implements. A kind says what should exist and what does,
// keyed by the natural key it builds from a typed subject, and declares next to that every fact
// the rest of the tool needs about it: its value and subject shapes, write scope, section, what
// it reads from PostHog and fingerprints, what its removal takes with it, whether it makes a
// secret, its warnings, refusals and activity-log attribution. The differ (diff.ts), the safety
// gate (safety.ts), the fetcher's scope, the fingerprint, renderers and the applier iterate the
// kinds (registry.ts) and name none of them. Kinds do no I/O: their writers live in src/apply/writers/.
import jsonpatch from 'fast-json-patch';
import type { z } from 'zod';
import type { ActualState, ReadScope } from '../model/actual.ts';
import type { DesiredState } from '../model/desired.ts';
import type { ActivityLogEntry } from '../posthog/types.ts';
import { standing } from './lookup.ts';
import type { ChangeKind, ChangeOf, DeleteChange, ManualStep, Notice, Refusal, Subject, SubjectOf, Temporary, ValueOf } from './types.ts';
import { countOfKind } from '../util/english.ts';

/** Choices the user makes per run that change what the plan does (CLI flags). */
export interface PlanOptions {
  /** `--roll-secret-keys`: roll these project secret keys (labels, "Project/label"), or all declared ones. */
  rollSecretKeys?: true | string[];
  /** `--allow-sso-without-idp`: enforce SSO on a domain even where no identity provider is configured. */
  allowSsoWithoutIdp?: boolean;
  /** `--resolution`: show what switching the organization to this resolution mode would change. */
  resolution?: 'legacy' | 'most_specific';
}

export interface DiffContext {
  desired: DesiredState;
  actual: ActualState;
  now: Date;
  options: PlanOptions;
  /** Kinds add what they notice (pending invites, grants ending soon, missing features). */
  notices: Notice[];
  manualSteps: ManualStep[];
}

export interface DesiredItem<K extends ChangeKind> {
  subject: SubjectOf<K>;
  /** null: must not exist (a grant that has ended), removed even without prune. */
  value: ValueOf<K> | null;
  reason?: string;
  /** A temporary grant in force: `until 2026-12-31, then member`, added to the change's reason. */
  until?: string;
  /** A temporary grant, in force or ended: its `expires` and `then`, the change's own fields. */
  temporary?: Temporary;
  /** An invite's temporary project grants, by project. */
  temporaryProjects?: Record<string, Temporary>;
  note?: string;
  /** Ids of changes this one needs first, when they are in the plan (e.g. `team:Engineering`). */
  needs?: string[];
}

export interface ActualItem<K extends ChangeKind> {
  subject: SubjectOf<K>;
  value: ValueOf<K>;
}

export interface PruneRule {
  /** Whether existing items the matrix does not list are removed. */
  enabled: boolean;
  /** The matrix flag that governs it, for reasons and reports (e.g. prune.members). */
  flag: string;
}

/** A feature a change needs; changes needing the same one share one warning. */
export interface FeatureNeed {
  id: string;
  /** Any of these is enough. */
  features: string[];
  /** The warning, given how many changes need it. */
  message(count: number): string;
}

/** What a kind's refusals see: the state as read, the matrix's safety settings and the run's flags. */
export interface GuardContext {
  actual: ActualState;
  options: PlanOptions;
}

export interface KindSpec<K extends ChangeKind> {
  kind: K;
  /** The zod shapes of its value and subject: a saved plan is checked against them when read. */
  shape: { value: z.ZodType<ValueOf<K>>; subject: z.ZodType<SubjectOf<K>> };
  /** The natural key, built from the subject: the one place it is made. */
  key(subject: SubjectOf<K>): string;
  /** The API scope its writes need. */
  scope: string;
  /** The section of a rendered plan it is shown in, and its name in a section shared with other kinds. */
  section: string;
  label: string;
  /** What it needs read from PostHog beyond the organization's lists. */
  reads?(desired: DesiredState): Partial<Omit<ReadScope, 'organization'>>;
  /** The parts of the state its plan depends on, by fingerprint section (kinds may share one). */
  fingerprint(actual: ActualState): Record<string, unknown>;
  desired(ctx: DiffContext): DesiredItem<K>[];
  actual(ctx: DiffContext): ActualItem<K>[];
  /** How unlisted existing items are treated; absent: never removed, only reported. */
  prune?(ctx: DiffContext): PruneRule;
  /** Whether an update lowers access (a demotion counts against safety.max_deletes). */
  lowers?(before: ValueOf<K>, after: ValueOf<K>): boolean;
  /** What is in force while the item does not exist (PostHog's default), to tell whether creating it lowers access. */
  implicit?(item: DesiredItem<K>): ValueOf<K> | undefined;
  /** Ids of the changes whose removal takes this item with it in PostHog (its member, its team). */
  goesWith?(subject: SubjectOf<K>): string[];
  /**
   * What its removal takes with it: `folded` removals of the plan it absorbed, plus what PostHog
   * removes beyond them; `removing` holds the ids of the plan's other removals (what one of them
   * takes is counted once, by it).
   */
  cascade?(change: DeleteChange<K>, folded: number, actual: ActualState, removing: ReadonlySet<string>): { count: number; reason: string };
  /** Whether applying the change makes a new secret value (apply needs a secret sink). */
  makesSecret?(change: ChangeOf<K>): boolean;
  /** Paid features a change needs to work (warned about when the organization lacks them). */
  features?(change: ChangeOf<K>): FeatureNeed[];
  /** What PostHog or safety forbids among its changes (see safety.ts). */
  refusals?(changes: ChangeOf<K>[], ctx: GuardContext): Refusal[];
  /** Which activity-log entries describe a change of it (drift attribution). */
  attribution?: { scopes: string[]; about(change: ChangeOf<K>, entry: ActivityLogEntry, actual: ActualState): boolean };
}

export interface Kind<K extends ChangeKind = ChangeKind> extends KindSpec<K> {
  /** This kind's changes: what should exist against what does. */
  diff(ctx: DiffContext): ChangeOf<K>[];
}

export function defineKind<K extends ChangeKind>(spec: KindSpec<K>): Kind<K> {
  return { ...spec, diff: (ctx) => diffItems(spec, ctx) };
}

const UNMANAGED_LISTED = 10;

/** The shared differ of one kind: create / update (with an RFC 6902 patch) / delete, prune or report. */
function diffItems<K extends ChangeKind>(kind: KindSpec<K>, ctx: DiffContext): ChangeOf<K>[] {
  const actual = new Map(kind.actual(ctx).map((a) => [kind.key(a.subject), a]));
  const changes: ChangeOf<K>[] = [];
  // Each item's key is built once, where it is looked up, not again for its change.
  const base = (subject: SubjectOf<K>, key: string) => ({ id: `${kind.kind}:${key}`, kind: kind.kind, key, subject });
  const seen = new Set<string>();

  for (const want of kind.desired(ctx)) {
    const key = kind.key(want.subject);
    seen.add(key);
    const have = actual.get(key);
    const extra = {
      ...(want.note && { note: want.note }),
      ...(want.temporary && { expires: want.temporary.expires, then: want.temporary.then }),
      ...(want.temporaryProjects && Object.keys(want.temporaryProjects).length > 0 && { temporaryProjects: want.temporaryProjects }),
    };
    const dependsOn = want.needs ?? [];
    const until = want.until ? `, ${want.until}` : '';
    if (want.value === null) {
      if (have) changes.push({ ...base(want.subject, key), action: 'delete', before: have.value, reason: want.reason ?? 'ended', ...extra, destructive: true, dependsOn: [] });
    } else if (!have) {
      const implicit = kind.implicit?.(want);
      const destructive = implicit !== undefined && (kind.lowers?.(implicit, want.value) ?? false);
      changes.push({ ...base(want.subject, key), action: 'create', after: want.value, reason: `${want.reason ?? 'declared in the matrix'}${until}`, ...extra, destructive, dependsOn });
    } else {
      const patch = jsonpatch.compare(have.value as object, want.value as object); // empty: the same value, nothing to do
      if (patch.length) {
        changes.push({
          ...base(want.subject, key), action: 'update', before: have.value, after: want.value, patch,
          reason: `${want.reason ?? 'differs from the matrix'}${until}`, ...extra,
          destructive: kind.lowers?.(have.value, want.value) ?? false, dependsOn,
        });
      }
    }
  }

  const prune = kind.prune?.(ctx);
  const unmanaged: string[] = [];
  for (const [key, have] of actual) {
    if (seen.has(key)) continue;
    const email = emailOf(have.subject);
    if (prune?.enabled) {
      changes.push({ ...base(have.subject, key), action: 'delete', before: have.value, reason: `not in the matrix (${prune.flag})`, destructive: true, dependsOn: [] });
    } else if (!(email !== undefined && standing(ctx, email) === 'leaving')) {
      unmanaged.push(key); // (a leaving person's memberships and rules go with their removal)
    }
  }
  if (unmanaged.length > 0) {
    const shown = unmanaged.slice(0, UNMANAGED_LISTED).join(', ');
    const more = unmanaged.length > UNMANAGED_LISTED ? ` and ${unmanaged.length - UNMANAGED_LISTED} more` : '';
    const why = prune ? `${prune.flag} is off` : 'the tool never deletes these';
    ctx.notices.push({ level: 'info', code: 'unmanaged', message: `${countOfKind(unmanaged.length, kind.kind)} not in the matrix, left alone (${why}): ${shown}${more}` });
  }
  return changes;
}

/** The person a subject names, if any. */
function emailOf(subject: Subject): string | undefined {
  return subject.email;
}
