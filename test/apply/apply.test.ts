import { describe, expect, it } from 'vitest';
import { applyPlan } from '../../src/apply/apply.ts';
import { diff } from '../../src/plan/diff.ts';
import { ApiError } from '../../src/errors.ts';
import type { PostHogApi } from '../../src/posthog/types.ts';
import type { OrganizationPlan } from '../../src/plan/types.ts';
import { actual, desired, project } from '../plan/builders.ts';

const NOW = new Date('2026-11-22T12:00:00Z');

/** A fake API recording calls; any method named in `failing` rejects; lists answer `lists[name]` (else nothing). */
function fakeApi(failing: string[] = [], lists: Record<string, unknown[]> = {}): PostHogApi & { calls: string[] } {
  const calls: string[] = [];
  let id = 100;
  const handler: ProxyHandler<object> = {
    get(_t, name: string) {
      if (name === 'calls') return calls;
      if (name === 'requestCount') return calls.length;
      return async (...args: unknown[]) => {
        calls.push(`${name} ${JSON.stringify(args.slice(1))}`);
        await new Promise((r) => setTimeout(r, 1));
        if (failing.includes(name)) throw new Error(`${name} failed`);
        if (name.startsWith('list')) return lists[name] ?? [];
        if (name === 'createProject') return { id: ++id, name: args[1] };
        if (name === 'createRole') return { id: `role-${++id}`, name: args[1] };
        return null;
      };
    },
  };
  return new Proxy({}, handler) as PostHogApi & { calls: string[] };
}

const planOf = (d: ReturnType<typeof desired>, a: ReturnType<typeof actual>): Pick<OrganizationPlan, 'changes'> =>
  ({ changes: diff(d, a, NOW).changes });

describe('applier', () => {
  const a = actual((b) => b.member('bob@x.io', 'member').member('gone@x.io', 'member'));
  const d = desired({
    members: { 'bob@x.io': { level: 'admin' } },
    teams: { Eng: { members: [{ email: 'bob@x.io' }] } },
    projects: { New: project({ default: { level: 'none' }, teams: { Eng: { level: 'member' } } }) },
    prune: { members: true },
  });

  it('runs every step in plan order, using ids of things it created', async () => {
    const api = fakeApi();
    const report = await applyPlan({ api, plan: planOf(d, a), actual: a });
    expect(report).toMatchObject({ ok: 7, failed: 0, skipped: 0 });
    // (Each create looks its name up just before: PostHog would make a second one.)
    expect(api.calls.filter((c) => !c.startsWith('list'))[0]).toMatch(/^createProject/);
    expect(api.calls[0]).toMatch(/^listProjects/);
    expect(api.calls.at(-1)).toMatch(/^removeMember/);
    // The team rule names the role created earlier in this apply.
    expect(api.calls.find((c) => c.startsWith('putProjectAccessControl') && c.includes('role-'))).toBeDefined();
  });

  it('a failed step skips the steps that depend on it; the others go on', async () => {
    const api = fakeApi(['createRole']);
    const report = await applyPlan({ api, plan: planOf(d, a), actual: a });
    const byId = Object.fromEntries(report.results.map((r) => [r.id, r.status]));
    expect(byId['team:Eng']).toBe('failed');
    expect(byId['team_member:Eng / bob@x.io']).toBe('skipped');
    expect(byId['project_access:New / team:Eng']).toBe('skipped');
    // The default drops to none only once the team's grant holds (issue 8, finding 1): skipped with it.
    expect(byId['project_access:New / default']).toBe('skipped');
    expect(report.results.find((r) => r.id === 'project_access:New / default')?.error).toBe('needs project_access:New / team:Eng, which did not succeed');
    expect(byId['member:bob@x.io']).toBe('ok');
    expect(byId['member:gone@x.io']).toBe('ok');
    expect(report.results.find((r) => r.id === 'team_member:Eng / bob@x.io')?.error).toContain('team:Eng');
  });

  it('removes an owner by demoting first, as PostHog requires', async () => {
    const owners = actual((b) => b.member('co@x.io', 'owner'));
    const api = fakeApi();
    await applyPlan({ api, plan: planOf(desired({ prune: { members: true } }), owners), actual: owners });
    expect(api.calls.map((c) => c.split(' ')[0])).toEqual(['updateMemberLevel', 'removeMember']);
    expect(api.calls[0]).toContain(',1]');
  });

  it('stops starting steps once interrupted', async () => {
    const controller = new AbortController();
    controller.abort();
    const report = await applyPlan({ api: fakeApi(), plan: planOf(d, a), actual: a, signal: controller.signal });
    expect(report.skipped).toBe(report.results.length);
  });

  it('a project or role made meanwhile (another apply at the same time) is used, not made twice', async () => {
    const api = fakeApi([], { listProjects: [{ id: 7, name: ' new ' }], listRoles: [{ id: 'role-7', name: 'eng' }] });
    const report = await applyPlan({ api, plan: planOf(d, a), actual: a });
    expect(report).toMatchObject({ ok: 7, failed: 0, skipped: 0 });
    expect(api.calls.filter((c) => c.startsWith('createProject') || c.startsWith('createRole'))).toEqual([]);
    expect(api.calls.find((c) => c.startsWith('putProjectAccessControl') && c.includes('role-7'))).toBeDefined();
    expect(api.calls.find((c) => c.startsWith('addRoleMember'))).toContain('role-7');
  });
});

