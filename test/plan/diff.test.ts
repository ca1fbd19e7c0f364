import { describe, expect, it } from 'vitest';
import { diff } from '../../src/plan/diff.ts';
import type { Change } from '../../src/plan/types.ts';
import { actual, desired, project } from './builders.ts';

const NOW = new Date('2026-11-22T12:00:00Z');
const brief = (c: Change) => `${c.action} ${c.kind} ${c.key}`;
const plan = (d: ReturnType<typeof desired>, a: ReturnType<typeof actual>, now = NOW) => diff(d, a, now);

describe('differ: organization members', () => {
  it.each([
    ['no change when levels match', { 'bob@x.io': { level: 'admin' as const } }, 'admin', []],
    ['promotes', { 'bob@x.io': { level: 'admin' as const } }, 'member', ['update member bob@x.io']],
    ['demotes (destructive)', { 'bob@x.io': { level: 'member' as const } }, 'admin', ['update member bob@x.io']],
    ['reverts an expired grant to `then`', { 'bob@x.io': { level: 'admin' as const, expires: '2026-11-01', then: 'member' as const } }, 'admin', ['update member bob@x.io']],
    ['keeps a grant through its last day', { 'bob@x.io': { level: 'admin' as const, expires: '2026-11-22', then: 'member' as const } }, 'admin', []],
    ['removes an expired grant without `then`, even without prune', { 'bob@x.io': { level: 'admin' as const, expires: '2026-11-01' } }, 'admin', ['delete member bob@x.io']],
  ])('%s', (_name, members, level, expected) => {
    const result = plan(desired({ members }), actual((a) => a.member('bob@x.io', level as 'admin' | 'member')));
    expect(result.changes.map(brief)).toEqual(expected);
  });

  it('marks demotions destructive and promotions not', () => {
    const down = plan(desired({ members: { 'bob@x.io': { level: 'member' } } }), actual((a) => a.member('bob@x.io', 'admin')));
    const up = plan(desired({ members: { 'bob@x.io': { level: 'admin' } } }), actual((a) => a.member('bob@x.io', 'member')));
    expect(down.changes[0]?.destructive).toBe(true);
    expect(down.changes[0]).toMatchObject({ action: 'update', patch: [{ op: 'replace', path: '/level', value: 'member' }] });
    expect(up.changes[0]?.destructive).toBe(false);
  });

  it('reports unlisted members without prune, removes them with prune.members', () => {
    const a = actual((b) => b.member('gone@x.io', 'member'));
    const without = plan(desired(), a);
    expect(without.changes).toEqual([]);
    expect(without.notices.find((n) => n.code === 'unmanaged')?.message).toContain('gone@x.io');
    const pruned = plan(desired({ prune: { members: true } }), a);
    expect(pruned.changes.map(brief)).toEqual(['delete member gone@x.io']);
    expect(pruned.changes[0]?.reason).toBe('not in the matrix (prune.members); their team memberships and access rules go with them');
  });

  it('evaluates expiry at the given moment (--at)', () => {
    const d = desired({ members: { 'bob@x.io': { level: 'admin', expires: '2026-12-01', then: 'member' } } });
    const a = actual((b) => b.member('bob@x.io', 'admin'));
    expect(plan(d, a).changes).toEqual([]);
    expect(plan(d, a, new Date('2026-12-02T00:00:00Z')).changes.map(brief)).toEqual(['update member bob@x.io']);
  });

  it('lists grants ending within 14 days', () => {
    const d = desired({ members: { 'bob@x.io': { level: 'admin', expires: '2026-12-01', then: 'member' } } });
    const result = plan(d, actual((b) => b.member('bob@x.io', 'admin')));
    expect(result.notices).toContainEqual(expect.objectContaining({ code: 'expiring', key: 'bob@x.io' }));
  });
});

