import { describe, expect, it } from 'vitest';
import { attribute } from '../../src/plan/attribution.ts';
import { diff } from '../../src/plan/diff.ts';
import type { ActivityLogEntry } from '../../src/posthog/types.ts';
import { actual, desired } from './builders.ts';

const NOW = new Date('2026-11-22T12:00:00Z');
const entry = (e: Partial<ActivityLogEntry>): ActivityLogEntry => ({
  id: 'log', user: { uuid: 'u-carol', email: 'carol@x.io' }, activity: 'updated', scope: 'OrganizationMembership', item_id: null,
  detail: { name: null, changes: null }, created_at: '2026-11-20T10:00:00Z', ...e,
});

describe('attribution of drift to the activity log', () => {
  const a = actual((b) => b.member('bob@x.io', 'admin').team('Eng', ['bob@x.io']));
  const d = desired({ members: { 'bob@x.io': { level: 'member' } }, teams: { Eng: { members: [] } }, prune: { teams: true } });
  const changes = diff(d, a, NOW).changes;

  it('names who changed a member level, and when', () => {
    const notices = attribute(changes, a, [entry({
      item_id: a.members['bob@x.io']!.membershipId,
      detail: { name: 'bob@x.io', changes: [{ type: 'OrganizationMembership', action: 'changed', field: 'level', before: 1, after: 8 }] },
    })]);
    expect(notices).toEqual([expect.objectContaining({ code: 'changed_by', key: 'bob@x.io' })]);
    expect(notices[0]?.message).toContain('level: 1 → 8 by carol@x.io on 2026-11-20');
  });

  it('uses the newest matching entry and ignores entries about other items', () => {
    const id = a.members['bob@x.io']!.membershipId;
    const notices = attribute(changes, a, [
      entry({ item_id: 'someone-else' }),
      entry({ item_id: id, user: { uuid: 'u-dan', email: 'dan@x.io' }, created_at: '2026-11-21T00:00:00Z' }),
      entry({ item_id: id, created_at: '2026-11-01T00:00:00Z' }),
    ]);
    expect(notices.map((n) => n.message)).toEqual(['bob@x.io: last changed in PostHog — updated by dan@x.io on 2026-11-21']);
  });

  it('matches team memberships by role name and email', () => {
    const notices = attribute(changes, a, [entry({
      scope: 'RoleMembership', activity: 'created', detail: { name: 'Eng', changes: null, context: { role_name: 'Eng', user_email: 'bob@x.io' } },
    })]);
    expect(notices.map((n) => n.key)).toEqual(['Eng / bob@x.io']);
  });

  it('says nothing without a matching entry', () => {
    expect(attribute(changes, a, [])).toEqual([]);
  });
});
