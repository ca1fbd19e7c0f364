import { describe, expect, it } from 'vitest';
import { ApiError } from '../../src/errors.ts';
import type { PostHogApi } from '../../src/posthog/types.ts';
import { fetchActual } from '../../src/state/fetch.ts';

const ORG = 'org-1';
const scope = { organization: '@current', projects: ['Prod'], secretKeys: [], domains: false };

/** The smallest organization the fetcher can read; `currentKey` as given. */
function fakeApi(currentKey: () => Promise<unknown>): PostHogApi {
  return {
    me: async () => ({ uuid: 'u1', email: 'Root@Example.com', organization: { id: ORG, name: 'Org' } }),
    currentKey,
    organization: async () => ({ id: ORG, name: 'Org', membership_level: 15, available_product_features: [{ key: 'access_control' }], default_role_id: null }),
    listMembers: async () => [{ id: 'm1', user: { uuid: 'u1', email: 'Root@Example.com' }, level: 15, joined_at: '', updated_at: '', is_2fa_enabled: true, last_login: null }],
    listInvites: async () => [],
    listRoles: async () => [{ id: 'r1', name: 'Eng', created_at: '', created_by: null, is_default: false, members: [] }],
    listProjects: async () => [{ id: 7, name: 'Prod', organization: ORG }],
    projectAccessControls: async () => ({ access_controls: [
      { access_level: 'none', resource: 'project', resource_id: '7', organization_member: null, role: null },
      { access_level: 'admin', resource: 'project', resource_id: '7', organization_member: 'm1', role: null },
      { access_level: 'member', resource: 'project', resource_id: '7', organization_member: null, role: 'r1' },
      { access_level: 'member', resource: 'project', resource_id: '7', organization_member: 'gone', role: null },
    ], available_access_levels: [], default_access_level: 'admin' }),
    resourceAccessControls: async () => ({ access_controls: [
      { access_level: 'viewer', resource: 'feature_flag', resource_id: null, organization_member: null, role: null },
    ], available_access_levels: [], default_access_level: 'editor' }),
  } as unknown as PostHogApi;
}

