// Publishes the GitHub Action for a release tag: `uses: <owner>/posthog-access@v0.2.0` (or `@v0`)
// runs what the tag holds, without installing anything, so the tag must contain the bundle that the
// main branch does not (it is a build output; see docs/ci.md, "Releasing the Action").
//
//   node scripts/release-action.ts v0.2.0 [--push <remote>]
//
// On the tagged commit (checked out, clean): builds action/dist/ (scripts/build-action.ts), commits
// it on top of the tagged commit, and moves the release tag and its major tag (v0) to that commit;
// with --push, force-pushes both tags. Run by .github/workflows/release.yml when a tag is pushed.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildAction } from './build-action.ts';

export class ReleaseError extends Error {}

const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

/** Builds and commits the bundle in the repository at `cwd` for `tag`; returns the commit and the tags moved. */
export async function releaseAction(cwd: string, tag: string, push?: string): Promise<{ commit: string; tags: string[] }> {
  const version = /^v(\d+)\.\d+\.\d+$/.exec(tag);
  if (!version) throw new ReleaseError(`${tag} is not a release tag: use v<major>.<minor>.<patch>, e.g. v0.2.0`);
  const root = git(cwd, 'rev-parse', '--show-toplevel');
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
  if (`v${manifest.version}` !== tag) throw new ReleaseError(`${tag} does not match package.json's version ${manifest.version}: set "version" to ${tag.slice(1)} in the tagged commit, or tag v${manifest.version}`);
  let tagged: string;
  try {
    tagged = git(root, 'rev-parse', '--verify', '--quiet', `refs/tags/${tag}^{commit}`);
  } catch {
    throw new ReleaseError(`there is no tag ${tag}: tag the commit to release first (git tag ${tag})`);
  }
  if (git(root, 'rev-parse', 'HEAD') !== tagged) throw new ReleaseError(`HEAD is not ${tag}: check out the tag first (git checkout ${tag})`);
  if (git(root, 'status', '--porcelain')) throw new ReleaseError('the working tree has changes: release from a clean checkout of the tag');

  await buildAction(join(root, 'action', 'dist', 'index.mjs'));
  git(root, 'add', '--force', 'action/dist'); // ignored on the main branch (dist/ in .gitignore)
  git(root, 'commit', '--quiet', '--no-verify', '-m', `posthog-access Action ${tag}: the bundle (npm run build:action) on top of ${tagged.slice(0, 12)}`);
  const commit = git(root, 'rev-parse', 'HEAD');
  const tags = [tag, `v${version[1]}`];
  for (const t of tags) git(root, 'tag', '--force', '-m', `posthog-access ${tag}`, t, commit);
  if (push) git(root, 'push', '--force', '--quiet', push, ...tags.map((t) => `refs/tags/${t}`));
  return { commit, tags };
}

if (import.meta.main) {
  const [tag, flag, remote] = process.argv.slice(2);
  if (!tag || (flag !== undefined && (flag !== '--push' || !remote))) {
    process.stderr.write('usage: node scripts/release-action.ts v<major>.<minor>.<patch> [--push <remote>]\n');
    process.exit(1);
  }
  try {
    const { commit, tags } = await releaseAction(process.cwd(), tag, remote);
    process.stdout.write(`${tags.join(' and ')} now point at ${commit}, which holds the Action's bundle${remote ? ` (pushed to ${remote})` : ''}\n`);
  } catch (e) {
    process.stderr.write(`error: ${(e as Error).message}\n`); // a ReleaseError says what to do; git's own errors name the command

    process.exit(1);
  }
}
