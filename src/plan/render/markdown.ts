// Markdown for pull-request comments: refusals first, a summary table, who gains or loses what,
// then the details folded per section. Everything a user wrote is escaped, and the comment is
// kept under GitHub's size limit by leaving details out (and saying so).
import { escapeMarkdown } from '../../util/markdown.ts';
import { PARTIAL_VIEW } from '../partial-view.ts';
import type { Change, OrganizationPlan, Plan } from '../types.ts';
import { fieldChanges, formatField, noticeOrder, overrideHint, summaryLine } from './describe.ts';
import { peopleOf, sayEffects } from './people.ts';
import type { PersonChanges, PersonEffect } from './people.ts';
import { previewLine, resolutionOf, switchLines, switchTitle } from './resolution.ts';
import { countChanges, groupBySection, kindPrefix } from './sections.ts';
import type { SectionGroup } from './sections.ts';

/** GitHub refuses comments longer than this many characters. */
export const GITHUB_COMMENT_LIMIT = 65_536;

export interface MarkdownOptions {
  /** Most characters to produce; GitHub's comment limit unless told otherwise. */
  maxLength?: number;
  /** The command the plan is shown for, named in the heading: `plan` (default) or `drift`. */
  command?: 'plan' | 'drift';
}

const e = escapeMarkdown;
const MARKERS = { create: '`+`', update: '`~`', delete: '`-`' } as const;
const JSON_HINT = 'see the JSON plan (`posthog-access plan --format json`) for all of them';

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

function countsText(changes: readonly Change[]): string {
  const counts = countChanges(changes);
  return (['create', 'update', 'delete'] as const)
    .filter((a) => counts[a] > 0)
    .map((a) => `${counts[a]} to ${a}`)
    .join(', ');
}

/** Refusals, loud, with the way around them when there is one. */
function refusalBlock(org: OrganizationPlan): string[] {
  if (org.refusals.length === 0) return [];
  const out = ['> [!CAUTION]', '> **Refused: this plan will not be applied.**'];
  for (const refusal of org.refusals) {
    const hint = overrideHint(org, refusal);
    const how = hint ? ` — to allow this for one run, pass \`${hint}\`.` : '';
    const message = e(refusal.message).replace(/--allow-deletes \d+/g, (flag) => `\`${flag}\``);
    out.push(`> - **${e(refusal.guard)}**: ${message}${how}`);
  }
  out.push('');
  return out;
}

/** An organization's heading (when the plan has several), refusals, where it is, its counts per section. */
function headBlock(plan: Plan, org: OrganizationPlan, heading: string, command: 'plan' | 'drift'): string[] {
  const out: string[] = [heading, ''];
  out.push(...refusalBlock(org));
  out.push(
    `Organization **${e(org.organization.name)}** (${e(org.organization.id)}) on ${e(org.host)} · ` +
      `${resolutionOf(org) ? `access resolution: **${e(resolutionOf(org)!)}** · ` : ''}` +
      `evaluated at **${e(plan.at)}** · matrix ${e(org.matrix.file)}`,
    '',
  );
  const counts = countChanges(org.changes);
  const destructive =
    counts.destructive > 0 ? ` ${plural(counts.destructive, 'destructive change')} (removals or lowered access).` : '';
  out.push(`**${summaryLine(counts, org.manualSteps.length, 'below', command)}**${destructive}`, '');
  if (org.changes.length === 0) return out;

  out.push('| Section | Create | Update | Delete |', '| --- | ---: | ---: | ---: |');
  for (const group of groupBySection(org.changes)) {
    const c = countChanges(group.changes);
    out.push(`| ${group.title} | ${c.create} | ${c.update} | ${c.delete} |`);
  }
  out.push(`| **Total** | **${counts.create}** | **${counts.update}** | **${counts.delete}** |`, '');
  return out;
}

