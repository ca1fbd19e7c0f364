// "Who gains or loses what": the plan's effective-access changes (plan.access, computed by the
// effective-access model, src/access/changes.ts), said per person, each with the reason and note
// of the change behind it.
import { describeAccessChange, type AccessChange } from '../../access/changes.ts';
import type { Change, OrganizationPlan } from '../types.ts';

export interface PersonEffect {
  /** What is gained or lost, e.g. "Production: admin (own rule) → member (default rule)". */
  what: string;
  reason: string;
  note?: string;
  access: AccessChange;
  /** The change behind it (the first of `access.because`), when the plan names one. */
  change?: Change;
}

export interface PersonChanges {
  email: string;
  gains: PersonEffect[];
  loses: PersonEffect[];
}

/** People whose effective access the plan changes, alphabetically, organization first, then by place. */
export function personChanges(plan: Pick<OrganizationPlan, 'changes' | 'access'>): PersonChanges[] {
  const byId = new Map(plan.changes.map((c) => [c.id, c]));
  const people = new Map<string, PersonChanges>();
  for (const access of plan.access ?? []) {
    let person = people.get(access.email);
    if (!person) {
      person = { email: access.email, gains: [], loses: [] };
      people.set(access.email, person);
    }
    const change = access.because.map((id) => byId.get(id)).find((c) => c !== undefined);
    const said: PersonEffect = { what: describeAccessChange(access), reason: change?.reason ?? '', access };
    if (change) said.change = change;
    if (change?.note !== undefined) said.note = change.note;
    person[access.direction].push(said);
  }
  return [...people.values()].sort((a, b) => (a.email < b.email ? -1 : a.email > b.email ? 1 : 0));
}
