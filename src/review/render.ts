// The access review as Markdown (a pull request, a wiki), CSV (one row per person and project, for
// auditors' spreadsheets) and versioned JSON (docs/review.md). Pure.
import { describeSource, type Source } from '../access/effective.ts';
import { csvLines } from '../util/csv.ts';
import { count } from '../util/english.ts';
import type { OrganizationReview, ReviewMember } from './build.ts';
import { append } from '../util/append.ts';
import { escapeMarkdown as e } from '../util/markdown.ts';

/** Bumped when a field changes meaning or goes away; new fields may appear within a version. */
export const REVIEW_FORMAT_VERSION = 1;


const day = (iso: string | null | undefined) => (iso ? iso.slice(0, 10) : '');
const MODE_TEXT = { legacy: 'legacy resolution: highest wins', most_specific: 'most-specific resolution' } as const;

// ---- JSON

/** The counts as the JSON and the record spell them (snake_case, like every other field). */
export function countsJson(c: OrganizationReview['counts']): Record<string, number> {
  return {
    owners: c.owners, admins: c.admins, members: c.members, pending_invites: c.pendingInvites, expired_invites: c.expiredInvites,
    teams: c.teams, projects: c.projects, temporary_grants: c.temporaryGrants, ending_soon: c.endingSoon,
    expired_still_present: c.expiredStillPresent, not_in_matrix: c.notInMatrix, not_in_posthog: c.notInPostHog,
    keys_overdue: c.keysOverdue, notes: c.notes, findings: c.findings,
  };
}

const sourceJson = (source: Source) => ({ source: source.kind, ...(source.team !== undefined && { team: source.team }) });

function organizationJson(r: OrganizationReview): unknown {
  return {
    organization: r.organization.name, organization_id: r.organization.id, mode: r.organization.mode, matrix: r.matrix?.file ?? null,
    counts: countsJson(r.counts),
    findings: r.findings,
    members: r.members.map((m) => ({ email: m.email, level: m.level, joined_at: m.joinedAt, last_login: m.lastLogin, two_factor: m.twoFactor, teams: m.teams })),
    invites: r.invites.map((i) => ({ email: i.email, level: i.level, created_at: i.createdAt, expired: i.expired, projects: i.projects })),
    teams: r.teams,
    projects: r.projects.map((p) => ({
      project: p.project, ...(p.known ? {} : { known: false }), resources: p.resources,
      people: p.people.map((h) => ({
        email: h.email, level: h.level, ...sourceJson(h.source), ...(h.pending && { pending: true }),
        resources: h.resources.map((x) => ({ resource: x.resource, level: x.level, ...sourceJson(x.source) })),
      })),
    })),
    temporary_grants: r.temporaryGrants.map((g) => ({
      what: g.what, level: g.level, expires: g.expires, ...(g.then && { then: g.then }), ...(g.note && { note: g.note }),
      status: g.status, posthog: g.posthog, still_present: g.stillPresent,
    })),
    not_in_matrix: r.notInMatrix,
    not_in_posthog: r.notInPostHog,
    secret_keys: r.secretKeys.map((k) => ({
      project: k.project, label: k.label, scopes: k.scopes, born: k.born, age_days: k.ageDays, last_used_at: k.lastUsedAt,
      rotate_after_days: k.rotateAfterDays, declared: k.declared, overdue: k.overdue,
    })),
    personal_keys: r.personalKeys.map((k) => ({
      name: k.name, env: k.env, status: k.status, ...(k.label !== undefined && { label: k.label }), ...(k.born !== undefined && { born: k.born }),
      ...(k.ageDays !== undefined && { age_days: k.ageDays }), ...(k.maxAgeDays !== undefined && { max_age_days: k.maxAgeDays }),
      overdue: k.overdue, ...(k.error !== undefined && { error: k.error }),
    })),
    notes: r.notes,
  };
}