/** Effects in order, those of one change together, its reason and note said once after them. */
function effectsText(effects: PersonEffect[]): string {
  const groups: PersonEffect[][] = [];
  for (const effect of effects) {
    const last = groups[groups.length - 1];
    if (last && last[0]!.change !== undefined && last[0]!.change === effect.change) last.push(effect);
    else groups.push([effect]);
  }
  return groups.map((group) => {
    const { reason, note } = group[0]!;
    const why = [reason, note !== undefined && note !== '' ? `note: ${note}` : ''].filter((w) => w !== '').map(e).join('; ');
    const what = group.map((g) => e(g.what)).join(', ');
    return why === '' ? what : `${what} (${why})`;
  }).join(', ');
}

function personLine(person: PersonChanges): string {
  const sides: string[] = [];
  if (person.loses.length > 0) sides.push(`loses: ${effectsText(person.loses)}`);
  if (person.gains.length > 0) sides.push(`gains: ${effectsText(person.gains)}`);
  return `- **${e(person.email)}** — ${sides.join('; ')}`;
}

/**
 * The people's lines, written only as far as a comment of `limit` characters can reach: a plan
 * can change 2,000 people's access, and a comment shows a few hundred. `length(n)` is the length
 * of the first n lines (a newline after each), or, past the lines written, a length already over
 * `limit`.
 */
function peopleLines(plan: OrganizationPlan, limit: number) {
  const people = peopleOf(plan);
  const say = sayEffects(plan);
  const lines: string[] = [];
  const sums = [0];
  const grow = (n: number) => {
    while (lines.length < Math.min(n, people.length) && sums[sums.length - 1]! <= limit) {
      const { email, access } = people[lines.length]!;
      const line = personLine(say(email, access));
      lines.push(line);
      sums.push(sums[sums.length - 1]! + line.length + 1);
    }
  };
  return {
    count: people.length,
    length(n: number): number {
      grow(n);
      return sums[Math.min(n, lines.length)]!;
    },
    lines(n: number): string[] {
      grow(n);
      return lines.slice(0, n);
    },
  };
}

function noticeBlock(plan: OrganizationPlan): string[] {
  const out: string[] = [];
  if (plan.notices.length > 0) {
    out.push('#### Notices', '');
    for (const n of noticeOrder(plan.notices)) {
      const mark = n.level === 'warning' ? '⚠️ **warning**' : 'ℹ️ info';
      const key = n.key !== undefined && !n.message.includes(n.key) ? ` (${e(n.key)})` : '';
      out.push(`- ${mark} \`${n.code.replace(/`/g, "'")}\`: ${e(n.message)}${key}`);
    }
    out.push('');
  }
  if (plan.resolutionSwitch) {
    out.push(`#### ${e(switchTitle(plan.resolutionSwitch))}`, '');
    for (const line of switchLines(plan.resolutionSwitch)) out.push(`- ${e(line)}`);
    out.push('', `_${e(previewLine(plan.resolutionSwitch))}_`, '');
  }
  if (plan.manualSteps.length > 0) {
    out.push('#### Manual steps', '', 'posthog-access cannot do these for you:', '');
    plan.manualSteps.forEach((step, i) => out.push(`${i + 1}. **${e(step.key)}**: ${e(step.message)}`));
    out.push('');
  }
  return out;
}

function changeRow(change: Change, group: SectionGroup): string {
  const label = group.mixedKinds && kindPrefix(change) ? `${kindPrefix(change)}: ` : '';
  const fields = fieldChanges(change).map((f) => e(formatField(f)));
  if (change.destructive && change.action !== 'delete') fields.push('**lowers access**');
  const why = [e(change.reason)];
  if (change.note !== undefined && change.note !== '') why.push(`_note: ${e(change.note)}_`);
  return `| ${MARKERS[change.action]} | ${e(label)}**${e(change.key)}** | ${fields.join('; ')} | ${why.filter((w) => w !== '').join(' — ')} |`;
}

/** The lines around a section's rows, when `visible` of its changes are shown. */
function sectionFrame(group: SectionGroup, visible: number): { before: string[]; after: string[] } {
  const partial = visible < group.changes.length ? ` (showing ${visible} of ${group.changes.length})` : '';
  return {
    before: [`<details><summary><b>${group.title}</b>: ${countsText(group.changes)}${partial}</summary>`, '', '| | Change | Details | Why |', '| --- | --- | --- | --- |'],
    after: ['', '</details>', ''],
  };
}

