// Feature flags, dashboards and insights: listed with `created_by` as PostHog's viewsets do, the
// flags' `created_by_id` and the insights' `saved` / `user` filters, creation by the key's user,
// and the resource-kind access check in front of them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { matchOperation } from '../../src/emulator/routes.ts';
import { Client, err, start } from './helpers.ts';

let c: Client;
beforeAll(async () => { c = await start(); });
afterAll(async () => { await c.emulator.close(); });

const userId = async (email: string) => (await c.member(email)).user.id as number;

describe('feature flags, dashboards and insights', () => {
  it('lists the sample\'s objects with their creator, newest flags first', async () => {
    const flags = await c.get('/api/projects/1/feature_flags/');
    expect(flags.status).toBe(200);
    expect(flags.body).toMatchObject({ count: 2, next: null, previous: null });
    expect(flags.body.results.map((f: any) => [f.key, f.created_by.email])).toEqual([
      ['pricing-page-v2', 'carol@example.com'], ['new-onboarding', 'frank@example.com'],
    ]);
    const dashboards = await c.get('/api/projects/1/dashboards/');
    expect(dashboards.body.results.map((d: any) => [d.name, d.created_by.email])).toEqual([
      ['Company KPIs', 'alice@example.com'], ['Marketing funnel', 'grace@example.com'],
    ]);
    const insights = await c.get('/api/projects/1/insights/');
    expect(insights.body.results.map((i: any) => [i.short_id, i.saved, i.dashboards, i.created_by.email])).toEqual([
      ['kpiSignup', true, [1], 'alice@example.com'], ['mktChan01', true, [2], 'grace@example.com'], ['grcDraft1', false, [], 'grace@example.com'],
    ]);
    expect(matchOperation('GET', '/api/projects/1/feature_flags/')).toBe('feature_flags_list');
    expect(matchOperation('GET', '/api/projects/1/dashboards/')).toBe('dashboards_list');
    expect(matchOperation('GET', '/api/projects/1/insights/')).toBe('insights_list');
  });

  it('filters flags by their creator\'s user id, insights by saved and by the requester', async () => {
    const frank = await userId('frank@example.com');
    const mine = await c.get(`/api/projects/3/feature_flags/?created_by_id=${frank}`);
    expect(mine.body.results.map((f: any) => f.key)).toEqual(['sandbox-experiment']);
    expect((await c.get(`/api/projects/1/feature_flags/?created_by_id=${await userId('alice@example.com')}`)).body.count).toBe(0);
    expect((await c.get('/api/projects/1/insights/?saved=true')).body.results.map((i: any) => i.short_id)).toEqual(['kpiSignup', 'mktChan01']);
    expect((await c.get('/api/projects/1/insights/?saved=false')).body.results.map((i: any) => i.short_id)).toEqual(['grcDraft1']);
    // `user`: created by whoever asks (alice, the key's user).
    expect((await c.get('/api/projects/1/insights/?user=true')).body.results.map((i: any) => i.short_id)).toEqual(['kpiSignup']);
  });

  it('creates as the key\'s user, and refuses a taken flag key', async () => {
    const key = await c.keyFor('carol@example.com', ['feature_flag:write', 'dashboard:write', 'insight:write']);
    const carol = c.as(key);
    const flag = await carol.post('/api/projects/1/feature_flags/', { key: 'carol-flag', name: 'Carol' });
    expect(flag.status).toBe(201);
    expect(flag.body.created_by.email).toBe('carol@example.com');
    const again = await carol.post('/api/projects/1/feature_flags/', { key: 'carol-flag' });
    expect(err(again)).toMatchObject({ status: 400, attr: 'key', code: 'unique' });
    expect((await carol.post('/api/projects/1/dashboards/', { name: 'Mine' })).body.created_by.email).toBe('carol@example.com');
    const insight = await carol.post('/api/projects/1/insights/', { name: 'Draft' });
    expect(insight.body).toMatchObject({ saved: false, created_by: { email: 'carol@example.com' } });
  });

  it('needs the kind\'s scope, project access, and viewer on the resource kind', async () => {
    const noScope = c.as(await c.keyFor('alice@example.com', ['project:read']));
    expect(err(await noScope.get('/api/projects/1/dashboards/'))).toMatchObject({ status: 403, detail: "API key missing required scope 'dashboard:read'" });
    // carol has no access to Sandbox (default none).
    const carol = c.as(await c.keyFor('carol@example.com', ['*']));
    expect((await carol.get('/api/projects/3/feature_flags/')).status).toBe(403);
    // A resource rule "none" on insights for everyone in Production: members cannot list them, admins still can.
    expect((await c.put('/api/projects/1/resource_access_controls/', { resource: 'insight', access_level: 'none' })).status).toBe(200);
    expect(err(await carol.get('/api/projects/1/insights/'))).toMatchObject({ status: 403, detail: 'You do not have viewer access to this resource.' });
    expect((await c.get('/api/projects/1/insights/')).status).toBe(200);
    expect((await c.put('/api/projects/1/resource_access_controls/', { resource: 'insight', access_level: null })).status).toBe(204);
  });
});