describe('differ: invites', () => {
  it('invites people not in the organization, with their direct project grants', () => {
    const d = desired({ members: { 'new@x.io': { level: 'member' } }, projects: { Prod: project({ members: { 'new@x.io': { level: 'admin' } } }) } });
    const result = plan(d, actual((a) => a.project('Prod')));
    const invite = result.changes.find((c) => c.kind === 'invite');
    expect(invite).toMatchObject({ action: 'create', key: 'new@x.io', after: { level: 'member', projects: { Prod: 'admin' } } });
    // The project grant travels with the invite: no separate rule for someone not yet a member.
    expect(result.changes.filter((c) => c.kind === 'project_access')).toEqual([]);
  });

  it('does not re-invite while an invite is pending, and says so', () => {
    const d = desired({ members: { 'new@x.io': { level: 'member' } } });
    const result = plan(d, actual((a) => a.invite('new@x.io', 'member')));
    expect(result.changes).toEqual([]);
    expect(result.notices).toContainEqual(expect.objectContaining({ code: 'pending_invite', key: 'new@x.io' }));
  });

  it('re-sends an expired invite', () => {
    const result = plan(desired({ members: { 'new@x.io': { level: 'member' } } }), actual((a) => a.invite('new@x.io', 'member', { expired: true })));
    expect(result.changes.map(brief)).toEqual(['update invite new@x.io']);
    expect(result.changes[0]?.reason).toContain('expired');
  });

  it('revokes dropped invites only with prune.invites', () => {
    const a = actual((b) => b.invite('old@x.io', 'member'));
    expect(plan(desired(), a).changes).toEqual([]);
    expect(plan(desired({ prune: { invites: true } }), a).changes.map(brief)).toEqual(['delete invite old@x.io']);
  });

  it('a project created in the same plan comes before the invite that names it', () => {
    const d = desired({ members: { 'new@x.io': { level: 'member' } }, projects: { New: project({ members: { 'new@x.io': { level: 'member' } } }) } });
    const result = plan(d, actual());
    expect(result.changes.map(brief)).toEqual(['create project New', 'create invite new@x.io']);
    expect(result.changes[1]?.dependsOn).toEqual(['project:New']);
  });
});

describe('differ: teams and memberships', () => {
  const members = { 'bob@x.io': { level: 'member' as const }, 'carol@x.io': { level: 'member' as const } };

  it('creates a team and its memberships, memberships depending on the team', () => {
    const d = desired({ members, teams: { Eng: { members: [{ email: 'bob@x.io' }] } } });
    const result = plan(d, actual((a) => a.member('bob@x.io', 'member').member('carol@x.io', 'member')));
    expect(result.changes.map(brief)).toEqual(['create team Eng', 'create team_member Eng / bob@x.io']);
    expect(result.changes[1]?.dependsOn).toEqual(['team:Eng']);
  });

  it('matches team names case-insensitively and renames', () => {
    const d = desired({ teams: { Engineering: { members: [] } } });
    const result = plan(d, actual((a) => a.team('engineering')));
    expect(result.changes.map(brief)).toEqual(['update team Engineering']);
  });

  it('removes memberships and unlisted teams with prune.teams, folding a team\'s memberships into its removal', () => {
    const a = actual((b) => b.member('bob@x.io', 'member').member('carol@x.io', 'member').team('Eng', ['bob@x.io', 'carol@x.io']).team('Old', ['bob@x.io']));
    const d = desired({ members, teams: { Eng: { members: [{ email: 'bob@x.io' }] } }, prune: { teams: true } });
    const result = plan(d, a);
    expect(result.changes.map(brief)).toEqual(['delete team_member Eng / carol@x.io', 'delete team Old']);
  });

  it('waits for an invite to be accepted before adding the person to a team', () => {
    const d = desired({ members: { 'new@x.io': { level: 'member' } }, teams: { Eng: { members: [{ email: 'new@x.io' }] } } });
    const result = plan(d, actual((a) => a.team('Eng').invite('new@x.io', 'member')));
    expect(result.changes).toEqual([]);
  });

  it('ends an expired team membership', () => {
    const d = desired({ members: { 'bob@x.io': { level: 'member' } }, teams: { Eng: { members: [{ email: 'bob@x.io', expires: '2026-11-01' }] } } });
    const result = plan(d, actual((a) => a.member('bob@x.io', 'member').team('Eng', ['bob@x.io'])));
    expect(result.changes.map(brief)).toEqual(['delete team_member Eng / bob@x.io']);
  });
});