describe('invites go out through PostHog\'s bulk endpoint', () => {
  const none = actual((b) => b.member('bob@x.io', 'member'));
  const people = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`new${String(i).padStart(2, '0')}@x.io`, { level: 'member' as const }]));
  const wanted = desired({ members: { 'bob@x.io': { level: 'member' }, ...people(45) } });

  it('sends 45 invites in 3 calls of at most 20, each reported as its own step', async () => {
    const api = fakeApi();
    const report = await applyPlan({ api, plan: planOf(wanted, none), actual: none });
    expect(report).toMatchObject({ ok: 45, failed: 0, skipped: 0 });
    expect(api.calls.map((c) => c.split(' ')[0])).toEqual(['createInvites', 'createInvites', 'createInvites']);
    const sizes = api.calls.map((c) => (JSON.parse(c.slice('createInvites '.length)) as unknown[][])[0]!.length).sort((x, y) => x - y);
    expect(sizes).toEqual([5, 20, 20]);
    const emails = api.calls.flatMap((c) => (JSON.parse(c.slice('createInvites '.length)) as { target_email: string }[][])[0]!.map((i) => i.target_email));
    expect(new Set(emails)).toEqual(new Set(Object.keys(people(45))));
  });

  it('one invite alone uses the single create', async () => {
    const api = fakeApi();
    await applyPlan({ api, plan: planOf(desired({ members: { 'bob@x.io': { level: 'member' }, ...people(1) } }), none), actual: none });
    expect(api.calls.map((c) => c.split(' ')[0])).toEqual(['createInvite']);
  });

  it('a bulk call that fails otherwise fails every invite it carried', async () => {
    const api = fakeApi(['createInvites']);
    const report = await applyPlan({ api, plan: planOf(desired({ members: { 'bob@x.io': { level: 'member' }, ...people(3) } }), none), actual: none });
    expect(report).toMatchObject({ ok: 0, failed: 3 });
    expect(report.results.every((r) => r.error === 'createInvites failed')).toBe(true);
    expect(api.calls.map((c) => c.split(' ')[0])).toEqual(['createInvites']);
  });

  it('after a 400 (one invite refused) sends each on its own, to tell which failed', async () => {
    const calls: string[] = [];
    const api = {
      async createInvites() {
        calls.push('createInvites');
        throw new ApiError('A user with this email address already belongs to the organization.', { status: 400, method: 'POST', path: '/invites/bulk/' });
      },
      async createInvite(_org: string, invite: { target_email: string }) {
        calls.push(`createInvite ${invite.target_email}`);
        if (invite.target_email === 'new01@x.io') throw new Error('already a member');
        return {};
      },
    } as unknown as PostHogApi;
    const report = await applyPlan({ api, plan: planOf(desired({ members: { 'bob@x.io': { level: 'member' }, ...people(3) } }), none), actual: none });
    expect(calls).toEqual(['createInvites', 'createInvite new00@x.io', 'createInvite new01@x.io', 'createInvite new02@x.io']);
    expect(Object.fromEntries(report.results.map((r) => [r.key, r.status]))).toEqual({ 'new00@x.io': 'ok', 'new01@x.io': 'failed', 'new02@x.io': 'ok' });
  });
});
