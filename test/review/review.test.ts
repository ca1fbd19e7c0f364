// The review's pure parts: the matrix's `review` section, CSV cells, review_due notices and the
// temporary-grant states (what "expired but still present" means).
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseMatrix } from '../../src/matrix/load.ts';
import { csvCell, csvLines } from '../../src/util/csv.ts';
import { reviewDueNotices } from '../../src/review/record.ts';
import { buildReview } from '../../src/review/build.ts';
import { reviewMarkdown } from '../../src/review/render.ts';
import type { ActualState } from '../../src/model/actual.ts';

describe('review in the matrix', () => {
  it('is optional; records default to reviews beside the matrix', () => {
    expect(parseMatrix('version: 1\n', 'm.yaml', {}).desired.review).toBeUndefined();
    expect(parseMatrix('version: 1\nreview: { every_days: 90 }\n', 'm.yaml', {}).desired.review).toEqual({ everyDays: 90, records: 'reviews' });
    expect(parseMatrix('version: 1\nreview: { records: audit/reviews }\n', 'm.yaml', {}).desired.review).toEqual({ records: 'audit/reviews' });
  });

  it('refuses a non-positive every_days and unknown keys', () => {
    expect(() => parseMatrix('version: 1\nreview: { every_days: 0 }\n', 'm.yaml', {})).toThrow(/every_days/);
    expect(() => parseMatrix('version: 1\nreview: { every: 90 }\n', 'm.yaml', {})).toThrow(/every/);
  });
});

describe('CSV cells', () => {
  it('quote commas, quotes and line breaks, and neutralise formulas', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    for (const start of ['=', '+', '-', '@', '\t', '\r']) expect(csvCell(`${start}1+1`).startsWith(start === '\r' ? `"'` : `'`)).toBe(true);
    expect(csvCell('=HYPERLINK("http://x","y")')).toBe(`"'=HYPERLINK(""http://x"",""y"")"`);
    expect(csvLines([['a', 'b'], ['c', '']])).toBe('a,b\r\nc,\r\n');
  });
});

describe('review_due', () => {
  const NOW = new Date('2026-11-30T09:00:00Z');
  async function matrixIn(review: string) {
    const dir = await mkdtemp(join(tmpdir(), 'posthog-access-review-unit-'));
    const file = join(dir, 'access-matrix.yaml');
    return { dir, matrix: { file, desired: parseMatrix(`version: 1\n${review}`, file, {}).desired } };
  }

  it('counts days from the newest record of the organization', async () => {
    const { dir, matrix } = await matrixIn('review: { every_days: 30, records: r }\n');
    expect((await reviewDueNotices(matrix, 'org', NOW))[0]?.message).toMatch(/^no access review is recorded in .*\/r \(review.every_days: 30\)/);
    await mkdir(join(dir, 'r'));
    await writeFile(join(dir, 'r', 'access-review-2026-10-31.json'), JSON.stringify({ organizations: [{ organization_id: 'org' }] }));
    expect(await reviewDueNotices(matrix, 'org', NOW)).toEqual([]); // 30 days: not older than every_days
    await writeFile(join(dir, 'r', 'access-review-2026-10-31.json'), 'not json');
    expect(await reviewDueNotices(matrix, 'org', NOW)).toEqual([]); // unreadable: counted by its name
    const late = await reviewDueNotices(matrix, 'org', new Date('2026-12-01T09:00:00Z'));
    expect(late).toEqual([expect.objectContaining({ level: 'warning', code: 'review_due' })]);
    expect(late[0]!.message).toContain('is from 2026-10-31, 31 days ago (review.every_days: 30)');
  });

  it('is silent without every_days', async () => {
    const { matrix } = await matrixIn('review: { records: r }\n');
    expect(await reviewDueNotices(matrix, 'org', NOW)).toEqual([]);
  });
});

