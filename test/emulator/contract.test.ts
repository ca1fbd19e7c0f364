// Responses of every endpoint covered by PostHog's published schema (test/fixtures/openapi-access.json,
// a copy of /work/shared/posthog-api/openapi-access.json) validate against it. Leniency as
// PostHog's schema generator implies: read-only fields typed as a plain string accept any type,
// read-only fields may be null, write-only fields are not required in responses.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { matchOperation } from '../../src/emulator/routes.ts';
import { Client, start } from './helpers.ts';

const spec = JSON.parse(readFileSync(fileURLToPath(new URL('../fixtures/openapi-access.json', import.meta.url)), 'utf8'));

type Json = Record<string, any>;

function lenient(node: any, readOnlyContext = false): any {
  if (Array.isArray(node)) return node.map((n) => lenient(n));
  if (!node || typeof node !== 'object') return node;
  const out: Json = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === 'properties') {
      out.properties = Object.fromEntries(Object.entries(v as Json).map(([pk, pv]) => [pk, lenient(pv, true)]));
    } else if (k === '$ref') {
      out.$ref = (v as string).replace('#/components/schemas/', 'openapi#/components/schemas/');
    } else out[k] = lenient(v);
  }
  if (node.properties && Array.isArray(node.required)) {
    out.required = node.required.filter((r: string) => !node.properties[r]?.writeOnly);
  }
  delete out.nullable;
  let schema: Json = out;
  if (readOnlyContext && node.readOnly && node.type === 'string' && !node.format && !node.enum) schema = {};
  if (node.nullable || (readOnlyContext && node.readOnly)) schema = { anyOf: [schema, { type: 'null' }] };
  return schema;
}

const ajv = new Ajv({ strict: false, allErrors: true });
// ajv-formats is CommonJS: under NodeNext its default import is the module object.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as unknown as (a: Ajv) => void;
addFormats(ajv);
ajv.addFormat('decimal', true);
ajv.addSchema({ $id: 'openapi', components: lenient(spec.components) });

const operations = new Map<string, { method: string; path: string; op: Json }>();
for (const [path, ops] of Object.entries(spec.paths as Json)) {
  for (const [method, op] of Object.entries(ops as Json)) {
    if (op?.operationId) operations.set(op.operationId, { method: method.toUpperCase(), path, op });
  }
}

function responseSchema(operationId: string, status: number): Json | null {
  const o = operations.get(operationId);
  const schema = o?.op.responses?.[String(status)]?.content?.['application/json']?.schema;
  return schema ? lenient(schema) : null;
}

function validate(operationId: string, status: number, body: unknown): void {
  let schema = responseSchema(operationId, status);
  let data = body;
  // The published schema types the activity log list as a bare array; PostHog answers with a
  // paginated object. Validate the items.
  if (operationId === 'activity_log_list') {
    schema = { type: 'array', items: lenient({ $ref: '#/components/schemas/ActivityLog' }) };
    data = (body as Json).results;
  }
  if (!schema) return;
  const v = ajv.compile(schema);
  const ok = v(data);
  expect(ok, `${operationId} ${status}: ${ajv.errorsText(v.errors, { separator: '\n' })}`).toBe(true);
}

let c: Client;
const validated = new Set<string>();
beforeAll(async () => { c = await start(); });
afterAll(async () => { await c.emulator.close(); });

async function call(method: string, path: string, body?: unknown, expectStatus?: number): Promise<any> {
  const r = await c.req(method, path, body);
  const op = matchOperation(method, path);
  expect(op, `${method} ${path} maps to an operation`).not.toBeNull();
  if (expectStatus !== undefined) expect(r.status, `${method} ${path}: ${JSON.stringify(r.body)}`).toBe(expectStatus);
  if (operations.has(op!)) {
    validate(op!, r.status, r.body);
    validated.add(op!);
  }
  return r.body;
}

