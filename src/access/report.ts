// explain and who-can as text, Markdown and versioned JSON (docs/cli.md#explain). Pure.
import { describeSource, type Holder, type PersonAccess, type ResolutionMode, type Source } from './effective.ts';
import type { CreatedObject, CreatedRead } from '../model/actual.ts';
import { append } from '../util/append.ts';
import { escapeMarkdown as e } from '../util/markdown.ts';

/** Bumped when a field changes meaning or goes away; new fields may appear within a version. */
export const ACCESS_REPORT_VERSION = 1;


export interface OrganizationRef {
  id: string;
  name: string;
  mode: ResolutionMode;
}

/** A grant of the matrix in force now that ends soon (only when answering for a matrix). */
export interface EndingSoon {
  what: string;
  expires: string;
  then?: string;
}

export interface Explained {
  organization: OrganizationRef;
  /** Undefined when the person is neither a member nor invited there. */
  access?: PersonAccess;
  endingSoon: EndingSoon[];
  /** With --offboarding (members only): what they created, and the lists PostHog would not give. */
  offboarding?: { objects: CreatedObject[]; unread: CreatedRead['unread']; projects: number };
}

const KIND_TEXT: Record<CreatedObject['kind'], string> = { feature_flag: 'feature flag', dashboard: 'dashboard', insight: 'insight' };

/** Offboarding lines: what others rely on, then the private insights PostHog deletes with the person. */
function offboardingLines(o: NonNullable<Explained['offboarding']>, markdown: boolean): string[] {
  const out: string[] = [];
  const shared = o.objects.filter((x) => x.shared);
  const personal = o.objects.filter((x) => !x.shared);
  const item = (x: CreatedObject) => (markdown ? `- ${e(x.project)}: ${KIND_TEXT[x.kind]} **${e(x.name)}** (id ${x.id})` : `    ${x.project}  ${KIND_TEXT[x.kind]}  ${x.name}  (id ${x.id})`);
  const head = (text: string) => (markdown ? ['', `**${text}**`, ''] : [`  ${text}`]);
  out.push(...head(`Created, others may rely on it (${shared.length}, in ${o.projects} ${o.projects === 1 ? 'project' : 'projects'} read):`));
  if (!shared.length) out.push(markdown ? '- nothing' : '    nothing');
  append(out, shared.map(item));
  out.push(...head(`Private insights PostHog deletes when they are removed (${personal.length}):`));
  if (!personal.length) out.push(markdown ? '- none' : '    none');
  append(out, personal.map(item));
  for (const u of o.unread) out.push(markdown ? `- not read: ${e(u.project)} ${KIND_TEXT[u.kind]}s (${e(u.reason)})` : `  not read: ${u.project} ${KIND_TEXT[u.kind]}s (${u.reason})`);
  return out;
}

const offboardingJson = (o: NonNullable<Explained['offboarding']>) => ({
  projects_read: o.projects,
  created: o.objects.filter((x) => x.shared).map((x) => ({ project: x.project, kind: x.kind, id: x.id, name: x.name })),
  private_insights: o.objects.filter((x) => !x.shared).map((x) => ({ project: x.project, id: x.id, name: x.name })),
  unread: o.unread,
});

export interface WhoCanAnswer {
  organization: OrganizationRef;
  project: string;
  resource?: string;
  /** False when the organization has no project of that name. */
  found: boolean;
  people: Holder<string>[];
}

const sourceJson = (source: Source) => ({ source: source.kind, ...(source.team !== undefined && { team: source.team }) });

export function explainJson(email: string, answers: Explained[]): unknown {
  return {
    formatVersion: ACCESS_REPORT_VERSION, email,
    organizations: answers.map(({ organization, access, endingSoon, offboarding }) => ({
      organization: organization.name, organization_id: organization.id, mode: organization.mode,
      level: access?.level ?? null, pending: access?.pending ?? false, teams: access?.teams ?? [],
      projects: (access?.projects ?? []).map((p) => ({
        project: p.project, level: p.level, ...sourceJson(p.source), ...(p.known ? {} : { known: false }),
        resources: p.resources.map((r) => ({ resource: r.resource, level: r.level, ...sourceJson(r.source) })),
      })),
      ending_soon: endingSoon.map((e) => ({ what: e.what, expires: e.expires, ...(e.then && { then: e.then }) })),
      ...(offboarding && { offboarding: offboardingJson(offboarding) }),
    })),
  };
}

export function whoCanJson(answers: WhoCanAnswer[]): unknown {
  const one = (a: WhoCanAnswer) => ({
    formatVersion: ACCESS_REPORT_VERSION, organization: a.organization.name, organization_id: a.organization.id, mode: a.organization.mode,
    project: a.project, ...(a.resource !== undefined && { resource: a.resource }), found: a.found,
    people: a.people.map((h) => ({ email: h.email, level: h.level, ...sourceJson(h.source), ...(h.pending && { pending: true }) })),
  });
  return answers.length === 1 ? one(answers[0]!) : { formatVersion: ACCESS_REPORT_VERSION, organizations: answers.map(one) };
}

