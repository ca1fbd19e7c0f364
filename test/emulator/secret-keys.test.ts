import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { matchOperation } from '../../src/emulator/routes.ts';
import { PROJECT_SECRET_KEY_SCOPES } from '../../src/matrix/scopes.ts';
import { Client, err, start } from './helpers.ts';

const NOW = new Date('2026-03-01T12:00:00Z');
const K = (project: number | string = 1) => `/api/projects/${project}/project_secret_api_keys/`;
const FLAGS = (project: number | string = 1) => `/api/projects/${project}/feature_flags/local_evaluation/`;
const DAY = 86_400_000;

let c: Client;
beforeAll(async () => { c = await start({ now: () => NOW }); });
afterAll(async () => { await c.emulator.close(); });

/** A client that authenticates with a project secret key. */
const phs = (value: string): Client => c.as(value);

describe('project secret API keys: sample and shape', () => {
  it('Production has the 120-day-old flag-service key; values are never listed', async () => {
    const r = await c.get(K(1));
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ count: 1, next: null, previous: null });
    const key = r.body.results[0];
    expect(Object.keys(key).sort()).toEqual(
      ['created_at', 'created_by', 'id', 'label', 'last_rolled_at', 'last_used_at', 'mask_value', 'scopes', 'value'].sort());
    expect(key).toMatchObject({ label: 'flag-service', scopes: ['feature_flag:read'], value: null, last_rolled_at: null });
    expect(key.created_by.email).toBe('alice@example.com');
    expect(key.mask_value).toMatch(/^phs_\.\.\.[A-Za-z0-9_-]{4}$/);
    expect(Math.round((NOW.getTime() - Date.parse(key.created_at)) / DAY)).toBe(120);
    expect((await c.get(K(2))).body.count).toBe(0);
    const state = (await c.control('GET', '/_emulator/state')).body;
    expect(state.project_secret_api_keys).toHaveLength(1);
    expect(state.project_secret_api_keys[0].secure_value).toMatch(/^sha256\$[0-9a-f]{64}$/);
    expect(state.project_secret_api_keys[0]).not.toHaveProperty('value');
  });

  it('matchOperation names the routes', () => {
    expect(matchOperation('GET', '/api/projects/1/project_secret_api_keys/')).toBe('project_secret_api_keys_list');
    expect(matchOperation('POST', '/api/projects/1/project_secret_api_keys/')).toBe('project_secret_api_keys_create');
    expect(matchOperation('GET', '/api/projects/1/project_secret_api_keys/abc/')).toBe('project_secret_api_keys_retrieve');
    expect(matchOperation('PATCH', '/api/projects/1/project_secret_api_keys/abc/')).toBe('project_secret_api_keys_partial_update');
    expect(matchOperation('PUT', '/api/projects/1/project_secret_api_keys/abc/')).toBe('project_secret_api_keys_update');
    expect(matchOperation('DELETE', '/api/projects/1/project_secret_api_keys/abc/')).toBe('project_secret_api_keys_destroy');
    expect(matchOperation('POST', 'http://h/api/projects/1/project_secret_api_keys/abc/roll/')).toBe('project_secret_api_keys_roll');
    expect(matchOperation('GET', '/api/projects/1/feature_flags/local_evaluation/')).toBe('feature_flags_local_evaluation_retrieve');
    expect(matchOperation('GET', '/api/projects/1/project_secret_api_keys/abc/roll/')).toBeNull();
  });
});

