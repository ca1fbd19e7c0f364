// After merge: apply the plan reviewed on the merged pull request's head commit, and nothing else.
// No plan, a matrix that differs from the planned one, or a PostHog that moved since: refused, said
// in the pull request and the job summary; re-planning is a new pull request's job.
import * as core from '@actions/core';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sha256 } from '../matrix/read.ts';
import { shortSha, type Run } from './context.ts';
import { COMMENT_MARKER, SUMMARY_LIMIT, findComment, truncateBytes, upsertComment } from './comment.ts';
import { cli, errorText } from './run-cli.ts';
import { planArtifactName } from './plan-store.ts';
import { codeBlock, codeSpan, escapeMarkdown } from '../util/markdown.ts';

const STATUS_START = '<!-- posthog-access:status -->';
const STATUS_END = '<!-- /posthog-access:status -->';

/** One line of the merge comment per plan file: applied, or why not (the CLI's error, shown as text). */
export function outcomeLine(o: Outcome): string {
  return `- ${o.matrix}: ${o.ok ? o.text : `**not applied**: ${escapeMarkdown(o.text.replace(/^error: /gm, ''))}`}`;
}

export interface Outcome {
  /** The matrices of the plan applied, as Markdown (`a.yaml`, `b.yaml`). */
  matrix: string;
  ok: boolean;
  text: string;
  report?: string;
}

async function mergedPullRequest(run: Run): Promise<{ number: number; headSha: string } | undefined> {
  const { data } = await run.octokit.rest.repos.listPullRequestsAssociatedWithCommit({ ...run.repo, commit_sha: run.sha });
  const base = run.payload.repository?.default_branch;
  const pr = data.find((p) => p.merged_at && (!base || p.base.ref === base));
  return pr && { number: pr.number, headSha: pr.head.sha };
}

/** The pull request's comment with a status block on top; the reviewed plan below stays as it was. */
async function tellPullRequest(run: Run, number: number, status: string): Promise<void> {
  const existing = await findComment(run.octokit, run.repo, number);
  const block = `${STATUS_START}\n${status}\n${STATUS_END}`;
  const rest = (existing?.body ?? '').replace(COMMENT_MARKER, '').replace(new RegExp(`${STATUS_START}[\\s\\S]*?${STATUS_END}\\n?`), '').trim();
  await upsertComment(run.octokit, run.repo, number, `${COMMENT_MARKER}\n${block}\n\n${rest}\n`);
}

async function refuse(run: Run, why: string, pr?: { number: number }): Promise<void> {
  const text = `**posthog-access did not apply anything.** ${why}\n\nTo change access now, open a new pull request: its plan is reviewed there, then applied after merge.`;
  await core.summary.addRaw(`### posthog-access apply on ${shortSha(run.sha)}\n\n${text}\n\n[Run](${run.runUrl})\n`).write();
  if (pr) await tellPullRequest(run, pr.number, `${text} [Run](${run.runUrl})`);
  core.setFailed(why);
}

export async function merge(run: Run): Promise<void> {
  const pr = await mergedPullRequest(run);
  if (!pr) {
    await refuse(run, `Commit ${shortSha(run.sha)} did not come from a merged pull request, so no plan of it was reviewed.`);
    return;
  }
  const into = join(run.dir, 'reviewed');
  if (!(await run.store.load(pr.headSha, into))) {
    await refuse(run, `No saved plan was found for #${pr.number}'s head commit ${shortSha(pr.headSha)} (artifact \`${planArtifactName(pr.headSha)}\`): the plan job did not run on it, failed, or its artifact expired.`, pr);
    return;
  }
  const saved = new Map<string, { file: string; sha256: string }>(); // matrix file → saved plan and the matrix's hash in it
  for (const name of (await readdir(into)).filter((f) => /^plan-\d+\.json$/.test(f))) {
    // Only the matrices it names are read here; `apply` reads the whole plan (src/plan/read.ts).
    const plan = JSON.parse(await readFile(join(into, name), 'utf8')) as { organizations?: { matrix?: { file?: string; sha256?: string } }[] };
    for (const { matrix } of plan.organizations ?? []) {
      if (matrix?.file && matrix.sha256) saved.set(matrix.file, { file: join(into, name), sha256: matrix.sha256 });
    }
  }

  // Every matrix must be applied as reviewed: check them all before applying any.
  const problems: string[] = [];
  for (const matrix of run.inputs.matrices) {
    const plan = saved.get(matrix);
    if (!plan) { problems.push(`\`${matrix}\` was not planned on ${shortSha(pr.headSha)}.`); continue; }
    if (sha256(await readFile(matrix)) !== plan.sha256) {
      problems.push(`\`${matrix}\` on this commit differs from the one planned on ${shortSha(pr.headSha)} (another change reached the branch in between), so its reviewed plan is not what was merged.`);
    }
  }
  if (problems.length) { await refuse(run, problems.join(' '), pr); return; }

  // One apply per saved plan (one plan holds every matrix it was made from): each is applied as a whole.
  const outcomes: Outcome[] = [];
  const planFiles = [...new Set(run.inputs.matrices.map((m) => saved.get(m)!.file))];
  for (const file of planFiles) {
    const matrices = run.inputs.matrices.filter((m) => saved.get(m)!.file === file).map(codeSpan).join(', ');
    const args = ['apply', file];
    if (run.inputs.secretsFile) args.push('--secrets-file', run.inputs.secretsFile);
    if (run.inputs.secretsCommand) args.push('--secrets-command', run.inputs.secretsCommand);
    if (run.inputs.allowDeletes) args.push('--allow-deletes', run.inputs.allowDeletes);
    const r = await cli(args, run.inputs.env);
    outcomes.push(r.code === 0
      ? { matrix: matrices, ok: true, text: 'applied as reviewed', report: r.stdout.trim() }
      : { matrix: matrices, ok: false, text: errorText(r) || `apply exited ${r.code}`, ...(r.stdout.trim() && { report: r.stdout.trim() }) });
  }
  const lines = outcomes.map(outcomeLine);
  const allOk = outcomes.every((o) => o.ok);
  const headline = allOk
    ? `**Applied** the plan reviewed on ${shortSha(pr.headSha)} (merged in ${shortSha(run.sha)}).`
    : `**posthog-access refused or failed part of the apply** of the plan reviewed on ${shortSha(pr.headSha)}. Nothing is re-planned here: open a new pull request to plan again.`;
  const reports = outcomes.filter((o) => o.report).map((o) => `#### ${o.matrix}\n\n${codeBlock(o.report!)}`);
  await core.summary.addRaw(truncateBytes(`### posthog-access apply on ${shortSha(run.sha)}\n\n${headline}\n\n${lines.join('\n')}\n\n${reports.join('\n\n')}\n`, SUMMARY_LIMIT - 1024, 'the run log')).write();
  await tellPullRequest(run, pr.number, `${headline}\n\n${lines.join('\n')}\n\n[Run](${run.runUrl})`);
  core.setOutput('applied', String(allOk));
  if (!allOk) core.setFailed(outcomes.filter((o) => !o.ok).map((o) => `${o.matrix}: ${o.text}`).join('\n'));
}
