import { startEmulator } from '../../src/emulator/server.ts';
import type { Emulator, EmulatorOptions } from '../../src/emulator/server.ts';

export interface Res {
  status: number;
  body: any;
  headers: Headers;
}

export class Client {
  emulator: Emulator;
  key: string;
  constructor(emulator: Emulator, key?: string) {
    this.emulator = emulator;
    this.key = key ?? emulator.key;
  }

  get org(): string {
    return this.emulator.organization;
  }

  as(key: string): Client {
    return new Client(this.emulator, key);
  }

  async req(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Res> {
    const url = path.startsWith('http') ? path : this.emulator.url + path;
    const h: Record<string, string> = { ...headers };
    if (this.key && !('Authorization' in h)) h.Authorization = `Bearer ${this.key}`;
    if (body !== undefined) h['Content-Type'] = 'application/json';
    const r = await fetch(url, { method, headers: h, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    const text = await r.text();
    return { status: r.status, body: text ? JSON.parse(text) : undefined, headers: r.headers };
  }

  get(path: string) { return this.req('GET', path); }
  post(path: string, body?: unknown) { return this.req('POST', path, body ?? {}); }
  patch(path: string, body: unknown) { return this.req('PATCH', path, body); }
  put(path: string, body: unknown) { return this.req('PUT', path, body); }
  del(path: string) { return this.req('DELETE', path); }

  async control(method: string, path: string, body?: unknown): Promise<Res> {
    const r = await fetch(this.emulator.url + path, {
      method,
      ...(body !== undefined ? { body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } } : {}),
    });
    const text = await r.text();
    return { status: r.status, body: text ? JSON.parse(text) : undefined, headers: r.headers };
  }

  /** Mints a key for a user through the control API. */
  async keyFor(email: string, scopes: string[] = ['*'], extra: Record<string, unknown> = {}): Promise<string> {
    const r = await this.control('POST', '/_emulator/keys', { email, scopes, ...extra });
    if (r.status !== 201) throw new Error(`keyFor failed: ${r.status}`);
    return r.body.value as string;
  }

  async members(): Promise<any[]> {
    return (await this.get(`/api/organizations/${this.org}/members/?limit=1000`)).body.results;
  }

  async member(email: string): Promise<any> {
    const m = (await this.members()).find((x) => x.user.email === email);
    if (!m) throw new Error(`no member ${email}`);
    return m;
  }

  async role(name: string): Promise<any> {
    const r = (await this.get(`/api/organizations/${this.org}/roles/`)).body.results.find((x: any) => x.name === name);
    if (!r) throw new Error(`no role ${name}`);
    return r;
  }
}

export async function start(options: EmulatorOptions = {}): Promise<Client> {
  const emulator = await startEmulator({ quiet: true, rateLimit: false, ...options });
  return new Client(emulator);
}

export function err(res: Res): { status: number; code: string; detail: string; type: string; attr: string | null } {
  return { status: res.status, code: res.body?.code, detail: res.body?.detail, type: res.body?.type, attr: res.body?.attr };
}