describe('differ: project and resource access', () => {
  const members = { 'bob@x.io': { level: 'member' as const } };
  const base = (rules = {}) => actual((a) => a.member('bob@x.io', 'member').team('Eng').project('Prod', rules));

  it('creates default, team and member rules', () => {
    const d = desired({ members, teams: { Eng: { members: [] } }, projects: { Prod: project({ default: { level: 'none' }, teams: { Eng: { level: 'member' } }, members: { 'bob@x.io': { level: 'admin' } } }) } });
    // Making the project private lowers everyone's access: it runs after the grants.
    expect(plan(d, base()).changes.map(brief)).toEqual([
      'create project_access Prod / member:bob@x.io',
      'create project_access Prod / team:Eng',
      'create project_access Prod / default',
    ]);
  });

  it('updates a level and marks lowering as destructive', () => {
    const d = desired({ members, projects: { Prod: project({ members: { 'bob@x.io': { level: 'member' } } }) } });
    const result = plan(d, base({ members: { 'bob@x.io': { level: 'admin' } } }));
    expect(result.changes).toMatchObject([{ action: 'update', key: 'Prod / member:bob@x.io', before: { level: 'admin' }, after: { level: 'member' }, destructive: true }]);
  });

  it('removes unstated rules only with prune.project_access', () => {
    const rules = { members: { 'bob@x.io': { level: 'admin' as const } } };
    expect(plan(desired({ members, projects: { Prod: project() } }), base(rules)).changes).toEqual([]);
    const pruned = plan(desired({ members, projects: { Prod: project() }, prune: { projectAccess: true } }), base(rules));
    expect(pruned.changes.map(brief)).toEqual(['delete project_access Prod / member:bob@x.io']);
  });

  it('manages resource-type rules within a project', () => {
    const d = desired({ members, teams: { Eng: { members: [] } }, projects: { Prod: project({ resources: { feature_flag: { default: { level: 'viewer' }, teams: { Eng: { level: 'editor' } }, members: {} } } }) } });
    const result = plan(d, base({ resources: { feature_flag: { default: { level: 'editor' }, teams: {}, members: {} } } }));
    expect(result.changes.map(brief)).toEqual(['create resource_access Prod / feature_flag / team:Eng', 'update resource_access Prod / feature_flag / default']);
    expect(result.changes[1]?.destructive).toBe(true);
  });

  it('reverts an expired rule to `then`, or removes it', () => {
    const d = desired({ members, projects: { Prod: project({ members: { 'bob@x.io': { level: 'admin', expires: '2026-03-16' } } }) } });
    const result = plan(d, base({ members: { 'bob@x.io': { level: 'admin' } } }));
    expect(result.changes).toMatchObject([{ action: 'delete', key: 'Prod / member:bob@x.io', reason: 'expired 2026-03-16' }]);
  });

  it('folds the rules and memberships of a removed member into the removal', () => {
    const a = actual((b) => b.member('gone@x.io', 'member').team('Eng', ['gone@x.io']).project('Prod', { members: { 'gone@x.io': { level: 'member' } } }));
    const d = desired({ teams: { Eng: { members: [] } }, projects: { Prod: project() }, prune: { members: true, teams: true, projectAccess: true } });
    const result = plan(d, a);
    expect(result.changes.map(brief)).toEqual(['delete member gone@x.io']);
    expect(result.changes[0]?.reason).toContain('go with them (2 in the projects the matrix names)');
    expect(result.changes[0]).toMatchObject({ action: 'delete', cascade: 2 });
  });

  it('a restriction waits for the grants of its own scope and of its person that run before it, in apply order', () => {
    const people = { 'bob@x.io': { level: 'member' as const }, 'carol@x.io': { level: 'member' as const } };
    const a = actual((b) => b.member('bob@x.io', 'member').member('carol@x.io', 'member').team('Eng').project('Prod', {
      default: { level: 'member' },
      resources: { feature_flag: { default: { level: 'editor' }, teams: {}, members: { 'bob@x.io': { level: 'editor' } } }, insight: { default: { level: 'editor' }, teams: {}, members: {} } },
    }));
    const d = desired({
      members: people, teams: { Eng: { members: [] } },
      projects: {
        Prod: project({
          default: { level: 'none' }, teams: { Eng: { level: 'member' } }, members: { 'bob@x.io': { level: 'admin' } },
          resources: {
            feature_flag: { default: { level: 'viewer' }, teams: {}, members: { 'bob@x.io': { level: 'viewer' }, 'carol@x.io': { level: 'editor' } } },
            insight: { default: { level: 'viewer' }, teams: {}, members: {} },
          },
        }),
      },
    });
    const dependsOn = Object.fromEntries(plan(d, a).changes.map((c) => [c.key, c.dependsOn]));
    // The project's default waits for the project's grants, not for the resource types'.
    expect(dependsOn['Prod / default']).toEqual(['project_access:Prod / member:bob@x.io', 'project_access:Prod / team:Eng']);
    // Bob's lowered feature-flag rule waits for his own project grant and for feature_flag's grants, in apply order.
    expect(dependsOn['Prod / feature_flag / member:bob@x.io']).toEqual(['project_access:Prod / member:bob@x.io', 'resource_access:Prod / feature_flag / member:carol@x.io']);
    expect(dependsOn['Prod / feature_flag / default']).toEqual(['resource_access:Prod / feature_flag / member:carol@x.io']);
    // No grant in insight: its lowered default waits for nothing.
    expect(dependsOn['Prod / insight / default']).toEqual([]);
  });

  it('counts a removed member\'s membership of a team the plan removes too with the team, for every member removed', () => {
    const a = actual((b) => b.member('gone@x.io', 'member').member('left@x.io', 'member').team('Old', ['gone@x.io', 'left@x.io']).team('Kept', ['gone@x.io']));
    const d = desired({ teams: { Kept: { members: [] } }, prune: { members: true, teams: true } });
    const cascade = Object.fromEntries(plan(d, a).changes.map((c) => [c.id, c.action === 'delete' ? c.cascade : undefined]));
    expect(cascade).toEqual({ 'member:gone@x.io': 1, 'member:left@x.io': 0, 'team:Old': 2 });
  });

  it('creates a missing project before its rules, which depend on it', () => {
    const d = desired({ projects: { New: project({ default: { level: 'none' } }) } });
    const result = plan(d, actual());
    expect(result.changes.map(brief)).toEqual(['create project New', 'create project_access New / default']);
    expect(result.changes[1]?.dependsOn).toEqual(['project:New']);
  });
});

