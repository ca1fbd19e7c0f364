// Review records (docs/review.md): `review --record` writes one dated JSON file per review (who
// reviewed, when, the counts and findings of each organization) for the repository to keep, and
// `plan` and `drift` warn when the matrix's `review.every_days` have passed since the newest one.
import { execFile } from 'node:child_process';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { ConfigError } from '../errors.ts';
import type { LoadedMatrix } from '../matrix/read.ts';
import type { Notice } from '../plan/types.ts';
import { daysSince } from '../util/days.ts';
import { TOOL_VERSION } from '../util/version.ts';
import type { OrganizationReview } from './build.ts';
import { countsJson, REVIEW_FORMAT_VERSION } from './render.ts';

const RECORD_NAME = /^access-review-(\d{4}-\d{2}-\d{2})\.json$/;

export const recordName = (date: string) => `access-review-${date}.json`;

export interface ReviewRecord {
  formatVersion: typeof REVIEW_FORMAT_VERSION;
  kind: 'posthog-access review record';
  date: string;
  reviewer: string;
  generated_at: string;
  tool: { name: 'posthog-access'; version: string };
  organizations: { organization: string; organization_id: string; matrix: string | null; counts: Record<string, number>; findings: OrganizationReview['findings'] }[];
}

export function reviewRecord(reviews: OrganizationReview[], reviewer: string, at: Date): ReviewRecord {
  return {
    formatVersion: REVIEW_FORMAT_VERSION, kind: 'posthog-access review record', date: at.toISOString().slice(0, 10), reviewer,
    generated_at: at.toISOString(), tool: { name: 'posthog-access', version: TOOL_VERSION },
    organizations: reviews.map((r) => ({ organization: r.organization.name, organization_id: r.organization.id, matrix: r.matrix?.file ?? null, counts: countsJson(r.counts), findings: r.findings })),
  };
}

const run = promisify(execFile);

interface Where {
  cwd: string;
  /** The environment git runs with (its HOME and GIT_* variables decide which configuration it reads). */
  env: Record<string, string | undefined>;
}

async function gitConfig(key: string, where: Where): Promise<string | undefined> {
  try {
    const { stdout } = await run('git', ['config', '--get', key], { cwd: where.cwd, env: where.env, timeout: 10_000 });
    return stdout.trim() || undefined;
  } catch {
    return undefined; // not set, not a repository, or no git: the caller says what to pass
  }
}

/** `--reviewer`, else git's user.name and user.email where the review runs. */
export async function reviewerOf(flag: string | undefined, where: Where): Promise<string> {
  if (flag !== undefined) {
    if (!flag.trim()) throw new ConfigError('--reviewer is empty: pass who reviewed, e.g. --reviewer "Alice Example <alice@example.com>"');
    return flag.trim();
  }
  const [name, email] = [await gitConfig('user.name', where), await gitConfig('user.email', where)];
  if (name || email) return name && email ? `${name} <${email}>` : (name ?? email)!;
  throw new ConfigError('review --record needs to know who reviewed, and git has no user.name or user.email here: pass --reviewer "Your Name <you@example.com>"');
}

/**
 * Writes the record into each folder, after checking none of them has one of that date already
 * (unless `force`): nothing is written when one would be overwritten.
 */
export async function writeRecords(dirs: string[], record: ReviewRecord, force: boolean): Promise<string[]> {
  const files = [...new Set(dirs)].map((d) => join(d, recordName(record.date)));
  if (!force) {
    for (const file of files) {
      const exists = await stat(file).then(() => true, () => false);
      if (exists) throw new ConfigError(`${file} exists: a review of ${record.date} is already recorded, and review never overwrites a record; pass --force to replace it`);
    }
  }
  const text = `${JSON.stringify(record, null, 2)}\n`;
  for (const file of files) {
    try {
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, text, { flag: force ? 'w' : 'wx' });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new ConfigError(`${file} exists: review never overwrites a record; pass --force to replace it`);
      throw new ConfigError(`cannot write the review record ${file}: ${(e as Error).message}`);
    }
  }
  return files;
}

/** The folder of a matrix's review records (`review.records`, relative to the matrix), if it declares `review`. */
export function recordsDirOf(matrix: Pick<LoadedMatrix, 'file' | 'desired'>): string | undefined {
  const review = matrix.desired.review;
  return review ? join(dirname(matrix.file), review.records) : undefined;
}

/**
 * The date of the newest record in `dir` that covers the organization (a record naming no
 * organization id, or an unreadable one, counts by its file name alone); undefined when none.
 */
export async function newestRecord(dir: string, organizationId: string): Promise<string | undefined> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return undefined;
  }
  const dates = names.map((n) => RECORD_NAME.exec(n)?.[1]).filter((d): d is string => d !== undefined).sort().reverse();
  for (const date of dates) {
    let ids: string[] | undefined;
    try {
      const record = JSON.parse(await readFile(join(dir, recordName(date)), 'utf8')) as Partial<ReviewRecord>;
      ids = Array.isArray(record.organizations) ? record.organizations.map((o) => o.organization_id) : undefined;
    } catch {
      ids = undefined;
    }
    if (!ids || ids.includes(organizationId)) return date;
  }
  return undefined;
}

/** The `review_due` notice of plan and drift: the matrix asks for a review every N days and the newest record is older, or missing. */
export async function reviewDueNotices(matrix: Pick<LoadedMatrix, 'file' | 'desired'>, organizationId: string, now: Date): Promise<Notice[]> {
  const every = matrix.desired.review?.everyDays;
  const dir = recordsDirOf(matrix);
  if (every === undefined || dir === undefined) return [];
  const newest = await newestRecord(dir, organizationId);
  const todo = `review access and record it: \`posthog-access review --matrix ${matrix.file} --record\`, then commit the record`;
  if (newest === undefined) {
    return [{ level: 'warning', code: 'review_due', message: `no access review is recorded in ${dir} (review.every_days: ${every}): ${todo}` }];
  }
  const age = daysSince(`${newest}T00:00:00Z`, now);
  if (age <= every) return [];
  return [{ level: 'warning', code: 'review_due', message: `the last access review recorded in ${dir} is from ${newest}, ${age} days ago (review.every_days: ${every}): ${todo}` }];
}
