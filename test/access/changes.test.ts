// Who gains or loses what, by the effective-access model: in both resolution modes, through teams
// and defaults, and nothing where PostHog's enforcement does not move.
import { describe, expect, it } from 'vitest';
import { AccessListTooLarge, accessChanges } from '../../src/access/changes.ts';
import type { AccessView, ResolutionMode } from '../../src/access/effective.ts';
import { change } from '../render/builders.ts';

function view(mode: ResolutionMode): AccessView {
  return {
    mode, accessControl: true, roleBasedAccess: true,
    people: { 'u@x.io': { email: 'u@x.io', level: 'member', pending: false, invited: {} } },
    teams: { R: ['u@x.io'] },
    projects: { P: { default: 'none', teams: { R: 'admin' }, members: {}, resources: { dashboard: { teams: { R: 'editor' }, members: {} } }, known: true } },
  };
}

const deny = change({ kind: 'project_access', action: 'create', key: 'P / member:u@x.io', after: { level: 'none' }, subject: { project: 'P', email: 'u@x.io' } });

describe('accessChanges', () => {
  it('a member none under a team grant denies only in most-specific mode', () => {
    expect(accessChanges(view('legacy'), [deny])).toEqual([]);
    expect(accessChanges(view('most_specific'), [deny])).toEqual([{
      email: 'u@x.io', direction: 'loses', before: { level: 'admin', source: 'team R' }, after: { level: 'none', source: 'own rule' }, because: [deny.id], places: [{ project: 'P' }],
    }, {
      // Without project access the resource level does not count: it goes too.
      email: 'u@x.io', direction: 'loses', before: { level: 'editor', source: 'team R' }, after: { level: 'none', source: 'no project access' }, because: [deny.id], places: [{ project: 'P', resource: 'dashboard' }],
    }]);
  });

  it('a removed team takes what it gave, on the project and its resource types', () => {
    const gone = change({ kind: 'team', action: 'delete', key: 'R', before: { name: 'R' }, subject: { team: 'R' } });
    expect(accessChanges(view('legacy'), [gone]).map((c) => [c.places, c.before?.level, c.after?.level, c.because])).toEqual([
      [[{ project: 'P' }], 'admin', 'none', [gone.id]],
      [[{ project: 'P', resource: 'dashboard' }], 'editor', 'none', [gone.id]],
    ]);
  });

  it('an organization admin is not limited by rules: lowering their rule changes nothing', () => {
    const v = view('most_specific');
    v.people['u@x.io']!.level = 'admin';
    expect(accessChanges(v, [deny])).toEqual([]);
  });

  it('resolves nothing past its limit of person × place pairs, counted before any is resolved', () => {
    // The deny reaches u@x.io in P and in P / dashboard: two pairs.
    expect(accessChanges(view('most_specific'), [deny], { limit: 2 })).toHaveLength(2);
    expect(() => accessChanges(view('most_specific'), [deny], { limit: 1 })).toThrow(AccessListTooLarge);
  });
});