/** Characters of lines joined with a newline after each. */
const linesLength = (lines: readonly string[]) => lines.reduce((n, line) => n + line.length + 1, 0);

/**
 * The details of the first `shown` changes (in section order), folded per section, and their
 * length for any `shown` without building them: each row is rendered once (`rows[g][i]`), and
 * `rowsLength[g][i]` is the length of the first i rows of section g.
 */
function detailBlock(groups: readonly SectionGroup[]) {
  const rows = groups.map((group) => group.changes.map((change) => changeRow(change, group)));
  const rowsLength = rows.map((list) => {
    const sums = [0];
    for (const row of list) sums.push(sums[sums.length - 1]! + row.length + 1);
    return sums;
  });
  const visit = (shown: number, each: (g: number, visible: number) => void) => {
    let left = shown;
    for (let g = 0; g < groups.length && left > 0; g++) {
      const visible = Math.min(left, groups[g]!.changes.length);
      left -= visible;
      each(g, visible);
    }
  };
  return {
    lines(shown: number): string[] {
      const out: string[] = [];
      visit(shown, (g, visible) => {
        const { before, after } = sectionFrame(groups[g]!, visible);
        out.push(...before, ...rows[g]!.slice(0, visible), ...after);
      });
      return out;
    },
    length(shown: number): number {
      let n = 0;
      visit(shown, (g, visible) => {
        const { before, after } = sectionFrame(groups[g]!, visible);
        n += linesLength(before) + rowsLength[g]![visible]! + linesLength(after);
      });
      return n;
    },
  };
}

function footer(plan: Plan, org: OrganizationPlan): string[] {
  return [
    `<sub>${e(plan.tool.name)} ${e(plan.tool.version)} · plan created ${e(plan.createdAt)} · ` +
      `state fingerprint ${e(org.fingerprint.digest.slice(0, 12))} · matrix sha256 ${e(org.matrix.sha256.slice(0, 12))}</sub>`,
  ];
}

export function renderMarkdown(plan: Plan, options: MarkdownOptions = {}): string {
  const limit = options.maxLength ?? GITHUB_COMMENT_LIMIT;
  const command = options.command ?? 'plan';
  const [only] = plan.organizations;
  if (plan.organizations.length === 1 && only) return organizationMarkdown(plan, only, `### posthog-access ${command} for ${e(only.organization.name)}`, limit, command);

  // Several organizations: the summary of them all first, then a part each, sharing what is left of the limit.
  const head = overviewBlock(plan, command);
  const share = Math.floor((limit - linesLength(head)) / Math.max(plan.organizations.length, 1));
  const parts = plan.organizations.map((org) => organizationMarkdown(plan, org, `### ${e(org.organization.name)}`, share, command));
  return `${head.join('\n')}\n${parts.join('\n')}`;
}

/** For several organizations: a row each (where, what, refused or not) and the total. */
function overviewBlock(plan: Plan, command: 'plan' | 'drift'): string[] {
  const out = [`## posthog-access ${command} for ${plan.organizations.length} organizations`, ''];
  const refused = plan.organizations.filter((o) => o.refusals.length > 0);
  if (refused.length) {
    out.push('> [!CAUTION]', `> **Refused in ${refused.map((o) => e(o.organization.name)).join(', ')}: ${refused.length === 1 ? 'its' : 'their'} changes will not be applied** (see ${refused.length === 1 ? 'its part' : 'their parts'} below).`, '');
  }
  const manual = plan.organizations.reduce((n, o) => n + o.manualSteps.length, 0);
  out.push(`**${summaryLine(plan.summary, manual, 'below', command)}** Evaluated at **${e(plan.at)}**.`, '');
  out.push('| Organization | Host | Matrix | Create | Update | Delete | |', '| --- | --- | --- | ---: | ---: | ---: | --- |');
  for (const org of plan.organizations) {
    const c = countChanges(org.changes);
    out.push(`| ${e(org.organization.name)} | ${e(org.host)} | ${e(org.matrix.file)} | ${c.create} | ${c.update} | ${c.delete} | ${org.refusals.length ? '**refused**' : ''} |`);
  }
  out.push(`| **Total** | | | **${plan.summary.create}** | **${plan.summary.update}** | **${plan.summary.delete}** | |`, '');
  return out;
}

