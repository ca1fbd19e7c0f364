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

  it('attributes a removed member\'s re-invite to their removal (their team memberships and rules wait for them to join)', () => {
    const before = actual((b) => b.team('Eng', []));
    const d2 = desired({ members: { 'gone@x.io': { level: 'member' } }, teams: { Eng: { members: [{ email: 'gone@x.io' }] } } });
    const c2 = diff(d2, before, NOW).changes;
    const removal = entry({ activity: 'deleted', item_id: 'm-gone', detail: { name: 'Gone (gone@x.io) left X', changes: null, context: { user_email: 'gone@x.io' } } });
    expect(attribute(c2, before, [removal]).map((n) => [n.key, n.message])).toEqual([['gone@x.io', 'gone@x.io: last changed in PostHog — deleted by carol@x.io on 2026-11-20']]);
    // Someone else's removal says nothing about them.
    expect(attribute(c2, before, [{ ...removal, detail: { ...removal.detail, context: { user_email: 'other@x.io' } } }])).toEqual([]);
  });

  it('attributes changed access rules to AccessControl entries of their project, resource and subject', () => {
    const a2 = actual((b) => b.member('bob@x.io', 'member').team('Eng', ['bob@x.io']).project('Prod', {
      default: { level: 'member' }, teams: { Eng: { level: 'admin' } }, members: { 'bob@x.io': { level: 'admin' } },
    }));
    const d2 = desired({
      members: { 'bob@x.io': { level: 'member' } }, teams: { Eng: { members: [{ email: 'bob@x.io' }] } },
      projects: { Prod: { teams: { Eng: { level: 'member' } }, members: { 'bob@x.io': { level: 'member' } }, resources: {}, secretKeys: {}, default: { level: 'none' } } },
    });
    const c2 = diff(d2, a2, NOW).changes.filter((c) => c.kind === 'project_access');
    expect(c2.map((c) => c.key).sort()).toEqual(['Prod / default', 'Prod / member:bob@x.io', 'Prod / team:Eng']);
    const prod = a2.projects.Prod!.id;
    const rule = (context: Record<string, unknown>, teamId = prod) => entry({
      scope: 'AccessControl', team_id: teamId, item_id: 'ac',
      detail: { name: 'Prod', changes: [{ type: 'AccessControl', action: 'changed', field: 'access_level', before: 'member', after: 'admin' }], context: { resource: 'project', resource_id: String(prod), ...context } },
    });
    const notices = attribute(c2, a2, [
      rule({ role: a2.teams.Eng!.id }),
      rule({ organization_member: a2.members['bob@x.io']!.membershipId }),
      rule({}, prod + 1), // another project
    ]);
    expect(notices.map((n) => n.key).sort()).toEqual(['Prod / member:bob@x.io', 'Prod / team:Eng']);
    expect(attribute(c2, a2, [rule({})]).map((n) => n.key)).toEqual(['Prod / default']);
  });
});