describe('contract: emulator responses validate against PostHog OpenAPI', () => {
  it('every covered endpoint', async () => {
    const O = `/api/organizations/${c.org}`;
    await call('GET', '/api/users/@me/', undefined, 200);
    await call('GET', '/api/organizations/', undefined, 200);
    await call('GET', `${O}/`, undefined, 200);
    await call('PATCH', `${O}/`, { enforce_2fa: true, members_can_invite: false }, 200);
    const members = await call('GET', `${O}/members/?limit=3`, undefined, 200);
    const last = (await call('GET', `${O}/members/?offset=3`, undefined, 200)).results;
    const carol = [...members.results, ...last].find((m: any) => m.user.email === 'carol@example.com');
    const grace = [...members.results, ...last].find((m: any) => m.user.email === 'grace@example.com');
    await call('PATCH', `${O}/members/${carol.user.uuid}/`, { level: 8 }, 200);
    await call('PUT', `${O}/members/${carol.user.uuid}/`, { level: 1 }, 200);
    await call('GET', `${O}/invites/`, undefined, 200);
    const invite = await call('POST', `${O}/invites/`, { target_email: 'erin@example.com', private_project_access: [{ id: 1, level: 'member' }] }, 201);
    await call('POST', `${O}/invites/bulk/`, [{ target_email: 'x1@example.com' }, { target_email: 'x2@example.com', level: 8 }], 201);
    await call('DELETE', `${O}/invites/${invite.id}/`, undefined, 204);
    await call('GET', `${O}/roles/`, undefined, 200);
    const role = await call('POST', `${O}/roles/`, { name: 'Data' }, 201);
    await call('GET', `${O}/roles/${role.id}/`, undefined, 200);
    await call('PATCH', `${O}/roles/${role.id}/`, { name: 'Data Science' }, 200);
    await call('PUT', `${O}/roles/${role.id}/`, { name: 'Data Team' }, 200);
    const rm = await call('POST', `${O}/roles/${role.id}/role_memberships/`, { user_uuid: carol.user.uuid }, 201);
    await call('GET', `${O}/roles/${role.id}/role_memberships/`, undefined, 200);
    await call('GET', `${O}/roles/`, undefined, 200);
    await call('DELETE', `${O}/roles/${role.id}/role_memberships/${rm.id}/`, undefined, 204);
    await call('DELETE', `${O}/roles/${role.id}/`, undefined, 204);
    await call('GET', `${O}/projects/`, undefined, 200);
    const project = await call('POST', `${O}/projects/`, { name: 'Data Warehouse' }, 201);
    await call('GET', `${O}/projects/${project.id}/`, undefined, 200);
    await call('GET', `${O}/domains/`, undefined, 200);
    const domain = await call('POST', `${O}/domains/`, { domain: 'example.net' }, 201);
    await call('GET', `${O}/domains/${domain.id}/`, undefined, 200);
    await c.control('POST', '/_emulator/domains/verify', { domain: 'example.net' });
    await call('POST', `${O}/domains/${domain.id}/verify/`, undefined, 200);
    await call('PATCH', `${O}/domains/${domain.id}/`, { jit_provisioning_enabled: true }, 200);
    await call('GET', `${O}/domains/`, undefined, 200);
    await call('DELETE', `${O}/domains/${domain.id}/`, undefined, 204);
    await call('PUT', '/api/projects/1/access_controls/', { organization_member: carol.id, access_level: 'admin' }, 200);
    await call('GET', '/api/projects/1/activity_log/', undefined, 200);
    await call('DELETE', `${O}/members/${grace.user.uuid}/`, undefined, 204);
    // unpublished endpoints: still known operations
    await call('GET', '/api/projects/', undefined, 200);
    await call('GET', '/api/projects/1/', undefined, 200);
    await call('GET', '/api/projects/1/access_controls/', undefined, 200);
    await call('GET', '/api/projects/1/resource_access_controls/', undefined, 200);
    await call('PUT', '/api/projects/1/resource_access_controls/', { resource: 'notebook', access_level: 'viewer' }, 200);
    await call('GET', '/api/personal_api_keys/@current/', undefined, 200);
    await call('GET', `${O}/advanced_activity_logs/`, undefined, 200);
    await call('GET', `${O}/identity_provider_configs/`, undefined, 200);

    for (const op of [
      'users_retrieve', 'list', 'retrieve', 'partial_update', 'members_list', 'members_partial_update', 'members_update',
      'invites_list', 'invites_create', 'roles_list', 'roles_create', 'roles_retrieve', 'roles_partial_update', 'roles_update',
      'roles_role_memberships_list', 'roles_role_memberships_create', 'list_2', 'create_2', 'retrieve_2', 'domains_list',
      'domains_create', 'domains_retrieve', 'domains_partial_update', 'activity_log_list',
    ]) expect(validated, op).toContain(op);
  });
});

describe('contract checker', () => {
  it('rejects bodies that break the schema', () => {
    const member = { id: 'not-a-uuid', user: { id: 1, uuid: '9f1c1c1e-0000-4000-8000-000000000000', email: 'a@b.co' }, level: 3 };
    const v = ajv.compile(responseSchema('members_partial_update', 200)!);
    expect(v(member)).toBe(false);
    const list = ajv.compile(responseSchema('members_list', 200)!);
    expect(list({ count: 1, next: null, previous: null })).toBe(false);
  });
});

describe('matchOperation', () => {
  it('agrees with the operationIds of the schema for every path the emulator serves', () => {
    let served = 0;
    for (const [id, { method, path }] of operations) {
      const concrete = path
        .replace('{organization_id}', '@current').replace('{project_id}', '1').replace('{user__uuid}', 'abc')
        .replace('{role_id}', 'r1').replace('{uuid}', '@me').replace(/\{id\}/g, '7');
      const got = matchOperation(method, concrete);
      if (got !== null) {
        served++;
        expect(got, `${method} ${path}`).toBe(id);
      }
    }
    expect(served).toBeGreaterThanOrEqual(35);
  });

  it('names the unpublished endpoints and rejects unknown ones', () => {
    expect(matchOperation('PUT', '/api/projects/5/access_controls/')).toBe('project_access_controls_update');
    expect(matchOperation('GET', '/api/projects/5/resource_access_controls')).toBe('project_resource_access_controls_retrieve');
    expect(matchOperation('GET', '/api/personal_api_keys/@current/')).toBe('personal_api_keys_retrieve');
    expect(matchOperation('GET', '/api/projects/')).toBe('projects_list');
    expect(matchOperation('GET', 'http://localhost:8000/api/organizations/x/members/?limit=100&offset=100')).toBe('members_list');
    expect(matchOperation('POST', '/api/projects/5/explicit_members/')).toBeNull();
    expect(matchOperation('PATCH', '/api/organizations/x/invites/y/')).toBeNull();
  });
});
