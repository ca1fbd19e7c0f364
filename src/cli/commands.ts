// The commands: each chooses pipeline steps, prints to stdout and returns an exit code
// (0 nothing to do or success, 1 error or refused, 2 changes present: docs/cli.md).
import { once } from 'node:events';
import { open, rename, rm } from 'node:fs/promises';
import { createInterface } from 'node:readline/promises';
import { ConfigError, InternalError, UnsafePlanError } from '../errors.ts';
import { render, type RenderFormat } from '../plan/render/index.ts';
import type { OrganizationPlan, Plan } from '../plan/types.ts';
import type { ActualState } from '../model/actual.ts';
import type { GatedOrganization } from '../plan/safety.ts';
import { assemblePlan } from '../plan/plan.ts';
import { renderReport } from '../apply/report.ts';
import type { ApplyReport } from '../apply/apply.ts';
import { renderJsonChunks } from '../plan/render/json.ts';
import { ATTRIBUTED_SCOPES, attribute } from '../plan/attribution.ts';
import { readActivity } from '../state/activity.ts';
import { EXIT } from './exit.ts';
import { DEFAULT_LOCK_WAIT_MS, acquireApplyLock, type ApplyLock } from '../apply/lock.ts';
import type { ClosablePostHogApi } from '../posthog/api.ts';
import { applyRefusals, checkOutPath, connect, eachOrganization, execute, hostOf, loadOrganizations, makePlan, matrixFiles, openSavedPlan, parseAt, readPlanFile, recheckSavedOrganization, refusedError, refuseDuplicates, refuseIfStale, secretSinkOf, type Session } from './pipeline.ts';
import { count } from '../util/english.ts';
import { secretMakingChanges } from '../plan/safety.ts';
import type { Progress } from './progress.ts';
import { reviewDueNotices } from '../review/record.ts';
import { append } from '../util/append.ts';

export interface Io {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  /** Colour on stdout (a terminal, and NO_COLOR unset). */
  color: boolean;
}

export interface PlanFlags {
  /** `--matrix`, repeatable: files, or directories of `*.yaml` files (access-matrix.yaml when none). */
  matrix: string | string[];
  format: RenderFormat;
  out?: string;
  /** The apply journal (`--journal`): read by plan and drift for secret key values that reached no sink. */
  journal?: string;
  /** `--secrets-file`: plan and drift compare it with PostHog for dead or missing values; apply also writes new ones to it (mode 0600). */
  secretsFile?: string;
  at?: string;
  detailedExitcode?: boolean;
  allowDeletes?: number;
  /** `--roll-secret-keys [labels...]`: true for all declared keys. */
  rollSecretKeys?: true | string[];
  allowSsoWithoutIdp?: boolean;
  /** `--strict`: a declared API key whose variable is unset is an error, not a warning. */
  strict?: boolean;
  /** `--timeout`: seconds the whole run may take. */
  timeout?: number;
  /** `plan --resolution`: show what switching the organization to this mode would change. */
  resolution?: 'legacy' | 'most_specific';
}

export interface ApplyFlags extends PlanFlags {
  yes?: boolean;
  journal?: string;
  concurrency?: number;
  /** Where new secret key values go, if not to `secretsFile`: a command fed each value on stdin. */
  secretsCommand?: string;
  /** Seconds to wait for another apply to the same organization on this machine (default 300; 0 refuses at once). */
  lockWait?: number;
  /** Seconds one run of --secrets-command may take (default 60). */
  secretsCommandTimeout?: number;
}

export { EXIT } from './exit.ts';
export { validateCommand } from './validate.ts';

/**
 * JSON in pieces, each once the reader has taken the last (a pipe takes 64 KB at a time): a large
 * plan's JSON is never held whole, as one string or as queued writes.
 */
async function writeChunks(io: Io, chunks: Iterable<string>): Promise<void> {
  for (const chunk of chunks) {
    if (!io.stdout.write(chunk)) await once(io.stdout, 'drain');
  }
}