const MODE_TEXT: Record<ResolutionMode, string> = { legacy: 'legacy resolution: highest wins', most_specific: 'most-specific resolution' };

function pad(rows: string[][]): string[] {
  // A loop, not Math.max(...lengths): that passes each row as an argument (see src/util/append.ts).
  const widths = rows[0]!.map((_, i) => rows.reduce((w, r) => Math.max(w, (r[i] ?? '').length), 0));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd());
}

export function explainText(email: string, answers: Explained[]): string {
  const out: string[] = [];
  for (const { organization, access, endingSoon, offboarding } of answers) {
    if (!access) {
      out.push(`${email} is neither a member of ${organization.name} nor invited to it.`, '');
      continue;
    }
    out.push(`${email} in ${organization.name} (${MODE_TEXT[organization.mode]}): ${access.level}${access.pending ? ', invited (pending)' : ''}`);
    out.push(`  teams: ${access.teams.length ? access.teams.join(', ') : '(none)'}`);
    const rows: string[][] = [];
    for (const p of access.projects) {
      rows.push([`  ${p.project}`, p.level, `${describeSource(p.source)}${p.known ? '' : ' (rules not read)'}`]);
      if (p.level === 'none') continue;
      for (const r of p.resources) rows.push([`    ${r.resource}`, r.level, describeSource(r.source)]);
    }
    if (rows.length) append(out, pad(rows));
    else out.push('  no projects');
    for (const x of endingSoon) out.push(`  ends soon: ${x.what} after ${x.expires}${x.then ? `, then ${x.then}` : ''}`);
    if (offboarding) append(out, offboardingLines(offboarding, false));
    out.push('');
  }
  return `${out.join('\n').trimEnd()}\n`;
}

export function explainMarkdown(email: string, answers: Explained[]): string {
  const out: string[] = [];
  for (const { organization, access, endingSoon, offboarding } of answers) {
    out.push(`### ${e(email)} in ${e(organization.name)}`, '');
    if (!access) {
      out.push('Neither a member nor invited.', '');
      continue;
    }
    out.push(`Organization level **${access.level}**${access.pending ? ' (invited, pending)' : ''} · teams: ${access.teams.length ? access.teams.map(e).join(', ') : 'none'} · ${MODE_TEXT[organization.mode]}`, '');
    out.push('| project | resource | level | from |', '|---|---|---|---|');
    for (const p of access.projects) {
      out.push(`| ${e(p.project)} | | ${p.level} | ${e(describeSource(p.source))} |`);
      if (p.level === 'none') continue;
      for (const r of p.resources) out.push(`| ${e(p.project)} | ${e(r.resource)} | ${r.level} | ${e(describeSource(r.source))} |`);
    }
    if (endingSoon.length) {
      out.push('', 'Ending soon:', '');
      for (const x of endingSoon) out.push(`- ${e(x.what)} after ${e(x.expires)}${x.then ? `, then ${e(x.then)}` : ''}`);
    }
    if (offboarding) append(out, offboardingLines(offboarding, true));
    out.push('');
  }
  return `${out.join('\n').trimEnd()}\n`;
}

const target = (a: WhoCanAnswer) => (a.resource ? `${a.resource} in ${a.project}` : a.project);

export function whoCanText(answers: WhoCanAnswer[]): string {
  const out: string[] = [];
  for (const a of answers) {
    if (!a.found) {
      out.push(`${a.organization.name} has no project named ${a.project}.`, '');
      continue;
    }
    out.push(`Who can reach ${target(a)} in ${a.organization.name} (${MODE_TEXT[a.organization.mode]}): ${a.people.length} ${a.people.length === 1 ? 'person' : 'people'}`);
    if (a.people.length) append(out, pad(a.people.map((h) => [`  ${h.email}`, h.level, `${describeSource(h.source)}${h.pending ? ' (invited, pending)' : ''}`])));
    out.push('');
  }
  return `${out.join('\n').trimEnd()}\n`;
}

export function whoCanMarkdown(answers: WhoCanAnswer[]): string {
  const out: string[] = [];
  for (const a of answers) {
    out.push(`### Who can reach ${e(target(a))} in ${e(a.organization.name)}`, '');
    if (!a.found) {
      out.push(`No project named ${e(a.project)}.`, '');
      continue;
    }
    out.push(`${MODE_TEXT[a.organization.mode]}`, '', '| person | level | from |', '|---|---|---|');
    for (const h of a.people) out.push(`| ${e(h.email)} | ${h.level} | ${e(describeSource(h.source))}${h.pending ? ' (invited, pending)' : ''} |`);
    out.push('');
  }
  return `${out.join('\n').trimEnd()}\n`;
}
