// The pipeline the commands share: load → fetch → plan, and apply of a fresh or saved plan.
// Commands (cli/commands.ts) only choose the steps and print; this module does no printing.
import { readFile, realpath } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Logger } from 'pino';
import { ConfigError, UnsafePlanError } from '../errors.ts';
import type { ActualState } from '../model/actual.ts';
import { loadMatrix, type LoadedMatrix } from '../matrix/read.ts';
import { createApiFromEnv, type ClosablePostHogApi } from '../posthog/api.ts';
import { canonicalHost } from '../posthog/client.ts';
import { maskKey } from '../posthog/errors.ts';
import { readCreated } from '../state/created.ts';
import { fetchActual, readRulesElsewhere } from '../state/fetch.ts';
import { readSecretKeyJournal } from '../state/secret-journal.ts';
import { readSecretKeySink } from '../state/secret-sink.ts';
import { auditApiKeys } from '../state/audit-keys.ts';
import { commandSink, fileSink, type PreparedSink } from '../secrets/sink.ts';
import type { DesiredState } from '../model/desired.ts';
import { accessListInSlices, draftSteps, withReview } from '../plan/plan.ts';
import { finish, inSlices } from '../util/slices.ts';
import { readResolutionPreview } from '../state/preview.ts';
import { modeOf } from '../access/view.ts';
import type { ResolutionMode } from '../access/effective.ts';
import type { PlanOptions } from '../plan/kind.ts';
import { parsePlan, PlanFormatError } from '../plan/read.ts';
import { foreseenRemovals, readScopeOf, removedSubjects, unforeseen, type Removals } from '../plan/reads.ts';
import { refusalsOf, secretMakingChanges, type GateContext, type GatedOrganization } from '../plan/safety.ts';
import type { OrganizationPlan, Plan, Refusal } from '../plan/types.ts';
import { applyPlan, type ApplyReport } from '../apply/apply.ts';
import { fileJournal } from '../apply/journal.ts';
import { defaultSleep, rateLimiterFor } from '../posthog/rate-limiter.ts';
import { cacheDirOf } from '../posthog/call-log.ts';
import type { Progress } from './progress.ts';
import { matrixFiles, refuseDuplicates } from './matrix-files.ts';

export { matrixFiles, refuseDuplicates };
import { count } from '../util/english.ts';

export interface Session {
  env: Record<string, string | undefined>;
  logger: Logger;
  signal?: AbortSignal;
  /** Progress on stderr (cli/progress.ts), for plan and apply. */
  progress?: Progress;
}

/** POSTHOG_HOST, canonical (see canonicalHost): what a plan records and a saved plan is checked against. */
export function hostOf(env: Session['env']): string {
  return canonicalHost(env.POSTHOG_HOST);
}

/**
 * The session for a matrix's organization: its `organization.host` and the key in the variable
 * `organization.api_key_env` names, where the matrix gives them (else POSTHOG_HOST and
 * POSTHOG_PERSONAL_API_KEY, as before).
 */
export function forOrganization(session: Session, desired: DesiredState): Session {
  const { host, apiKeyEnv } = desired.organization;
  if (host === undefined && apiKeyEnv === undefined) return session;
  const env = { ...session.env };
  if (host !== undefined) env.POSTHOG_HOST = host;
  if (apiKeyEnv !== undefined) {
    const key = session.env[apiKeyEnv];
    if (!key?.trim()) throw new ConfigError(`organization.api_key_env names $${apiKeyEnv}, which is not set: set it to the personal API key of this organization's admin`);
    env.POSTHOG_PERSONAL_API_KEY = key;
  }
  return { ...session, env };
}

export function connect(session: Session): ClosablePostHogApi {
  const { progress } = session;
  // The rate limiter's waits are shown as progress: a long apply under PostHog's limits is not stuck.
  // Calls an earlier command made with this key still count at PostHog: start from them.
  const callLogDir = cacheDirOf(session.env);
  const paced = progress && { client: { rateLimiter: rateLimiterFor(session.env.POSTHOG_RATE_LIMIT, { sleep: (ms, signal) => { progress.waiting(ms); return defaultSleep(ms, signal); } }) } };
  return createApiFromEnv({
    key: session.env.POSTHOG_PERSONAL_API_KEY,
    host: hostOf(session.env),
    rateLimit: session.env.POSTHOG_RATE_LIMIT,
    ...paced,
    ...(callLogDir && { callLogDir }),
    logger: session.logger,
    ...(session.signal && { signal: session.signal }),
  });
}

