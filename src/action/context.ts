// What every step of the Action shares: the repository, the commit, where this run is, GitHub's API
// (GITHUB_API_URL, through octokit) and where saved plans are kept.
import * as core from '@actions/core';
import { context, getOctokit } from '@actions/github';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../errors.ts';
import { loadMatrix } from '../matrix/read.ts';
import { locate, type Located } from '../cli/annotations.ts';
import { locatedWarnings } from '../cli/validate.ts';
import type { Inputs } from './inputs.ts';
import { artifactPlanStore, type PlanStore } from './plan-store.ts';
import { escapeMarkdown } from '../util/markdown.ts';

export type Octokit = ReturnType<typeof getOctokit>;

export interface Run {
  inputs: Inputs;
  repo: { owner: string; repo: string };
  sha: string;
  /** The run's page, where its summary and artifacts are. */
  runUrl: string;
  payload: typeof context.payload;
  octokit: Octokit;
  store: PlanStore;
  /** A scratch folder of this run. */
  dir: string;
}

export async function makeRun(inputs: Inputs): Promise<Run> {
  const repo = context.repo;
  const octokit = getOctokit(inputs.token); // baseUrl: GITHUB_API_URL
  const server = process.env.GITHUB_SERVER_URL || 'https://github.com';
  return {
    inputs, repo, sha: context.sha, payload: context.payload, octokit,
    runUrl: `${server}/${repo.owner}/${repo.repo}/actions/runs/${context.runId}`,
    store: artifactPlanStore(octokit, repo, inputs.token),
    dir: await mkdtemp(join(process.env.RUNNER_TEMP || tmpdir(), 'posthog-access-')),
  };
}

/**
 * Every problem of every matrix, located (the loader reports them all at once, per file). The
 * warnings of valid ones (`validate`'s, e.g. default_team with prune.teams) are annotated on the
 * files as warnings: they fail nothing.
 */
export async function validateMatrices(inputs: Inputs): Promise<Located[]> {
  const problems: Located[] = [];
  for (const file of inputs.matrices) {
    try {
      const loaded = await loadMatrix(file, { env: inputs.env });
      for (const w of await locatedWarnings(file, loaded.desired)) {
        core.warning(w.message, { title: 'posthog-access', file, ...(w.line && { startLine: w.line }), ...(w.col && { startColumn: w.col }) });
      }
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      problems.push(...e.problems.map(locate));
    }
  }
  return problems;
}

export const MAX_ANNOTATIONS = 10;

/** The first ten problems as annotations on the files; all of them as Markdown for the summary. */
export function annotate(problems: Located[]): string {
  problems.slice(0, MAX_ANNOTATIONS).forEach((p) => core.error(p.message, {
    title: 'posthog-access', ...(p.file && { file: p.file }), ...(p.line && { startLine: p.line }), ...(p.col && { startColumn: p.col }),
  }));
  const where = (p: Located) => (p.file ? `\`${p.file}${p.line ? `:${p.line}:${p.col}` : ''}\`` : '');
  const more = problems.length > MAX_ANNOTATIONS ? ` (the first ${MAX_ANNOTATIONS} are annotated on the files; all are listed here)` : '';
  return [
    `**The access matrix is not valid: ${problems.length} ${problems.length === 1 ? 'problem' : 'problems'}${more}.**`, '',
    ...problems.map((p) => `- ${where(p)} ${escapeMarkdown(p.message)}`.replace('-  ', '- ')),
  ].join('\n');
}

export function shortSha(sha: string): string {
  return sha.slice(0, 7);
}
