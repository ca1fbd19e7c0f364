// The commands: each chooses pipeline steps, prints to stdout and returns an exit code
// (0 nothing to do or success, 1 error or refused, 2 changes present: docs/cli.md).
import { writeFile } from 'node:fs/promises';
import { createInterface } from 'node:readline/promises';
import { ConfigError, InternalError, UnsafePlanError } from '../errors.ts';
import { render, type RenderFormat } from '../plan/render/index.ts';
import type { Plan } from '../plan/types.ts';
import { renderReport } from '../apply/report.ts';
import type { ApplyReport } from '../apply/apply.ts';
import { renderJson } from '../plan/render/json.ts';
import { ATTRIBUTED_SCOPES, attribute } from '../plan/attribution.ts';
import { readActivity } from '../state/activity.ts';
import { EXIT } from './exit.ts';
import { acquireApplyLock, type ApplyLock } from '../apply/lock.ts';
import type { ClosablePostHogApi } from '../posthog/api.ts';
import { checkOutPath, checkSavedPlan, connect, execute, forOrganization, hostOf, load, makePlan, readPlanFile, refuseIfUnsafe, secretSinkOf, type Session } from './pipeline.ts';
import { count } from '../util/english.ts';
import { reviewDueNotices } from '../review/record.ts';

export interface Io {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  /** Colour on stdout (a terminal, and NO_COLOR unset). */
  color: boolean;
}

export interface PlanFlags {
  matrix: string;
  format: RenderFormat;
  out?: string;
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
  /** Where new secret key values go: a JSON file written with mode 0600, or a command fed on stdin. */
  secretsFile?: string;
  secretsCommand?: string;
  /** Seconds to wait for another apply to the same organization on this machine (default 300; 0 refuses at once). */
  lockWait?: number;
  /** Seconds one run of --secrets-command may take (default 60). */
  secretsCommandTimeout?: number;
}

export { EXIT } from './exit.ts';
export { validateCommand } from './validate.ts';

