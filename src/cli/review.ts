// `review`: the periodic access review (docs/review.md) of the live organization named by the
// environment, or of each --matrix's organization (its host and key) compared with that matrix.
// Read-only towards PostHog; `--record` writes a dated record for the repository to keep.
import { ConfigError } from '../errors.ts';
import type { ActualState } from '../model/actual.ts';
import { buildReview, type OrganizationReview } from '../review/build.ts';
import { recordsDirOf, reviewerOf, reviewRecord, writeRecords } from '../review/record.ts';
import { reviewCsv, reviewJson, reviewMarkdown } from '../review/render.ts';
import { auditApiKeys } from '../state/audit-keys.ts';
import type { Io } from './commands.ts';
import { EXIT } from './exit.ts';
import { readLive } from './live.ts';
import { forOrganization, hostOf, load, type Session } from './pipeline.ts';
import { matrixFiles, refuseDuplicates } from './matrix-files.ts';
import type { ReviewFormat } from '../review/formats.ts';
import { codeSpan, escapeMarkdown } from '../util/markdown.ts';

export interface ReviewFlags {
  matrix: string[];
  format: ReviewFormat;
  /** `--record [dir]`: true for the matrices' `review.records` folders. */
  record?: string | true;
  reviewer?: string;
  force?: boolean;
  rotationDays?: number;
}

async function reviews(flags: ReviewFlags, session: Session, now: Date): Promise<{ reviews: OrganizationReview[]; recordDirs: string[] }> {
  const options = { secretKeys: true } as const;
  if (!flags.matrix.length) {
    const actual = await readLive(session, options);
    return { reviews: [buildReview({ actual, now, ...(flags.rotationDays !== undefined && { rotationDays: flags.rotationDays }) })], recordDirs: [] };
  }
  const out: OrganizationReview[] = [];
  const recordDirs: string[] = [];
  // --matrix as plan takes it: files, or a directory of them; one organization on one host once.
  const files = await matrixFiles(flags.matrix);
  const matrices = [];
  for (const file of files) matrices.push(await load(file, session));
  refuseDuplicates(matrices.map((m) => ({ file: m.file, host: hostOf(forOrganization(session, m.desired).env), organization: m.desired.organization.id, apiKeyEnv: m.desired.organization.apiKeyEnv })));
  for (const [i, matrix] of matrices.entries()) {
    const file = files[i]!;
    const own = forOrganization(session, matrix.desired);
    const actual: ActualState = await readLive(own, { ...options, organization: matrix.desired.organization.id });
    if (Object.keys(matrix.desired.apiKeys).length) actual.apiKeys = await auditApiKeys(matrix.desired.apiKeys, own.env, hostOf(own.env), own.logger);
    out.push(buildReview({ actual, desired: matrix.desired, matrixFile: file, now, ...(flags.rotationDays !== undefined && { rotationDays: flags.rotationDays }) }));
    const dir = recordsDirOf(matrix);
    if (dir !== undefined) recordDirs.push(dir);
  }
  return { reviews: out, recordDirs };
}

/** Where `--record` writes: the folder given, else each matrix's `review.records`. */
function recordTargets(flags: ReviewFlags, fromMatrices: string[]): string[] {
  if (typeof flags.record === 'string') return [flags.record];
  if (!fromMatrices.length) throw new ConfigError('--record needs a folder: pass one (--record reviews), or declare `review: { records: reviews }` in the matrix');
  return fromMatrices;
}

export async function reviewCommand(flags: ReviewFlags, session: Session, io: Io): Promise<number> {
  if (flags.reviewer !== undefined && flags.record === undefined) throw new ConfigError('--reviewer names who reviewed in a record: pass --record too');
  if (flags.record === true && !flags.matrix.length) recordTargets(flags, []);
  const now = new Date();
  // Who reviewed is settled before PostHog is read: a missing name fails fast.
  const reviewer = flags.record === undefined ? undefined : await reviewerOf(flags.reviewer, { cwd: process.cwd(), env: session.env });
  const found = await reviews(flags, session, now);
  let written: string[] = [];
  if (reviewer !== undefined) written = await writeRecords(recordTargets(flags, found.recordDirs), reviewRecord(found.reviews, reviewer, now), flags.force ?? false);
  if (flags.format === 'json') {
    io.stdout.write(reviewJson(found.reviews, now, written));
  } else if (flags.format === 'csv') {
    io.stdout.write(reviewCsv(found.reviews));
  } else {
    io.stdout.write(reviewMarkdown(found.reviews, now));
    if (written.length) io.stdout.write(`\nRecorded by ${escapeMarkdown(reviewer!)} in ${written.map(codeSpan).join(', ')}.\n`);
  }
  for (const file of written) session.logger.info({ stage: 'review', record: file }, `wrote the review record ${file}`);
  return EXIT.ok;
}