describe('fetchActual', () => {
  const key = async () => ({ id: 'k', label: 'ci', scopes: ['*'], scoped_teams: null, scoped_organizations: null, created_at: '', last_used_at: null });

  it("reads the organization's lists beside the user, not after it: `@current`, which PostHog takes for the user's organization", async () => {
    const api = fakeApi(key);
    let meAnswered = false;
    const asked: string[] = [];
    const me = api.me;
    api.me = async () => {
      await new Promise((r) => setTimeout(r, 20));
      meAnswered = true;
      return me();
    };
    for (const list of ['listMembers', 'listInvites', 'listRoles', 'listProjects', 'organization'] as const) {
      const read = api[list] as (id: string) => Promise<unknown>;
      (api as unknown as Record<string, unknown>)[list] = async (id: string) => {
        asked.push(`${list} ${id} ${meAnswered ? 'after' : 'beside'}`);
        return read(id);
      };
    }
    const actual = await fetchActual(api, scope);
    expect(asked.sort()).toEqual(['listInvites @current beside', 'listMembers @current beside', 'listProjects @current beside', 'listRoles @current beside', 'organization @current beside']);
    expect(actual.organization.id).toBe(ORG);
    // An organization the matrix names is read by its id.
    asked.length = 0;
    meAnswered = false;
    await fetchActual(api, { ...scope, organization: ORG });
    expect(asked).toContain(`listMembers ${ORG} beside`);
  });

  it('refuses a read whose `@current` organization changed while it was read (two organizations in one state)', async () => {
    const switched = fakeApi(key);
    switched.listProjects = async () => [{ id: 7, name: 'Prod', organization: 'org-2' }] as never;
    await expect(fetchActual(switched, scope)).rejects.toThrow("root@example.com's current organization changed while it was read: run again, or set organization.id in the matrix (or POSTHOG_ORG_ID) to read one organization by its id");
    const meElsewhere = fakeApi(key);
    meElsewhere.me = async () => ({ uuid: 'u1', email: 'Root@Example.com', organization: { id: 'org-2', name: 'Other' } }) as never;
    await expect(fetchActual(meElsewhere, scope)).rejects.toThrow('changed while it was read');
    // Named by its id, the organization is the one read whatever the user's current one.
    await expect(fetchActual(meElsewhere, { ...scope, organization: ORG })).resolves.toMatchObject({ organization: { id: ORG } });
  });

  it('says so when the user has no current organization, rather than how PostHog refused the lists', async () => {
    const api = fakeApi(key);
    api.me = async () => {
      await new Promise((r) => setTimeout(r, 20));
      return { uuid: 'u1', email: 'nobody@example.com', organization: null } as never;
    };
    api.listMembers = async () => { throw new ApiError('Not found.', { status: 404, method: 'GET', path: '/api/organizations/@current/members/' }); };
    await expect(fetchActual(api, scope)).rejects.toThrow('nobody@example.com has no current organization: set organization.id in the matrix (or POSTHOG_ORG_ID)');
  });

  it('maps ids to natural keys: emails lower-cased, rules by subject, unresolved subjects counted', async () => {
    const actual = await fetchActual(fakeApi(async () => ({ id: 'k', label: 'ci', scopes: ['*'], scoped_teams: null, scoped_organizations: null, created_at: '', last_used_at: null })), scope);
    expect(actual.me.email).toBe('root@example.com');
    expect(actual.projects.Prod).toMatchObject({
      rulesLoaded: true, default: { level: 'none' }, members: { 'root@example.com': { level: 'admin' } }, teams: { Eng: { level: 'member' } }, unresolvedRules: 1,
      resources: { feature_flag: { default: { level: 'viewer' }, teams: {}, members: {} } },
    });
    expect(actual.key?.scopedTeams).toEqual([]);
  });

  it('knows a project by the matrix\'s spelling when PostHog\'s differs only in case or spaces, keeping PostHog\'s name', async () => {
    const key = async () => ({ id: 'k', label: 'ci', scopes: ['*'], scoped_teams: null, scoped_organizations: null, created_at: '', last_used_at: null });
    const actual = await fetchActual(fakeApi(key), { ...scope, projects: ['prod'] });
    expect(Object.keys(actual.projects)).toEqual(['prod']);
    expect(actual.projects.prod).toMatchObject({ id: 7, name: 'prod', posthogName: 'Prod', rulesLoaded: true, default: { level: 'none' } });
    // Spelt exactly as in PostHog: no second name.
    expect((await fetchActual(fakeApi(key), scope)).projects.Prod?.posthogName).toBeUndefined();
  });

  it('keeps the tool PostHog says owns a rule (managed_by), where PostHog marks it', async () => {
    const key = async () => ({ id: 'k', label: 'ci', scopes: ['*'], scoped_teams: null, scoped_organizations: null, created_at: '', last_used_at: null });
    const api = fakeApi(key);
    api.projectAccessControls = async () => ({ access_controls: [
      { access_level: 'member', resource: 'project', resource_id: '7', organization_member: null, role: 'r1', managed_by: 'terraform' },
      { access_level: 'none', resource: 'project', resource_id: '7', organization_member: null, role: null, managed_by: null },
    ], available_access_levels: [], default_access_level: 'admin' }) as never;
    const actual = await fetchActual(api, scope);
    expect(actual.projects.Prod?.teams.Eng).toEqual({ level: 'member', managedBy: 'terraform' });
    expect(actual.projects.Prod?.default).toEqual({ level: 'none' });
  });

  it('a key PostHog will not describe (403) is left to the preflight; any other failure fails the read', async () => {
    const refused = new ApiError('refused', { status: 403, method: 'GET', path: '/api/personal_api_keys/@current/' });
    expect((await fetchActual(fakeApi(() => Promise.reject(refused)), scope)).key).toBeNull();
    const broken = new ApiError('PostHog answered 503', { status: 503, method: 'GET', path: '/api/personal_api_keys/@current/' });
    await expect(fetchActual(fakeApi(() => Promise.reject(broken)), scope)).rejects.toThrow('503');
  });
});
