// The pipeline the commands share: load → fetch → plan, and apply of a fresh or saved plan.
// Commands (cli/commands.ts) only choose the steps and print; this module does no printing.
import { readFile } from 'node:fs/promises';
import type { Logger } from 'pino';
import { ConfigError, UnsafePlanError } from '../errors.ts';
import type { ActualState } from '../model/actual.ts';
import { loadMatrix, type LoadedMatrix } from '../matrix/load.ts';
import { createApiFromEnv, type ClosablePostHogApi } from '../posthog/api.ts';
import { canonicalHost } from '../posthog/client.ts';
import { maskKey } from '../posthog/errors.ts';
import { fetchActual, scopeOf } from '../state/fetch.ts';
import { auditApiKeys } from '../state/audit-keys.ts';
import { commandSink, fileSink, type PreparedSink } from '../secrets/sink.ts';
import type { DesiredState } from '../model/desired.ts';
import { fingerprint, moved, planChecksum } from '../plan/fingerprint.ts';
import { checkGuards, preflight } from '../plan/guards.ts';
import { buildPlan } from '../plan/plan.ts';
import type { PlanOptions } from '../plan/kind.ts';
import { PLAN_FORMAT_VERSION, type Change, type Plan } from '../plan/types.ts';
import { applyPlan, makesSecret, type ApplyReport } from '../apply/apply.ts';
import { fileJournal } from '../apply/journal.ts';

export interface Session {
  env: Record<string, string | undefined>;
  logger: Logger;
  signal?: AbortSignal;
}

/** POSTHOG_HOST, canonical (see canonicalHost): what a plan records and a saved plan is checked against. */
export function hostOf(env: Session['env']): string {
  return canonicalHost(env.POSTHOG_HOST);
}

export function connect(session: Session): ClosablePostHogApi {
  return createApiFromEnv({
    key: session.env.POSTHOG_PERSONAL_API_KEY,
    host: hostOf(session.env),
    logger: session.logger,
    ...(session.signal && { signal: session.signal }),
  });
}

/** `--at`: a date (end of nothing: the start of that day, UTC) or a full ISO time. */
export function parseAt(value: string | undefined, now: Date): Date {
  if (!value) return now;
  const at = new Date(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(at.getTime())) throw new ConfigError(`--at ${value}: not a date; use YYYY-MM-DD or an ISO time such as 2026-12-01T09:00:00Z`);
  return at;
}

export async function load(file: string, session: Session): Promise<LoadedMatrix> {
  const matrix = await loadMatrix(file, { env: session.env });
  session.logger.debug({ stage: 'load', file }, 'matrix is valid');
  return matrix;
}

export async function makePlan(
  api: ClosablePostHogApi, matrix: LoadedMatrix, session: Session,
  options: { at?: string; allowDeletes?: number; rollSecretKeys?: true | string[]; allowSsoWithoutIdp?: boolean; strict?: boolean },
): Promise<{ plan: Plan; actual: ActualState }> {
  const now = new Date();
  const at = parseAt(options.at, now);
  if (options.strict) requireApiKeyVariables(matrix.desired.apiKeys, session.env);
  const read = scopeOf(matrix.desired);
  const actual = await fetchActual(api, read);
  session.logger.info({ stage: 'fetch', calls: api.requestCount }, `read ${actual.organization.name} in ${api.requestCount} calls`);
  if (Object.keys(matrix.desired.apiKeys).length) {
    actual.apiKeys = await auditApiKeys(matrix.desired.apiKeys, session.env, hostOf(session.env), session.logger);
  }
  const plan = buildPlan({
    desired: matrix.desired, actual, at, createdAt: now, host: hostOf(session.env),
    matrix: { file: matrix.file, sha256: matrix.sha256 }, read, allowDeletes: options.allowDeletes,
    options: { rollSecretKeys: options.rollSecretKeys, allowSsoWithoutIdp: options.allowSsoWithoutIdp },
  });
  return { plan, actual };
}

/** `--strict`: every declared personal API key must be there to audit (checked before any call). */
export function requireApiKeyVariables(apiKeys: DesiredState['apiKeys'], env: Session['env']): void {
  const problems = Object.entries(apiKeys)
    .filter(([, spec]) => !env[spec.env]?.trim())
    .map(([name, spec]) => `api_keys.${name}: $${spec.env} is not set, and --strict makes an unaudited key an error: set it where the tool runs, or drop --strict`);
  if (problems.length) throw new ConfigError(problems);
}

/** The secret sink chosen on the command line, if any (checked before any call). */
export function secretSinkOf(
  flags: { secretsFile?: string; secretsCommand?: string; secretsCommandTimeout?: number }, env: Session['env'], signal?: AbortSignal,
): PreparedSink | undefined {
  if (flags.secretsFile !== undefined && flags.secretsCommand !== undefined) {
    throw new ConfigError('--secrets-file and --secrets-command both given: new secret key values go to one place; choose one');
  }
  if (flags.secretsFile !== undefined) return fileSink(flags.secretsFile);
  if (flags.secretsCommand !== undefined) {
    return commandSink(flags.secretsCommand, { env, ...(flags.secretsCommandTimeout && { timeoutMs: flags.secretsCommandTimeout * 1000 }), ...(signal && { signal }) });
  }
  return undefined;
}

