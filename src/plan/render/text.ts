// The terminal view: grouped by section, + ~ - markers, refusals last and loud, then the summary.
import { PARTIAL_VIEW } from '../partial-view.ts';
import type { Change, OrganizationPlan, Plan } from '../types.ts';
import { fieldChanges, formatField, noticeOrder, overrideHint, summaryLine } from './describe.ts';
import { countChanges, groupBySection, kindPrefix } from './sections.ts';
import { previewLine, resolutionOf, switchLines, switchTitle } from './resolution.ts';
import { peopleOf, sayEffects, type PersonEffect } from './people.ts';

/** At most this many people are listed under "Who gains or loses what"; the JSON plan has them all. */
export const TEXT_PEOPLE_LIMIT = 50;

export interface TextOptions {
  color: boolean;
  /** The command the plan is shown for, named in the header: `plan` (default) or `drift`. */
  command?: 'plan' | 'drift';
}

type Style = 'bold' | 'dim' | 'red' | 'green' | 'yellow' | 'cyan';

// Plain SGR codes rather than util.styleText: styleText drops colour when stdout is not a TTY,
// and whether to colour is the caller's decision (--no-color, NO_COLOR, TTY), made once.
const CODES: Record<Style, [number, number]> = {
  bold: [1, 22],
  dim: [2, 22],
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  cyan: [36, 39],
};

type Paint = (styles: Style | Style[], text: string) => string;

function painter(color: boolean): Paint {
  if (!color) return (_styles, text) => text;
  return (styles, text) => {
    const list = Array.isArray(styles) ? styles : [styles];
    return list.reduce((acc, s) => `\u001b[${CODES[s][0]}m${acc}\u001b[${CODES[s][1]}m`, text);
  };
}

const MARKERS = { create: '+', update: '~', delete: '-' } as const;
const ACTION_COLORS = { create: 'green', update: 'yellow', delete: 'red' } as const;
const INDENT = '  ';

/** Users' strings are shown verbatim, but never with their own control characters (escapes, CR). */
function clean(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f\u009b]/g, '').replace(/\n/g, ' ');
}

function changeLines(change: Change, mixedKinds: boolean, paint: Paint): string[] {
  const marker = paint(ACTION_COLORS[change.action], MARKERS[change.action]);
  const label = mixedKinds && kindPrefix(change) ? `${kindPrefix(change)} ` : '';
  const fields = fieldChanges(change).map((f) => clean(formatField(f)));
  let line = `${INDENT}${marker} ${label}${paint('bold', clean(change.key))}`;
  if (fields.length > 0) line += `  ${fields.join(', ')}`;
  if (change.destructive && change.action !== 'delete') line += ` ${paint('red', '(lowers access)')}`;
  const lines = [line];
  const why = [clean(change.reason)];
  if (change.note !== undefined && change.note !== '') why.push(`note: ${clean(change.note)}`);
  const whyText = why.filter((w) => w !== '').join(' · ');
  if (whyText !== '') lines.push(`${INDENT}    ${paint('dim', whyText)}`);
  return lines;
}

/**
 * One organization's part: its sections, notices, the resolution switch, manual steps and refusals,
 * added to `out` (not returned for the caller to spread into its own: a plan of 64,000 changes has
 * more lines than push() takes arguments).
 */
