// The pipeline the commands share: load → fetch → plan, and apply of a fresh or saved plan.
// Commands (cli/commands.ts) only choose the steps and print; this module does no printing.
import { readFile } from 'node:fs/promises';
import type { Logger } from 'pino';
import { ConfigError, UnsafePlanError } from '../errors.ts';
import type { ActualState } from '../model/actual.ts';
import { loadMatrix, type LoadedMatrix } from '../matrix/load.ts';
import { createApiFromEnv, type ClosablePostHogApi } from '../posthog/api.ts';
import { DEFAULT_HOST } from '../posthog/client.ts';
import { maskKey } from '../posthog/errors.ts';
import { fetchActual, scopeOf } from '../state/fetch.ts';
import { fingerprint, moved } from '../plan/fingerprint.ts';
import { checkGuards, preflight } from '../plan/guards.ts';
import { buildPlan } from '../plan/plan.ts';
import type { PlanOptions } from '../plan/kind.ts';
import { PLAN_FORMAT_VERSION, type Plan } from '../plan/types.ts';
import { applyPlan, type ApplyReport } from '../apply/apply.ts';
import { fileJournal } from '../apply/journal.ts';

export interface Session {
  env: Record<string, string | undefined>;
  logger: Logger;
  signal?: AbortSignal;
}

export function hostOf(env: Session['env']): string {
  return env.POSTHOG_HOST?.trim() || DEFAULT_HOST;
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
  options: { at?: string; allowDeletes?: number; rollSecretKeys?: true | string[]; allowSsoWithoutIdp?: boolean },
): Promise<{ plan: Plan; actual: ActualState }> {
  const now = new Date();
  const at = parseAt(options.at, now);
  const read = scopeOf(matrix.desired);
  const actual = await fetchActual(api, read);
  session.logger.info({ stage: 'fetch', calls: api.requestCount }, `read ${actual.organization.name} in ${api.requestCount} calls`);
  const plan = buildPlan({
    desired: matrix.desired, actual, at, createdAt: now, host: hostOf(session.env),
    matrix: { file: matrix.file, sha256: matrix.sha256 }, read, allowDeletes: options.allowDeletes,
    options: { rollSecretKeys: options.rollSecretKeys, allowSsoWithoutIdp: options.allowSsoWithoutIdp },
  });
  return { plan, actual };
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
  return plan;
}

/** Re-read PostHog for a saved plan and refuse it when the state moved since it was computed. */
export async function checkSavedPlan(
  api: ClosablePostHogApi, plan: Plan, session: Session, allowDeletes?: number, options: PlanOptions = {},
): Promise<ActualState> {
  if (plan.host !== hostOf(session.env)) {
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

export function refuseIfUnsafe(plan: Plan, actual: ActualState): void {
  const refusals = [...plan.refusals, ...preflight(actual, plan.changes)];
  if (refusals.length) {
    throw new UnsafePlanError(`nothing was applied; the plan is refused:\n${refusals.map((r) => `- ${r.guard}: ${r.message}`).join('\n')}`);
  }
}

export async function execute(
  api: ClosablePostHogApi, plan: Plan, actual: ActualState, session: Session, options: { journal?: string; concurrency?: number },
): Promise<ApplyReport> {
  const key = session.env.POSTHOG_PERSONAL_API_KEY ?? '';
  const journal = options.journal
    ? fileJournal(options.journal, { keyMask: maskKey(key), organization: actual.organization.id, commit: session.env.GITHUB_SHA })
    : undefined;
  return applyPlan({ api, plan, actual, logger: session.logger, journal, concurrency: options.concurrency, signal: session.signal });
}
