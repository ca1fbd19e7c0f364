// Saved plans kept as workflow artifacts, one per commit: the pull request's run uploads the plans
// it commented with, and the run after merge downloads the ones made on the merged head commit.
// Upload goes through the Actions runtime service (ACTIONS_RESULTS_URL) as @actions/artifact does;
// finding and downloading another run's artifact goes through GitHub's REST API (GITHUB_API_URL).
import { DefaultArtifactClient } from '@actions/artifact';
import type { getOctokit } from '@actions/github';

type Octokit = ReturnType<typeof getOctokit>;

/** The artifact holding the plans made on this commit. */
export function planArtifactName(sha: string): string {
  return `posthog-access-plan-${sha}`;
}

export interface PlanStore {
  /** Upload these files (all in `root`) as the plans of commit `sha`. */
  save(sha: string, root: string, files: string[]): Promise<void>;
  /** Download the plans of commit `sha` into `into`; false when no run saved any (or they expired). */
  load(sha: string, into: string): Promise<boolean>;
}

export function artifactPlanStore(octokit: Octokit, repo: { owner: string; repo: string }, token: string, retentionDays = 90): PlanStore {
  const client = new DefaultArtifactClient();
  return {
    async save(sha, root, files) {
      await client.uploadArtifact(planArtifactName(sha), files, root, { retentionDays });
    },
    async load(sha, into) {
      const { data } = await octokit.rest.actions.listArtifactsForRepo({ ...repo, name: planArtifactName(sha), per_page: 100 });
      const newest = data.artifacts
        .filter((a) => !a.expired && a.workflow_run?.id)
        .sort((a, b) => Date.parse(b.created_at ?? '') - Date.parse(a.created_at ?? ''))[0];
      if (!newest) return false;
      await client.downloadArtifact(newest.id, {
        path: into,
        findBy: { token, workflowRunId: newest.workflow_run!.id!, repositoryOwner: repo.owner, repositoryName: repo.repo },
      });
      return true;
    },
  };
}
