// "Who gains or loses what": the changes that name a person (their subject's email), said per
// person as each kind describes its effect. Team-level changes reach a team's members too, but
// the plan does not list them; we keep to what the changes say about named people.
import { kindOf, subjectOf } from '../registry.ts';
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

/** People named by the plan, alphabetically, each with what they gain and lose in plan order. */
export function personChanges(changes: readonly Change[]): PersonChanges[] {
  const people = new Map<string, PersonChanges>();
  for (const change of changes) {
    const email = subjectOf(change).email;
    const effect = kindOf(change.kind).effect?.(change);
    if (!email || !effect) continue;
    let person = people.get(email);
    if (!person) {
      person = { email, gains: [], loses: [] };
      people.set(email, person);
    }
    const said: PersonEffect = { what: effect.what, reason: change.reason, change };
    if (change.note !== undefined) said.note = change.note;
    person[effect.side].push(said);
  }
  return [...people.values()].sort((a, b) => (a.email < b.email ? -1 : a.email > b.email ? 1 : 0));
}