/** `--at`: a date (end of nothing: the start of that day, UTC) or a full ISO time. */
export function parseAt(value: string | undefined, now: Date): Date {
  if (!value) return now;
  const at = new Date(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(at.getTime())) throw new ConfigError(`--at ${value}: not a date; use YYYY-MM-DD or an ISO time such as 2026-12-01T09:00:00Z`);
  // JavaScript rolls 2026-02-30 over to March 2: a day the month does not have is refused instead.
  const day = /^(\d{4})-(\d{2})-(\d{2})/.exec(value);
  if (day) {
    const [y, m, d] = day.slice(1).map(Number) as [number, number, number];
    const real = new Date(Date.UTC(y, m - 1, d));
    if (real.getUTCFullYear() !== y || real.getUTCMonth() !== m - 1 || real.getUTCDate() !== d) {
      throw new ConfigError(`--at ${value}: ${day[0]} is not a day of the calendar (that month has no day ${d}); use YYYY-MM-DD with a real date`);
    }
  }
  return at;
}

export async function load(file: string, session: Session): Promise<LoadedMatrix> {
  const matrix = await loadMatrix(file, { env: session.env });
  session.logger.debug({ stage: 'load', file }, 'matrix is valid');
  return matrix;
}

/** An organization of the run: its matrix and the session that talks to it (its host, its key). */
export interface OrganizationRun {
  matrix: LoadedMatrix;
  session: Session;
}

/** Load every matrix (all before any call) and give each its organization's session. */
export async function loadOrganizations(files: readonly string[], session: Session): Promise<OrganizationRun[]> {
  const runs: OrganizationRun[] = [];
  for (const file of files) {
    const matrix = await load(file, session);
    runs.push({ matrix, session: forOrganization(session, matrix.desired) });
  }
  refuseDuplicates(runs.map(({ matrix, session: s }) => ({ file: matrix.file, host: hostOf(s.env), organization: matrix.desired.organization.id, apiKeyEnv: matrix.desired.organization.apiKeyEnv })));
  return runs;
}


export interface PlanRunOptions {
  /** The apply journal, read for secret key values that reached no sink (src/state/secret-journal.ts). */
  journal?: string;
  /** `--secrets-file`, compared with PostHog's masks for values it does not hold (src/state/secret-sink.ts). */
  secretsFile?: string;
  at?: string; allowDeletes?: number; rollSecretKeys?: true | string[]; allowSsoWithoutIdp?: boolean; strict?: boolean; resolution?: ResolutionMode;
}

/** One organization's part of the plan, from its matrix and PostHog as read now. */
export async function makePlan(
  api: ClosablePostHogApi, matrix: LoadedMatrix, session: Session, options: PlanRunOptions, times: { now: Date; at: Date } = { now: new Date(), at: parseAt(options.at, new Date()) },
): Promise<{ plan: OrganizationPlan; actual: ActualState }> {
  const { now, at } = times;
  if (options.strict) requireApiKeyVariables(matrix.desired.apiKeys, session.env);
  const read = readScopeOf(matrix.desired);
  session.progress?.phase('reading PostHog');
  const actual = await fetchActual(api, read);
  await readSecretKeyRecords(actual, matrix.desired, options);
  session.progress?.phase('planning');
  session.logger.info({ stage: 'fetch', calls: api.requestCount }, `read ${actual.organization.name} in ${count(api.requestCount, 'call')}`);
  if (Object.keys(matrix.desired.apiKeys).length) {
    actual.apiKeys = await auditApiKeys(matrix.desired.apiKeys, session.env, hostOf(session.env), session.logger);
  }
  // `--resolution most-specific`: PostHog's own preview of the switch, to hold the model against.
  const switching = options.resolution !== undefined && options.resolution !== modeOf(actual);
  const preview = switching && options.resolution === 'most_specific' ? await readResolutionPreview(api, actual) : undefined;
  const planOptions: PlanOptions = { rollSecretKeys: options.rollSecretKeys, allowSsoWithoutIdp: options.allowSsoWithoutIdp, ...(options.resolution && { resolution: options.resolution }) };
  const plan = await withCascades(api, actual, foreseenRemovals(matrix.desired, actual, at, planOptions), () => draftSteps({
    desired: matrix.desired, actual, at, createdAt: now, host: hostOf(session.env),
    matrix: { file: matrix.file, sha256: matrix.sha256 }, read, allowDeletes: options.allowDeletes,
    options: planOptions,
    ...(preview && { preview }),
  }), true);
  return { plan, actual };
}

