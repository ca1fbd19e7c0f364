// What `--secrets-file` holds, held against PostHog: for each project secret key the matrix declares
// and PostHog has, whether the file's value is the key's current one. PostHog never shows a value
// again, only its mask (`phs_...abcd`), so the file's value is masked the way PostHog masks it and
// the two masks are compared (docs/cli.md#secret-keys-and-sinks). Only the verdict leaves this
// module: never the value, nor any part of it. Read-only, but for the mode (see readSecretsFile).
import type { ActualState, SecretKeySink } from '../model/actual.ts';
import type { DesiredState } from '../model/desired.ts';
import { secretKeyId } from '../plan/kinds/secret-key.ts';
import { readSecretsFile } from '../secrets/sink.ts';

/**
 * PostHog's mask of a key value: its first 4 and last 4 characters around `...`, or `********`
 * for a value under 16 characters. Counted in code points, as PostHog (Python) counts them.
 */
export function postHogMask(value: string): string {
  const chars = Array.from(value);
  if (chars.length < 16) return '********';
  return `${chars.slice(0, 4).join('')}...${chars.slice(-4).join('')}`;
}

/** The file's verdict on each declared key PostHog has; undefined without `--secrets-file`. */
export async function readSecretKeySink(path: string | undefined, desired: DesiredState, actual: ActualState): Promise<SecretKeySink | undefined> {
  if (path === undefined) return undefined;
  const secrets = await readSecretsFile(path);
  const keys: SecretKeySink['keys'] = {};
  for (const [project, spec] of Object.entries(desired.projects)) {
    for (const label of Object.keys(spec.secretKeys)) {
      const have = actual.projects[project]?.secretKeys?.[label];
      if (!have) continue; // not made yet: apply creates it and puts its value in the file
      const value = secrets?.[project]?.[label];
      const id = secretKeyId({ project, label });
      if (typeof value !== 'string' || value === '') keys[id] = 'none';
      else if (!have.mask) keys[id] = 'unknown';
      else keys[id] = postHogMask(value) === have.mask ? 'current' : 'other';
    }
  }
  return { file: path, exists: secrets !== undefined, keys };
}
