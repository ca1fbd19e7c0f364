// One comment per pull request (and one issue for drift), found again by a hidden marker and
// edited in place: the discussion shows the current plan, never a pile of stale ones.
import type { getOctokit } from '@actions/github';

type Octokit = ReturnType<typeof getOctokit>;
type Repo = { owner: string; repo: string };

export const COMMENT_MARKER = '<!-- posthog-access:plan -->';
export const DRIFT_MARKER = '<!-- posthog-access:drift -->';
/** GitHub refuses a comment or issue body longer than this many characters. */
export const COMMENT_LIMIT = 65_536;
/** GitHub keeps at most this many bytes of one step's summary. */
export const SUMMARY_LIMIT = 1_048_576;

/** The pull request's comment carrying `marker`, if any. */
export async function findComment(octokit: Octokit, repo: Repo, issue: number, marker = COMMENT_MARKER): Promise<{ id: number; body: string } | undefined> {
  for await (const page of octokit.paginate.iterator(octokit.rest.issues.listComments, { ...repo, issue_number: issue, per_page: 100 })) {
    const found = page.data.find((c) => c.body?.includes(marker));
    if (found) return { id: found.id, body: found.body ?? '' };
  }
  return undefined;
}

/** Create the marked comment, or edit the one already there. Returns its URL. */
export async function upsertComment(octokit: Octokit, repo: Repo, issue: number, body: string, marker = COMMENT_MARKER): Promise<string> {
  const existing = await findComment(octokit, repo, issue, marker);
  const text = body.includes(marker) ? body : `${marker}\n${body}`;
  if (existing) {
    const { data } = await octokit.rest.issues.updateComment({ ...repo, comment_id: existing.id, body: text });
    return data.html_url;
  }
  const { data } = await octokit.rest.issues.createComment({ ...repo, issue_number: issue, body: text });
  return data.html_url;
}

/** The full text when it fits in a comment; else the short one, which points to where the rest is. */
export function fit(full: string, short: string, limit = COMMENT_LIMIT): string {
  return full.length <= limit ? full : short;
}

/** At most `limit` bytes of Markdown for the job summary, saying where the rest is when cut. */
export function truncateBytes(text: string, limit: number, where: string): string {
  if (Buffer.byteLength(text) <= limit) return text;
  const note = `\n\n… cut here: the full text is over GitHub's limit; it is in ${where}.\n`;
  let cut = Buffer.from(text).subarray(0, limit - Buffer.byteLength(note)).toString('utf8');
  cut = cut.replace(/\uFFFD$/, ''); // a character split at the cut
  return cut + note;
}