describe('project secret API keys: create, validation, limits', () => {
  it('create → 201 with the value once; retrieve and list show it masked; newest first', async () => {
    const r = await c.post(K(2), { label: 'ci', scopes: ['feature_flag:read', 'query:read'] });
    expect(r.status).toBe(201);
    expect(r.body.value).toMatch(/^phs_emulator_[A-Za-z0-9_-]{20,}$/);
    expect(r.body.mask_value).toBe(`phs_...${r.body.value.slice(-4)}`);
    expect(r.body).toMatchObject({ label: 'ci', scopes: ['feature_flag:read', 'query:read'], last_used_at: null, last_rolled_at: null, created_at: NOW.toISOString() });
    expect(r.body.created_by.email).toBe('alice@example.com');
    const got = await c.get(`${K(2)}${r.body.id}/`);
    expect(got.status).toBe(200);
    expect(got.body.value).toBeNull();
    await c.control('POST', '/_emulator/clock', { advance_seconds: 60 });
    const second = await c.post(K(2), { label: 'ci-2', scopes: ['endpoint:read'] });
    expect((await c.get(K(2))).body.results.map((k: any) => k.label)).toEqual(['ci-2', 'ci']);
    expect((await c.del(`${K(2)}${second.body.id}/`)).status).toBe(204);
    expect((await c.del(`${K(2)}${r.body.id}/`)).status).toBe(204);
  });

  it('scope rules: non-empty, no *, known, allow-listed', async () => {
    const allowed = [...PROJECT_SECRET_KEY_SCOPES].sort().join(', ');
    expect(allowed).toBe('account:read, endpoint:read, experiment:read, feature_flag:read, loop:write, query:read');
    const cases: [unknown, string, string][] = [
      [[], 'empty', 'This list may not be empty.'],
      [['*'], 'invalid', "Wildcard scope '*' is not allowed for project API keys. Please specify explicit scopes."],
      [['feature_flag:read', '*'], 'invalid', "Wildcard scope '*' is not allowed for project API keys. Please specify explicit scopes."],
      [['feature_flags:read'], 'invalid', 'Invalid scope: feature_flags:read'],
      [['feature_flag:delete'], 'invalid', 'Invalid scope: feature_flag:delete'],
      [['internal_run:read'], 'invalid', 'Invalid scope: internal_run:read'],
      [['project:read'], 'invalid', `Scope 'project:read' can not be assigned to a project secret API key. Allowed scopes: ${allowed}`],
      [['feature_flag:write'], 'invalid', `Scope 'feature_flag:write' can not be assigned to a project secret API key. Allowed scopes: ${allowed}`],
      ['feature_flag:read', 'not_a_list', 'Expected a list of items but got type "str".'],
    ];
    for (const [scopes, code, detail] of cases) {
      const r = await c.post(K(1), { label: 'bad', scopes });
      expect(err(r), JSON.stringify(scopes)).toMatchObject({ status: 400, type: 'validation_error', code, detail, attr: 'scopes' });
    }
    expect(err(await c.post(K(1), { label: 'bad' }))).toMatchObject({ status: 400, code: 'required', attr: 'scopes' });
    expect(err(await c.post(K(1), { scopes: ['query:read'] }))).toMatchObject({ status: 400, code: 'required', attr: 'label' });
    expect(err(await c.post(K(1), { label: 'x'.repeat(41), scopes: ['query:read'] }))).toMatchObject({ status: 400, code: 'max_length', attr: 'label' });
  });

  it('labels are unique per project, not across projects', async () => {
    const dup = await c.post(K(1), { label: 'flag-service', scopes: ['query:read'] });
    expect(err(dup)).toMatchObject({ status: 400, code: 'invalid', detail: "Project secret API key with label 'flag-service' already exists.", attr: null });
    const other = await c.post(K(3), { label: 'flag-service', scopes: ['query:read'] });
    expect(other.status).toBe(201);
    await c.del(`${K(3)}${other.body.id}/`);
  });

  it('at most 50 per project', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 50; i++) {
      const r = await c.post(K(3), { label: `k${i}`, scopes: ['query:read'] });
      expect(r.status).toBe(201);
      ids.push(r.body.id);
    }
    const over = await c.post(K(3), { label: 'k50', scopes: ['query:read'] });
    expect(err(over)).toMatchObject({
      status: 400, code: 'invalid', attr: null,
      detail: 'You can only have 50 project secret API keys. Remove an existing key before creating a new one.',
    });
    expect((await c.get(`${K(3)}?limit=100`)).body.count).toBe(50);
    for (const id of ids) expect((await c.del(`${K(3)}${id}/`)).status).toBe(204);
  });
});

