// Effective access in both resolution modes: PostHog's own cases (docs/access.md), as tables.
import { describe, expect, it } from 'vitest';
import { personAccess, projectAccess, resourceAccess, whoCan, type AccessView, type ProjectRules, type ResolutionMode } from '../../src/access/effective.ts';
import { viewOfActual, viewOfDesired } from '../../src/access/view.ts';
import { emptyDesired } from '../../src/model/desired.ts';
import { actual } from '../plan/builders.ts';

const U = 'u@example.com';

/** U (a member, in teams R1 and R2) in project P with the given rules. */
function view(mode: ResolutionMode, rules: Partial<ProjectRules>, options: Partial<AccessView> = {}): AccessView {
  return {
    mode, accessControl: true, roleBasedAccess: true,
    people: { [U]: { email: U, level: 'member', pending: false, invited: {} }, 'boss@example.com': { email: 'boss@example.com', level: 'admin', pending: false, invited: {} } },
    teams: { R1: [U], R2: [U], Other: [] },
    projects: { P: { teams: {}, members: {}, resources: {}, known: true, ...rules } },
    ...options,
  };
}

describe('project access', () => {
  // [case, rules, legacy, most specific]
  const cases: [string, Partial<ProjectRules>, string, string, string, string][] = [
    ['no rules', {}, 'admin', 'system_default', 'admin', 'system_default'],
    ['private project', { default: 'none' }, 'none', 'default', 'none', 'default'],
    ['U none, default member', { default: 'member', members: { [U]: 'none' } }, 'none', 'member', 'none', 'member'],
    ['U none, team admin', { members: { [U]: 'none' }, teams: { R1: 'admin' } }, 'admin', 'team', 'none', 'member'],
    ['U member, team admin', { members: { [U]: 'member' }, teams: { R1: 'admin' } }, 'admin', 'team', 'member', 'member'],
    ['team none, default admin', { default: 'admin', teams: { R1: 'none' } }, 'none', 'team', 'none', 'team'],
    ['teams none and member', { default: 'none', teams: { R1: 'none', R2: 'member' } }, 'member', 'team', 'member', 'team'],
    ['a rule for another team only', { default: 'member', teams: { Other: 'admin' } }, 'member', 'default', 'member', 'default'],
  ];
  it.each(cases)('%s', (_name, rules, legacy, legacySource, specific, specificSource) => {
    expect(projectAccess(view('legacy', rules), U, 'P')).toMatchObject({ level: legacy, source: { kind: legacySource } });
    expect(projectAccess(view('most_specific', rules), U, 'P')).toMatchObject({ level: specific, source: { kind: specificSource } });
  });

  it('names the deciding team', () => {
    expect(projectAccess(view('legacy', { teams: { R1: 'member', R2: 'admin' } }), U, 'P').source).toEqual({ kind: 'team', team: 'R2' });
  });

  it('an organization admin has admin whatever the rules, in both modes', () => {
    for (const mode of ['legacy', 'most_specific'] as const) {
      expect(projectAccess(view(mode, { default: 'none', members: { 'boss@example.com': 'none' } }), 'boss@example.com', 'P'))
        .toEqual({ level: 'admin', source: { kind: 'organization_admin' } });
    }
  });

  it('without the access_control feature rules are ignored; without role_based_access teams are', () => {
    expect(projectAccess(view('legacy', { default: 'none' }, { accessControl: false }), U, 'P')).toEqual({ level: 'admin', source: { kind: 'system_default' } });
    expect(projectAccess(view('legacy', { default: 'none', teams: { R1: 'admin' } }, { roleBasedAccess: false }), U, 'P')).toEqual({ level: 'none', source: { kind: 'default' } });
  });
});

describe('resource access', () => {
  const cases: [string, Partial<ProjectRules>, string, string, string, string][] = [
    ['no rules: editor', {}, 'editor', 'system_default', 'editor', 'system_default'],
    ['U none, team editor', { resources: { dashboard: { teams: { R1: 'editor' }, members: { [U]: 'none' } } } }, 'editor', 'team', 'none', 'member'],
    ['U none, default editor', { resources: { dashboard: { default: 'editor', teams: {}, members: { [U]: 'none' } } } }, 'editor', 'default', 'none', 'member'],
    ['U editor, team none', { resources: { dashboard: { teams: { R1: 'none' }, members: { [U]: 'editor' } } } }, 'editor', 'member', 'editor', 'member'],
    ['default viewer, team manager', { resources: { dashboard: { default: 'viewer', teams: { R2: 'manager' }, members: {} } } }, 'manager', 'team', 'manager', 'team'],
    ['team viewer, default manager', { resources: { dashboard: { default: 'manager', teams: { R2: 'viewer' }, members: {} } } }, 'manager', 'default', 'viewer', 'team'],
    ['default none', { resources: { dashboard: { default: 'none', teams: {}, members: {} } } }, 'none', 'default', 'none', 'default'],
  ];
  it.each(cases)('%s', (_name, rules, legacy, legacySource, specific, specificSource) => {
    expect(resourceAccess(view('legacy', rules), U, 'P', 'dashboard')).toMatchObject({ level: legacy, source: { kind: legacySource } });
    expect(resourceAccess(view('most_specific', rules), U, 'P', 'dashboard')).toMatchObject({ level: specific, source: { kind: specificSource } });
  });

  it("uses each resource's bounds: built-in default and an admin's maximum", () => {
    expect(resourceAccess(view('legacy', {}), U, 'P', 'activity_log')).toEqual({ level: 'viewer', source: { kind: 'system_default' } });
    expect(resourceAccess(view('legacy', {}), 'boss@example.com', 'P', 'toolbar')).toEqual({ level: 'viewer', source: { kind: 'organization_admin' } });
    expect(resourceAccess(view('legacy', {}), 'boss@example.com', 'P', 'feature_flag')).toEqual({ level: 'manager', source: { kind: 'organization_admin' } });
  });
});

