// Project secret keys. A new or rolled value exists once, in PostHog's response: it goes to the
// secret sink and nowhere else (not the plan, not the journal, not the logs, not an error).
import { ApiError } from '../../errors.ts';
import type { SecretKeyResponse } from '../../posthog/types.ts';
import type { ChangeOf } from '../../plan/types.ts';
import type { SecretSink } from '../../secrets/sink.ts';
import { projectIdOf, type ApplyEnv, type Writer } from './writer.ts';

const sorted = (scopes: readonly string[]) => [...new Set(scopes)].sort();

function keyIdOf(change: ChangeOf<'secret_key'>, env: ApplyEnv): string {
  const id = env.actual.projects[change.subject.project]?.secretKeys?.[change.subject.label]?.id;
  if (id === undefined) throw new Error(`${change.key}: the key was not found in PostHog; run plan again`);
  return id;
}

/** The safety gate refuses such a plan without a sink; this is the last line should it be bypassed. */
function sinkOf(env: ApplyEnv, change: ChangeOf<'secret_key'>): SecretSink {
  if (!env.secrets) throw new Error(`${change.key}: a new secret key value needs somewhere to go: pass --secrets-file FILE or --secrets-command CMD`);
  return env.secrets;
}

/** Deliveries tried per value: it exists only in this run's memory, so a passing sink failure gets more chances. */
export const DELIVERY_ATTEMPTS = 3;
const DELIVERY_PAUSE_MS = 250;

async function deliver(sink: SecretSink, change: ChangeOf<'secret_key'>, response: SecretKeyResponse, what: 'created' | 'rolled', pauseMs = DELIVERY_PAUSE_MS): Promise<void> {
  const { project, label } = change.subject;
  const value = response.value;
  const again = `apply --roll-secret-keys "${project}/${label}"`;
  if (!value) throw new Error(`${change.key}: PostHog ${what} the key but returned no value: roll it (${again})`);
  let why = '';
  for (let attempt = 1; attempt <= DELIVERY_ATTEMPTS; attempt++) {
    try {
      await sink.deliver({ project, label, value });
      return;
    } catch (e) {
      why = e instanceof Error ? e.message : String(e);
      if (attempt < DELIVERY_ATTEMPTS) await new Promise((r) => setTimeout(r, pauseMs * attempt));
    }
  }
  // The value is gone once this run ends: the way out is another roll.
  const dead = what === 'rolled' ? ' The old value no longer works.' : '';
  throw new Error(`${change.key}: PostHog ${what} the key, but the secret sink failed ${DELIVERY_ATTEMPTS} times (last: ${why}); the new value was kept only in memory and is lost with this run.${dead} Fix the sink, then roll the key (${again})`);
}

/** Codes of failures after which PostHog may have made the value (see src/posthog/client.ts). */
const OUTCOME_UNSEEN = new Set(['unknown_outcome', 'aborted', 'timeout', 'too_large', 'protocol']);

/**
 * The call that makes a value: when its answer never arrives (a dropped connection, a timeout,
 * Ctrl-C), PostHog may have made it, and nobody holds it. Say so, naming the key and what to do.
 */
async function makeValue(change: ChangeOf<'secret_key'>, what: 'create' | 'roll', call: () => Promise<SecretKeyResponse>): Promise<SecretKeyResponse> {
  try {
    return await call();
  } catch (e) {
    if (!(e instanceof ApiError) || !OUTCOME_UNSEEN.has(e.code ?? '')) throw e;
    const { project, label } = change.subject;
    const may = what === 'roll'
      ? 'PostHog may have rolled it: then the old value no longer works and the new one reached no sink'
      : 'PostHog may have created it: then its value reached no sink';
    throw new Error(`${change.key}: the answer to the ${what} never arrived (${e.message}). ${may}. Roll it now so a value reaches the sink: posthog-access apply --roll-secret-keys "${project}/${label}" (plan shows whether the key exists)`);
  }
}

/**
 * Just before a value is made, PostHog is asked again: a key of that label made, or rolled, since
 * the plan read it (by another apply at the same time) is not made or rolled a second time (two keys
 * of one label; or two rolls, the sink left holding the value the second one killed). Its value
 * went to the other apply's sink: the step fails, saying so and how to roll it here if needed.
 */
async function madeMeanwhile(change: ChangeOf<'secret_key'>, env: ApplyEnv, projectId: number): Promise<void> {
  const { project, label } = change.subject;
  const now = (await env.api.listSecretKeys(projectId)).find((k) => k.label === label);
  const read = env.actual.projects[project]?.secretKeys?.[label];
  const again = `if this run's sink must hold it, roll it: posthog-access apply --roll-secret-keys "${project}/${label}"`;
  if (now && !read) {
    throw new Error(`${change.key}: a key of this label was made in PostHog after the plan was read (another apply at the same time?), so it was not made twice; its value went where that apply sent it. ${again}`);
  }
  if (now && read && change.action === 'update' && (now.last_rolled_at ?? now.created_at) !== (read.lastRolledAt ?? read.createdAt)) {
    throw new Error(`${change.key}: the key was rolled in PostHog after the plan was read (another apply at the same time?), so it was not rolled again; its value went where that roll sent it. ${again}`);
  }
}

export const secretKeyWriter: Writer<'secret_key'> = {
  async create(change, env) {
    const sink = sinkOf(env, change);
    const projectId = projectIdOf(env, change.subject.project);
    await madeMeanwhile(change, env, projectId);
    const created = await makeValue(change, 'create', () => env.api.createSecretKey(projectId, { label: change.subject.label, scopes: change.after.scopes }));
    await deliver(sink, change, created, 'created');
  },
  async update(change, env) {
    const roll = change.after.roll;
    const sink = roll ? sinkOf(env, change) : undefined;
    const projectId = projectIdOf(env, change.subject.project);
    const keyId = keyIdOf(change, env);
    if (sorted(change.before.scopes).join(' ') !== sorted(change.after.scopes).join(' ')) {
      await env.api.updateSecretKey(projectId, keyId, { scopes: change.after.scopes });
    }
    if (roll && sink) {
      await madeMeanwhile(change, env, projectId);
      await deliver(sink, change, await makeValue(change, 'roll', () => env.api.rollSecretKey(projectId, keyId)), 'rolled');
    }
  },
  async delete(change, env) {
    await env.api.deleteSecretKey(projectIdOf(env, change.subject.project), keyIdOf(change, env));
  },
};
