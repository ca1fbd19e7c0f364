// "Who gains or loses what": the changes that name a person (refs.email), said per person.
// Team-level changes reach a team's members too, but the plan does not list them; we keep to
// what the changes say about named people.
import type { Change } from '../types.ts';

export interface PersonEffect {
  /** What is gained or lost, e.g. "admin on Production", "membership of Engineering". */
  what: string;
  reason: string;
  note?: string;
  change: Change;
}

export interface PersonChanges {
  email: string;
  gains: PersonEffect[];
  loses: PersonEffect[];
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function level(value: Record<string, unknown> | null): string | undefined {
  return value ? str(value['level']) : undefined;
}

function keyParts(change: Change): string[] {
  return change.key.split(' / ').map((p) => p.trim());
}

function projectOf(change: Change): string {
  return str(change.refs['project']) ?? keyParts(change)[0] ?? change.key;
}

function describeInvite(value: Record<string, unknown> | null): string {
  const lvl = level(value);
  const projects = value?.['projects'];
  let text = lvl ? `invitation as ${lvl}` : 'invitation';
  if (projects && typeof projects === 'object' && !Array.isArray(projects)) {
    const grants = Object.entries(projects as Record<string, unknown>).map(([p, l]) => `${String(l)} on ${p}`);
    if (grants.length > 0) text += ` (with ${grants.join(', ')})`;
  }
  return text;
}

/** The thing at stake, with the level that applies to the side of the change we describe. */
function subjectOf(change: Change, lvl: string | undefined): string {
  switch (change.kind) {
    case 'member':
      return lvl ? `organization ${lvl}` : 'organization membership';
    case 'team_member': {
      const team = str(change.refs['team']) ?? keyParts(change)[0] ?? change.key;
      // Plain membership is the usual case; only a team admin is worth saying.
      return lvl && lvl !== 'member' ? `membership of ${team} (as ${lvl})` : `membership of ${team}`;
    }
    case 'project_access':
      return `${lvl ?? 'access'} on ${projectOf(change)}`;
    case 'resource_access': {
      const resource = str(change.refs['resource']) ?? keyParts(change)[1] ?? 'resources';
      return `${lvl ?? 'access'} on ${projectOf(change)} / ${resource}`;
    }
    default:
      return lvl ? `${lvl} (${change.key})` : change.key;
  }
}

function describe(change: Change): { side: 'gains' | 'loses'; what: string } {
  const before = level(change.before);
  const after = level(change.after);
  if (change.kind === 'invite') {
    if (change.action === 'delete') return { side: 'loses', what: `a pending ${describeInvite(change.before)}` };
    return { side: 'gains', what: `an ${describeInvite(change.after)}` };
  }
  if (change.action === 'create') return { side: 'gains', what: subjectOf(change, after) };
  if (change.action === 'delete') return { side: 'loses', what: subjectOf(change, before) };
  // An update: the side follows `destructive` (a lowering of access is a loss).
  if (change.destructive) {
    const suffix = after && after !== before ? ` (now ${after})` : '';
    return { side: 'loses', what: `${subjectOf(change, before)}${suffix}` };
  }
  const suffix = before && after !== before ? ` (was ${before})` : '';
  return { side: 'gains', what: `${subjectOf(change, after)}${suffix}` };
}

/** People named by the plan, alphabetically, each with what they gain and lose in plan order. */
export function personChanges(changes: readonly Change[]): PersonChanges[] {
  const people = new Map<string, PersonChanges>();
  for (const change of changes) {
    const email = str(change.refs['email']);
    if (!email) continue;
    let person = people.get(email);
    if (!person) {
      person = { email, gains: [], loses: [] };
      people.set(email, person);
    }
    const { side, what } = describe(change);
    const effect: PersonEffect = { what, reason: change.reason, change };
    if (change.note !== undefined) effect.note = change.note;
    person[side].push(effect);
  }
  return [...people.values()].sort((a, b) => (a.email < b.email ? -1 : a.email > b.email ? 1 : 0));
}