describe('from the actual state', () => {
  const state = actual((a) => a.member('carol@example.com', 'member').member('dave@example.com', 'member').team('Eng', ['carol@example.com'])
    .invite('erin@example.com', 'member', { projects: { Prod: 'member' } }).invite('old@example.com', 'member', { expired: true })
    .project('Prod', { default: { level: 'none' }, teams: { Eng: { level: 'admin' } }, members: {}, resources: { feature_flag: { teams: { Eng: { level: 'viewer' } }, members: {}, default: { level: 'none' } } } }));

  it('gives each person every project, with the resource types that carry rules', () => {
    const carol = personAccess(viewOfActual(state), 'carol@example.com');
    expect(carol).toEqual({
      email: 'carol@example.com', level: 'member', pending: false, teams: ['Eng'],
      projects: [{ project: 'Prod', level: 'admin', source: { kind: 'team', team: 'Eng' }, known: true, resources: [{ resource: 'feature_flag', level: 'viewer', source: { kind: 'team', team: 'Eng' } }] }],
    });
  });

  it('counts a pending invite with its project grant, never an expired one', () => {
    const v = viewOfActual(state);
    expect(projectAccess(v, 'erin@example.com', 'Prod')).toEqual({ level: 'member', source: { kind: 'invite' } });
    expect(v.people['old@example.com']).toBeUndefined();
    expect(whoCan(v, 'Prod').map((h) => [h.email, h.level, h.source.kind, h.pending])).toEqual([
      ['carol@example.com', 'admin', 'team', false],
      ['erin@example.com', 'member', 'invite', true],
      ['root@example.com', 'admin', 'organization_admin', false],
    ]);
    expect(whoCan(v, 'Prod', 'feature_flag').map((h) => [h.email, h.level])).toEqual([['carol@example.com', 'viewer'], ['root@example.com', 'manager']]);
  });

  it('reads the mode from the organization (unset is legacy)', () => {
    expect(viewOfActual(state).mode).toBe('legacy');
    const specific = { ...state, organization: { ...state.organization, resolutionMode: 'most_specific' as const } };
    expect(viewOfActual(specific).mode).toBe('most_specific');
  });

  it('the desired state overlays what the matrix leaves alone, at a moment', () => {
    const desired = emptyDesired();
    desired.members = { 'carol@example.com': { level: 'member' }, 'new@example.com': { level: 'member' } };
    desired.teams = { Eng: { members: [{ email: 'new@example.com' }, { email: 'carol@example.com', expires: '2026-01-31' }] } };
    desired.projects = { Prod: { teams: {}, members: { 'dave@example.com': { level: 'admin', expires: '2026-03-01', then: 'member' } }, resources: {}, secretKeys: {} } };
    const v = viewOfDesired(desired, state, new Date('2026-02-15T00:00:00Z'));
    expect(v.teams.Eng).toEqual(['new@example.com']);
    expect(projectAccess(v, 'new@example.com', 'Prod')).toEqual({ level: 'admin', source: { kind: 'team', team: 'Eng' } });
    expect(projectAccess(v, 'carol@example.com', 'Prod')).toEqual({ level: 'none', source: { kind: 'default' } });
    expect(projectAccess(v, 'dave@example.com', 'Prod')).toEqual({ level: 'admin', source: { kind: 'member' } });
    expect(projectAccess(viewOfDesired(desired, state, new Date('2026-03-02T00:00:00Z')), 'dave@example.com', 'Prod').level).toBe('member');
    expect(v.people['new@example.com']?.pending).toBe(true);
    // prune.members: people the matrix does not list are gone, with their rules.
    desired.prune.members = true;
    expect(viewOfDesired(desired, state, new Date('2026-02-15T00:00:00Z')).people['root@example.com']).toBeUndefined();
  });
});