function organizationLines(org: OrganizationPlan, paint: Paint, out: string[]): void {
  // A plan made from a partial view says so before anything else (it is also among the notices).
  for (const n of org.notices.filter((x) => x.code === PARTIAL_VIEW)) out.push('', paint(['bold', 'yellow'], `! ${clean(n.message)}`));
  for (const group of groupBySection(org.changes)) {
    const counts = countChanges(group.changes);
    const parts = (['create', 'update', 'delete'] as const)
      .filter((a) => counts[a] > 0)
      .map((a) => `${counts[a]} to ${a}`);
    out.push('');
    out.push(`${paint('bold', group.title)} ${paint('dim', `(${parts.join(', ')})`)}`);
    for (const change of group.changes) out.push(...changeLines(change, group.mixedKinds, paint));
  }

  // Said only for the people shown.
  const people = peopleOf(org);
  const say = sayEffects(org);
  if (people.length > 0) {
    out.push('', paint('bold', 'Who gains or loses what'));
    let said: unknown;
    const line = (side: 'gains' | 'loses', effect: PersonEffect) => {
      // The reason of a change is said once, on the first of the lines it is behind.
      const repeat = effect.change !== undefined && effect.change === said;
      said = effect.change;
      const why = repeat ? '' : [effect.reason, effect.note ? `note: ${effect.note}` : ''].filter((w) => w !== '').map(clean).join(' · ');
      const mark = side === 'gains' ? paint('green', 'gains') : paint('red', 'loses');
      return `${INDENT}${INDENT}${mark} ${clean(effect.what)}${why ? `  ${paint('dim', why)}` : ''}`;
    };
    for (const { email, access } of people.slice(0, TEXT_PEOPLE_LIMIT)) {
      const person = say(email, access);
      out.push(`${INDENT}${paint('bold', clean(person.email))}`);
      said = undefined;
      for (const effect of person.loses) out.push(line('loses', effect));
      for (const effect of person.gains) out.push(line('gains', effect));
    }
    if (people.length > TEXT_PEOPLE_LIMIT) out.push(`${INDENT}${paint('dim', `… and ${people.length - TEXT_PEOPLE_LIMIT} more people (--format json lists them all)`)}`);
  }

  if (org.notices.length > 0) {
    out.push('', paint('bold', 'Notices'));
    for (const notice of noticeOrder(org.notices)) {
      const warning = notice.level === 'warning';
      const mark = warning ? paint('yellow', '!') : paint('cyan', 'i');
      const key = notice.key !== undefined && !notice.message.includes(notice.key) ? ` ${paint('dim', `(${clean(notice.key)})`)}` : '';
      const code = paint('dim', `[${clean(notice.code)}]`);
      out.push(`${INDENT}${mark} ${warning ? paint('yellow', 'warning') : 'info'} ${code} ${clean(notice.message)}${key}`);
    }
  }

  if (org.resolutionSwitch) {
    out.push('', paint('bold', switchTitle(org.resolutionSwitch)));
    for (const line of switchLines(org.resolutionSwitch)) out.push(`${INDENT}${clean(line)}`);
    out.push(`${INDENT}${paint('dim', clean(previewLine(org.resolutionSwitch)))}`);
  }

  if (org.manualSteps.length > 0) {
    out.push('', paint('bold', 'Manual steps (posthog-access cannot do these for you)'));
    org.manualSteps.forEach((step, i) => {
      out.push(`${INDENT}${i + 1}. ${paint('bold', clean(step.key))}: ${clean(step.message)}`);
    });
  }

  if (org.refusals.length > 0) {
    out.push('', paint(['bold', 'red'], '✗ Refused: this plan will not be applied.'));
    for (const refusal of org.refusals) {
      out.push(paint('red', `${INDENT}✗ ${clean(refusal.guard)}: ${clean(refusal.message)}`));
      const hint = overrideHint(org, refusal);
      if (hint) out.push(`${INDENT}    To allow this for one run, pass ${paint('bold', hint)}.`);
    }
  }
}

/** The line under an organization's name: where it is and how it resolves access. */
function whereLine(org: OrganizationPlan): string {
  const resolution = resolutionOf(org);
  return `${clean(org.host)} · organization id ${clean(org.organization.id)}${resolution ? ` · access resolution: ${resolution}` : ''}`;
}

export function renderText(plan: Plan, options: TextOptions): string {
  const paint = painter(options.color);
  const command = options.command ?? 'plan';
  const out: string[] = [];
  const [only] = plan.organizations;
  if (plan.organizations.length === 1 && only) {
    const headerParts = [
      `organization ${clean(only.organization.name)}`,
      `at ${clean(plan.at)}`,
      `matrix ${clean(only.matrix.file)}`,
    ];
    out.push(paint('bold', `posthog-access ${command} · ${headerParts.join(' · ')}`));
    out.push(paint('dim', whereLine(only)));
    organizationLines(only, paint, out);
    out.push('', paint('bold', summaryLine(countChanges(only.changes), only.manualSteps.length, 'above', command)));
    return `${out.join('\n')}\n`;
  }

  // Several organizations: a section each, then the summary of them all.
  out.push(paint('bold', `posthog-access ${command} · ${plan.organizations.length} organizations · at ${clean(plan.at)}`));
  for (const org of plan.organizations) {
    out.push('', paint('bold', `═══ organization ${clean(org.organization.name)} · matrix ${clean(org.matrix.file)}`));
    out.push(paint('dim', whereLine(org)));
    organizationLines(org, paint, out);
    out.push('', `${clean(org.organization.name)}: ${summaryLine(countChanges(org.changes), org.manualSteps.length, 'above', command)}`);
  }
  const refused = plan.organizations.filter((o) => o.refusals.length > 0);
  const manual = plan.organizations.reduce((n, o) => n + o.manualSteps.length, 0);
  out.push('', paint('bold', `All ${plan.organizations.length} organizations: ${summaryLine(plan.summary, manual, 'above', command)}`));
  if (refused.length) out.push(paint(['bold', 'red'], `✗ Refused in ${refused.map((o) => clean(o.organization.name)).join(', ')}: ${refused.length === 1 ? 'its' : 'their'} changes will not be applied.`));
  return `${out.join('\n')}\n`;
}
