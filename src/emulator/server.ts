// The embedded PostHog API emulator: a node:http server (docs/emulator.md).
import { accessSync, constants, existsSync, readFileSync, statSync } from 'node:fs';
import { chmod, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, resolve as resolvePath } from 'node:path';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { handleApi } from './auth.ts';
import { Clock } from './clock.ts';
import { createControl } from './control.ts';
import { ApiError, serverError, throttled } from './errors.ts';
import { Faults } from './faults.ts';
import { BodyTooLarge, isJsonContentType, isLoopbackHost, isLoopbackOrigin, parseJson, readBody, refuseTooLarge, send } from './http.ts';
import { DEFAULT_RATE_LIMIT, RateLimiter } from './ratelimit.ts';
import type { RateLimitConfig } from './ratelimit.ts';
import { sampleSnapshot } from './sample.ts';
import { parseSnapshot } from './snapshot.ts';
import type { Snapshot, SnapshotInput } from './snapshot.ts';
import { EmulatorState } from './state.ts';

export interface EmulatorOptions {
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Initial state; default: the file at statePath if it exists, else the sample organization. */
  state?: Snapshot | SnapshotInput;
  /** Where save() writes (and, without `state`, where the initial state is read from when present). */
  statePath?: string;
  /** The emulator clock (dates of new objects, invite expiry). Default: real time. */
  now?: () => Date;
  /** Per-key rate limit; false disables. Default: the snapshot's rate_limit, else 480/minute and 4800/hour. */
  rateLimit?: RateLimitConfig | false;
  /** No request log lines on stderr. */
  quiet?: boolean;
  /** Largest request body accepted on /api (larger → 413). Default 10 MiB. */
  maxBodyBytes?: number;
  /** Largest snapshot `PUT /_emulator/state` accepts. Default 256 MiB. */
  maxStateBytes?: number;
}

/** A problem that stops the emulator from starting; its message is one line for the user. */
export class EmulatorStartError extends Error {}

export const DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024;
export const DEFAULT_MAX_STATE_BYTES = 256 * 1024 * 1024;
/** Bodies of control routes other than `PUT /_emulator/state`. */
const MAX_CONTROL_BODY_BYTES = 1024 * 1024;

export interface RequestLogEntry {
  method: string;
  path: string;
  query: string;
  status: number;
  operation: string | null;
  time: string;
}

export interface Emulator {
  url: string;
  /** A personal API key (all scopes) of an owner of `organization`. */
  key: string;
  /** The organization id of that owner. */
  organization: string;
  close(): Promise<void>;
  save(): Promise<void>;
  state: EmulatorState;
  requests: RequestLogEntry[];
}

const MAX_LOG = 50_000;

