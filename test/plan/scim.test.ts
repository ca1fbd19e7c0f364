// Teams SCIM provisions: declared `managed_by: scim`, or roles PostHog shows no creator for. The
// tool never creates, renames, prunes or changes the members of them; grants may name them.
import { describe, expect, it } from 'vitest';
import type { DesiredProject, DesiredState } from '../../src/model/desired.ts';
import { diff } from '../../src/plan/diff.ts';
import type { Change } from '../../src/plan/types.ts';
import { actual, desired, type ActualStateBuilder } from './builders.ts';

const NOW = new Date('2026-11-30T12:00:00Z');
const brief = (c: Change) => `${c.action} ${c.key}`;
const A = 'ann@example.com';
const B = 'bea@example.com';
const project = (teams: DesiredProject['teams']): DesiredProject => ({ teams, members: {}, resources: {}, secretKeys: {} });

function matrix(teams: DesiredState['teams'], projects: DesiredState['projects'] = {}) {
  return desired({ members: { [A]: { level: 'member' }, [B]: { level: 'member' } }, teams, projects, prune: { teams: true, projectAccess: true } });
}

const posthog = (build: (a: ActualStateBuilder) => void = () => {}) => actual((a) => {
  a.member(A, 'member').member(B, 'member').project('Prod');
  build(a);
});

describe('teams provisioned by SCIM', () => {
  it('a declared SCIM team: its role and members are left alone, prune or not; grants name it', () => {
    const a = posthog((b) => b.team('Support', [A, B]));
    const result = diff(matrix({ Support: { members: [], managedBy: 'scim' } }, { Prod: project({ Support: { level: 'member' } }) }), a, NOW);
    expect(result.changes.map(brief)).toEqual(['create Prod / team:Support']);
  });

  it('matched by its exact name: a case difference is not renamed either', () => {
    const a = posthog((b) => b.team('support', [A]));
    expect(diff(matrix({ Support: { members: [], managedBy: 'scim' } }), a, NOW).changes).toEqual([]);
  });

  it('a declared SCIM team PostHog has no role for yet: warned, not created, its grants wait', () => {
    const result = diff(matrix({ Support: { members: [], managedBy: 'scim' } }, { Prod: project({ Support: { level: 'member' } }) }), posthog(), NOW);
    expect(result.changes).toEqual([]);
    expect(result.notices).toContainEqual({
      level: 'warning', code: 'scim_team_missing', key: 'Support',
      message: 'team "Support" is managed_by: scim, but PostHog has no role of that name yet: its grants wait until the identity provider pushes the group "Support"',
    });
  });

  it('a role that shows no creator is never pruned, and is reported', () => {
    const a = posthog((b) => {
      b.team('Okta Admins', [A]).team('Old', [B]);
      b.state.teams['Okta Admins']!.noCreator = true;
    });
    const result = diff(matrix({}), a, NOW);
    expect(result.changes.map(brief)).toEqual(['delete Old']);
    expect(result.notices).toContainEqual({
      level: 'info', code: 'scim',
      message: '1 role not in the matrix shows no creator, as roles provisioned by SCIM do: left to the identity provider, never pruned: Okta Admins',
    });
  });

  it('a declared team without managed_by is managed as written, whoever created it', () => {
    const a = posthog((b) => {
      b.team('Eng', [A, B]);
      b.state.teams.Eng!.noCreator = true;
    });
    expect(diff(matrix({ Eng: { members: [{ email: A }] } }), a, NOW).changes.map(brief)).toEqual(['delete Eng / bea@example.com']);
  });
});
