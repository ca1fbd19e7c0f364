// Switching resolution modes: who gains and who loses what (PostHog's deny cases as tables), and
// the matrix's member `none` rules that deny nothing in the organization's mode.
import { describe, expect, it } from 'vitest';
import type { AccessView, ProjectRules, ResolutionMode } from '../../src/access/effective.ts';
import { describeIneffectiveDeny, describeSwitchChange, ineffectiveDenies, switchChanges } from '../../src/access/switch.ts';
import { viewOfDesired } from '../../src/access/view.ts';
import { emptyDesired } from '../../src/model/desired.ts';
import { actual, desired } from '../plan/builders.ts';

const U = 'u@example.com';
const BOSS = 'boss@example.com';

function view(mode: ResolutionMode, rules: Partial<ProjectRules>): AccessView {
  return {
    mode, accessControl: true, roleBasedAccess: true,
    people: { [U]: { email: U, level: 'member', pending: false, invited: {} }, [BOSS]: { email: BOSS, level: 'admin', pending: false, invited: {} } },
    teams: { R: [U] },
    projects: { P: { teams: {}, members: {}, resources: {}, known: true, ...rules } },
  };
}

describe('switching to most-specific', () => {
  const cases: [string, Partial<ProjectRules>, string[]][] = [
    ['project: U none, team admin → U loses it', { members: { [U]: 'none' }, teams: { R: 'admin' } },
      ['u@example.com loses P: admin (team R) → none (own rule)']],
    ['project: U member, team admin → U drops to member', { members: { [U]: 'member' }, teams: { R: 'admin' } },
      ['u@example.com loses P: admin (team R) → member (own rule)']],
    ['project: U none, default member → the same in both', { members: { [U]: 'none' }, default: 'member' }, []],
    ['resource: U none, team editor', { resources: { dashboard: { members: { [U]: 'none' }, teams: { R: 'editor' } } } },
      ['u@example.com loses P / dashboard: editor (team R) → none (own rule)']],
    ['resource: U none, everyone editor', { resources: { dashboard: { members: { [U]: 'none' }, teams: {}, default: 'editor' } } },
      ['u@example.com loses P / dashboard: editor (default rule) → none (own rule)']],
    ['resource: U viewer, default manager → loses; team none, default editor → the same', { resources: { insight: { members: { [U]: 'viewer' }, teams: {}, default: 'manager' } } },
      ['u@example.com loses P / insight: manager (default rule) → viewer (own rule)']],
    ['resource: team none, U nothing, default editor → legacy editor, most-specific none', { resources: { survey: { members: {}, teams: { R: 'none' }, default: 'editor' } } },
      ['u@example.com loses P / survey: editor (default rule) → none (team R)']],
  ];
  it.each(cases)('%s', (_name, rules, expected) => {
    const changes = switchChanges(view('legacy', rules), 'most_specific');
    expect(changes.map(describeSwitchChange)).toEqual(expected);
    // admins are never affected
    expect(changes.some((c) => c.email === BOSS)).toBe(false);
  });

  it('switching back shows the opposite direction', () => {
    const [change] = switchChanges(view('most_specific', { members: { [U]: 'none' }, teams: { R: 'admin' } }), 'legacy');
    expect(change).toMatchObject({ email: U, project: 'P', direction: 'gains', from: { level: 'none' }, to: { level: 'admin' } });
  });

  it('nothing when already in that mode, or for projects whose rules were not read', () => {
    expect(switchChanges(view('most_specific', { members: { [U]: 'none' }, teams: { R: 'admin' } }), 'most_specific')).toEqual([]);
    expect(switchChanges(view('legacy', { members: { [U]: 'none' }, teams: { R: 'admin' }, known: false }), 'most_specific')).toEqual([]);
  });
});

describe('member none rules that deny nothing', () => {
  const state = (mode: ResolutionMode) => actual((a) => {
    a.member(U, 'member').member(BOSS, 'admin').team('R', [U]).project('P');
    a.state.organization.resolutionMode = mode;
  });
  const matrix = () => {
    const d = desired({ members: { [U]: { level: 'member' }, [BOSS]: { level: 'admin' } }, teams: { R: { members: [{ email: U }] } } });
    d.projects.P = {
      teams: { R: { level: 'admin' } }, members: { [U]: { level: 'none' }, [BOSS]: { level: 'none' } },
      resources: { dashboard: { teams: {}, members: { [U]: { level: 'none' } }, default: { level: 'editor' } } }, secretKeys: {},
    };
    return d;
  };
  const at = new Date('2026-11-30T00:00:00Z');

  it('legacy: a team grant and a default beat them; an admin is never limited', () => {
    const d = matrix();
    const a = state('legacy');
    const found = ineffectiveDenies(d, viewOfDesired(d, a, at), at);
    expect(found.map((x) => describeIneffectiveDeny(x, 'legacy'))).toEqual([
      'boss@example.com: none on P has no effect: rules never limit an organization admin or owner',
      'u@example.com: none on P has no effect: team R gives admin, and the organization resolves access in legacy ("highest wins") mode; it would deny in most-specific mode',
      'u@example.com: none on P / dashboard has no effect: default rule gives editor, and the organization resolves access in legacy ("highest wins") mode; it would deny in most-specific mode',
    ]);
  });

  it('most-specific: the member rule decides, only the admin one is without effect', () => {
    const d = matrix();
    const found = ineffectiveDenies(d, viewOfDesired(d, state('most_specific'), at), at);
    expect(found.map((x) => x.email)).toEqual([BOSS]);
  });

  it('an expired none rule is not looked at', () => {
    const d = matrix();
    d.projects.P!.members[U] = { level: 'none', expires: '2026-01-01' };
    d.projects.P!.resources = {};
    delete d.projects.P!.members[BOSS];
    expect(ineffectiveDenies(d, viewOfDesired(d, state('legacy'), at), at)).toEqual([]);
  });

  it('a matrix without projects has none', () => {
    const d = emptyDesired();
    expect(ineffectiveDenies(d, viewOfDesired(d, state('legacy'), at), at)).toEqual([]);
  });
});