async function print(io: Io, plan: Plan, format: RenderFormat, command: 'plan' | 'drift' = 'plan'): Promise<void> {
  if (format === 'json') return writeChunks(io, renderJsonChunks(plan));
  const text = render(plan, format, { color: io.color, command });
  io.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

/**
 * A plan saved as JSON (`--out`), written in pieces to a file beside it, then renamed over it: a run
 * cut off while writing leaves the earlier plan (or none), never a truncated one that `--out` would
 * then refuse to overwrite.
 */
async function writePlanFile(path: string, plan: Plan): Promise<void> {
  const partial = `${path}.${process.pid}.partial`;
  const file = await open(partial, 'wx');
  try {
    try {
      for (const chunk of renderJsonChunks(plan)) await file.write(chunk);
    } finally {
      await file.close();
    }
    await rename(partial, path);
  } catch (e) {
    await rm(partial, { force: true });
    throw e;
  }
}

/** Refusals of a plan on stderr, plainly, naming the organization when there are several. */
function refusalLines(plan: Plan): string {
  const several = plan.organizations.length > 1;
  return plan.organizations.flatMap((o) => o.refusals.map((r) => `the plan is refused${several ? ` in ${o.organization.name} (${o.matrix.file})` : ''}: ${r.message}`)).join('\n');
}

export async function planCommand(flags: PlanFlags, session: Session, io: Io, mode: 'plan' | 'drift' = 'plan'): Promise<number> {
  const files = await matrixFiles(flags.matrix);
  const runs = await loadOrganizations(files, session);
  if (flags.out) await checkOutPath(flags.out, files);
  const now = new Date();
  const times = { now, at: parseAt(flags.at, now) };
  // Every organization is read at once, each with its own client, pacing and key.
  const organizations = await eachOrganization(runs, (r) => r.matrix.file, async ({ matrix, session: own }) => {
    const api = connect(own);
    let failed = true;
    try {
      const { plan, actual } = await makePlan(api, matrix, own, flags, times);
      // The matrix's review.every_days: a notice when the newest review record is older (docs/review.md).
      plan.notices.push(...await reviewDueNotices(matrix, actual.organization.id, now));
      if (mode === 'drift' && plan.changes.length) {
        // Who made PostHog drift: one read of the activity log, when the organization has one.
        const activity = await readActivity(api, actual, ATTRIBUTED_SCOPES);
        if (activity) append(plan.notices, attribute(plan.changes, actual, activity));
      }
      failed = false;
      return plan;
    } finally {
      // A read that failed ends the plan at once: reads started beside it (src/state/fetch.ts) are dropped, not waited for.
      await api.close(failed);
    }
  });
  // `@current` and an organization's id can name one organization: refused once PostHog says so.
  refuseDuplicates(organizations.map((o) => ({ file: o.matrix.file, host: o.host, organization: o.organization.id })));
  const plan = assemblePlan({ createdAt: now, at: times.at, organizations });
  await print(io, plan, flags.format, mode);
  if (flags.out) {
    await writePlanFile(flags.out, plan);
    session.logger.info({ stage: 'plan', out: flags.out }, `saved the plan to ${flags.out}; apply it with \`posthog-access apply ${flags.out}\``);
  }
  // Manual steps (a domain to verify, a personal key to fix) are drift too: the matrix is not met.
  const changed = plan.organizations.some((o) => o.changes.length > 0 || (mode === 'drift' && o.manualSteps.length > 0));
  if (mode === 'drift') return changed ? EXIT.changes : EXIT.ok;
  if (plan.organizations.some((o) => o.refusals.length)) {
    // Said once more on stderr, plainly (stdout may be JSON for a machine or Markdown for a comment).
    throw new UnsafePlanError(refusalLines(plan));
  }
  return flags.detailedExitcode && changed ? EXIT.changes : EXIT.ok;
}

/** Asks before applying what the gate let through (an organization it refused is neither applied nor counted). */
async function confirm(io: Io, applied: readonly OrganizationPlan[]): Promise<boolean> {
  const rl = createInterface({ input: io.stdin, output: io.stdout });
  const changes = applied.reduce((n, o) => n + o.changes.length, 0);
  const where = applied.filter((o) => o.changes.length).map((o) => o.organization.name).join(', ');
  try {
    const answer = await rl.question(`\nApply ${count(changes, 'change')} to ${where}? Only 'yes' is accepted: `);
    return answer.trim() === 'yes';
  } finally {
    rl.close();
  }
}

type ApplyStatus = 'applied' | 'failed' | 'stopped' | 'refused' | 'nothing_to_do';

/** What became of one organization's part of an apply. */
interface OrganizationOutcome {
  plan: OrganizationPlan;
  status: ApplyStatus;
  report?: ApplyReport;
  /** Why it was refused, or why it could not be applied (an error before any write). */
  reason?: string;
}

function reportStatus(report: ApplyReport): ApplyStatus {
  return report.stopped ? 'stopped' : report.failed || report.skipped ? 'failed' : 'applied';
}

/** The worst of the organizations' outcomes, as one status (the order says which is worst). */
const STATUS_ORDER: ApplyStatus[] = ['stopped', 'refused', 'failed', 'applied', 'nothing_to_do'];

/**
 * `apply --format json`: one document, the plan and what became of each change. With one
 * organization `apply` is as before (status, counts, results); `organizations` has one entry each.
 */
function applyJson(outcomes: readonly OrganizationOutcome[]): Record<string, unknown> {
  const one = (o: OrganizationOutcome) => ({
    status: o.status, ...(o.reason !== undefined && { reason: o.reason }),
    ok: o.report?.ok ?? 0, failed: o.report?.failed ?? 0, skipped: o.report?.skipped ?? 0, results: o.report?.results ?? [],
    ...(o.report?.stopped && { stopped: o.report.stopped }),
  });
  // Every organization's status when they agree; applied when each is applied or had nothing to do;
  // else the worst of them, a mix of refused and applied counting as failed.
  const statuses = new Set(outcomes.map((o) => o.status));
  const worst = STATUS_ORDER.find((s) => statuses.has(s)) ?? 'nothing_to_do';
  const status: ApplyStatus = statuses.size === 1 ? worst
    : [...statuses].every((s) => s === 'applied' || s === 'nothing_to_do') ? 'applied'
      : worst === 'stopped' ? 'stopped' : 'failed';
  const reasons = outcomes.filter((o) => o.reason !== undefined);
  const stopped = outcomes.find((o) => o.report?.stopped)?.report?.stopped;
  return {
    status,
    ...(reasons.length && { reason: reasons.map((o) => (outcomes.length > 1 ? `${o.plan.organization.name}: ${o.reason}` : o.reason)).join('\n') }),
    ok: outcomes.reduce((n, o) => n + (o.report?.ok ?? 0), 0),
    failed: outcomes.reduce((n, o) => n + (o.report?.failed ?? 0), 0),
    skipped: outcomes.reduce((n, o) => n + (o.report?.skipped ?? 0), 0),
    results: outcomes.flatMap((o) => o.report?.results ?? []),
    ...(stopped && { stopped }),
    organizations: outcomes.map((o) => ({ host: o.plan.host, organization: { id: o.plan.organization.id, name: o.plan.organization.name }, ...one(o) })),
  };
}

/** `{ plan, apply }`, the plan written in pieces as `plan --format json` writes it, one level in. */
async function printApplyJson(io: Io, plan: Plan, outcomes: readonly OrganizationOutcome[]): Promise<void> {
  const apply = JSON.stringify(applyJson(outcomes), null, 2).replaceAll('\n', '\n  ');
  await writeChunks(io, (function* () {
    yield '{\n  "plan": ';
    yield* renderJsonChunks(plan, { indent: '  ', last: '' });
    yield `,\n  "apply": ${apply}\n}\n`;
  })());
}

/** An organization being applied: its part of the plan, the state it applies to, its connection and lock. */
interface Target {
  plan: OrganizationPlan;
  actual: ActualState;
  session: Session;
  api: ClosablePostHogApi;
  reviewed?: GatedOrganization;
}

export async function applyCommand(planFile: string | undefined, flags: ApplyFlags, session: Session, io: Io): Promise<number> {
  const json = flags.format === 'json';
  // A confirmation prompt on stdout would break the document.
  if (json && !planFile && !flags.yes) throw new ConfigError('apply --format json prints one JSON document, with no prompt: pass --yes, or apply a reviewed plan file (plan --out plan.json, then apply plan.json --format json)');
  const secrets = secretSinkOf(flags, session.env, session.signal);
  // A fresh plan talks to each matrix's organization (its host and key); a saved one to where its matrices say.
  const saved = planFile === undefined ? undefined : await readPlanFile(planFile);
  const runs = saved ? undefined : await loadOrganizations(await matrixFiles(flags.matrix), session);
  const opened = saved ? await openSavedPlan(saved, session) : undefined;
  const locks: ApplyLock[] = [];
  const apis: ClosablePostHogApi[] = [];
  // Each connection kept as it is made, so that all are closed at the end.
  const opening = (own: Session) => {
    const api = connect(own);
    apis.push(api);
    return api;
  };
  let plan: Plan | undefined = saved; // a refusal below is reported against the plan that was reviewed
  try {
    const now = new Date();
    let targets: Target[];
    if (opened && saved) {
      // PostHog is read under the lock: another apply's changes are seen, never raced.
      const connected = await eachOrganization(opened, (o) => o.matrix.file, async (item) => ({ item, file: item.matrix.file, session: item.session, api: opening(item.session) }));
      append(locks, await lockOrganizations(connected, (c) => c.item.reviewed.organization.id, flags.lockWait));
      const rechecked = await eachOrganization(connected, (c) => c.file, async ({ item, api }) => {
        // Reviewed already: not printed again. Made again and compared; guards run with this run's flags.
        const again = await recheckSavedOrganization(api, item, flags.allowDeletes, { allowSsoWithoutIdp: flags.allowSsoWithoutIdp }, { journal: flags.journal, secretsFile: flags.secretsFile });
        return { ...again, session: item.session, api, reviewed: item.reviewed };
      });
      // Stale anywhere: the saved plan is not what was reviewed, and none of it is applied.
      refuseIfStale(rechecked);
      targets = rechecked;
    } else if (runs) {
      const times = { now, at: now };
      const connected = await eachOrganization(runs, (r) => r.matrix.file, async ({ matrix, session: own }) => ({ matrix, file: matrix.file, session: own, api: opening(own) }));
      const locked = await lockOrganizations(connected, (c) => c.matrix.desired.organization.id, flags.lockWait);
      append(locks, locked);
      targets = await eachOrganization(connected.map((c, at) => ({ ...c, id: locked[at]!.organization })), (c) => c.file, async ({ matrix, session: own, api, id }) => {
        const { plan: made, actual } = await makePlan(api, matrix, own, flags, times);
        // `@current` asked of PostHog twice (for the lock, then for the read): the user switched organization between.
        if (made.organization.id !== id) {
          throw new ConfigError(`${matrix.file}: the organization read (${made.organization.id}) is not the one locked (${id}): the key's user changed organization meanwhile; nothing was changed: run again, or set organization.id in the matrix`);
        }
        return { plan: made, actual, session: own, api };
      });
      plan = assemblePlan({ createdAt: now, at: now, organizations: targets.map((t) => t.plan) });
      if (!json) await print(io, plan, flags.format);
      if (plan.summary.create + plan.summary.update + plan.summary.delete && !flags.yes) {
        if (!io.stdin.isTTY) throw new ConfigError('apply changes PostHog: pass --yes to confirm when not on a terminal, or apply a reviewed plan file (plan --out plan.json, then apply plan.json)');
      }
    } else {
      throw new InternalError('apply without a plan file has a matrix');
    }
    if (!plan) throw new InternalError('apply has a plan');
    const shown = plan;
    if (!targets.some((t) => t.plan.changes.length)) {
      if (json) await printApplyJson(io, shown, targets.map((t) => ({ plan: t.plan, status: 'nothing_to_do' })));
      return EXIT.ok;
    }
    // The safety gate of each organization, before any write anywhere: a refused organization is
    // not applied; the others are.
    const several = targets.length > 1;
    const context = { saved: planFile !== undefined, allowDeletes: flags.allowDeletes, options: { allowSsoWithoutIdp: flags.allowSsoWithoutIdp }, ...(secrets && { secrets }) };
    const gated = targets.map((t) => ({ target: t, refusals: t.plan.changes.length ? applyRefusals(t.plan, t.actual, { ...context, ...(t.reviewed && { reviewed: t.reviewed }) }, t.session) : [] }));
    const refused = gated.filter((g) => g.refusals.length);
    if (!several && refused.length) throw refusedError(refused[0]!.refusals);
    if (refused.length === gated.filter((g) => g.target.plan.changes.length).length) {
      throw refusedError(refused.flatMap((g) => g.refusals.map((r) => ({ ...r, message: `${g.target.plan.organization.name} (${g.target.plan.matrix.file}): ${r.message}` }))));
    }
    if (several && secrets) refuseSharedSecretNames(gated.filter((g) => !g.refusals.length).map((g) => g.target.plan));
    if (!planFile && !flags.yes && !(await confirm(io, gated.filter((g) => !g.refusals.length).map((g) => g.target.plan)))) {
      io.stdout.write('Apply cancelled: nothing was changed.\n');
      return EXIT.error;
    }
    // One progress line for all organizations: the steps of every one counted against their total.
    const { progress } = session;
    const applying = gated.filter((g) => !g.refusals.length).reduce((n, g) => n + g.target.plan.changes.length, 0);
    if (several) progress?.phase('applying', applying);
    const shared: Progress | undefined = several && progress ? { phase: () => {}, step: () => progress.step(), waiting: (ms) => progress.waiting(ms), done: () => {} } : undefined;
    const outcomes = await Promise.all(gated.map(async ({ target, refusals }): Promise<OrganizationOutcome> => {
      if (!target.plan.changes.length) return { plan: target.plan, status: 'nothing_to_do' };
      if (refusals.length) return { plan: target.plan, status: 'refused', reason: refusedError(refusals).message };
      try {
        const own = shared ? { ...target.session, progress: shared } : target.session;
        const report = await execute(target.api, target.plan, target.actual, own, { ...flags, ...(secrets && { secrets }) });
        if (report.stopped) target.session.logger.error({ stage: 'apply' }, `apply stopped${several ? ` in ${target.plan.organization.name}` : ''}: ${report.stopped}`);
        return { plan: target.plan, status: reportStatus(report), report };
      } catch (e) {
        // One organization's error does not stop the others; it is reported with them.
        if (!several) throw e;
        return { plan: target.plan, status: 'failed', reason: (e as Error).message };
      }
    }));
    if (json) await printApplyJson(io, shown, outcomes);
    else io.stdout.write(`\n${several ? renderReports(outcomes, io.color) : renderReport(outcomes[0]!.report!, io.color)}`);
    for (const o of outcomes.filter((x) => x.status === 'refused' || (x.status === 'failed' && !x.report))) {
      session.logger.error({ stage: 'apply', organization: o.plan.organization.id }, `${o.plan.organization.name} (${o.plan.matrix.file}): ${o.reason}`);
    }
    return outcomes.every((o) => o.status === 'applied' || o.status === 'nothing_to_do') ? EXIT.ok : EXIT.error;
  } catch (e) {
    // Refused before any write: the document says so too (the reason is also on stderr, once).
    if (json && plan && e instanceof UnsafePlanError) {
      await printApplyJson(io, plan, plan.organizations.map((o) => ({ plan: o, status: 'refused', reason: e.message })));
    }
    throw e;
  } finally {
    for (const lock of locks) lock.release();
    await Promise.all(apis.map((api) => api.close()));
  }
}

/**
 * A secret sink keeps values by project and label (src/secrets/sink.ts): two organizations making a
 * value for the same project and label in one run would leave one of them lost. Refused before any
 * write; applying the organizations one run each keeps both.
 */
function refuseSharedSecretNames(plans: readonly OrganizationPlan[]): void {
  const makers = new Map<string, string[]>();
  for (const plan of plans) {
    for (const c of secretMakingChanges(plan.changes)) {
      if (c.kind !== 'secret_key') continue;
      const name = `${c.subject.project}/${c.subject.label}`;
      makers.set(name, [...(makers.get(name) ?? []), `${plan.organization.name} (${plan.matrix.file})`]);
    }
  }
  const shared = [...makers].filter(([, orgs]) => orgs.length > 1);
  if (shared.length) {
    throw new UnsafePlanError(`nothing was applied: ${shared.map(([name, orgs]) => `${orgs.join(' and ')} both make a secret key value for ${name}`).join('; ')}, and the secret sink keeps values by project and label, so one would be lost: apply these organizations in separate runs (one --matrix each) with a --secrets-file (or --secrets-command destination) each, or give the keys different labels`);
  }
}

/** The report of an apply to several organizations: each one's steps under its name, then the total. */
function renderReports(outcomes: readonly OrganizationOutcome[], color: boolean): string {
  const parts = outcomes.map((o) => {
    const head = `═══ ${o.plan.organization.name} (${o.plan.matrix.file})`;
    if (o.report) return `${head}\n${renderReport(o.report, color)}`;
    if (o.status === 'nothing_to_do') return `${head}\nNothing to do.\n`;
    return `${head}\nNot applied (${o.status}): ${o.reason ?? ''}\n`;
  });
  const ok = (o: OrganizationOutcome) => o.status === 'applied' || o.status === 'nothing_to_do';
  const name = (o: OrganizationOutcome) => `${o.plan.organization.name} (${o.plan.matrix.file})`;
  const done = outcomes.filter(ok).map(name);
  const not = outcomes.filter((o) => !ok(o)).map((o) => `${name(o)}: ${o.status}`);
  const total = not.length ? `Not all applied: ${not.join('; ')}${done.length ? `. Done: ${done.join('; ')}` : ''}.` : `All ${outcomes.length} organizations applied.`;
  return `${parts.join('\n')}\n${total}\n`;
}

interface LockedOrganization extends ApplyLock {
  /** The organization's id (`@current` asked of PostHog). */
  organization: string;
}

/**
 * The machine-wide lock of each organization on its host (src/apply/lock.ts), in the order of
 * `items`; `@current` is asked of PostHog. Two matrices of this run naming one organization (one
 * of them through `@current`) would wait for this process's own lock: refused before any is taken.
 * The locks are taken one at a time in one order, by host then id, whatever the order of the
 * matrices: two applies of the same organizations listed in other orders would otherwise each hold
 * one and wait for the other's until --lock-wait ran out.
 */
export async function lockOrganizations<T extends { file: string; session: Session; api: ClosablePostHogApi }>(items: readonly T[], organizationOf: (item: T) => string, waitSeconds: number | undefined): Promise<LockedOrganization[]> {
  const ids = await eachOrganization(items, (i) => i.file, async (item) => {
    const organization = organizationOf(item);
    return organization === '@current' ? (await item.api.me()).organization?.id ?? organization : organization;
  });
  const wanted = items.map((item, at) => ({ file: item.file, session: item.session, host: hostOf(item.session.env), id: ids[at]! }));
  refuseDuplicates(wanted.map(({ file, host, id }) => ({ file, host, organization: id })));
  const order = [...wanted.keys()].sort((a, b) => compareText(wanted[a]!.host, wanted[b]!.host) || compareText(wanted[a]!.id, wanted[b]!.id));
  const locks: LockedOrganization[] = new Array(wanted.length);
  // One --lock-wait for the run, not one per organization (they are waited for in turn).
  const waitMs = waitSeconds === undefined ? DEFAULT_LOCK_WAIT_MS : waitSeconds * 1000;
  const deadline = Date.now() + waitMs;
  try {
    for (const at of order) {
      const { file, session, host, id } = wanted[at]!;
      const lock = await acquireApplyLock({
        host, organization: id,
        // At least 1 ms once the user allowed a wait: "refused at once (--lock-wait 0)" is only said for 0.
        waitMs: waitMs === 0 ? 0 : Math.max(1, deadline - Date.now()),
        ...(session.signal && { signal: session.signal }),
        onWait: (holder) => session.logger.warn({ stage: 'lock' }, `another apply to this organization is running on this machine (${holder}): waiting for it to finish`),
      }).catch((e: unknown) => {
        if (wanted.length > 1 && e instanceof Error) e.message = `${file}: ${e.message}`;
        throw e;
      });
      locks[at] = Object.assign(lock, { organization: id });
    }
  } catch (e) {
    for (const lock of locks) lock?.release();
    throw e;
  }
  return locks;
}

const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