/** One organization's comment (the whole comment when the plan has one): kept under `limit` characters. */
function organizationMarkdown(plan: Plan, org: OrganizationPlan, heading: string, limit: number, command: 'plan' | 'drift'): string {
  // A plan made from a partial view says so before anything else (it is also among the notices).
  const head = [...headBlock(plan, org, heading, command), ...org.notices.filter((n) => n.code === PARTIAL_VIEW).flatMap((n) => [`> [!WARNING]`, `> ${e(n.message)}`, ''])];
  const people = peopleLines(org, limit);
  const notices = noticeBlock(org);
  const groups = groupBySection(org.changes);
  const total = org.changes.length;

  const details = detailBlock(groups);

  // The comment is these parts in order; each is a list of lines, joined with a newline after each.
  const peopleHead = ['#### Who gains or loses what', ''];
  const peopleMore = (shown: number): string[] => (shown < people.count
    ? [`- _… and ${plural(people.count - shown, 'more person', 'more people')} left out to fit GitHub's comment limit; ${JSON_HINT}._`]
    : []);
  const peoplePart = (shown: number): string[] =>
    (people.count === 0 ? [] : [...peopleHead, ...people.lines(shown), ...peopleMore(shown), '']);
  const detailsHead = ['#### Details', ''];
  const detailsOmitted = (shown: number): string[] => (shown < total
    ? [
        `> [!NOTE]`,
        `> ${plural(total - shown, 'change')} of ${total} omitted from the details to stay within GitHub's ` +
          `${limit.toLocaleString('en-US')}-character comment limit; ${JSON_HINT}.`,
        '',
      ]
    : []);
  const detailsPart = (shown: number): string[] =>
    (total === 0 ? [] : [...detailsHead, ...details.lines(shown), ...detailsOmitted(shown)]);
  const build = (shownPeople: number, shownChanges: number): string =>
    `${[...head, ...peoplePart(shownPeople), ...notices, ...detailsPart(shownChanges), ...footer(plan, org)].join('\n')}\n`;

  // build(p, c).length without building it: the search below asks often, and building the whole
  // comment at each step made fitting a large plan slow.
  const fixed = linesLength(head) + linesLength(notices) + linesLength(footer(plan, org));
  const length = (shownPeople: number, shownChanges: number): number =>
    fixed
    + (people.count === 0 ? 0 : linesLength(peopleHead) + people.length(shownPeople) + linesLength(peopleMore(shownPeople)) + 1)
    + (total === 0 ? 0 : linesLength(detailsHead) + details.length(shownChanges) + linesLength(detailsOmitted(shownChanges)));

  // Largest n in [0, max] for which fits(n) holds, assuming fits is monotone and fits(0).
  const largest = (max: number, fits: (n: number) => boolean): number => {
    let lo = 0;
    let hi = max;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (fits(mid)) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };

  if (length(people.count, total) <= limit) return build(people.count, total);
  const least = length(0, 0);
  if (least <= limit) {
    // Too long: people and details share what is left, half each, and either may use what the
    // other does not need.
    const half = limit - Math.floor((limit - least) / 2);
    let shownPeople = largest(people.count, (n) => length(n, 0) <= half);
    const shownChanges = largest(total, (n) => length(shownPeople, n) <= limit);
    shownPeople = largest(people.count, (n) => n <= shownPeople || length(n, shownChanges) <= limit);
    return build(shownPeople, shownChanges);
  }
  // Still too long (thousands of notices?): cut hard, and say so.
  const cut = `\n\n_… output cut to fit GitHub's comment limit; ${JSON_HINT}._\n`;
  return build(0, 0).slice(0, Math.max(0, limit - cut.length)) + cut;
}