describe('temporary grants', () => {
  const NOW = new Date('2026-11-30T09:00:00Z');
  const member = (email: string, level: 1 | 8 | 15) => ({ membershipId: email, userUuid: email, email, level, is2faEnabled: true, lastLogin: null, joinedAt: '2026-01-01T00:00:00Z' });
  const actual = (levels: Record<string, 1 | 8 | 15>): ActualState => ({
    organization: { id: 'org', name: 'Org', membershipLevel: 15, features: ['access_control'], settings: {}, defaultRoleId: null, resolutionMode: 'most_specific' },
    me: { uuid: 'a', email: 'a@example.com' }, key: null,
    members: Object.fromEntries(Object.entries(levels).map(([e, l]) => [e, member(e, l)])),
    invites: {}, teams: {}, projects: {},
  });
  const desired = parseMatrix([
    'version: 1',
    'members:',
    '  a@example.com: owner',
    '  b@example.com: { level: admin, expires: 2026-11-01, then: member }',
    '  c@example.com: { level: admin, expires: 2026-11-01 }',
    '  d@example.com: { level: admin, expires: 2027-06-01 }',
  ].join('\n'), 'm.yaml', {}).desired;

  it('an expired grant is still present while PostHog holds more than what follows it', () => {
    const review = buildReview({ actual: actual({ 'a@example.com': 15, 'b@example.com': 8, 'c@example.com': 1, 'd@example.com': 8 }), desired, now: NOW });
    expect(review.organization.mode).toBe('most_specific');
    expect(review.temporaryGrants.map((g) => [g.what, g.status, g.stillPresent])).toEqual([
      ['admin in the organization for b@example.com', 'expired', true],
      ['admin in the organization for c@example.com', 'expired', true],
      ['admin in the organization for d@example.com', 'in_force', false],
    ]);
    // Reverted: b is back to member, c gone; an expired grant with nothing after is not "missing from PostHog".
    // A team membership and a project rule that expired and are still in PostHog; a default rule reverted to its `then`.
    const teamAndRules = parseMatrix([
      'version: 1',
      'members: { a@example.com: owner, b@example.com: member }',
      'teams: { Ops: { members: [{ email: b@example.com, expires: 2026-11-01, note: "rota" }] } }',
      'projects:',
      '  Prod:',
      '    access: { level: member, expires: 2026-11-01, then: none }',
      '    members: { b@example.com: { level: admin, expires: 2026-11-01, then: member } }',
    ].join('\n'), 'm.yaml', {}).desired;
    const state = actual({ 'a@example.com': 15, 'b@example.com': 1 });
    state.teams = { Ops: { id: 'r1', name: 'Ops', members: { 'b@example.com': 'rm1' } } };
    state.projects = { Prod: { id: 1, name: 'Prod', rulesLoaded: true, unresolvedRules: 0, resources: {}, default: { level: 'none' }, teams: {}, members: { 'b@example.com': { level: 'admin' } } } };
    const withRules = buildReview({ actual: state, desired: teamAndRules, now: NOW });
    expect(withRules.temporaryGrants.map((g) => [g.what, g.posthog, g.stillPresent])).toEqual([
      ['admin on Prod for b@example.com', 'admin', true],
      ['member on Prod by default', 'none', false],
      ['membership of Ops for b@example.com', 'member', true],
    ]);
    expect(withRules.notes).toEqual([{ what: 'membership of Ops for b@example.com', note: 'rota', expires: '2026-11-01' }]);
    // Effective access comes from the model: b's own (expired, still present) rule is what PostHog enforces.
    expect(withRules.projects[0]!.people.find((p) => p.email === 'b@example.com')).toMatchObject({ level: 'admin', source: { kind: 'member' } });

    const reverted = buildReview({ actual: actual({ 'a@example.com': 15, 'b@example.com': 1, 'd@example.com': 8 }), desired, now: NOW });
    expect(reverted.temporaryGrants.filter((g) => g.stillPresent)).toEqual([]);
    expect(reverted.notInPostHog).toEqual([]);
  });
});

describe('the review as Markdown', () => {
  const NOW = new Date('2026-11-30T09:00:00Z');
  it('shows what people wrote as text: no HTML, table cells, emphasis or GitHub mentions; its own marks stay bold', () => {
    const team = 'Ops | <img src=x> @admins';
    const state: ActualState = {
      organization: { id: 'org', name: 'Acme *Inc*', membershipLevel: 15, features: ['access_control'], settings: {}, defaultRoleId: null, resolutionMode: 'most_specific' },
      me: { uuid: 'a', email: 'a@example.com' }, key: null,
      members: { 'a@example.com': { membershipId: 'm1', userUuid: 'a', email: 'a@example.com', level: 15, is2faEnabled: false, lastLogin: null, joinedAt: '2026-01-01T00:00:00Z' } },
      invites: {}, teams: { [team]: { id: 'r1', name: team, members: { 'a@example.com': 'rm1' } } },
      projects: { 'Prod <b>': { id: 1, name: 'Prod <b>', rulesLoaded: true, unresolvedRules: 0, resources: {}, teams: {}, members: {} } },
    };
    const md = reviewMarkdown([buildReview({ actual: state, now: NOW })], NOW);
    expect(md).toContain('## Acme \\*Inc\\*');
    expect(md).toContain('| Ops \\| &lt;img src=x&gt; @&#8203;admins | a@example.com |');
    expect(md).toContain('**Prod &lt;b&gt;**: 1 person');
    expect(md).not.toContain('<img');
    // The review's own emphasis (no second factor) is still markup.
    expect(md).toMatch(/\| a@example\.com \| 2026-01-01 \| never \| \*\*no\*\* \| Ops \\\| /);
  });
});
