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
  const said = sayEffects(plan);
  return peopleOf(plan).map(({ email, access }) => said(email, access));
}

/** Each person's access entries, alphabetically, as the plan orders them: what personChanges says, not yet said. */
export function peopleOf(plan: Pick<OrganizationPlan, 'access'>): { email: string; access: AccessChange[] }[] {
  const people = new Map<string, AccessChange[]>();
  for (const access of plan.access ?? []) {
    const list = people.get(access.email);
    if (list) list.push(access);
    else people.set(access.email, [access]);
  }
  return [...people].map(([email, access]) => ({ email, access })).sort((a, b) => (a.email < b.email ? -1 : a.email > b.email ? 1 : 0));
}

/** Says one person's entries (from peopleOf), each with the reason and note of the change behind it. */
export function sayEffects(plan: Pick<OrganizationPlan, 'changes'>): (email: string, entries: readonly AccessChange[]) => PersonChanges {
  const byId = new Map(plan.changes.map((c) => [c.id, c]));
  return (email, entries) => {
    const person: PersonChanges = { email, gains: [], loses: [] };
    for (const access of entries) {
      const change = access.because.map((id) => byId.get(id)).find((c) => c !== undefined);
      const said: PersonEffect = { what: describeAccessChange(access), reason: change?.reason ?? '', access };
      if (change) said.change = change;
      if (change?.note !== undefined) said.note = change.note;
      person[access.direction].push(said);
    }
    return person;
  };
}