describe('differ: ordering and purity', () => {
  it('orders creates and updates by kind, removals last in reverse kind order', () => {
    const a = actual((b) => b.member('gone@x.io', 'member').member('bob@x.io', 'member').team('Old').project('Prod', { members: { 'bob@x.io': { level: 'admin' } } }));
    const d = desired({
      members: { 'bob@x.io': { level: 'admin' }, 'new@x.io': { level: 'member' } },
      teams: { Eng: { members: [{ email: 'bob@x.io' }] } },
      projects: { Prod: project(), New: project() },
      prune: { members: true, teams: true, projectAccess: true },
    });
    expect(plan(d, a).changes.map(brief)).toEqual([
      'create project New',
      'create team Eng',
      'create invite new@x.io',
      'update member bob@x.io',
      'create team_member Eng / bob@x.io',
      'delete project_access Prod / member:bob@x.io',
      'delete member gone@x.io',
      'delete team Old',
    ]);
  });

  it('is deterministic and does not modify its inputs', () => {
    const d = desired({ members: { 'bob@x.io': { level: 'admin' } } });
    const a = actual((b) => b.member('bob@x.io', 'member'));
    const before = JSON.stringify([d, a]);
    expect(plan(d, a)).toEqual(plan(d, a));
    expect(JSON.stringify([d, a])).toBe(before);
  });

  it('plans nothing for the key user when the matrix matches', () => {
    expect(plan(desired(), actual()).changes).toEqual([]);
  });
});

describe('differ: lowering access by creating a default rule', () => {
  it.each([
    ['a private project (default none, below PostHog\'s admin)', { default: { level: 'none' as const } }, {}, true],
    ['a project default of admin (what PostHog does anyway)', { default: { level: 'admin' as const } }, {}, false],
    ['a resource default below editor', {}, { insight: { default: { level: 'viewer' as const }, teams: {}, members: {} } }, true],
    ['a resource default of manager', {}, { insight: { default: { level: 'manager' as const }, teams: {}, members: {} } }, false],
    ['activity_log viewer (its own default)', {}, { activity_log: { default: { level: 'viewer' as const }, teams: {}, members: {} } }, false],
  ])('%s', (_name, projectGrants, resources, destructive) => {
    const d = desired({ projects: { Prod: project({ ...projectGrants, resources }) } });
    const changes = diff(d, actual((a) => a.project('Prod')), NOW).changes;
    expect(changes).toHaveLength(1);
    expect(changes[0]?.destructive).toBe(destructive);
  });

  it('a member or team rule never lowers access (the highest matching rule wins)', () => {
    const d = desired({ members: { 'bob@x.io': { level: 'member' } }, projects: { Prod: project({ members: { 'bob@x.io': { level: 'none' } } }) } });
    const changes = diff(d, actual((a) => a.member('bob@x.io', 'member').project('Prod')), NOW).changes;
    expect(changes.map((c) => [c.key, c.destructive])).toEqual([['Prod / member:bob@x.io', false]]);
  });
});

describe('differ: unmanaged report', () => {
  it('does not list the memberships of a person whose grant ended: their removal takes them', () => {
    const a = actual((b) => b.member('gone@x.io', 'member').team('Eng', ['gone@x.io']));
    const d = desired({ members: { 'gone@x.io': { level: 'member', expires: '2026-01-01' } }, teams: { Eng: { members: [] } } });
    const result = diff(d, a, NOW);
    expect(result.changes.map(brief)).toEqual(['delete member gone@x.io']);
    expect(result.notices.filter((n) => n.code === 'unmanaged')).toEqual([]);
  });
});
