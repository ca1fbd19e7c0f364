// The conformance suite's fixture: PostHog's APIBaseTest world, built as an emulator snapshot and
// driven over HTTP only (black box). PostHog's tests log a user in and change rows through the ORM;
// here the logged-in user is a personal API key with all scopes, and ORM writes are snapshot edits
// through the emulator's control API (GET/PUT /_emulator/state), so nothing reaches into the
// emulator's memory.
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, afterEach, it } from 'vitest';
import { startEmulator } from '../../src/emulator/index.ts';
import type { Emulator } from '../../src/emulator/index.ts';
import { UNCLAIMED } from './unclaimed.ts';

export type Level = 1 | 8 | 15;
export const MEMBER: Level = 1;
export const ADMIN: Level = 8;
export const OWNER: Level = 15;

/** PostHog's `permission_denied_response()` (posthog/test/base.py). */
export function permissionDenied(detail = 'You do not have permission to perform this action.') {
  return { type: 'authentication_error', code: 'permission_denied', detail, attr: null };
}

/** PostHog's `not_found_response()`. */
export function notFound(detail = 'Not found.') {
  return { type: 'invalid_request', code: 'not_found', detail, attr: null };
}

export interface Res {
  status: number;
  body: any;
  text: string;
}

/** One credential talking to the emulator. */
export class Client {
  readonly url: string;
  readonly key: string | null;
  constructor(url: string, key: string | null) {
    this.url = url;
    this.key = key;
  }