/** `records`: the record files `--record` wrote, when it did. */
export function reviewJson(reviews: OrganizationReview[], at: Date, records: string[] = []): string {
  const doc = { formatVersion: REVIEW_FORMAT_VERSION, date: day(at.toISOString()), generated_at: at.toISOString(), organizations: reviews.map(organizationJson), ...(records.length && { records }) };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

// ---- CSV

export const REVIEW_CSV_HEADER = [
  'organization', 'email', 'status', 'organization_level', 'joined', 'last_login', 'two_factor', 'teams', 'in_matrix',
  'project', 'project_level', 'project_source', 'resources',
];

/** One row per person and project (level none included: the full picture for an auditor). */
export function reviewCsv(reviews: OrganizationReview[]): string {
  const rows: string[][] = [REVIEW_CSV_HEADER];
  for (const r of reviews) {
    const members = new Map(r.members.map((m) => [m.email, m]));
    const inMatrix = new Set(r.notInMatrix.map((p) => p.email));
    for (const person of r.people) {
      const m = members.get(person.email);
      const base = [
        r.organization.name, person.email, person.pending ? 'invited' : 'member', person.level, day(m?.joinedAt), day(m?.lastLogin),
        m ? (m.twoFactor ? 'yes' : 'no') : '', (m?.teams ?? person.teams).join('; '), r.matrix ? (inMatrix.has(person.email) ? 'no' : 'yes') : '',
      ];
      if (!person.projects.length) rows.push([...base, '', '', '', '']);
      for (const p of person.projects) {
        const resources = p.level === 'none' ? '' : p.resources.map((x) => `${x.resource}: ${x.level} (${describeSource(x.source)})`).join('; ');
        rows.push([...base, p.project, p.level, describeSource(p.source), resources]);
      }
    }
  }
  return csvLines(rows);
}

// ---- Markdown

/** What the review itself marks up (never a user's string). */
interface Markup {
  markdown: string;
}

/** A table cell: a user's string (or one holding names) escaped, or the review's own markup. */
type Cell = string | Markup;

// Trimmed: `**Prod **` is not bold on GitHub (the closing ** may not follow a space).
const strong = (text: string): Markup => ({ markdown: `**${e(text).trim()}**` });
const cell = (c: Cell) => (typeof c === 'string' ? e(c) : c.markdown);

function table(head: string[], rows: Cell[][]): string[] {
  return [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`)];
}

const LEVEL_TITLES = [['owner', 'Owners'], ['admin', 'Admins'], ['member', 'Members']] as const;

function membersPart(r: OrganizationReview): string[] {
  const out: string[] = [`### Members (${r.members.length})`, ''];
  for (const [level, title] of LEVEL_TITLES) {
    const of = r.members.filter((m) => m.level === level);
    out.push(`**${title} (${of.length})**`, '');
    if (of.length) append(out, [...table(['person', 'joined', 'last login', '2FA', 'teams'], of.map((m: ReviewMember) => [m.email, day(m.joinedAt), m.lastLogin ? day(m.lastLogin) : 'never', m.twoFactor ? 'yes' : strong('no'), m.teams.join(', ')])), '']);
  }
  const pending = r.invites.filter((i) => !i.expired);
  const expired = r.invites.filter((i) => i.expired);
  const inviteRows = (list: typeof r.invites) => list.map((i) => [i.email, i.level, day(i.createdAt), Object.entries(i.projects).map(([p, l]) => `${p}: ${l}`).join(', ')]);
  out.push(`**Pending invites (${pending.length})**`, '');
  if (pending.length) append(out, [...table(['person', 'level', 'sent', 'projects'], inviteRows(pending)), '']);
  out.push(`**Expired invites, still present (${expired.length})**`, '');
  if (expired.length) append(out, [...table(['person', 'level', 'sent', 'projects'], inviteRows(expired)), '']);
  return out;
}

function teamsPart(r: OrganizationReview): string[] {
  const out = [`### Teams (${r.teams.length})`, ''];
  if (r.teams.length) append(out, [...table(['team', 'members'], r.teams.map((t) => [t.team, t.members.join(', ') || '(none)'])), '']);
  return out;
}

function projectsPart(r: OrganizationReview): string[] {
  const out = [`### Who can reach each project (${MODE_TEXT[r.organization.mode]})`, ''];
  for (const p of r.projects) {
    out.push(`${strong(p.project).markdown}: ${count(p.people.length, 'person', 'people')}${p.known ? '' : ' (rules not read)'}`, '');
    if (!p.people.length) continue;
    const rows = p.people.map((h) => [
      `${h.email}${h.pending ? ' (invited)' : ''}`, h.level, describeSource(h.source),
      ...p.resources.map((resource) => {
        const x = h.resources.find((y) => y.resource === resource)!;
        return `${x.level} (${describeSource(x.source)})`;
      }),
    ]);
    append(out, [...table(['person', 'level', 'from', ...p.resources.map(e)], rows), '']);
  }
  return out;
}

function grantsPart(r: OrganizationReview): string[] {
  if (!r.matrix) return [];
  const out = [`### Temporary grants (${r.temporaryGrants.length})`, ''];
  const status = (g: OrganizationReview['temporaryGrants'][number]): Cell =>
    g.stillPresent ? strong(`expired, still in PostHog (${g.posthog})`) : g.status === 'expired' ? 'expired, reverted' : g.status === 'ending_soon' ? strong('ending soon') : 'in force';
  if (r.temporaryGrants.length) append(out, [...table(['grant', 'until', 'then', 'status', 'note'], r.temporaryGrants.map((g) => [g.what, g.expires, g.then ?? 'nothing', status(g), g.note ?? ''])), '']);
  return out;
}

function matrixPart(r: OrganizationReview): string[] {
  if (!r.matrix) return [];
  const list = (people: { email: string; note: string }[]) => (people.length ? people.map((p) => `- ${e(p.email)}${p.note}`) : ['None.']);
  const invite = { pending: ' (invited, pending)', expired: ' (invite expired)' } as const;
  return [
    `### In PostHog, not in the matrix (${r.notInMatrix.length})`, '', ...list(r.notInMatrix.map((p) => ({ email: p.email, note: p.invited ? ' (invited)' : '' }))), '',
    `### In the matrix, not in PostHog (${r.notInPostHog.length})`, '', ...list(r.notInPostHog.map((p) => ({ email: p.email, note: p.invite ? invite[p.invite] : ' (not invited)' }))), '',
  ];
}

function keysPart(r: OrganizationReview): string[] {
  const out = [`### Keys`, '', `**Project secret keys (${r.secretKeys.length})**`, ''];
  if (r.secretKeys.length) {
    out.push(...table(['project', 'label', 'scopes', 'age (days)', 'rotate after', 'last used', 'status'], r.secretKeys.map((k) => [
      k.project, k.label, k.scopes.join(', '), String(k.ageDays), `${k.rotateAfterDays}${k.declared ? '' : ' (review default)'}`, day(k.lastUsedAt) || 'never', k.overdue ? strong('past rotation age') : 'ok',
    ])), '');
  }
  if (r.matrix) {
    out.push(`**Declared personal API keys (${r.personalKeys.length})**`, '');
    if (r.personalKeys.length) {
      out.push(...table(['api_keys', 'label', 'age (days)', 'max age', 'status'], r.personalKeys.map((k) => [
        k.name, k.label ?? '', k.ageDays === undefined ? '' : String(k.ageDays), k.maxAgeDays === undefined ? '' : String(k.maxAgeDays),
        k.status === 'variable_unset' ? `not audited: $${k.env} unset` : k.status === 'unreadable' ? `not audited: ${k.error ?? 'unreadable'}` : k.overdue ? strong('past max age') : 'ok',
      ])), '');
    }
  }
  return out;
}

function notesPart(r: OrganizationReview): string[] {
  if (!r.matrix) return [];
  const out = [`### Notes (approvals) in the matrix (${r.notes.length})`, ''];
  if (r.notes.length) append(out, [...table(['grant', 'note', 'until'], r.notes.map((n) => [n.what, n.note, n.expires ?? ''])), '']);
  return out;
}

function organizationMarkdown(r: OrganizationReview): string[] {
  const c = r.counts;
  const out = [
    `## ${e(r.organization.name)}`, '',
    `${count(c.owners, 'owner')}, ${count(c.admins, 'admin')}, ${count(c.members, 'member')}; ${count(c.pendingInvites, 'pending invite')}, ${count(c.expiredInvites, 'expired invite')}; ${count(c.teams, 'team')}; ${count(c.projects, 'project')}${r.matrix ? ` · compared with ${e(r.matrix.file)}` : ' · no matrix given'}`, '',
    `### Findings (${r.findings.length})`, '',
    ...(r.findings.length ? r.findings.map((f) => `- ${e(f.message)}`) : ['None.']), '',
  ];
  return [...out, ...membersPart(r), ...teamsPart(r), ...projectsPart(r), ...grantsPart(r), ...matrixPart(r), ...keysPart(r), ...notesPart(r)];
}

export function reviewMarkdown(reviews: OrganizationReview[], at: Date): string {
  const lines = [`# Access review, ${day(at.toISOString())}`, '', ...reviews.flatMap(organizationMarkdown)];
  return `${lines.join('\n').trimEnd()}\n`;
}
