// Which matrix files a run uses (`--matrix` repeated, or a directory), and the rule that one
// organization on one host is managed by one matrix. Its own module: `validate` uses both without
// loading the HTTP client or the planner.
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError } from '../errors.ts';
import { canonicalHost } from '../model/host.ts';

/**
 * `--matrix` as given (repeatable): files as they are, and each directory as every `*.yaml` file in
 * it, sorted by name. Nothing given: access-matrix.yaml.
 */
export async function matrixFiles(given: string | readonly string[] | undefined, fallback = 'access-matrix.yaml'): Promise<string[]> {
  const list = [given ?? []].flat();
  const files: string[] = [];
  for (const entry of list.length ? list : [fallback]) {
    let directory = false;
    try { directory = (await stat(entry)).isDirectory(); } catch { directory = false; } // a missing file is the loader's to report
    if (!directory) { files.push(entry); continue; }
    const names = (await readdir(entry)).filter((n) => n.endsWith('.yaml')).sort();
    if (!names.length) throw new ConfigError(`--matrix ${entry}: a directory with no *.yaml file in it; give the matrix files, or the directory that holds them`);
    files.push(...names.map((n) => join(entry, n)));
  }
  return [...new Set(files)];
}

/**
 * Two matrices for one organization on one host would each plan against the other's changes: refused
 * before any call, naming both. `@current` is the key's organization: the same for two matrices whose
 * key is read from the same variable.
 */
export function duplicateOrganizations(list: readonly { file: string; host: string; organization: string; apiKeyEnv?: string | undefined }[]): { file: string; message: string }[] {
  const seen = new Map<string, string>();
  const problems: { file: string; message: string }[] = [];
  for (const { file, host, organization, apiKeyEnv } of list) {
    const who = organization === '@current' ? `@current (the organization of $${apiKeyEnv ?? 'POSTHOG_PERSONAL_API_KEY'}'s key)` : organization;
    const id = `${canonicalHost(host)}\n${who}`;
    const first = seen.get(id);
    if (first !== undefined) problems.push({ file, message: `${first} and ${file} both name organization ${who} on ${canonicalHost(host)}: one organization is managed by one matrix; merge them, or remove one from --matrix` });
    else seen.set(id, file);
  }
  return problems;
}

/** `duplicateOrganizations`, refused: before any call to PostHog. */
export function refuseDuplicates(list: Parameters<typeof duplicateOrganizations>[0]): void {
  const problems = duplicateOrganizations(list);
  if (problems.length) throw new ConfigError(problems.map((p) => p.message));
}
