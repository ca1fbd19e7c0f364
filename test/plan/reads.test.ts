// The removals a plan makes are foreseen before it is drafted, so what they take with them is read
// first and the plan drafted once (src/cli/pipeline.ts): the forecast must name every removal the
// plan then makes, and name none in the cases where the plan makes none.
import { describe, expect, it } from 'vitest';
import type { ActualState } from '../../src/model/actual.ts';
import type { DesiredState } from '../../src/model/desired.ts';
import { ORG_LEVELS } from '../../src/model/levels.ts';
import { draftOrganizationPlan } from '../../src/plan/plan.ts';
import { foreseenRemovals, readScopeOf, removedSubjects, unforeseen } from '../../src/plan/reads.ts';
import { actual, desired, ME } from './builders.ts';

const NOW = new Date('2026-11-22T12:00:00Z');

function both(d: DesiredState, a: ActualState) {
  const plan = draftOrganizationPlan({ desired: d, actual: a, at: NOW, createdAt: NOW, host: 'https://us.posthog.com', matrix: { file: 'access.yaml', sha256: '' }, read: readScopeOf(d) });
  return { foreseen: foreseenRemovals(d, a, NOW), planned: removedSubjects(plan.changes) };
}

const org = () => actual((a) => a
  .member('gone@x.io', 'member').member('expired@x.io', 'admin').member('kept@x.io', 'member')
  .team('Old team', ['gone@x.io']).team('Kept', ['kept@x.io']));

describe('foreseen removals', () => {
  it('names the people and teams the plan removes: pruned, expired, protected (refused, still planned)', () => {
    const d = desired({
      members: { [ME]: { level: 'owner' }, 'kept@x.io': { level: 'member' }, 'expired@x.io': { level: 'admin', expires: '2026-11-01' } },
      teams: { Kept: { members: [{ email: 'kept@x.io' }] } },
      prune: { members: true, teams: true },
      safety: { maxDeletes: 100, protected: ['gone@x.io'] },
    });
    const { foreseen, planned } = both(d, org());
    expect(planned).toEqual({ teams: ['Old team'], members: expect.arrayContaining(['gone@x.io', 'expired@x.io']) });
    expect(foreseen.teams).toEqual(planned.teams);
    expect([...foreseen.members].sort()).toEqual([...planned.members].sort());
  });

  it('names no one when nothing is pruned or expired', () => {
    const { foreseen, planned } = both(desired({ members: { [ME]: { level: 'owner' } } }), org());
    expect(planned).toEqual({ teams: [], members: [] });
    expect(foreseen).toEqual({ teams: [], members: [] });
  });

  it('names no one from a partial view (a key whose user is not an admin), which plans no removal', () => {
    const a = org();
    a.organization.membershipLevel = ORG_LEVELS.member;
    const { foreseen, planned } = both(desired({ members: { [ME]: { level: 'owner' } }, prune: { members: true, teams: true } }), a);
    expect(planned).toEqual({ teams: [], members: [] });
    expect(foreseen).toEqual({ teams: [], members: [] });
  });

  it('names no team whose name PostHog holds twice: the plan leaves it alone, and nothing is read for it', () => {
    const a = org();
    a.duplicates = [{ kind: 'team', name: 'old TEAM ', ids: ['r1', 'r2'] }];
    const { foreseen, planned } = both(desired({ members: { [ME]: { level: 'owner' }, 'kept@x.io': { level: 'member' }, 'gone@x.io': { level: 'member' }, 'expired@x.io': { level: 'admin' } }, teams: { Kept: { members: [{ email: 'kept@x.io' }] } }, prune: { teams: true } }), a);
    expect(planned).toEqual({ teams: [], members: [] });
    expect(foreseen).toEqual({ teams: [], members: [] });
  });

  it('unforeseen: what the plan removes that the forecast left out', () => {
    expect(unforeseen({ teams: ['A', 'B'], members: ['x@x.io'] }, { teams: ['B'], members: [] })).toEqual({ teams: ['A'], members: ['x@x.io'] });
  });
});