/** The snapshot at `statePath`, or null when there is no file yet; one-line errors otherwise. */
function readStateFile(statePath: string): Snapshot | null {
  const dir = dirname(resolvePath(statePath));
  try {
    if (!statSync(dir).isDirectory()) throw new Error('not a directory');
    accessSync(dir, constants.W_OK);
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : 'is not a writable directory';
    throw new EmulatorStartError(`--state ${statePath}: the folder ${dir} ${reason}, so the state could not be saved there`);
  }
  if (!existsSync(statePath)) return null;
  let text: string;
  try {
    if (!statSync(statePath).isFile()) throw new Error('not a regular file');
    text = readFileSync(statePath, 'utf8');
  } catch (e) {
    throw new EmulatorStartError(`--state ${statePath}: cannot be read (${(e as Error).message})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new EmulatorStartError(`--state ${statePath}: not a JSON snapshot (${(e as Error).message.split('\n')[0]})`);
  }
  try {
    return parseSnapshot(json);
  } catch (e) {
    throw new EmulatorStartError(`--state ${statePath}: ${(e as Error).message}`);
  }
}

/** Writes the snapshot readable by its owner only (it holds key values): a temporary file, then a rename. */
async function writeStateFile(statePath: string, snap: Snapshot): Promise<void> {
  const tmp = `${statePath}.${process.pid}.tmp`;
  try {
    await writeFile(tmp, JSON.stringify(snap, null, 2) + '\n', { mode: 0o600 });
    await chmod(tmp, 0o600);
    await rename(tmp, statePath);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

function listenError(e: NodeJS.ErrnoException, port: number, host: string): Error {
  if (e.code === 'EADDRINUSE') return new EmulatorStartError(`port ${port} on ${host} is already in use: choose another with --port (0 picks a free one)`);
  if (e.code === 'EACCES') return new EmulatorStartError(`port ${port} on ${host} needs privileges: choose a port above 1023 with --port`);
  if (e.code === 'EADDRNOTAVAIL') return new EmulatorStartError(`cannot listen on ${host}: no such address on this machine`);
  return new EmulatorStartError(`cannot listen on ${host}:${port}: ${e.message}`);
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  let initial: Snapshot;
  const fromFile = !options.state && options.statePath ? readStateFile(options.statePath) : null;
  if (options.state) initial = parseSnapshot(options.state);
  else if (fromFile) initial = fromFile;
  else initial = sampleSnapshot(options.now ? options.now() : new Date());
  const maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const maxState = options.maxStateBytes ?? DEFAULT_MAX_STATE_BYTES;
  const state = new EmulatorState(initial);
  const clock = new Clock(options.now ?? (() => new Date()));
  if (state.clockIso) clock.set(new Date(state.clockIso));
  const limiter = new RateLimiter(options.rateLimit !== undefined ? options.rateLimit : state.rateLimit ?? DEFAULT_RATE_LIMIT);
  const faults = new Faults();
  const requests: RequestLogEntry[] = [];
  const quiet = options.quiet ?? false;

  let handleKey = '';
  let handleOrg = '';
  /**
   * The key and organization of the first line: the first organization of the snapshot that has an
   * owner, with an all-scopes key of that owner whose plain value is known, else one minted.
   */
  const ensureOwnerKey = (): void => {
    const keysByUser = new Map<string, string[]>();
    for (const k of state.keys.values()) {
      if (!k.value || k.scoped_teams?.length) continue;
      if (!(k.scopes.length === 0 || k.scopes.includes('*'))) continue;
      const list = keysByUser.get(k.user_uuid) ?? [];
      list.push(k.id);
      keysByUser.set(k.user_uuid, list);
    }
    for (const org of state.orgs.values()) {
      const owners = (state.orgMembers.get(org.id)?.ordered ?? []).filter((m) => m.level >= 15);
      if (!owners.length) continue;
      for (const m of owners) {
        for (const id of keysByUser.get(m.user_uuid) ?? []) {
          const k = state.keys.get(id)!;
          if (k.scoped_organizations?.length && !k.scoped_organizations.includes(org.id)) continue;
          handleKey = k.value!;
          handleOrg = org.id;
          return;
        }
      }
      const owner = owners[0]!;
      const { value } = state.mintKey(owner.user_uuid, ['*'], clock.now(), { label: 'posthog-access emulator' });
      handleKey = value;
      handleOrg = org.id;
      const u = state.users.get(owner.user_uuid);
      if (u && !u.current_organization_id) u.current_organization_id = org.id;
      return;
    }
    handleKey = '';
    handleOrg = state.orgs.keys().next().value ?? '';
  };
  ensureOwnerKey();

  const snapshot = (): Snapshot => {
    state.clockIso = clock.offsetMs !== 0 ? clock.now().toISOString() : null;
    state.rateLimit = limiter.config;
    return state.toSnapshot();
  };

  const control = createControl({
    state, clock, limiter, faults, requests, snapshot,
    replaceState: (snap) => {
      state.load(snap);
      clock.reset();
      if (state.clockIso) clock.set(new Date(state.clockIso));
      if (snap.rate_limit !== undefined) limiter.config = snap.rate_limit;
      limiter.reset();
      ensureOwnerKey();
      return { url: handle.url, key: handleKey, organization: handleOrg };
    },
    defaultOrganization: () => handleOrg,
  });
  const apiDeps = { state, clock, limiter, host: options.host ?? '127.0.0.1' };

  const server = createServer((req, res) => {
    void (async () => {
      const method = (req.method ?? 'GET').toUpperCase();
      let url: URL;
      try {
        url = new URL(req.url ?? '/', 'http://emulator');
      } catch {
        send(res, 400, { type: 'invalid_request', code: 'invalid', detail: 'Malformed request URL.', attr: null });
        return;
      }
      const path = url.pathname;
      const isControl = path.startsWith('/_emulator');
      if (isControl) {
        // only this machine's own requests: a foreign Host (DNS rebinding) or Origin is refused
        // before the body is read
        if (!isLoopbackHost(req.headers.host) || !isLoopbackOrigin(req.headers.origin)) {
          send(res, 403, { type: 'authentication_error', code: 'permission_denied', detail: 'The control API answers only requests addressed to 127.0.0.1, localhost or [::1].', attr: null }, { Connection: 'close' });
          req.resume();
          return;
        }
        // a JSON body or none: a browser's cross-site text/plain or form POST is refused
        const hasBody = method !== 'GET' && method !== 'HEAD' && method !== 'DELETE';
        if ((hasBody || req.headers['content-length'] || req.headers['transfer-encoding']) && !isJsonContentType(req.headers['content-type'])) {
          const type = req.headers['content-type'] ?? '';
          send(res, 415, { type: 'invalid_request', code: 'unsupported_media_type', detail: `Unsupported media type "${type}" in request.`, attr: null }, { Connection: 'close' });
          req.resume();
          return;
        }
      }
      const limit = isControl ? (method === 'PUT' && path.replace(/\/+$/, '') === '/_emulator/state' ? maxState : MAX_CONTROL_BODY_BYTES) : maxBody;
      let rawBody = '';
      try {
        rawBody = await readBody(req, limit);
      } catch (e) {
        if (e instanceof BodyTooLarge) {
          if (!quiet) process.stderr.write(`[emulator] ${method} ${path} 413 (body over ${limit} bytes)\n`);
          refuseTooLarge(req, res, limit);
        }
        return;
      }
      if (isControl) {
        try {
          const r = control(method, path, parseJson(rawBody));
          send(res, r.status, r.body, r.headers);
        } catch (e) {
          if (e instanceof ApiError) send(res, e.status, e.body, e.headers);
          else send(res, 500, { type: 'server_error', code: 'error', detail: String((e as Error).message), attr: null });
        }
        return;
      }
      const entry: RequestLogEntry = { method, path, query: url.search, status: 0, operation: null, time: new Date().toISOString() };
      if (path.startsWith('/api')) {
        requests.push(entry);
        if (requests.length > MAX_LOG) requests.splice(0, requests.length - MAX_LOG);
      }
      const done = (status: number, body?: unknown, headers?: Record<string, string>): void => {
        entry.status = status;
        if (!quiet) process.stderr.write(`[emulator] ${method} ${path}${url.search} ${status}\n`);
        send(res, status, body, headers);
      };
      if (faults.active) {
        const d = faults.decide(method, path);
        if (d.delayMs > 0) await new Promise((r) => setTimeout(r, d.delayMs));
        if (d.drop) {
          entry.status = 0;
          req.socket.destroy();
          return;
        }
        if (d.status === 429) {
          const e = throttled(d.retryAfter);
          return done(429, e.body, e.headers);
        }
        if (d.status !== null) {
          const e = serverError();
          return done(d.status, { ...e.body, detail: d.status === 500 ? e.body.detail : 'Service unavailable (injected fault).' });
        }
      }
      try {
        const r = handleApi(apiDeps, req, method, path, url.searchParams, rawBody);
        entry.operation = r.op;
        done(r.status, r.body, r.headers);
      } catch (e) {
        if (e instanceof ApiError) done(e.status, e.body, e.headers);
        else {
          process.stderr.write(`[emulator] internal error: ${(e as Error).stack ?? String(e)}\n`);
          const se = serverError();
          done(500, se.body);
        }
      }
    })();
  });
  server.keepAliveTimeout = 60_000;

  const listenHost = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => reject(listenError(e, options.port ?? 0, listenHost)));
    server.listen(options.port ?? 0, listenHost, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  const hostForUrl = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  const handle: Emulator = {
    url: `http://${hostForUrl}:${addr.port}`,
    get key() { return handleKey; },
    get organization() { return handleOrg; },
    state,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
    save: async () => {
      if (!options.statePath) return;
      await writeStateFile(options.statePath, snapshot());
    },
  };
  return handle;
}
