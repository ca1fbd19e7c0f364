// Project secret keys. A new or rolled value exists once, in PostHog's response: it goes to the
// secret sink and nowhere else (not the plan, not the journal, not the logs, not an error).
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

async function deliver(sink: SecretSink, change: ChangeOf<'secret_key'>, response: SecretKeyResponse, what: 'created' | 'rolled'): Promise<void> {
  const { project, label } = change.subject;
  const value = response.value;
  if (!value) throw new Error(`${change.key}: PostHog ${what} the key but returned no value: roll it (apply --roll-secret-keys "${project}/${label}")`);
  try {
    await sink.deliver({ project, label, value });
  } catch (e) {
    // The value is gone once this response is dropped: the way out is another roll.
    const why = e instanceof Error ? e.message : String(e);
    throw new Error(`${change.key}: PostHog ${what} the key, but the secret sink failed (${why}); fix the sink, then roll the key (apply --roll-secret-keys "${project}/${label}")`);
  }
}

export const secretKeyWriter: Writer<'secret_key'> = {
  async create(change, env) {
    const sink = sinkOf(env, change);
    const created = await env.api.createSecretKey(projectIdOf(env, change.subject.project), { label: change.subject.label, scopes: change.after.scopes });
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
    if (roll && sink) await deliver(sink, change, await env.api.rollSecretKey(projectId, keyId), 'rolled');
  },
  async delete(change, env) {
    await env.api.deleteSecretKey(projectIdOf(env, change.subject.project), keyIdOf(change, env));
  },
};
