import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleSnapshot } from '../../src/emulator/sample.ts';
import { parseSnapshot, snapshotJsonSchemaText } from '../../src/emulator/snapshot.ts';
import type { Snapshot } from '../../src/emulator/snapshot.ts';
import { Client, start } from './helpers.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));

describe('snapshot schema', () => {
  it('schemas/emulator-state.schema.json is current (regenerate: node src/emulator/generate-schema.ts)', () => {
    const committed = readFileSync(join(root, 'schemas/emulator-state.schema.json'), 'utf8');
    expect(committed).toBe(snapshotJsonSchemaText());
  });

  it('the sample snapshot parses and rejects garbage readably', () => {
    expect(() => parseSnapshot(sampleSnapshot())).not.toThrow();
    expect(() => parseSnapshot({ version: 2 })).toThrow(/Invalid emulator snapshot/);
  });
});

describe('sample organization', () => {
  let c: Client;
  beforeAll(async () => { c = await start(); });
  afterAll(async () => { await c.emulator.close(); });

  it('has the people, roles, projects and invites the example matrix changes', async () => {
    const levels = Object.fromEntries((await c.members()).map((m) => [m.user.email, m.level]));
    expect(levels).toEqual({
      'alice@example.com': 15, 'bob@example.com': 8, 'carol@example.com': 1, 'dave@example.com': 8,
      'frank@example.com': 1, 'grace@example.com': 8,
    });
    const roles = (await c.get(`/api/organizations/${c.org}/roles/`)).body.results;
    expect(Object.fromEntries(roles.map((r: any) => [r.name, r.members.map((m: any) => m.user.email).sort()]))).toEqual({
      Engineering: ['bob@example.com', 'frank@example.com'], Product: ['dave@example.com'], Marketing: ['grace@example.com'],
    });
    const invites = (await c.get(`/api/organizations/${c.org}/invites/`)).body.results;
    expect(invites.map((i: any) => [i.target_email, i.is_expired]).sort()).toEqual([['henry@example.com', true], ['zoe@example.com', false]]);
    expect((await c.get('/api/projects/')).body.results.map((p: any) => p.name)).toEqual(['Production', 'Staging', 'Sandbox']);
    expect((await c.get('/api/projects/2/access_controls/')).body.access_controls).toEqual([]);
    const org = (await c.get(`/api/organizations/${c.org}/`)).body;
    expect(org.available_product_features.map((f: any) => f.key).sort()).toEqual([
      '2fa_enforcement', 'access_control', 'audit_logs', 'automatic_provisioning', 'organization_invite_settings', 'organization_security_settings',
      'organizations_projects', 'role_based_access', 'saml', 'sso_enforcement',
    ]);
    const key = (await c.get('/api/personal_api_keys/@current/')).body;
    expect(key).toMatchObject({ scopes: ['*'], scoped_organizations: null, scoped_teams: null });
  });
});

