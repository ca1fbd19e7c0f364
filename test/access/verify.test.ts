// --verify: the model against PostHog's own effective access (access_control_members).
import { describe, expect, it } from 'vitest';
import type { AccessView } from '../../src/access/effective.ts';
import { compareProject, verificationMarkdown, verificationText, verify, type EffectiveMembersResponse } from '../../src/access/verify.ts';
import { ApiError } from '../../src/errors.ts';
import type { ClosablePostHogApi } from '../../src/posthog/api.ts';

const view: AccessView = {
  mode: 'most_specific', accessControl: true, roleBasedAccess: true,
  people: { 'u@x.io': { email: 'u@x.io', level: 'member', pending: false, invited: {} } },
  teams: { R: ['u@x.io'] },
  projects: { P: { members: { 'u@x.io': 'none' }, teams: { R: 'admin' }, resources: { dashboard: { teams: { R: 'viewer' }, members: {} } }, known: true } },
};
const entry = (effective: string | null) => ({ access_level: null, effective_access_level: effective });
const answer = (project: string | null, dashboard: string | null, flag: string | null): EffectiveMembersResponse => ({
  results: [{ organization_membership_id: 'm1', user: { email: 'U@x.io' }, organization_level: 1, project: entry(project), resources: { dashboard: entry(dashboard), feature_flag: entry(flag) } }],
});

describe('verify', () => {
  it('agrees when PostHog enforces what the model says, and compares only what PostHog resolves', () => {
    expect(compareProject(view, 'P', answer('none', 'viewer', null))).toEqual({ compared: 2, differences: [] });
  });

  it('reports each difference: person, project, resource, both levels', () => {
    const result = compareProject(view, 'P', answer('admin', 'viewer', 'none'));
    expect(result.differences).toEqual([
      { project: 'P', email: 'u@x.io', model: 'none', posthog: 'admin' },
      { project: 'P', email: 'u@x.io', resource: 'feature_flag', model: 'editor', posthog: 'none' },
    ]);
    expect(verificationText({ served: true, compared: result.compared, differences: result.differences })).toBe(
      'Verify: PostHog differs on 2 of 3 levels compared:\n  u@x.io on P: PostHog enforces admin, the model says none\n  u@x.io on P / feature_flag: PostHog enforces none, the model says editor\n');
    // As Markdown (explain --format markdown --verify): a list item each, names escaped.
    expect(verificationMarkdown({ served: true, compared: 1, differences: [{ project: 'P | <b>', email: 'u@x.io', model: 'none', posthog: 'admin' }] })).toBe(
      '\nVerify: PostHog differs on 1 of 1 level compared:\n- u@x.io on P \\| &lt;b&gt;: PostHog enforces admin, the model says none\n');
  });

  it('reads one list per project, for one member when asked, and says when PostHog does not serve it', async () => {
    const calls: [string, unknown][] = [];
    const api = { client: { get: async (path: string, query?: unknown) => { calls.push([path, query]); return answer('none', 'viewer', null); } } } as unknown as ClosablePostHogApi;
    expect(await verify(api, view, [{ name: 'P', id: 7 }], { email: 'u@x.io', membershipId: 'm1' })).toEqual({ served: true, compared: 2, differences: [] });
    expect(calls).toEqual([['/api/projects/7/access_control_members/', { member_id: 'm1' }]]);
    const old = { client: { get: async () => { throw new ApiError('not found', { status: 404, method: 'GET', path: '/api/projects/7/access_control_members/' }); } } } as unknown as ClosablePostHogApi;
    const result = await verify(old, view, [{ name: 'P', id: 7 }]).catch((e: unknown) => e);
    expect(result).toEqual({ served: false, compared: 0, differences: [] });
  });
});
