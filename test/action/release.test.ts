// Releasing the Action (scripts/release-action.ts, run by .github/workflows/release.yml): what
// `uses: <owner>/posthog-access@v0` fetches is the tag's tree, so after a release that tree must run
// the Action without installing anything. Played with a repository holding what the Action needs
// (action.yml, action/main.js, package.json) and a bare "origin" in a temporary folder.
import { execFile, execFileSync } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { releaseAction } from '../../scripts/release-action.ts';

const repo = join(import.meta.dirname, '..', '..');
const version = (JSON.parse(execFileSync('git', ['show', 'HEAD:package.json'], { cwd: repo, encoding: 'utf8' })) as { version: string }).version;
const tag = `v${version}`;
const major = `v${version.split('.')[0]}`;
const identity = { GIT_AUTHOR_NAME: 'test', GIT_AUTHOR_EMAIL: 'test@example.com', GIT_COMMITTER_NAME: 'test', GIT_COMMITTER_EMAIL: 'test@example.com' };
const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, ...identity }, stdio: ['ignore', 'pipe', 'pipe'] }).trim();

vi.setConfig({ testTimeout: 90_000, hookTimeout: 60_000 });

let dir: string;
let work: string;
let origin: string;
let source: string; // the commit the developer tagged

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'posthog-access-release-'));
  origin = join(dir, 'origin.git');
  work = join(dir, 'work');
  git(dir, 'init', '--quiet', '--bare', origin);
  git(dir, 'init', '--quiet', work);
  await mkdir(join(work, 'action'));
  for (const file of ['action.yml', 'action/main.js', 'package.json', '.gitignore']) await copyFile(join(repo, file), join(work, file));
  git(work, 'add', '.');
  git(work, 'commit', '--quiet', '-m', 'source');
  git(work, 'tag', tag);
  git(work, 'remote', 'add', 'origin', origin);
  git(work, 'push', '--quiet', 'origin', 'HEAD:refs/heads/main', `refs/tags/${tag}`);
  source = git(work, 'rev-parse', 'HEAD');
  Object.assign(process.env, identity); // the script's commit and tags need an identity (the workflow configures one)
});
afterAll(async () => { if (dir) await rm(dir, { recursive: true, force: true }); });

/** Runs `node action/main.js` in a fresh clone of `ref` as GitHub's runner would, for an event with nothing to do. */
async function runCheckout(ref: string): Promise<{ code: number; stdout: string; outputs: string }> {
  const checkout = await mkdtemp(join(dir, 'checkout-'));
  git(dir, 'clone', '--quiet', '--branch', ref, origin, checkout);
  const output = join(checkout, '..', `${ref}-output.txt`);
  const event = join(checkout, '..', `${ref}-event.json`);
  await writeFile(output, '');
  await writeFile(event, JSON.stringify({ ref: 'refs/heads/feature', repository: { default_branch: 'main' } }));
  const env = {
    PATH: process.env.PATH, HOME: process.env.HOME, GITHUB_ACTIONS: 'true', GITHUB_EVENT_NAME: 'push', GITHUB_EVENT_PATH: event,
    GITHUB_REF: 'refs/heads/feature', GITHUB_REPOSITORY: 'acme/access', GITHUB_OUTPUT: output, GITHUB_API_URL: 'http://127.0.0.1:9', INPUT_COMMAND: 'auto',
  };
  const { code, stdout } = await new Promise<{ code: number; stdout: string }>((resolve) => {
    execFile(process.execPath, [join(checkout, 'action', 'main.js')], { cwd: checkout, env }, (error, out) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout: out }));
  });
  return { code, stdout, outputs: await readFile(output, 'utf8') };
}

describe('releasing the Action', () => {
  it('a commit of the main branch (no bundle) says how to get one, and fails', async () => {
    const r = await runCheckout('main');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('::error::posthog-access: this ref of the Action has no built bundle');
  });

  it('refuses a tag that is not the package version, or is missing, before building anything', async () => {
    await expect(releaseAction(work, 'v9.9.9')).rejects.toThrow(/does not match package\.json's version/);
    await expect(releaseAction(work, 'latest')).rejects.toThrow(/is not a release tag/);
    git(work, 'tag', '--delete', tag);
    try {
      await expect(releaseAction(work, tag)).rejects.toThrow(`there is no tag ${tag}`);
    } finally {
      git(work, 'tag', tag, source);
    }
    expect(git(work, 'rev-parse', 'HEAD')).toBe(source);
  });

  it('moves the release tag and its major tag to the tagged commit plus the bundle; that tree runs the Action', async () => {
    const { commit, tags } = await releaseAction(work, tag, 'origin');
    expect(tags).toEqual([tag, major]);
    for (const t of tags) expect(git(origin, 'rev-parse', `${t}^{commit}`)).toBe(commit);
    expect(git(origin, 'rev-parse', `${commit}^`)).toBe(source); // the reviewed source, with only the bundle added
    expect(git(origin, 'diff', '--name-only', source, commit).split('\n')).toContain('action/dist/index.mjs');
    expect(git(origin, 'diff', '--name-only', source, commit).split('\n').filter((f) => !f.startsWith('action/dist/'))).toEqual([]);
    expect(git(origin, 'rev-parse', 'refs/heads/main')).toBe(source); // the main branch keeps no bundle

    for (const ref of [major, tag]) {
      const r = await runCheckout(ref);
      expect(r.stdout).not.toContain('::error::');
      expect(r.code).toBe(0);
      expect(r.outputs).toMatch(/^command<<ghadelimiter_[^\n]+\nnone\n/m);
      expect(r.stdout).toContain('nothing to apply');
    }
  });
});