describe('state: control API, save and load', () => {
  let c: Client;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'emu-'));
    c = await start({ statePath: join(dir, 'state.json') });
  });
  afterAll(async () => { await c.emulator.close(); });

  it('GET /_emulator/state returns the snapshot without plain key values leaking through the API', async () => {
    const r = await c.control('GET', '/_emulator/state');
    expect(r.status).toBe(200);
    expect(r.body.version).toBe(1);
    expect(r.body.personal_api_keys[0].secure_value).toMatch(/^sha256\$[0-9a-f]{64}$/);
  });

  it('POST /_emulator/members adds a person (as by SSO), honouring default_role_id', async () => {
    const product = await c.role('Product');
    await c.patch(`/api/organizations/${c.org}/`, { default_role_id: product.id });
    const r = await c.control('POST', '/_emulator/members', { email: 'ivan@example.com', level: 1 });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ level: 1, user: { email: 'ivan@example.com' } });
    expect((await c.role('Product')).members.map((m: any) => m.user.email)).toContain('ivan@example.com');
    expect((await c.control('POST', '/_emulator/members', { email: 'ivan@example.com', level: 1 })).status).toBe(400);
  });

  it('save() then a new emulator from statePath has the same state and the same key', async () => {
    await c.emulator.save();
    expect(existsSync(join(dir, 'state.json'))).toBe(true);
    const again = await start({ statePath: join(dir, 'state.json') });
    try {
      expect(again.key).toBe(c.key);
      expect(again.org).toBe(c.org);
      expect((await again.members()).map((m) => m.user.email)).toContain('ivan@example.com');
    } finally {
      await again.emulator.close();
    }
  });

  it('PUT /_emulator/state replaces everything', async () => {
    const snap = sampleSnapshot();
    const r = await c.control('PUT', '/_emulator/state', snap);
    expect(r.status).toBe(200);
    expect(r.body.organization).toBe(snap.organizations[0]!.id);
    expect(c.emulator.organization).toBe(snap.organizations[0]!.id);
    const fresh = c.as(r.body.key);
    expect((await fresh.get(`/api/organizations/${r.body.organization}/members/`)).body.count).toBe(6);
    expect((await c.control('PUT', '/_emulator/state', { version: 1 })).status).toBe(400);
  });

  it('rate limit can be configured in the snapshot', async () => {
    const snap: Snapshot = { ...sampleSnapshot(), rate_limit: { perMinute: 1, perHour: 10 } };
    const e = await start({ state: snap, rateLimit: undefined as never });
    try {
      expect((await e.get('/api/users/@me/')).status).toBe(200);
      expect((await e.get('/api/users/@me/')).status).toBe(429);
    } finally {
      await e.emulator.close();
    }
  });
});

describe('faults and request log', () => {
  let c: Client;
  beforeAll(async () => { c = await start(); });
  afterAll(async () => { await c.emulator.close(); });

  it('counts /api requests', async () => {
    await c.control('DELETE', '/_emulator/requests');
    await c.get('/api/users/@me/');
    await c.get(`/api/organizations/${c.org}/members/?limit=1`);
    const r = await c.control('GET', '/_emulator/requests');
    expect(r.body.map((x: any) => [x.method, x.path, x.status, x.operation])).toEqual([
      ['GET', '/api/users/@me/', 200, 'users_retrieve'],
      ['GET', `/api/organizations/${c.org}/members/`, 200, 'members_list'],
    ]);
  });

  it('forced 429s per path, then normal', async () => {
    await c.control('POST', '/_emulator/faults', { rules: [{ path: '/api/organizations/*/members/', throttle_count: 2, retry_after: 3 }] });
    const a = await c.get(`/api/organizations/${c.org}/members/`);
    expect(a.status).toBe(429);
    expect(a.headers.get('retry-after')).toBe('3');
    expect((await c.get('/api/users/@me/')).status).toBe(200);
    expect((await c.get(`/api/organizations/${c.org}/members/`)).status).toBe(429);
    expect((await c.get(`/api/organizations/${c.org}/members/`)).status).toBe(200);
  });

  it('5xx rate is seeded: same seed, same sequence', async () => {
    const run = async (): Promise<number[]> => {
      await c.control('POST', '/_emulator/faults', { seed: 42, rules: [{ path: '/api/users/**', error_rate: 0.5, error_status: 503 }] });
      const out: number[] = [];
      for (let i = 0; i < 12; i++) out.push((await c.get('/api/users/@me/')).status);
      return out;
    };
    const a = await run();
    const b = await run();
    expect(a).toEqual(b);
    expect(a).toContain(503);
    expect(a).toContain(200);
    await c.control('DELETE', '/_emulator/faults');
  });

  it('latency and dropped connections', async () => {
    await c.control('POST', '/_emulator/faults', { rules: [{ path: 're:^/api/users/', latency_ms: 60, jitter_ms: 10 }] });
    const t0 = Date.now();
    await c.get('/api/users/@me/');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(55);
    await c.control('POST', '/_emulator/faults', { rules: [{ path: '/api/users/**', drop_rate: 1 }] });
    await expect(c.get('/api/users/@me/')).rejects.toThrow();
    await c.control('DELETE', '/_emulator/faults');
    expect((await c.get('/api/users/@me/')).status).toBe(200);
  });
});

