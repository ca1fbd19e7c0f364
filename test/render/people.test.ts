import { describe, expect, it } from 'vitest';
import { personChanges } from '../../src/plan/render/people.ts';
import { change } from './builders.ts';

function words(changes: Parameters<typeof personChanges>[0]) {
  return personChanges(changes).map((p) => ({
    email: p.email,
    gains: p.gains.map((g) => g.what),
    loses: p.loses.map((l) => l.what),
  }));
}

describe('personChanges', () => {
  it('keeps to changes naming a person in their subject', () => {
    expect(words([change({ kind: 'team', action: 'create', key: 'Engineering', after: { name: 'Engineering' } })])).toEqual([]);
  });

  it('reads member levels up and down', () => {
    expect(
      words([
        change({ key: 'a@x.com', before: { level: 'member' }, after: { level: 'admin' } }),
        change({ key: 'b@x.com', before: { level: 'admin' }, after: { level: 'member' }, destructive: true }),
        change({ key: 'c@x.com', action: 'delete' }),
      ]),
    ).toEqual([
      { email: 'a@x.com', gains: ['organization admin (was member)'], loses: [] },
      { email: 'b@x.com', gains: [], loses: ['organization admin (now member)'] },
      { email: 'c@x.com', gains: [], loses: ['organization admin'] },
    ]);
  });

  it('reads invites, team memberships, and member-subject access', () => {
    const email = 'carol@example.com';
    expect(
      words([
        change({ kind: 'invite', action: 'create', key: email, after: { level: 'member', projects: { Production: 'member' }, expired: false } }),
        change({ kind: 'invite', action: 'delete', key: email, before: { level: 'admin', projects: {}, expired: false } }),
        change({ kind: 'team_member', action: 'create', key: `Engineering / ${email}`, after: {}, subject: { email, team: 'Engineering' } }),
        change({ kind: 'project_access', action: 'create', key: `Production / member:${email}`, after: { level: 'member' }, subject: { email, project: 'Production' } }),
        change({ kind: 'resource_access', action: 'delete', key: `Production / feature_flag / member:${email}`, before: { level: 'editor' }, subject: { email, project: 'Production', resource: 'feature_flag' } }),
      ]),
    ).toEqual([
      {
        email,
        gains: ['an invitation as member (with member on Production)', 'membership of Engineering', 'member on Production'],
        loses: ['a pending invitation as admin', 'editor on Production / feature_flag'],
      },
    ]);
  });

  it('lists people alphabetically and carries reason and note', () => {
    const people = personChanges([
      change({ key: 'zed@x.com', action: 'delete', reason: 'not in the matrix' }),
      change({ key: 'amy@x.com', action: 'delete', reason: 'expired 2026-03-16', note: 'temp' }),
    ]);
    expect(people.map((p) => p.email)).toEqual(['amy@x.com', 'zed@x.com']);
    expect(people[0]!.loses[0]).toMatchObject({ reason: 'expired 2026-03-16', note: 'temp' });
  });
});