/** What this machine knows of secret key values beyond PostHog: the apply journal, and the secrets file when given. */
async function readSecretKeyRecords(actual: ActualState, desired: DesiredState, files: { journal?: string | undefined; secretsFile?: string | undefined }): Promise<void> {
  actual.secretKeyJournal = await readSecretKeyJournal(files.journal, actual.organization.id);
  try {
    actual.secretKeySink = await readSecretKeySink(files.secretsFile, desired, actual);
  } catch (e) {
    // Refused (a symlink, not a regular file, not the JSON apply writes) or unreadable: its message names the path, never the content.
    throw new ConfigError((e as Error).message);
  }
}

/**
 * Runs `work` for every organization at once and waits for all of them, so none is left running
 * when one fails; then the first failure is thrown, naming its matrix when there are several.
 */
export async function eachOrganization<T, R>(items: readonly T[], fileOf: (item: T) => string, work: (item: T) => Promise<R>): Promise<R[]> {
  const settled = await Promise.allSettled(items.map(work));
  const failed = settled.findIndex((r) => r.status === 'rejected');
  if (failed === -1) return settled.map((r) => (r as PromiseFulfilledResult<R>).value);
  const error = (settled[failed] as PromiseRejectedResult).reason as unknown;
  if (items.length > 1) {
    const file = fileOf(items[failed]!);
    if (error instanceof ConfigError) throw new ConfigError(error.problems.map((p) => `${file}: ${p}`));
    if (error instanceof Error) error.message = `${file}: ${error.message}`;
  }
  throw error;
}

/**
 * The plan, drafted once what its team and member removals (foreseen before the draft:
 * src/plan/reads.ts) take with them in projects the matrix does not name is read, so max_deletes
 * counts all of it. With `forReview`, also what only a reviewer reads: what removed members
 * created (the offboarding warnings, docs/cli.md, "Offboarding") and who gains or loses what. Those
 * reads change nothing else in the plan, so they go on while it is drafted and who gains or loses
 * what is worked out, both in slices (src/util/slices.ts) so that the replies are taken and the
 * next reads sent between them. A saved plan made again to be compared leaves both out: neither
 * is part of what must match (src/plan/safety.ts reviewRefusals).
 */
