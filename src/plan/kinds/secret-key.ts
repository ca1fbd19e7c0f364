// Project secret API keys (phs_…): created when missing, scopes kept as declared, rolled when older
// than rotate_after_days or when the user asks (--roll-secret-keys), and with prune.secret_keys
// unlisted ones deleted. A new or rolled value exists once, in PostHog's response: it goes to the
// secret sink and nowhere else (not the plan, not the journal, not the logs, not an error).
import { ApiError } from '../../errors.ts';
import type { ActualSecretKey } from '../../model/actual.ts';
import type { SecretKeyResponse } from '../../posthog/types.ts';
import type { ActualItem, ApplyEnv, DesiredItem, DiffContext, Kind, SecretSink } from '../kind.ts';
import { projectIdOf } from '../lookup.ts';
import type { Change, Value } from '../types.ts';

const DAY_MS = 86_400_000;

export const secretKeyId = (project: string, label: string) => `${project} / ${label}`;

const sorted = (scopes: readonly string[]) => [...new Set(scopes)].sort();

/** The moment a key's current value was made: its last roll, else its creation. */
export function secretKeyBorn(key: Pick<ActualSecretKey, 'createdAt' | 'lastRolledAt'>): string {
  return key.lastRolledAt ?? key.createdAt;
}

/** Whole days since the key's current value was made, at `now`. */
export function secretKeyAgeDays(key: Pick<ActualSecretKey, 'createdAt' | 'lastRolledAt'>, now: Date): number {
  return Math.floor((now.getTime() - Date.parse(secretKeyBorn(key))) / DAY_MS);
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

function desiredKeys(ctx: DiffContext): DesiredItem[] {
  unmatchedRollRequests(ctx);
  const items: DesiredItem[] = [];
  for (const [project, spec] of Object.entries(ctx.desired.projects)) {
    for (const [label, key] of Object.entries(spec.secretKeys)) {
      const scopes = sorted(key.scopes);
      const have = ctx.actual.projects[project]?.secretKeys?.[label];
      const reasons: string[] = [];
      let roll = false;
      if (have) {
        if (sorted(have.scopes).join(' ') !== scopes.join(' ')) reasons.push('scopes differ from the matrix');
        if (rollRequested(ctx, project, label)) {
          roll = true;
          reasons.push('--roll-secret-keys');
        } else if (key.rotateAfterDays !== undefined && ctx.now.getTime() - Date.parse(secretKeyBorn(have)) > key.rotateAfterDays * DAY_MS) {
          roll = true;
          reasons.push(`older than rotate_after_days (${key.rotateAfterDays} day${key.rotateAfterDays === 1 ? '' : 's'})`);
        }
      }
      items.push({
        key: secretKeyId(project, label),
        value: { scopes, roll },
        ...(reasons.length && { reason: reasons.join('; ') }),
        refs: { project, label },
        needs: [`project:${project}`],
      });
    }
  }
  return items;
}

/** Keys of the projects the matrix lists (others are never read, nor touched). */
function actualKeys(ctx: DiffContext): ActualItem[] {
  const items: ActualItem[] = [];
  for (const project of Object.keys(ctx.desired.projects)) {
    const p = ctx.actual.projects[project];
    for (const key of Object.values(p?.secretKeys ?? {})) {
      items.push({
        key: secretKeyId(project, key.label),
        value: { scopes: sorted(key.scopes), roll: false },
        refs: { project, label: key.label, projectId: p?.id ?? null, keyId: key.id },
      });
    }
  }
  return items;
}

/** Losing a scope can break the service that uses the key: counted like a demotion. */
function lowers(before: Value, after: Value): boolean {
  const kept = new Set(after.scopes as string[]);
  return (before.scopes as string[]).some((s) => !kept.has(s));
}

interface Target {
  project: string;
  label: string;
  projectId: number;
}

function targetOf(change: Change, env: ApplyEnv): Target {
  const project = String(change.refs.project);
  const label = String(change.refs.label);
  return { project, label, projectId: projectIdOf(env, project) };
}

function keyIdOf(change: Change, env: ApplyEnv, t: Target): string {
  const id = change.refs.keyId ?? env.actual.projects[t.project]?.secretKeys?.[t.label]?.id;
  if (id === undefined || id === null) throw new Error(`${change.key}: the key was not found in PostHog; run plan again`);
  return String(id);
}

/** Refuse before calling PostHog: a value made without a sink to receive it would be lost. */
function sinkOf(env: ApplyEnv, change: Change): SecretSink {
  if (!env.secrets) throw new Error(`${change.key}: a new secret key value needs somewhere to go: pass --secrets-file FILE or --secrets-command CMD`);
  return env.secrets;
}

/** Deliveries tried per value: it exists only in this run's memory, so a passing sink failure gets more chances. */
export const DELIVERY_ATTEMPTS = 3;
const DELIVERY_PAUSE_MS = 250;

async function deliver(sink: SecretSink, t: Target, response: SecretKeyResponse, what: 'created' | 'rolled', pauseMs = DELIVERY_PAUSE_MS): Promise<void> {
  const value = response.value;
  const again = `apply --roll-secret-keys "${t.project}/${t.label}"`;
  if (!value) throw new Error(`${secretKeyId(t.project, t.label)}: PostHog ${what} the key but returned no value: roll it (${again})`);
  let why = '';
  for (let attempt = 1; attempt <= DELIVERY_ATTEMPTS; attempt++) {
    try {
      await sink.deliver({ project: t.project, label: t.label, value });
      return;
    } catch (e) {
      why = e instanceof Error ? e.message : String(e);
      if (attempt < DELIVERY_ATTEMPTS) await new Promise((r) => setTimeout(r, pauseMs * attempt));
    }
  }
  // The value is gone once this run ends: the way out is another roll.
  const dead = what === 'rolled' ? ' The old value no longer works.' : '';
  throw new Error(`${secretKeyId(t.project, t.label)}: PostHog ${what} the key, but the secret sink failed ${DELIVERY_ATTEMPTS} times (last: ${why}); the new value was kept only in memory and is lost with this run.${dead} Fix the sink, then roll the key (${again})`);
}

/** Codes of failures after which PostHog may have made the value (see src/posthog/client.ts). */
const OUTCOME_UNSEEN = new Set(['unknown_outcome', 'aborted', 'timeout', 'too_large', 'protocol']);

/**
 * The call that makes a value: when its answer never arrives (a dropped connection, a timeout,
 * Ctrl-C), PostHog may have made it, and nobody holds it. Say so, naming the key and what to do.
 */
async function makeValue(t: Target, what: 'create' | 'roll', call: () => Promise<SecretKeyResponse>): Promise<SecretKeyResponse> {
  try {
    return await call();
  } catch (e) {
    if (!(e instanceof ApiError) || !OUTCOME_UNSEEN.has(e.code ?? '')) throw e;
    const id = secretKeyId(t.project, t.label);
    const may = what === 'roll'
      ? 'PostHog may have rolled it: then the old value no longer works and the new one reached no sink'
      : 'PostHog may have created it: then its value reached no sink';
    throw new Error(`${id}: the answer to the ${what} never arrived (${e.message}). ${may}. Roll it now so a value reaches the sink: posthog-access apply --roll-secret-keys "${t.project}/${t.label}" (plan shows whether the key exists)`);
  }
}

export const secretKeyKind: Kind = {
  kind: 'secret_key',
  desired: desiredKeys,
  actual: actualKeys,
  prune: (ctx) => ({ enabled: ctx.desired.prune.secretKeys, flag: 'prune.secret_keys' }),
  lowers,
  async create(change, env) {
    const sink = sinkOf(env, change);
    const t = targetOf(change, env);
    const created = await makeValue(t, 'create', () => env.api.createSecretKey(t.projectId, { label: t.label, scopes: change.after?.scopes as string[] }));
    await deliver(sink, t, created, 'created');
  },
  async update(change, env) {
    const roll = change.after?.roll === true;
    const sink = roll ? sinkOf(env, change) : undefined;
    const t = targetOf(change, env);
    const keyId = keyIdOf(change, env, t);
    const scopes = change.after?.scopes as string[];
    if (sorted(change.before?.scopes as string[]).join(' ') !== sorted(scopes).join(' ')) {
      await env.api.updateSecretKey(t.projectId, keyId, { scopes });
    }
    if (roll && sink) await deliver(sink, t, await makeValue(t, 'roll', () => env.api.rollSecretKey(t.projectId, keyId)), 'rolled');
  },
  async delete(change, env) {
    const t = targetOf(change, env);
    await env.api.deleteSecretKey(t.projectId, keyIdOf(change, env, t));
  },
};