function print(io: Io, plan: Plan, format: RenderFormat, command: 'plan' | 'drift' = 'plan'): void {
  const text = render(plan, format, { color: io.color, command });
  io.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

export async function planCommand(flags: PlanFlags, session: Session, io: Io, mode: 'plan' | 'drift' = 'plan'): Promise<number> {
  const matrix = await load(flags.matrix, session);
  session = forOrganization(session, matrix.desired);
  if (flags.out) await checkOutPath(flags.out, flags.matrix);
  const api = connect(session);
  try {
    const { plan, actual } = await makePlan(api, matrix, session, flags);
    // The matrix's review.every_days: a notice when the newest review record is older (docs/review.md).
    plan.notices.push(...await reviewDueNotices(matrix, actual.organization.id, new Date()));
    if (mode === 'drift' && plan.changes.length) {
      // Who made PostHog drift: one read of the activity log, when the organization has one.
      const activity = await readActivity(api, actual, ATTRIBUTED_SCOPES);
      if (activity) plan.notices.push(...attribute(plan.changes, actual, activity));
    }
    print(io, plan, flags.format, mode);
    if (flags.out) {
      await writeFile(flags.out, renderJson(plan));
      session.logger.info({ stage: 'plan', out: flags.out }, `saved the plan to ${flags.out}; apply it with \`posthog-access apply ${flags.out}\``);
    }
    // Manual steps (a domain to verify, a personal key to fix) are drift too: the matrix is not met.
    const changed = plan.changes.length > 0 || (mode === 'drift' && plan.manualSteps.length > 0);
    if (mode === 'drift') return changed ? EXIT.changes : EXIT.ok;
    if (plan.refusals.length) {
      // Said once more on stderr, plainly (stdout may be JSON for a machine or Markdown for a comment).
      throw new UnsafePlanError(plan.refusals.map((r) => `the plan is refused: ${r.message}`).join('\n'));
    }
    return flags.detailedExitcode && changed ? EXIT.changes : EXIT.ok;
  } finally {
    await api.close();
  }
}

async function confirm(io: Io, plan: Plan): Promise<boolean> {
  const rl = createInterface({ input: io.stdin, output: io.stdout });
  try {
    const answer = await rl.question(`\nApply ${count(plan.changes.length, 'change')} to ${plan.organization.name}? Only 'yes' is accepted: `);
    return answer.trim() === 'yes';
  } finally {
    rl.close();
  }
}

/** `apply --format json`: one document, the plan and what became of each change. */
function printApplyJson(io: Io, plan: Plan, apply: Record<string, unknown>): void {
  io.stdout.write(`${JSON.stringify({ plan: JSON.parse(renderJson(plan)) as unknown, apply }, null, 2)}\n`);
}

function reportStatus(report: ApplyReport): 'applied' | 'failed' | 'stopped' {
  return report.stopped ? 'stopped' : report.failed || report.skipped ? 'failed' : 'applied';
}

export async function applyCommand(planFile: string | undefined, flags: ApplyFlags, session: Session, io: Io): Promise<number> {
  const json = flags.format === 'json';
  // A confirmation prompt on stdout would break the document.
  if (json && !planFile && !flags.yes) throw new ConfigError('apply --format json prints one JSON document, with no prompt: pass --yes, or apply a reviewed plan file (plan --out plan.json, then apply plan.json --format json)');
  const secrets = secretSinkOf(flags, session.env, session.signal);
  // A fresh plan talks to the matrix's organization (its host and key); a saved one to where it was made.
  const matrix = planFile === undefined ? await load(flags.matrix, session) : undefined;
  if (matrix) session = forOrganization(session, matrix.desired);
  const api = connect(session);
  let lock: ApplyLock | undefined;
  let plan: Plan | undefined;
  try {
    let actual;
    let reviewed: Plan | undefined;
    if (planFile) {
      const saved = await readPlanFile(planFile);
      plan = saved; // a refusal below is reported against the plan that was reviewed
      // PostHog is read under the lock: another apply's changes are seen, never raced.
      lock = await lockOrganization(api, session, saved.organization.id, flags.lockWait);
      // Reviewed already: not printed again. Made again and compared; guards run with this run's flags.
      ({ plan, actual, reviewed } = await checkSavedPlan(api, saved, session, flags.allowDeletes, { allowSsoWithoutIdp: flags.allowSsoWithoutIdp }));
    } else if (matrix) {
      lock = await lockOrganization(api, session, matrix.desired.organization.id, flags.lockWait);
      ({ plan, actual } = await makePlan(api, matrix, session, flags));
      if (!json) print(io, plan, flags.format);
      if (plan.changes.length && !flags.yes) {
        if (!io.stdin.isTTY) throw new ConfigError('apply changes PostHog: pass --yes to confirm when not on a terminal, or apply a reviewed plan file (plan --out FILE, then apply FILE)');
      }
    } else {
      throw new InternalError('apply without a plan file has a matrix');
    }
    if (!plan.changes.length) {
      if (json) printApplyJson(io, plan, { status: 'nothing_to_do', ok: 0, failed: 0, skipped: 0, results: [] });
      return EXIT.ok;
    }
    refuseIfUnsafe(plan, actual, { saved: planFile !== undefined, allowDeletes: flags.allowDeletes, options: { allowSsoWithoutIdp: flags.allowSsoWithoutIdp }, ...(secrets && { secrets }), ...(reviewed && { reviewed }) }, session);
    if (!planFile && !flags.yes && !(await confirm(io, plan))) {
      io.stdout.write('Apply cancelled: nothing was changed.\n');
      return EXIT.error;
    }
    const report = await execute(api, plan, actual, session, { ...flags, ...(secrets && { secrets }) });
    if (json) printApplyJson(io, plan, { status: reportStatus(report), ...report });
    else io.stdout.write(`\n${renderReport(report, io.color)}`);
    if (report.stopped) session.logger.error({ stage: 'apply' }, `apply stopped: ${report.stopped}`);
    return report.failed || report.skipped || report.stopped ? EXIT.error : EXIT.ok;
  } catch (e) {
    // Refused before any write: the document says so too (the reason is also on stderr, once).
    if (json && plan && e instanceof UnsafePlanError) printApplyJson(io, plan, { status: 'refused', reason: e.message, ok: 0, failed: 0, skipped: 0, results: [] });
    throw e;
  } finally {
    lock?.release();
    await api.close();
  }
}

/** The machine-wide lock of this organization on this host (src/apply/lock.ts); `@current` is asked of PostHog. */
async function lockOrganization(api: ClosablePostHogApi, session: Session, organization: string, waitSeconds?: number): Promise<ApplyLock> {
  const id = organization === '@current' ? (await api.me()).organization?.id ?? organization : organization;
  return acquireApplyLock({
    host: hostOf(session.env), organization: id,
    ...(waitSeconds !== undefined && { waitMs: waitSeconds * 1000 }),
    ...(session.signal && { signal: session.signal }),
    onWait: (holder) => session.logger.warn({ stage: 'lock' }, `another apply to this organization is running on this machine (${holder}): waiting for it to finish`),
  });
}
