// Timeouts, Ctrl-C and dropped sockets against a real HTTP server on 127.0.0.1. No nock here:
// its fake sockets do not behave like real ones once a request is aborted.
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../src/errors.ts';
import { PostHogClient } from '../../src/posthog/client.ts';
import type { PostHogClientOptions } from '../../src/posthog/client.ts';
import { KEY } from './helpers.ts';

let server: Server;
let host: string;
let handler: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.end('{}');

beforeAll(async () => {
  server = createServer((req, res) => handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  host = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const clients: PostHogClient[] = [];
afterEach(async () => {
  server.closeAllConnections();
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

function makeClient(extra: Partial<PostHogClientOptions> = {}): PostHogClient {
  const client = new PostHogClient({ key: KEY, host, rateLimiter: null, sleep: async () => {}, ...extra });
  clients.push(client);
  return client;
}

async function failure(p: Promise<unknown>): Promise<ApiError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ApiError);
  return e as ApiError;
}

describe('PostHogClient over real sockets', () => {
  it('times out a hung request with the overall per-request timeout, and retries a GET', async () => {
    let hits = 0;
    handler = () => void hits++; // never answers
    const client = makeClient({ timeoutMs: 100, maxAttempts: 2 });
    const e = await failure(client.get('/api/slow/'));
    expect(e.message).toMatch(/GET \/api\/slow\/.*after 2 attempts: no complete answer within/);
    expect(hits).toBe(2);
  });

  it('treats a timed-out POST as an unknown outcome and does not retry it', async () => {
    let hits = 0;
    handler = () => void hits++;
    const client = makeClient({ timeoutMs: 100 });
    const e = await failure(client.post('/api/slow/', {}));
    expect(e.message).toMatch(/outcome is unknown/);
    expect(hits).toBe(1);
  });

  it('turns Ctrl-C into an interrupted error', async () => {
    handler = () => {};
    const ac = new AbortController();
    const client = makeClient({ signal: ac.signal });
    const p = failure(client.get('/api/i/'));
    setTimeout(() => ac.abort(), 30);
    expect((await p).message).toMatch(/^interrupted: GET \/api\/i\/ was cancelled$/);
  });

  it('retries a GET whose connection the server drops', async () => {
    let hits = 0;
    handler = (req, res) => {
      if (++hits === 1) req.socket.destroy();
      else res.end('{"ok":true}');
    };
    const client = makeClient();
    expect(await client.get('/api/drop/')).toEqual({ ok: true });
    expect(hits).toBe(2);
  });

  it('sends the key only in the Authorization header', async () => {
    let seen: IncomingMessage | undefined;
    handler = (req, res) => {
      seen = req;
      res.end('{}');
    };
    await makeClient().get('/api/users/@me/');
    expect(seen?.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(seen?.url).toBe('/api/users/@me/');
  });
});
