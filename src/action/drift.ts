// On a schedule: drift of every matrix. Drift opens (or updates) one labelled issue with the plan
// and who changed what; when the drift is gone, that issue is closed with a note.
import * as core from '@actions/core';
import type { Run } from './context.ts';
import { COMMENT_LIMIT, DRIFT_MARKER, SUMMARY_LIMIT, fit, truncateBytes } from './comment.ts';
import { cli, errorText } from './run-cli.ts';
import { parsePlan } from '../plan/read.ts';
import { renderMarkdown } from '../plan/render/index.ts';
import { codeSpan, escapeMarkdown } from '../util/markdown.ts';

export interface DriftFailure {
  matrices: string[];
  /** What the CLI said (it may quote names from PostHog or the matrix). */
  text: string;
}

/** A list item of the job summary when the drift check fails: the matrices as code, the error as text. */
export function failureLine(failure: DriftFailure): string {
  return `- ${failure.matrices.map(codeSpan).join(', ')}: ${escapeMarkdown(failure.text)}`;
}

export async function drift(run: Run): Promise<void> {
  const sections: string[] = [];
  const errors: DriftFailure[] = [];
  const drifted: string[] = [];
  // Every matrix in one run: one drift plan, a part per organization (docs/cli.md#several-organizations).
  const r = await cli(['drift', ...run.inputs.matrices.flatMap((m) => ['--matrix', m]), '--format', 'json'], run.inputs.env);
  if (r.code === 2) {
    const plan = parsePlan(JSON.parse(r.stdout));
    drifted.push(...plan.organizations.filter((o) => o.changes.length || o.manualSteps.length).map((o) => o.matrix.file));
    sections.push(renderMarkdown(plan, { command: 'drift' }).trim());
  } else if (r.code !== 0) {
    errors.push({ matrices: run.inputs.matrices, text: errorText(r) || `drift exited ${r.code}` });
  }
  const when = new Date().toISOString().slice(0, 16).replace('T', ' ');
  if (errors.length) {
    // Not knowing is not "no drift": the issue is left as it is.
    await core.summary.addRaw(`### posthog-access drift\n\nThe drift check failed:\n\n${errors.map(failureLine).join('\n')}\n`).write();
    core.setFailed(`the drift check failed: ${errors.map((e) => `${e.matrices.join(', ')}: ${e.text}`).join('; ')}`);
    return;
  }
  const { data: open } = await run.octokit.rest.issues.listForRepo({ ...run.repo, state: 'open', labels: run.inputs.driftLabel, per_page: 100 });
  const issue = open.find((i) => !i.pull_request && i.body?.includes(DRIFT_MARKER)) ?? open.find((i) => !i.pull_request);
  core.setOutput('drift', String(drifted.length > 0));

  if (!drifted.length) {
    await core.summary.addRaw(`### posthog-access drift\n\nNo drift: PostHog matches ${run.inputs.matrices.map(codeSpan).join(', ')} (${when} UTC).\n`).write();
    if (issue) {
      await run.octokit.rest.issues.createComment({ ...run.repo, issue_number: issue.number, body: `No drift any more as of ${when} UTC: PostHog matches the matrix. Closing. [Run](${run.runUrl})` });
      await run.octokit.rest.issues.update({ ...run.repo, issue_number: issue.number, state: 'closed', state_reason: 'completed' });
    }
    return;
  }
  const header = `PostHog differs from ${drifted.map(codeSpan).join(', ')} as of ${when} UTC ([run](${run.runUrl})). Who changed what, where PostHog's activity log says, is in the notices. Revert it by applying the matrix, or adopt it by changing the matrix in a pull request.`;
  const full = `${DRIFT_MARKER}\n${header}\n\n${sections.join('\n\n')}\n`;
  const body = fit(full, `${DRIFT_MARKER}\n${header}\n\nThe drift plan is longer than an issue can hold: it is in the [job summary](${run.runUrl}).\n`, COMMENT_LIMIT);
  await core.summary.addRaw(truncateBytes(`### posthog-access drift\n\n${full}`, SUMMARY_LIMIT - 1024, 'the run log')).write();
  if (issue) {
    await run.octokit.rest.issues.update({ ...run.repo, issue_number: issue.number, body });
    core.setOutput('issue-number', String(issue.number));
  } else {
    const { data } = await run.octokit.rest.issues.create({ ...run.repo, title: 'PostHog access drifted from the access matrix', body, labels: [run.inputs.driftLabel] });
    core.setOutput('issue-number', String(data.number));
  }
  core.warning(`PostHog drifted from ${drifted.join(', ')}: see the issue`);
}