/** Changes whose apply makes a new secret key value: creates and rolls. */
export function secretMakingChanges(changes: Change[]): Change[] {
  return changes.filter(makesSecret);
}

export async function readPlanFile(path: string): Promise<Plan> {
  let plan: Plan;
  try {
    plan = JSON.parse(await readFile(path, 'utf8')) as Plan;
  } catch (e) {
    throw new ConfigError(`${path}: cannot read the saved plan (${(e as Error).message}); save one with \`posthog-access plan --out ${path}\``);
  }
  if (plan?.formatVersion !== PLAN_FORMAT_VERSION || !Array.isArray(plan.changes) || !plan.fingerprint || !plan.read) {
    throw new ConfigError(`${path}: not a posthog-access plan of format version ${PLAN_FORMAT_VERSION}; save one with \`posthog-access plan --out ${path}\``);
  }
  const { checksum, ...content } = plan;
  if (checksum !== planChecksum(content)) {
    throw new UnsafePlanError(`${path} was changed after it was made (its checksum does not match): plan again, review it, and apply that plan`);
  }
  return plan;
}

/** Re-read PostHog for a saved plan and refuse it when the state moved since it was computed. */
export async function checkSavedPlan(
  api: ClosablePostHogApi, plan: Plan, session: Session, allowDeletes?: number, options: PlanOptions = {},
): Promise<ActualState> {
  if (plan.at !== plan.createdAt) {
    throw new UnsafePlanError(`the plan was computed as of ${plan.at} (--at), for review only: apply evaluates expiry as of now; plan again without --at`);
  }
  if (plan.validUntil && Date.now() >= Date.parse(plan.validUntil)) {
    throw new UnsafePlanError(`the saved plan is stale: a grant in the matrix started or ended at ${plan.validUntil}, after the plan was made. Run plan again, review it, and apply the new one`);
  }
  if (canonicalHost(plan.host) !== hostOf(session.env)) {
    throw new UnsafePlanError(`the plan was made against ${plan.host}, but POSTHOG_HOST is ${hostOf(session.env)}: run plan again against this host`);
  }
  const actual = await fetchActual(api, { ...plan.read, organization: plan.organization.id });
  const movedSections = moved(plan.fingerprint, fingerprint(actual));
  if (movedSections.length) {
    throw new UnsafePlanError(`the saved plan is stale: PostHog changed since it was made (${movedSections.join(', ')}). Run plan again, review it, and apply the new one`);
  }
  // Nothing of the flags is saved in the plan: the guards see those given to apply.
  plan.refusals = checkGuards({ changes: plan.changes, actual, safety: plan.safety, allowDeletes, options });
  return actual;
}

export function refuseIfUnsafe(plan: Plan, actual: ActualState, secrets?: PreparedSink): void {
  const refusals = [...plan.refusals, ...preflight(actual, plan.changes)];
  const making = secretMakingChanges(plan.changes);
  if (making.length && !secrets) {
    refusals.push({
      guard: 'secrets', changeIds: making.map((c) => c.id),
      message: `the plan creates or rolls ${making.length} project secret key${making.length === 1 ? '' : 's'} (${making.map((c) => c.key).join(', ')}), and PostHog shows a new value only once: pass --secrets-file FILE (a JSON file written with mode 0600) or --secrets-command CMD (gets each value on stdin) so it is kept`,
    });
  }
  if (refusals.length) {
    throw new UnsafePlanError(`nothing was applied; the plan is refused:\n${refusals.map((r) => `- ${r.guard}: ${r.message}`).join('\n')}`);
  }
}

export async function execute(
  api: ClosablePostHogApi, plan: Plan, actual: ActualState, session: Session, options: { journal?: string; concurrency?: number; secrets?: PreparedSink },
): Promise<ApplyReport> {
  const { secrets } = options;
  if (secrets && secretMakingChanges(plan.changes).length) {
    try {
      await secrets.prepare(); // a sink that cannot take the values fails here, before any key is made
    } catch (e) {
      throw new ConfigError(`nothing was applied: ${(e as Error).message}`);
    }
  }
  const key = session.env.POSTHOG_PERSONAL_API_KEY ?? '';
  let journal;
  try {
    journal = options.journal ? fileJournal(options.journal, { keyMask: maskKey(key), organization: actual.organization.id, commit: session.env.GITHUB_SHA }) : undefined;
  } catch (e) {
    throw new ConfigError(`nothing was applied: --journal ${options.journal} cannot be opened (${(e as Error).message}); give a writable path`);
  }
  try {
    return await applyPlan({ api, plan, actual, logger: session.logger, journal, concurrency: options.concurrency, signal: session.signal, ...(secrets && { secrets }) });
  } finally {
    try { journal?.close?.(); } catch { /* what was written is on disk or reported */ }
  }
}