  async req(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Res> {
    const h: Record<string, string> = { ...headers };
    if (this.key && !('Authorization' in h)) h.Authorization = `Bearer ${this.key}`;
    if (body !== undefined) h['Content-Type'] = 'application/json';
    const r = await fetch(this.url + path, { method, headers: h, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    const text = await r.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: r.status, body: parsed, text };
  }

  get(path: string) { return this.req('GET', path); }
  post(path: string, body: unknown = {}) { return this.req('POST', path, body); }
  patch(path: string, body: unknown) { return this.req('PATCH', path, body); }
  put(path: string, body: unknown) { return this.req('PUT', path, body); }
  del(path: string) { return this.req('DELETE', path); }
}

type Snap = Record<string, any>;
const iso = (d = new Date()) => d.toISOString();

export interface WorldOptions {
  /** Level of the logged-in user in its organization (APIBaseTest: member). */
  level?: Level;
  /** `available_product_features` keys of the organization (APIBaseTest: none). */
  features?: string[];
  email?: string;
  organizationName?: string;
  projectName?: string;
}

const open: Emulator[] = [];
afterEach(async () => {
  while (open.length) await open.pop()!.close();
});

/**
 * APIBaseTest's world: one organization with one project, and the logged-in user (`self.user`,
 * level `member` unless told) whose key is `world.client`.
 */
export class World {
  private keys = new Map<string, Client>();
  private nextUserId = 1000;
  private nextProjectId = 100;

  readonly emu: Emulator;
  /** `self.organization`, `self.team` (project id) and `self.user`'s email. */
  readonly org: string;
  readonly project: number;
  readonly email: string;

  private constructor(emu: Emulator, org: string, project: number, email: string) {
    this.emu = emu;
    this.org = org;
    this.project = project;
    this.email = email;
  }

  static async create(options: WorldOptions = {}): Promise<World> {
    const now = iso();
    const org = randomUUID();
    const email = options.email ?? 'user1@posthog.com';
    const user = makeUser(1, email, org, { first_name: 'Test' });
    const snapshot = {
      version: 1,
      organizations: [makeOrg(org, options.organizationName ?? 'Test', options.features ?? [])],
      users: [user],
      memberships: [{ id: randomUUID(), organization_id: org, user_uuid: user.uuid, level: options.level ?? MEMBER, joined_at: now, updated_at: now }],
      projects: [makeProject(1, org, options.projectName ?? 'Default project')],
    };
    const emu = await startEmulator({ state: snapshot as any, quiet: true, rateLimit: false, port: 0 });
    open.push(emu);
    const world = new World(emu, org, 1, email);
    await world.login();
    return world;
  }

  get url(): string { return this.emu.url; }

  /** The logged-in user's client (a key with all scopes). */
  get client(): Client { return this.keys.get(this.email) ?? this.anonymous(); }

  /** No credentials at all. */
  anonymous(): Client { return new Client(this.url, null); }

  /** A client for `key` as given (an invalid one, for instance). */
  raw(key: string): Client { return new Client(this.url, key); }

  /** Mint a personal API key for a user (control API) and return its client. */
  async keyFor(email: string, scopes: string[] = ['*'], extra: Record<string, unknown> = {}): Promise<Client> {
    const r = await this.control('POST', '/_emulator/keys', { email, scopes, ...extra });
    if (r.status !== 201) throw new Error(`minting a key for ${email} failed: ${r.status} ${r.text}`);
    return new Client(this.url, r.body.value);
  }

  /** The logged-in user's key, minted once (call before using `client`). */
  async login(email: string = this.email): Promise<Client> {
    const c = this.keys.get(email) ?? (await this.keyFor(email));
    this.keys.set(email, c);
    return c;
  }

  async control(method: string, path: string, body?: unknown): Promise<Res> {
    return this.anonymous().req(method, path, body);
  }

  async snapshot(): Promise<Snap> {
    return (await this.control('GET', '/_emulator/state')).body;
  }

  /** An ORM write: edit the snapshot and load it back. */
  async mutate(edit: (s: Snap) => void): Promise<void> {
    const s = await this.snapshot();
    edit(s);
    const r = await this.control('PUT', '/_emulator/state', s);
    if (r.status !== 200) throw new Error(`loading the edited snapshot failed: ${r.status} ${r.text}`);
  }

  // ----- reads of the stored state (PostHog's tests read the database the same way)

  async user(email: string): Promise<Snap> {
    const u = (await this.snapshot()).users.find((x: Snap) => x.email.toLowerCase() === email.toLowerCase());
    if (!u) throw new Error(`no user ${email}`);
    return u;
  }

  async membership(email: string, org: string = this.org): Promise<Snap | undefined> {
    const s = await this.snapshot();
    const u = s.users.find((x: Snap) => x.email.toLowerCase() === email.toLowerCase());
    return u && s.memberships.find((m: Snap) => m.user_uuid === u.uuid && m.organization_id === org);
  }

  async organization(id: string = this.org): Promise<Snap> {
    return (await this.snapshot()).organizations.find((o: Snap) => o.id === id);
  }

  async invites(org: string = this.org): Promise<Snap[]> {
    return (await this.snapshot()).invites.filter((i: Snap) => i.organization_id === org);
  }

  // ----- ORM writes

  /** `self.organization_membership.level = …; save()` for any member. */
  async setLevel(level: Level, email: string = this.email, org: string = this.org): Promise<void> {
    await this.mutate((s) => {
      const u = s.users.find((x: Snap) => x.email === email);
      const m = s.memberships.find((x: Snap) => x.user_uuid === u.uuid && x.organization_id === org);
      m.level = level;
    });
  }

  async setFeatures(keys: string[], org: string = this.org): Promise<void> {
    await this.mutate((s) => {
      s.organizations.find((o: Snap) => o.id === org).available_product_features = keys.map((k) => ({ key: k, name: k }));
    });
  }

  async setOrganization(fields: Record<string, unknown>, org: string = this.org): Promise<void> {
    await this.mutate((s) => Object.assign(s.organizations.find((o: Snap) => o.id === org), fields));
  }

  /** `User.objects.create_and_join(org, email, …)`: returns the user's uuid and membership id. */
  async addUser(email: string, opts: { level?: Level; org?: string; is_active?: boolean; first_name?: string; last_name?: string } = {}): Promise<{ uuid: string; membership: string }> {
    let out = { uuid: '', membership: '' };
    await this.mutate((s) => {
      const org = opts.org ?? this.org;
      let u = s.users.find((x: Snap) => x.email === email);
      if (!u) {
        u = makeUser(this.nextUserId++, email, org, { first_name: opts.first_name ?? '', last_name: opts.last_name ?? '', is_active: opts.is_active ?? true });
        s.users.push(u);
      }
      const m = { id: randomUUID(), organization_id: org, user_uuid: u.uuid, level: opts.level ?? MEMBER, joined_at: iso(), updated_at: iso() };
      s.memberships.push(m);
      out = { uuid: u.uuid, membership: m.id };
    });
    return out;
  }

  /** A user with no membership anywhere yet (`User.objects.create_user`). */
  async addLoneUser(email: string): Promise<string> {
    let uuid = '';
    await this.mutate((s) => {
      const u = makeUser(this.nextUserId++, email, null, {});
      s.users.push(u);
      uuid = u.uuid;
    });
    return uuid;
  }

  /** `Organization.objects.create(name=…)`, optionally with a project; returns its id. */
  async addOrganization(name: string, opts: { features?: string[] } = {}): Promise<string> {
    const id = randomUUID();
    await this.mutate((s) => {
      s.organizations.push(makeOrg(id, name, opts.features ?? []));
    });
    return id;
  }

  /** `Team.objects.create(organization=…, name=…)`; returns its id. */
  async addProject(name: string, org: string = this.org): Promise<number> {
    const id = this.nextProjectId++;
    await this.mutate((s) => {
      s.projects.push(makeProject(id, org, name));
    });
    return id;
  }

  /** `AccessControl.objects.create(…)`. */
  async addRule(rule: { team?: number; resource?: string; resource_id?: string | null; access_level: string; organization_member?: string | null; role?: string | null }): Promise<void> {
    await this.mutate((s) => {
      const team = rule.team ?? this.project;
      const resource = rule.resource ?? 'project';
      s.access_controls.push({
        id: randomUUID(), team_id: team, resource,
        resource_id: rule.resource_id !== undefined ? rule.resource_id : resource === 'project' ? String(team) : null,
        organization_member: rule.organization_member ?? null, role: rule.role ?? null, access_level: rule.access_level,
        created_by_uuid: null, created_at: iso(), updated_at: iso(),
      });
    });
  }

  /** `Role.objects.create(name=…, organization=…)`; returns its id. */
  async addRole(name: string, org: string = this.org): Promise<string> {
    const id = randomUUID();
    await this.mutate((s) => {
      s.roles.push({ id, organization_id: org, name, created_at: iso(), created_by_uuid: null });
    });
    return id;
  }

  /** `RoleMembership.objects.create(role=…, user=…)`; returns its id. */
  async addRoleMember(role: string, email: string): Promise<string> {
    const id = randomUUID();
    await this.mutate((s) => {
      const r = s.roles.find((x: Snap) => x.id === role);
      const u = s.users.find((x: Snap) => x.email === email);
      const m = s.memberships.find((x: Snap) => x.user_uuid === u.uuid && x.organization_id === r.organization_id);
      s.role_memberships.push({ id, role_id: role, membership_id: m.id, joined_at: iso(), updated_at: iso() });
    });
    return id;
  }

  /** `OrganizationInvite.objects.create(…)`; returns its id. */
  async addInvite(fields: { target_email?: string; level?: Level; org?: string; created_at?: string } = {}): Promise<string> {
    const id = randomUUID();
    await this.mutate((s) => {
      const at = fields.created_at ?? iso();
      s.invites.push({
        id, organization_id: fields.org ?? this.org, target_email: fields.target_email ?? `invitee-${id.slice(0, 8)}@posthog.com`,
        level: fields.level ?? MEMBER, created_at: at, updated_at: at,
      });
    });
    return id;
  }

  /** `OrganizationDomain.objects.create(…)`; returns its id. */
  async addDomain(domain: string, opts: { org?: string; verified_at?: string | null } = {}): Promise<string> {
    const id = randomUUID();
    await this.mutate((s) => {
      s.domains.push({
        id, organization_id: opts.org ?? this.org, domain, verified_at: opts.verified_at ?? null,
        verification_challenge: randomBytes(24).toString('base64url'), created_at: iso(),
      });
    });
    return id;
  }

  /** `IdentityProviderConfig.objects.create(…)`; returns its id. */
  async addIdentityProviderConfig(fields: { name?: string; org?: string; organization_domain_ids?: string[] } = {}): Promise<string> {
    const id = randomUUID();
    await this.mutate((s) => {
      s.identity_provider_configs.push({
        id, organization_id: fields.org ?? this.org, name: fields.name ?? '',
        organization_domain_ids: fields.organization_domain_ids ?? [], created_at: iso(), updated_at: iso(),
      });
    });
    return id;
  }
}

function makeOrg(id: string, name: string, features: string[]): Snap {
  return {
    id, name, slug: `${name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}-${id.slice(0, 6)}`, created_at: iso(), updated_at: iso(),
    available_product_features: features.map((k) => ({ key: k, name: k })),
    // PostHog's test organizations are created before the switch to most-specific resolution
    uses_most_specific_access_resolution: false,
  };
}

function makeUser(id: number, email: string, org: string | null, extra: Snap): Snap {
  return {
    id, uuid: randomUUID(), email, distinct_id: randomBytes(16).toString('hex'), date_joined: iso(),
    current_organization_id: org, ...extra,
  };
}

function makeProject(id: number, org: string, name: string): Snap {
  return {
    id, uuid: randomUUID(), organization_id: org, name, api_token: `phc_${randomBytes(16).toString('hex')}`,
    created_at: iso(), updated_at: iso(),
  };
}

/**
 * The case declarer for one PostHog test file: `const test = conformance('posthog/api/test/x.py')`,
 * then `test('test_name', async () => …)`. A case listed in unclaimed.ts is skipped with its reason
 * in the title (CONFORMANCE_ALL=1 runs those too, to see which have started passing).
 */
export function conformance(file: string) {
  const declared = new Set<string>();
  // Every case unclaimed.ts lists for this file must exist here, so the list cannot go stale.
  afterAll(() => {
    const stale = Object.keys(UNCLAIMED).filter((id) => id.startsWith(`${file}::`) && !declared.has(id));
    if (stale.length) throw new Error(`unclaimed.ts lists cases that do not exist: ${stale.join(', ')}`);
  });
  return (name: string, fn: () => Promise<void>): void => {
    const id = `${file}::${name}`;
    if (declared.has(id)) throw new Error(`case declared twice: ${id}`);
    declared.add(id);
    const reason = UNCLAIMED[id];
    if (reason !== undefined && !process.env.CONFORMANCE_ALL) it.skip(`${id} (not claimed: ${reason})`, fn);
    else it(id, fn);
  };
}