describe('project secret API keys: permissions and scopes', () => {
  it('read: project members; write: effective project admins; else 403', async () => {
    const frank = c.as(await c.keyFor('frank@example.com')); // Production member (Engineering), Sandbox admin rule
    const carol = c.as(await c.keyFor('carol@example.com')); // admin rule on Production, nothing on Sandbox
    const bob = c.as(await c.keyFor('bob@example.com')); // org admin
    expect((await frank.get(K(1))).status).toBe(200);
    const denied = await frank.post(K(1), { label: 'frank', scopes: ['query:read'] });
    expect(err(denied)).toMatchObject({ status: 403, code: 'permission_denied', detail: "You don't have sufficient permissions in the project." });
    const id = (await c.get(K(1))).body.results[0].id;
    for (const r of [
      await frank.patch(`${K(1)}${id}/`, { scopes: ['query:read'] }),
      await frank.post(`${K(1)}${id}/roll/`),
      await frank.del(`${K(1)}${id}/`),
    ]) expect(err(r)).toMatchObject({ status: 403, detail: "You don't have sufficient permissions in the project." });
    const sandbox = await frank.post(K(3), { label: 'frank', scopes: ['query:read'] });
    expect(sandbox.status).toBe(201);
    expect(err(await carol.get(K(3)))).toMatchObject({ status: 403, detail: "You don't have access to the project." });
    const mine = await carol.post(K(1), { label: 'carol', scopes: ['query:read'] });
    expect(mine.status).toBe(201);
    expect((await bob.del(`${K(3)}${sandbox.body.id}/`)).status).toBe(204);
    expect((await bob.del(`${K(1)}${mine.body.id}/`)).status).toBe(204);
  });

  it('needs project:read / project:write (roll is a write)', async () => {
    const reader = c.as(await c.keyFor('alice@example.com', ['project:read']));
    expect((await reader.get(K(1))).status).toBe(200);
    const id = (await reader.get(K(1))).body.results[0].id;
    expect(err(await reader.post(K(1), { label: 'r', scopes: ['query:read'] }))).toMatchObject({ status: 403, detail: "API key missing required scope 'project:write'" });
    expect(err(await reader.post(`${K(1)}${id}/roll/`))).toMatchObject({ status: 403, detail: "API key missing required scope 'project:write'" });
    const none = c.as(await c.keyFor('alice@example.com', ['organization:read']));
    expect(err(await none.get(K(1)))).toMatchObject({ status: 403, detail: "API key missing required scope 'project:read'" });
    const scoped = c.as(await c.keyFor('alice@example.com', ['project:write'], { scoped_teams: [2] }));
    expect(err(await scoped.get(K(1)))).toMatchObject({ status: 403, detail: 'API key does not have access to the requested project: ID 1.' });
    expect((await scoped.get(K(2))).status).toBe(200);
  });

  it('a key of another project is not found', async () => {
    const id = (await c.get(K(1))).body.results[0].id;
    expect(err(await c.get(`${K(2)}${id}/`))).toMatchObject({ status: 404, code: 'not_found' });
    expect(err(await c.post(`${K(2)}${id}/roll/`))).toMatchObject({ status: 404 });
    expect(err(await c.get(`${K(1)}nope/`))).toMatchObject({ status: 404 });
  });
});

