import { describe, expect, it } from 'vitest';
import { diff } from '../../src/plan/diff.ts';
import { missingScopes, requiredScopes } from '../../src/plan/scopes.ts';
import type { Change } from '../../src/plan/types.ts';
import { ME, actual, desired, gate } from './builders.ts';

const NOW = new Date('2026-11-22T12:00:00Z');
const guards = (d: ReturnType<typeof desired>, a: ReturnType<typeof actual>, allowDeletes?: number) =>
  gate({ changes: diff(d, a, NOW).changes, actual: a, safety: d.safety, allowDeletes });
const preflight = (a: ReturnType<typeof actual>, changes: Change[]) => gate({ changes, actual: a, safety: { maxDeletes: 1000, protected: [] } }, true).filter((r) => r.guard === 'scope');

describe('guards', () => {
  it('refuses to remove or demote the key\'s own user', () => {
    const refusals = guards(desired({ members: { [ME]: { level: 'admin' } } }), actual((a) => a.member('other@x.io', 'owner')));
    expect(refusals.map((r) => r.guard)).toContain('self');
    expect(refusals.find((r) => r.guard === 'self')?.message).toContain(ME);
  });

  it('refuses to demote a protected person', () => {
    const d = desired({ members: { 'boss@x.io': { level: 'member' } }, safety: { maxDeletes: 10, protected: ['boss@x.io'] } });
    const refusals = guards(d, actual((a) => a.member('boss@x.io', 'admin')));
    expect(refusals).toEqual([expect.objectContaining({ guard: 'protected', changeIds: ['member:boss@x.io'] })]);
  });

  it('refuses to leave the organization without an owner', () => {
    const a = actual();
    a.members[ME]!.level = 8; // the key user is an admin; the only owner is someone else
    a.organization.membershipLevel = 8;
    a.members['owner@x.io'] = { ...a.members[ME]!, email: 'owner@x.io', userUuid: 'u-owner', membershipId: 'm-owner', level: 15 };
    const refusals = guards(desired({ members: { [ME]: { level: 'admin' } }, prune: { members: true } }), a);
    expect(refusals.map((r) => r.guard)).toEqual(expect.arrayContaining(['last_owner', 'permission']));
  });

  it('allows demoting one owner when another remains', () => {
    const d = desired({ members: { 'co@x.io': { level: 'admin' } } });
    expect(guards(d, actual((a) => a.member('co@x.io', 'owner')))).toEqual([]);
  });

  it('refuses more removals than safety.max_deletes unless --allow-deletes covers them', () => {
    const a = actual((b) => { for (let i = 0; i < 3; i++) b.member(`p${i}@x.io`, 'member'); });
    const d = desired({ prune: { members: true }, safety: { maxDeletes: 2, protected: [] } });
    const refused = guards(d, a);
    expect(refused).toEqual([expect.objectContaining({ guard: 'max_deletes' })]);
    expect(refused[0]?.message).toContain('--allow-deletes 3');
    expect(guards(d, a, 2).map((r) => r.guard)).toEqual(['max_deletes']);
    expect(guards(d, a, 3)).toEqual([]);
  });

  it('counts what goes with a removed team against max_deletes', () => {
    const a = actual((b) => b.member('bob@x.io', 'member').member('carol@x.io', 'member').team('Old', ['bob@x.io', 'carol@x.io']));
    const d = desired({ members: { 'bob@x.io': { level: 'member' }, 'carol@x.io': { level: 'member' } }, prune: { teams: true }, safety: { maxDeletes: 2, protected: [] } });
    const refused = guards(d, a);
    expect(refused.map((r) => r.guard)).toEqual(['max_deletes']);
    expect(refused[0]?.message).toContain('removes or lowers 3 things, including 2 memberships and rules that go with');
    expect(guards(d, a, 3)).toEqual([]);
  });

  it('refuses any change when the key\'s user is not an admin', () => {
    const a = actual((b) => b.member('bob@x.io', 'member'));
    a.organization.membershipLevel = 1;
    expect(guards(desired({ members: { 'bob@x.io': { level: 'admin' } } }), a).map((r) => r.guard)).toEqual(['permission']);
  });
});

describe('preflight: the running key', () => {
  it('names the scopes the key lacks for the plan', () => {
    const a = actual((b) => b.member('bob@x.io', 'member'));
    a.key!.scopes = ['organization:read', 'organization_member:read', 'project:read', 'access_control:read'];
    const changes = diff(desired({ members: { 'bob@x.io': { level: 'admin' } } }), a, NOW).changes;
    const refusals = preflight(a, changes);
    expect(refusals).toHaveLength(1);
    expect(refusals[0]?.message).toContain("'organization_member:write'");
  });

  it('refuses a project-scoped key', () => {
    const a = actual((b) => b.member('bob@x.io', 'member'));
    a.key!.scopedTeams = [12];
    // (checked before writing: a plan with something to write)
    const changes = diff(desired({ members: { 'bob@x.io': { level: 'admin' } } }), a, NOW).changes;
    expect(preflight(a, changes)[0]?.message).toContain('limited to projects');
  });

  it('write covers read and * covers everything', () => {
    expect(missingScopes(['organization:write'], ['organization:read'])).toEqual([]);
    expect(missingScopes(['*'], requiredScopes([]))).toEqual([]);
    expect(missingScopes(['organization:read'], ['organization:write'])).toEqual(['organization:write']);
  });
});

describe('guard: enforce_verified_domains', () => {
  const d = desired({ organization: { id: '@current', settings: { enforce_verified_domains: true }, domains: {} } });

  it('refuses while an owner, admin or the key\'s user is on an unverified domain', () => {
    const a = actual((b) => b.settings({ enforce_verified_domains: false }).member('ops@other.io', 'admin').domain('example.com', { verified: true }));
    const refused = guards(d, a);
    expect(refused.map((r) => r.guard)).toEqual(['verified_domains']);
    expect(refused[0]?.message).toContain('keep out ops@other.io (');
    expect(refused[0]?.message).not.toContain('root@example.com'); // the key's user is on the verified example.com
  });

  it('counts the key\'s user even when it is not an admin of record', () => {
    const a = actual((b) => b.settings({ enforce_verified_domains: false }));
    expect(guards(d, a)[0]?.message).toContain('keep out root@example.com');
  });

  it('allows it once every administrator\'s domain is verified', () => {
    const a = actual((b) => b.settings({ enforce_verified_domains: false }).member('ops@example.com', 'admin').member('someone@else.io', 'member').domain('example.com', { verified: true }));
    expect(guards(d, a)).toEqual([]);
  });
});
