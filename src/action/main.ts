// The GitHub Action's entry (action.yml; bundled by scripts/build-action.ts). Chooses what to do
// from the event unless the `command` input says, then runs it; failures fail the step, with the
// reason in the log and the job summary.
import * as core from '@actions/core';
import { context } from '@actions/github';
import { annotate, makeRun, validateMatrices } from './context.ts';
import { chooseMode, readInputs } from './inputs.ts';
import { pullRequest } from './pull-request.ts';
import { merge } from './merge.ts';
import { drift } from './drift.ts';
import { matrixFiles } from '../cli/pipeline.ts';

export async function run(): Promise<void> {
  try {
    const inputs = readInputs();
    // A directory in the `matrix` input stands for its *.yaml files, as `--matrix DIR` does.
    inputs.matrices = await matrixFiles(inputs.matrices);
    const mode = chooseMode(inputs.command, {
      eventName: context.eventName, ref: context.ref, defaultBranch: context.payload.repository?.default_branch,
    });
    if (typeof mode === 'object') {
      core.notice(`posthog-access: ${mode.none}`);
      core.setOutput('command', 'none');
      return;
    }
    core.setOutput('command', mode);
    if (mode === 'validate') {
      const problems = await validateMatrices(inputs);
      if (problems.length) {
        await core.summary.addRaw(`${annotate(problems)}\n`).write();
        core.setFailed(`the access matrix is not valid (${problems.length} ${problems.length === 1 ? 'problem' : 'problems'})`);
      }
      return;
    }
    const run = await makeRun(inputs);
    if (mode === 'plan') await pullRequest(run);
    else if (mode === 'apply') await merge(run);
    else await drift(run);
  } catch (e) {
    core.setFailed((e as Error)?.message ?? String(e));
  }
}

await run();
