// "Who gains or loses what" comes from the effective-access model (plan.access): per person, each
// change of level with the reason and note of the change behind it.
import { describe, expect, it } from 'vitest';
import { personChanges } from '../../src/plan/render/people.ts';
import { change, organizationPlan } from './builders.ts';
import type { Change } from '../../src/plan/types.ts';

function words(changes: Change[]) {
  return personChanges(organizationPlan({ changes })).map((p) => ({
    email: p.email,
    gains: p.gains.map((g) => g.what),
    loses: p.loses.map((l) => l.what),
  }));
}

describe('personChanges', () => {
  it('says nothing for changes that change nobody\'s access (a team without rules)', () => {
    expect(words([change({ kind: 'team', action: 'create', key: 'Platform', after: { name: 'Platform' } })])).toEqual([]);
    expect(words([change({ kind: 'team_member', action: 'create', key: 'Product / carol@example.com', after: {}, subject: { email: 'carol@example.com', team: 'Product' } })])).toEqual([]);
  });

  it('reads organization levels up and down, and removals with what they take', () => {
    expect(
      words([
        change({ key: 'a@x.com', before: { level: 'member' }, after: { level: 'admin' } }),
        change({ key: 'b@x.com', before: { level: 'admin' }, after: { level: 'member' }, destructive: true }),
        change({ key: 'c@x.com', action: 'delete', before: { level: 'member' } }),
      ]),
    ).toEqual([
      { email: 'a@x.com', gains: ['organization: member → admin', 'Production: member (default rule) → admin (organization admin)'], loses: [] },
      { email: 'b@x.com', gains: [], loses: ['organization: admin → member', 'Production: admin (organization admin) → member (default rule)'] },
      { email: 'c@x.com', gains: [], loses: ['organization: member → removed', 'Production: member (default rule) → removed'] },
    ]);
  });

  it('reads access reached through a team: leaving it, or the team going, changes the level', () => {
    const closed = [change({ kind: 'project_access', key: 'Production / default', before: { level: 'member' }, after: { level: 'none' }, destructive: true, subject: { project: 'Production' }, reason: 'declared in the matrix' })];
    // frank keeps member through Engineering; carol keeps admin by her own rule; nobody else is named.
    expect(words(closed)).toEqual([]);
    const leaves = [...closed, change({ kind: 'team_member', action: 'delete', key: 'Engineering / frank@example.com', before: {}, subject: { email: 'frank@example.com', team: 'Engineering' }, reason: 'not in the matrix (prune.teams)' })];
    const people = personChanges(organizationPlan({ changes: leaves }));
    expect(people.map((p) => [p.email, p.loses.map((l) => [l.what, l.reason])])).toEqual([
      ['frank@example.com', [['Production: member (team Engineering) → none (default rule)', 'declared in the matrix']]],
    ]);
  });

  it('lists people alphabetically and carries the reason and note of the change behind it', () => {
    const people = personChanges(organizationPlan({ changes: [
      change({ key: 'zed@x.com', action: 'delete', reason: 'not in the matrix' }),
      change({ key: 'amy@x.com', action: 'delete', reason: 'expired 2026-03-16', note: 'temp' }),
    ] }));
    expect(people.map((p) => p.email)).toEqual(['amy@x.com', 'zed@x.com']);
    expect(people[0]!.loses[0]).toMatchObject({ reason: 'expired 2026-03-16', note: 'temp' });
  });

  it('says nothing for a plan saved before it recorded access', () => {
    expect(personChanges({ changes: [change({ action: 'delete' })] })).toEqual([]);
  });
});
