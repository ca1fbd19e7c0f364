// On a pull request: validate, plan every matrix in one run (one plan, a part per organization), keep
// one comment up to date with it, and save it as an artifact of the head commit — the only plan the
// run after merge applies.
import * as core from '@actions/core';
import { writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readPlanFile } from '../cli/pipeline.ts';
import { renderMarkdown } from '../plan/render/index.ts';
import type { Plan } from '../plan/types.ts';
import { annotate, shortSha, validateMatrices, type Run } from './context.ts';
import { COMMENT_LIMIT, COMMENT_MARKER, SUMMARY_LIMIT, fit, truncateBytes, upsertComment } from './comment.ts';
import { cli, errorText } from './run-cli.ts';
import { planArtifactName } from './plan-store.ts';
import { codeBlock, codeSpan, escapeMarkdown } from '../util/markdown.ts';

export interface PlannedMatrix {
  matrix: string;
  /** The saved plan's file name in the run's folder (absent when planning failed). */
  file?: string;
  organization?: string;
  changes: number;
  summary?: { create: number; update: number; delete: number };
  refused: boolean;
  error?: string;
  plan?: Plan;
}

/** `3 to create, 1 to update` — or what stopped the plan. */
export function outcome(p: PlannedMatrix): string {
  if (p.error) return `failed: ${escapeMarkdown(p.error.split('\n')[0]!)}`;
  const s = p.summary;
  const counts = s ? [s.create && `${s.create} to create`, s.update && `${s.update} to update`, s.delete && `${s.delete} to delete`].filter(Boolean).join(', ') : '';
  return `${counts || 'no changes'}${p.refused ? ' · **refused** (see below)' : ''}`;
}

/** Every matrix planned in one run (one plan, one organization each), saved as plan-1.json. */
export async function planMatrices(run: Run): Promise<{ planned: PlannedMatrix[]; plan?: Plan; error?: string }> {
  const file = 'plan-1.json';
  const args = ['plan', ...run.inputs.matrices.flatMap((m) => ['--matrix', m]), '--format', 'json', '--out', join(run.dir, file)];
  if (run.inputs.allowDeletes) args.push('--allow-deletes', run.inputs.allowDeletes);
  const r = await cli(args, run.inputs.env);
  if (!existsSync(join(run.dir, file))) {
    const error = errorText(r) || `plan exited ${r.code}`;
    return { planned: run.inputs.matrices.map((matrix) => ({ matrix, changes: 0, refused: false, error })), error };
  }
  const plan = await readPlanFile(join(run.dir, file));
  const planned = plan.organizations.map((o): PlannedMatrix => ({
    matrix: o.matrix.file, file, plan, organization: o.organization.name, changes: o.changes.length,
    summary: o.summary, refused: o.refusals.length > 0,
  }));
  return { planned, plan };
}

/** The comment's table: each matrix, its organization, what its plan does. */
export function plansTable(plans: PlannedMatrix[]): string {
  return ['| matrix | organization | plan |', '|---|---|---|',
    ...plans.map((p) => `| ${codeSpan(p.matrix)} | ${escapeMarkdown(p.organization ?? '')} | ${outcome(p)} |`)].join('\n');
}

export async function pullRequest(run: Run): Promise<void> {
  const pr = run.payload.pull_request;
  const headSha: string = pr?.head?.sha ?? run.sha;
  const number: number | undefined = pr?.number;
  const header = `### posthog-access plan for ${shortSha(headSha)}`;

  const problems = await validateMatrices(run.inputs);
  if (problems.length) {
    const text = annotate(problems);
    await core.summary.addRaw(`${header}\n\n${text}\n`).write();
    if (number) await upsertComment(run.octokit, run.repo, number, `${COMMENT_MARKER}\n${header}\n\n${fit(text, `${text.slice(0, COMMENT_LIMIT - 500)}\n\n… [the rest](${run.runUrl})`)}\n`);
    core.setFailed(`the access matrix is not valid (${problems.length} ${problems.length === 1 ? 'problem' : 'problems'})`);
    return;
  }

  const { planned: plans, plan, error } = await planMatrices(run);
  const artifact = planArtifactName(headSha);
  const footer = `Saved as the artifact \`${artifact}\`: after merge, the Action applies exactly this plan, or refuses if PostHog changed since. [Run](${run.runUrl})`;
  const document = (maxLength: number) => [header, '', plansTable(plans), '',
    plan ? renderMarkdown(plan, { maxLength }).trim() : `Planning failed:\n\n${codeBlock(error ?? '')}`, '', footer, ''].join('\n');
  const full = document(SUMMARY_LIMIT);
  // Over a comment's limit: the summary of each organization and what fits of the details, and where the rest is.
  const note = `The full plan (${full.length.toLocaleString('en')} characters) is longer than a comment can be: read it in the [job summary](${run.runUrl}) or the artifact \`${artifact}\`.`;
  const short = `${note}\n\n${document(COMMENT_LIMIT - 4_000)}`;

  await writeFile(join(run.dir, 'plan.md'), full);
  const saved = [...new Set(plans.filter((p) => p.file).map((p) => join(run.dir, p.file!)))];
  if (saved.length) await run.store.save(headSha, run.dir, [...saved, join(run.dir, 'plan.md')]);
  await core.summary.addRaw(truncateBytes(full, SUMMARY_LIMIT - 1024, `the artifact \`${artifact}\``)).write();
  if (number) {
    const url = await upsertComment(run.octokit, run.repo, number, `${COMMENT_MARKER}\n${fit(full, short, COMMENT_LIMIT - COMMENT_MARKER.length - 1)}`);
    core.setOutput('comment-url', url);
  }
  core.setOutput('changes', String(plans.some((p) => p.changes > 0)));
  const failed = plans.filter((p) => p.error || p.refused);
  if (failed.length) core.setFailed(`the plan of ${failed.map((p) => p.matrix).join(', ')} ${failed.length === 1 ? 'was' : 'were'} refused or failed: see the comment and the job summary`);
}