describe('project secret API keys: update, roll, delete, authentication', () => {
  it('PATCH changes scopes or label; PUT needs both; labels stay unique', async () => {
    const a = (await c.post(K(2), { label: 'a', scopes: ['query:read'] })).body;
    const b = (await c.post(K(2), { label: 'b', scopes: ['query:read'] })).body;
    const p = await c.patch(`${K(2)}${a.id}/`, { scopes: ['query:read', 'experiment:read'] });
    expect(p.status).toBe(200);
    expect(p.body).toMatchObject({ label: 'a', scopes: ['query:read', 'experiment:read'], value: null });
    expect(err(await c.patch(`${K(2)}${a.id}/`, { scopes: ['*'] }))).toMatchObject({ status: 400, attr: 'scopes' });
    expect(err(await c.patch(`${K(2)}${a.id}/`, { label: 'b' }))).toMatchObject({ status: 400, detail: "Project secret API key with label 'b' already exists." });
    expect(err(await c.put(`${K(2)}${a.id}/`, { label: 'a2' }))).toMatchObject({ status: 400, code: 'required', attr: 'scopes' });
    const put = await c.put(`${K(2)}${a.id}/`, { label: 'a2', scopes: ['loop:write'] });
    expect(put.body).toMatchObject({ label: 'a2', scopes: ['loop:write'] });
    await c.del(`${K(2)}${a.id}/`);
    await c.del(`${K(2)}${b.id}/`);
  });

  it('a phs key works on its project with its scopes; roll invalidates the old value; delete the new one', async () => {
    const created = (await c.post(K(1), { label: 'edge', scopes: ['feature_flag:read'] })).body;
    const oldValue: string = created.value;
    const ok = await phs(oldValue).get(FLAGS(1));
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ flags: [], group_type_mapping: {}, cohorts: {} });
    expect((await phs(oldValue).get(FLAGS('@current'))).status).toBe(200);
    expect((await c.get(`${K(1)}${created.id}/`)).body.last_used_at).not.toBeNull();

    // elsewhere: another project, an org route, a user route, a scope it lacks
    expect(err(await phs(oldValue).get(FLAGS(2)))).toMatchObject({ status: 403, code: 'permission_denied', detail: 'API key does not have access to the requested project: ID 2.' });
    expect(err(await phs(oldValue).get(`/api/organizations/${c.org}/members/`))).toMatchObject({
      status: 403, code: 'permission_denied', detail: 'Project secret API keys are only supported on project-based endpoints.',
    });
    expect(err(await phs(oldValue).get('/api/users/@me/'))).toMatchObject({ status: 403 });
    expect(err(await phs(oldValue).get('/api/projects/1/'))).toMatchObject({ status: 403, detail: "API key missing required scope 'project:read'" });
    expect(err(await phs(oldValue).get(K(1)))).toMatchObject({ status: 403, detail: "API key missing required scope 'project:read'" });

    await c.control('POST', '/_emulator/clock', { advance_days: 1 });
    const rolled = await c.post(`${K(1)}${created.id}/roll/`);
    expect(rolled.status).toBe(200);
    expect(rolled.body.value).toMatch(/^phs_emulator_/);
    expect(rolled.body.value).not.toBe(oldValue);
    expect(rolled.body.mask_value).toBe(`phs_...${rolled.body.value.slice(-4)}`);
    expect(rolled.body.last_rolled_at).not.toBeNull();
    expect(rolled.body.created_at).toBe(created.created_at);
    expect((await c.get(`${K(1)}${created.id}/`)).body).toMatchObject({ value: null, last_rolled_at: rolled.body.last_rolled_at, mask_value: rolled.body.mask_value });

    const stale = await phs(oldValue).get(FLAGS(1));
    expect(err(stale)).toMatchObject({ status: 401, type: 'authentication_error', code: 'authentication_failed' });
    expect((await phs(rolled.body.value).get(FLAGS(1))).status).toBe(200);

    expect((await c.del(`${K(1)}${created.id}/`)).status).toBe(204);
    expect(err(await c.get(`${K(1)}${created.id}/`))).toMatchObject({ status: 404 });
    expect(err(await phs(rolled.body.value).get(FLAGS(1)))).toMatchObject({ status: 401, code: 'authentication_failed' });
  });

  it('last_used_at of a phs key is set on use, then at most hourly', async () => {
    const e = await start({ now: () => NOW });
    try {
      const k = (await e.post(K(1), { label: 'x', scopes: ['feature_flag:read'] })).body;
      const used = async () => (await e.get(`${K(1)}${k.id}/`)).body.last_used_at;
      expect(await used()).toBeNull();
      await e.as(k.value).get(FLAGS(1));
      const first = await used();
      expect(first).toBe(NOW.toISOString());
      await e.control('POST', '/_emulator/clock', { advance_seconds: 1800 });
      await e.as(k.value).get(FLAGS(1));
      expect(await used()).toBe(first);
      await e.control('POST', '/_emulator/clock', { advance_seconds: 1900 });
      await e.as(k.value).get(FLAGS(1));
      expect(Date.parse(await used()) - Date.parse(first)).toBe(3700_000);
    } finally {
      await e.emulator.close();
    }
  });

  it('a personal API key with feature_flag:read may call local_evaluation too', async () => {
    const pak = c.as(await c.keyFor('carol@example.com', ['feature_flag:read']));
    expect((await pak.get(FLAGS(1))).status).toBe(200);
    expect(err(await pak.get(FLAGS(3)))).toMatchObject({ status: 403, detail: "You don't have access to the project." });
  });

  it('changes are in the project activity log', async () => {
    const e = await start({ now: () => NOW });
    try {
      const k = (await e.post(K(1), { label: 'logged', scopes: ['query:read'] })).body;
      await e.patch(`${K(1)}${k.id}/`, { scopes: ['endpoint:read'] });
      await e.post(`${K(1)}${k.id}/roll/`);
      await e.del(`${K(1)}${k.id}/`);
      const logs = (await e.get('/api/projects/1/activity_log/?scope=ProjectSecretAPIKey&ordering=created_at')).body.results;
      expect(logs.map((l: any) => l.activity)).toEqual(['created', 'updated', 'updated', 'deleted']);
      expect(logs.every((l: any) => l.item_id === k.id && l.team_id === 1 && l.detail.name === 'logged' && l.user.email === 'alice@example.com')).toBe(true);
      expect(logs[1].detail.changes).toEqual([{ type: 'ProjectSecretAPIKey', action: 'changed', field: 'scopes', before: ['query:read'], after: ['endpoint:read'] }]);
      expect(logs[2].detail.changes.map((ch: any) => ch.field)).toEqual(['mask_value', 'last_rolled_at']);
      expect(JSON.stringify(logs)).not.toContain('phs_emulator_');
    } finally {
      await e.emulator.close();
    }
  });

  it('a saved and reloaded emulator keeps keys working by hash', async () => {
    const k = (await c.post(K(2), { label: 'persisted', scopes: ['feature_flag:read'] })).body;
    const snap = (await c.control('GET', '/_emulator/state')).body;
    expect(JSON.stringify(snap)).not.toContain(k.value);
    const again = await start({ state: snap });
    try {
      expect((await again.as(k.value).get(FLAGS(2))).status).toBe(200);
    } finally {
      await again.emulator.close();
    }
  });
});