describe('scale', () => {
  // Throughput is measured by `npm run bench`; this checks the behaviour at that size.
  it('holds 100,000 members and 1,000 projects, and pages and filters them', async () => {
    const snap = sampleSnapshot();
    const orgId = snap.organizations[0]!.id;
    const base = Date.parse('2020-01-01T00:00:00Z');
    for (let i = 0; i < 100_000; i++) {
      const uuid = randomUUID();
      const iso = new Date(base + i * 1000).toISOString();
      snap.users.push({
        id: 1000 + i, uuid, email: `user${i}@bulk.example.com`, first_name: 'U', last_name: String(i), distinct_id: uuid,
        is_email_verified: true, is_2fa_enabled: false, has_social_auth: false, last_login: null, date_joined: iso, is_active: true,
        current_organization_id: orgId,
      });
      snap.memberships.push({ id: randomUUID(), organization_id: orgId, user_uuid: uuid, level: 1, joined_at: iso, updated_at: iso });
    }
    for (let i = 0; i < 1000; i++) {
      snap.projects.push({ id: 100 + i, uuid: randomUUID(), organization_id: orgId, name: `P${i}`, api_token: `phc_x${i}`, timezone: 'UTC', created_at: snap.organizations[0]!.created_at, updated_at: snap.organizations[0]!.created_at });
    }
    const c = await start({ state: snap });
    try {
      let next: string | null = `/api/organizations/${c.org}/members/?limit=1000&offset=50000`;
      let pages = 0;
      while (next && pages < 20) {
        const r = await c.get(next);
        expect(r.status).toBe(200);
        expect(r.body.count).toBe(100_006);
        next = r.body.next;
        pages++;
      }
      expect(pages).toBe(20);
      const one = await c.get(`/api/organizations/${c.org}/members/?email=user99999@bulk.example.com`);
      expect(one.body.results[0].user.email).toBe('user99999@bulk.example.com');
      const pagesInParallel = await Promise.all(Array.from({ length: 300 }, () => c.get(`/api/organizations/${c.org}/members/?limit=10`)));
      expect(pagesInParallel.every((r) => r.status === 200 && r.body.results.length === 10)).toBe(true);
      expect((await c.get('/api/projects/?limit=2000')).body.count).toBe(1003);
    } finally {
      await c.emulator.close();
    }
  }, 60_000);
});

describe('runEmulatorCommand', () => {
  it('prints the JSON line first, saves state on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'emu-cmd-'));
    const statePath = join(dir, 'state.json');
    const script = `import { runEmulatorCommand } from ${JSON.stringify(join(root, 'src/emulator/command.ts'))};
await runEmulatorCommand({ port: 0, state: ${JSON.stringify(statePath)}, quiet: true });`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    const line = await new Promise<string>((resolve, reject) => {
      let buf = '';
      child.stdout.on('data', (d: Buffer) => {
        buf += d.toString();
        const i = buf.indexOf('\n');
        if (i >= 0) resolve(buf.slice(0, i));
      });
      child.on('exit', (code) => reject(new Error(`exited ${code}`)));
    });
    const info = JSON.parse(line);
    expect(Object.keys(info).sort()).toEqual(['key', 'organization', 'url']);
    const r = await fetch(`${info.url}/api/organizations/${info.organization}/members/`, { headers: { Authorization: `Bearer ${info.key}` } });
    expect(r.status).toBe(200);
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    const saved = JSON.parse(readFileSync(statePath, 'utf8'));
    expect(saved.organizations[0].id).toBe(info.organization);
  }, 20_000);
});