export async function withCascades(api: ClosablePostHogApi, actual: ActualState, foreseen: Removals, draft: () => Generator<void, OrganizationPlan>, forReview: boolean): Promise<OrganizationPlan> {
  const readElsewhere = async (removing: Removals) => {
    if (removing.teams.length || removing.members.length) await readRulesElsewhere(api, actual, removing);
  };
  // A plan that fails asks for no further offboarding list (those in flight finish).
  const stop = new AbortController();
  const readCreatedBy = (removing: Removals) => (forReview && removing.members.length ? readCreated(api, actual, removing.members, { stop: stop.signal }) : undefined);
  await readElsewhere(foreseen);
  let created = readCreatedBy(foreseen);
  try {
    if (created) {
      // Awaited below: a failure before then is the plan's, not an unhandled rejection.
      created.catch(() => {});
      // The first reads go out before the draft holds the thread.
      await new Promise((resolve) => setImmediate(resolve));
    }
    let plan = await inSlices(draft());
    // A removal the forecast missed (it never should) is read for all the same, and the plan drafted again.
    const removing = removedSubjects(plan.changes);
    const missed = unforeseen(removing, foreseen);
    if (missed.teams.length || missed.members.length) {
      await created;
      await readElsewhere(removing);
      created = readCreatedBy(removing);
      await created;
      plan = finish(draft());
    }
    if (!forReview) return plan;
    const access = await accessListInSlices(actual, plan.changes);
    await created;
    return withReview(plan, actual, access);
  } catch (e) {
    stop.abort();
    throw e;
  }
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

// The hint never names the file that was given: it may be the matrix, which `--out` would overwrite.
const SAVE_A_PLAN = 'save a plan with `posthog-access plan --out plan.json`, then `posthog-access apply plan.json`';

/**
 * `plan --out FILE` writes only a new file or over an earlier saved plan: never over the matrix,
 * a YAML file, or anything else (checked before PostHog is read).
 */
export async function checkOutPath(out: string, matrices: string | string[]): Promise<void> {
  const nothing = 'nothing was written; save the plan under another name, such as plan.json';
  if (/\.ya?ml$/i.test(out)) throw new ConfigError(`--out ${out}: a YAML file, and a saved plan is JSON: ${nothing}`);
  const real = async (p: string) => { try { return await realpath(p); } catch { return resolve(p); } };
  const target = await real(out);
  for (const matrix of [matrices].flat()) {
    if (target === await real(matrix)) throw new ConfigError(`--out ${out} is the access matrix: ${nothing}`);
  }
  let text: string;
  try {
    text = await readFile(out, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw new ConfigError(`--out ${out}: cannot be checked before it is replaced (${(e as Error).message}): ${nothing}`);
  }
  let saved: { tool?: { name?: unknown }; formatVersion?: unknown } | undefined;
  try { saved = JSON.parse(text) as typeof saved; } catch { saved = undefined; }
  if (saved?.tool?.name !== 'posthog-access' || typeof saved.formatVersion !== 'number') {
    throw new ConfigError(`--out ${out}: the file exists and is not a saved posthog-access plan, so it is not replaced: ${nothing}`);
  }
}

export async function readPlanFile(path: string): Promise<Plan> {
  let data: unknown;
  try {
    data = JSON.parse(await readFile(path, 'utf8'));
  } catch (e) {
    throw new ConfigError(`${path}: cannot read the saved plan (${(e as Error).message}); ${SAVE_A_PLAN}`);
  }
  try {
    return parsePlan(data);
  } catch (e) {
    if (!(e instanceof PlanFormatError)) throw e;
    if (e.message.startsWith('it was changed')) throw new UnsafePlanError(`${path} was changed after it was made (its checksum does not match): plan again, review it, and apply that plan`);
    throw new ConfigError(`${path}: ${e.message}; ${SAVE_A_PLAN}`);
  }
}

function refuseIf(refusals: Refusal[]): void {
  if (refusals.length) throw new UnsafePlanError(`nothing was applied; the plan is refused:\n${refusals.map((r) => `- ${r.guard}: ${r.message}`).join('\n')}`);
}

/** `--roll-secret-keys` as the saved plan was made with it: its rolls asked for by that flag. */
function rollsOf(plan: OrganizationPlan): string[] | undefined {
  const rolls = plan.changes.flatMap((c) => (c.kind === 'secret_key' && c.action === 'update' && c.after.roll && c.reason.includes('--roll-secret-keys') ? [`${c.subject.project}/${c.subject.label}`] : []));
  return rolls.length ? rolls : undefined;
}

/** Refusals of one organization among several name it; with one, they read as before. */
function naming(refusals: Refusal[], org: Pick<OrganizationPlan, 'organization' | 'matrix'>, several: boolean): Refusal[] {
  return several ? refusals.map((r) => ({ ...r, message: `${org.organization.name} (${org.matrix.file}): ${r.message}` })) : refusals;
}

/** An organization of a saved plan, checked before any call: its matrix (loaded again, same content) and the session its matrix gives. */
export interface SavedOrganization {
  /** The organization as its file records it, with the plan's times and its host canonical. */
  reviewed: GatedOrganization;
  matrix: LoadedMatrix;
  session: Session;
}

/**
 * A saved plan applies only as reviewed. Before any call, every organization in it must be for now
 * and for the host its matrix names (else POSTHOG_HOST), and its matrix must load with the content
 * it had: one that is not refuses the whole plan, nothing applied anywhere.
 */
export async function openSavedPlan(saved: Plan, session: Session): Promise<SavedOrganization[]> {
  const now = new Date();
  const several = saved.organizations.length > 1;
  const refusals: Refusal[] = [];
  const problems: string[] = [];
  const opened: SavedOrganization[] = [];
  for (const org of saved.organizations) {
    // One host written two ways (a trailing /, localhost) is one host.
    const reviewed: GatedOrganization = { ...org, host: canonicalHost(org.host), at: saved.at, createdAt: saved.createdAt };
    const gate = (s: Session) => naming(refusalsOf(reviewed, { apply: { now, host: hostOf(s.env), saved: true, secretSink: true } }), org, several);
    let matrix: LoadedMatrix;
    try {
      matrix = await loadMatrix(org.matrix.file, { env: session.env });
    } catch (e) {
      refusals.push(...gate(session));
      const why = e instanceof ConfigError ? e.problems.slice(0, 3).join('; ') : (e as Error).message;
      problems.push(`the plan was made from the matrix ${org.matrix.file}, which cannot be loaded now (${why}): apply a saved plan from the folder plan ran in, with the same matrix`);
      continue;
    }
    let orgSession: Session;
    try {
      orgSession = forOrganization(session, matrix.desired);
    } catch (e) {
      refusals.push(...gate(session));
      problems.push(`${org.matrix.file}: ${(e as Error).message}`);
      continue;
    }
    refusals.push(...gate(orgSession));
    if (matrix.sha256 !== org.matrix.sha256) {
      problems.push(`the matrix ${org.matrix.file} changed since the plan was made (its content hash differs): run plan again, review it, and apply that plan`);
    }
    opened.push({ reviewed, matrix, session: orgSession });
  }
  refuseIf(refusals);
  if (problems.length) throw new UnsafePlanError(problems.join('\n'));
  refuseDuplicates(opened.map(({ matrix, session: s }) => ({ file: matrix.file, host: hostOf(s.env), organization: matrix.desired.organization.id, apiKeyEnv: matrix.desired.organization.apiKeyEnv })));
  return opened;
}

/**
 * One organization of a saved plan, with PostHog read again: the plan is made again from the
 * matrix it names and PostHog as read now, and the file must say exactly what that plan says. What
 * is applied, and judged by the guards with the matrix's safety settings and this run's flags, is
 * that plan: nothing in the file is trusted beyond matching it. Returns, not throws, why it is
 * stale or not as reviewed: a saved plan is refused as a whole when any organization is.
 */
export async function recheckSavedOrganization(
  api: ClosablePostHogApi, item: SavedOrganization, allowDeletes?: number, options: PlanOptions = {}, files: { journal?: string | undefined; secretsFile?: string | undefined } = {},
): Promise<{ plan: OrganizationPlan; actual: ActualState; stale: Refusal[] }> {
  const { reviewed, matrix, session } = item;
  const now = new Date();
  const read = readScopeOf(matrix.desired);
  session.progress?.phase('reading PostHog again for the saved plan');
  const actual = await fetchActual(api, read);
  await readSecretKeyRecords(actual, matrix.desired, files);
  const planOptions: PlanOptions = { ...options, rollSecretKeys: rollsOf(reviewed) };
  const plan = await withCascades(api, actual, foreseenRemovals(matrix.desired, actual, now, planOptions), () => draftSteps({
    desired: matrix.desired, actual, at: now, createdAt: now, host: hostOf(session.env),
    matrix: { file: matrix.file, sha256: matrix.sha256 }, read, allowDeletes,
    options: planOptions,
    // The offboarding warnings and who gains or loses what were in the plan that was reviewed.
  }), false);
  // Nothing of the flags is saved in the plan: the guards see those given to apply.
  const apply = { now, host: hostOf(session.env), saved: true, secretSink: true, reviewed };
  plan.refusals = refusalsOf({ ...plan, at: now.toISOString(), createdAt: now.toISOString() }, { actual, allowDeletes, options, apply });
  return { plan, actual, stale: plan.refusals.filter((r) => r.guard === 'stale' || r.guard === 'reviewed') };
}

/** Why not to apply a saved plan: its organizations' stale and not-as-reviewed refusals, each named when there are several. */
export function refuseIfStale(organizations: readonly { plan: Pick<OrganizationPlan, 'organization' | 'matrix'>; stale: Refusal[] }[]): void {
  refuseIf(organizations.flatMap(({ plan, stale }) => naming(stale, plan, organizations.length > 1)));
}

/** The safety gate before any write to one organization, with the state as read and what this apply was given. */
export function applyRefusals(
  plan: OrganizationPlan, actual: ActualState, context: Omit<GateContext, 'actual' | 'apply'> & { saved: boolean; secrets?: PreparedSink; reviewed?: GatedOrganization }, session: Session,
): Refusal[] {
  const now = new Date();
  const times = context.reviewed ? { at: context.reviewed.at, createdAt: context.reviewed.createdAt } : { at: now.toISOString(), createdAt: now.toISOString() };
  return refusalsOf({ ...plan, ...times, host: canonicalHost(plan.host) }, {
    actual, allowDeletes: context.allowDeletes, options: context.options ?? {},
    apply: {
      now, host: hostOf(session.env), saved: context.saved, secretSink: context.secrets !== undefined,
      ...(context.reviewed && { reviewed: context.reviewed }),
    },
  });
}

/** The refusals of apply, as an error: nothing was applied (to this organization). */
export function refusedError(refusals: Refusal[]): UnsafePlanError {
  return new UnsafePlanError(`nothing was applied; the plan is refused:\n${refusals.map((r) => `- ${r.guard}: ${r.message}`).join('\n')}`);
}

export async function execute(
  api: ClosablePostHogApi, plan: Pick<OrganizationPlan, 'changes'>, actual: ActualState, session: Session, options: { journal?: string; concurrency?: number; secrets?: PreparedSink },
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
    session.progress?.phase('applying', plan.changes.length);
    return await applyPlan({
      api, plan, actual, logger: session.logger, journal, concurrency: options.concurrency, signal: session.signal, ...(secrets && { secrets }),
      ...(session.progress && { onStep: () => session.progress?.step() }),
    });
  } finally {
    try { journal?.close?.(); } catch { /* what was written is on disk or reported */ }
  }
}
