import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ApiError, ConfigError } from '../../src/errors.ts';
import { PostHogClient, parseHost, parseRetryAfter } from '../../src/posthog/client.ts';
import type { PostHogClientOptions } from '../../src/posthog/client.ts';
import { maskKey } from '../../src/posthog/errors.ts';
import { RateLimiter } from '../../src/posthog/rate-limiter.ts';
import { HOST, KEY, captureLogger, fakeTime } from './helpers.ts';

const clients: PostHogClient[] = [];
function makeClient(extra: Partial<PostHogClientOptions> = {}) {
  const time = fakeTime(1_000_000);
  const client = new PostHogClient({ key: KEY, sleep: time.sleep, now: time.now, random: () => 0.5, ...extra });
  clients.push(client);
  return { client, time };
}

/** An ECONNRESET as undici reports it. nock 15 needs an Error instance (a plain object hangs). */
function reset(message = 'socket hang up'): Error {
  return Object.assign(new Error(message), { code: 'ECONNRESET' });
}

async function failure(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(ApiError);
    return e as ApiError;
  }
  throw new Error('expected the call to fail');
}

beforeAll(() => nock.disableNetConnect());
afterEach(async () => {
  nock.cleanAll();
  await Promise.all(clients.splice(0).map((c) => c.close()));
});
afterAll(() => nock.enableNetConnect());

describe('PostHogClient: requests', () => {
  it('sends the key as a Bearer token and parses JSON', async () => {
    const scope = nock(HOST)
      .matchHeader('authorization', `Bearer ${KEY}`)
      .matchHeader('accept', 'application/json')
      .get('/api/users/@me/')
      .reply(200, { email: 'a@example.com' });
    const { client } = makeClient();
    expect(await client.get('/api/users/@me/')).toEqual({ email: 'a@example.com' });
    expect(client.requestCount).toBe(1);
    scope.done();
  });

  it('sends JSON bodies and returns undefined on 204', async () => {
    const scope = nock(HOST)
      .matchHeader('content-type', 'application/json')
      .put('/api/projects/1/access_controls/', { access_level: null, role: 'r1' })
      .reply(204);
    const { client } = makeClient();
    expect(await client.put('/api/projects/1/access_controls/', { access_level: null, role: 'r1' })).toBeUndefined();
    scope.done();
  });

  it('debug-logs method, path, status and ms, and never the key or headers', async () => {
    nock(HOST).get('/api/organizations/o1/').reply(200, {});
    nock(HOST).get('/api/organizations/o2/').reply(401, { code: 'authentication_failed', detail: `bad key ${KEY}` });
    const { logger, lines } = captureLogger();
    const { client } = makeClient({ logger });
    await client.get('/api/organizations/o1/');
    await failure(client.get('/api/organizations/o2/'));
    expect(lines).toHaveLength(2);
    const first = JSON.parse(lines[0] ?? '{}');
    expect(first).toMatchObject({ method: 'GET', path: '/api/organizations/o1/', status: 200 });
    expect(typeof first.ms).toBe('number');
    for (const line of lines) {
      expect(line).not.toContain(KEY);
      expect(line.toLowerCase()).not.toContain('authorization');
    }
  });
});

describe('PostHogClient: the key never leaks', () => {
  it('keeps the key out of error messages even when PostHog or undici echo it', async () => {
    nock(HOST).get('/api/a/').reply(401, { code: 'authentication_failed', detail: `Personal API key ${KEY} is invalid.` });
    nock(HOST).post('/api/b/').replyWithError(reset(`connection to ${KEY} reset`));
    nock(HOST).get('/api/c/').reply(500, `<html>oops ${KEY}</html>`).persist();
    const { logger, lines } = captureLogger();
    const { client } = makeClient({ logger });
    const errors = [
      await failure(client.get('/api/a/')),
      await failure(client.post('/api/b/', {})),
      await failure(client.get('/api/c/')),
    ];
    for (const e of errors) {
      expect(e.message).not.toContain(KEY);
      expect(JSON.stringify(e)).not.toContain(KEY);
      expect(String(e.stack)).not.toContain(KEY);
    }
    expect(errors[0]?.message).toContain(maskKey(KEY)); // scrubbed, not dropped
    expect(lines.length).toBeGreaterThan(3);
    for (const line of lines) expect(line).not.toContain(KEY);
  });

  it('masks keys as prefix + last 4', () => {
    expect(maskKey('phx_abcdefghijklmnopqrstuvwxyz1234')).toBe('phx_…1234');
    expect(maskKey('abcdefghijklmnopqrstuvwxyz9876')).toBe('…9876');
    expect(maskKey('phx_short')).toBe('phx_…');
  });
});

describe('PostHogClient: pagination', () => {
  it('follows absolute next links across 3 pages', async () => {
    const path = '/api/organizations/o1/members/';
    const scope = nock(HOST)
      .get(path)
      .query({ limit: '2' })
      .reply(200, { count: 5, next: `${HOST}${path}?limit=2&offset=2`, previous: null, results: [1, 2] })
      .get(path)
      .query({ limit: '2', offset: '2' })
      .reply(200, { count: 5, next: `${HOST}${path}?limit=2&offset=4`, previous: 'x', results: [3, 4] })
      .get(path)
      .query({ limit: '2', offset: '4' })
      .reply(200, { count: 5, next: null, previous: 'x', results: [5] });
    const { client } = makeClient();
    expect(await client.paginate<number>(path, { limit: 2 })).toEqual([1, 2, 3, 4, 5]);
    expect(client.requestCount).toBe(3);
    scope.done();
  });

  it('refuses a next link to another host', async () => {
    nock(HOST)
      .get('/api/x/')
      .reply(200, { next: 'https://evil.example.com/api/x/?offset=1', previous: null, results: [1] });
    const evil = nock('https://evil.example.com').get('/api/x/').query(true).reply(200, { next: null, results: [] });
    const { client } = makeClient();
    const e = await failure(client.paginate('/api/x/'));
    expect(e.message).toMatch(/another host \(evil\.example\.com\)/);
    expect(evil.isDone()).toBe(false);
  });

  it('accepts an unpaginated list', async () => {
    nock(HOST).get('/api/y/').query({ limit: '10' }).reply(200, [1, 2]);
    const { client } = makeClient();
    expect(await client.paginate('/api/y/', { limit: 10 })).toEqual([1, 2]);
  });
});

describe('PostHogClient: 429 and Retry-After', () => {
  it('waits for Retry-After and then succeeds, for GET', async () => {
    const scope = nock(HOST)
      .get('/api/z/')
      .reply(429, { detail: 'Request was throttled.' }, { 'Retry-After': '7' })
      .get('/api/z/')
      .reply(200, { ok: true });
    const { client, time } = makeClient();
    expect(await client.get('/api/z/')).toEqual({ ok: true });
    expect(time.sleeps).toEqual([7_000]);
    expect(client.requestCount).toBe(2);
    scope.done();
  });

  it('pauses the shared limiter on 429, so concurrent callers wait too', async () => {
    nock(HOST).get('/api/z/').reply(429, {}, { 'Retry-After': '4' }).get('/api/z/').reply(200, {}).get('/api/other/').reply(200, {});
    const time = fakeTime(0);
    const limiter = new RateLimiter({ now: time.now, sleep: time.sleep });
    const pause = vi.spyOn(limiter, 'pauseFor');
    const { client } = makeClient({ rateLimiter: limiter, now: time.now, sleep: time.sleep });
    await client.get('/api/z/');
    expect(pause).toHaveBeenCalledWith(4_000);
    expect(time.sleeps).toEqual([4_000]);
    // A caller that arrives during the pause waits for the rest of it.
    limiter.pauseFor(1_000);
    await client.get('/api/other/');
    expect(time.sleeps).toEqual([4_000, 1_000]);
  });

  it('retries a POST after 429 too (PostHog did not process it)', async () => {
    const scope = nock(HOST)
      .post('/api/organizations/o/roles/', { name: 'Eng' })
      .reply(429, {}, { 'Retry-After': '2' })
      .post('/api/organizations/o/roles/', { name: 'Eng' })
      .reply(201, { id: 'r1' });
    const { client, time } = makeClient();
    expect(await client.post('/api/organizations/o/roles/', { name: 'Eng' })).toEqual({ id: 'r1' });
    expect(time.sleeps).toEqual([2_000]);
    scope.done();
  });

  it('gives up after max429Retries with a rate-limit message', async () => {
    const scope = nock(HOST).get('/api/z/').times(3).reply(429, { detail: 'Request was throttled.' }, { 'Retry-After': '1' });
    const { client } = makeClient({ max429Retries: 2 });
    const e = await failure(client.get('/api/z/'));
    expect(e.status).toBe(429);
    expect(e.message).toMatch(/rate limited/);
    expect(client.requestCount).toBe(3);
    scope.done();
  });

  it('fails at once when Retry-After is longer than maxRetryAfterMs', async () => {
    nock(HOST).get('/api/z/').reply(429, {}, { 'Retry-After': '3600' });
    const { client, time } = makeClient({ maxRetryAfterMs: 60_000 });
    const e = await failure(client.get('/api/z/'));
    expect(e.message).toMatch(/rate limited.*3600 s/);
    expect(time.sleeps).toEqual([]);
  });

  it('parses Retry-After as seconds or HTTP date', () => {
    expect(parseRetryAfter('3', 0)).toBe(3_000);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4_000)).toBe(6_000);
    expect(parseRetryAfter(undefined, 0)).toBeUndefined();
    expect(parseRetryAfter('soon', 0)).toBeUndefined();
  });
});

describe('PostHogClient: retries on 5xx and dropped connections', () => {
  it('retries a GET on 503 with jittered backoff', async () => {
    const scope = nock(HOST).get('/api/g/').reply(503, 'Service Unavailable').get('/api/g/').reply(200, { ok: 1 });
    const { client, time } = makeClient();
    expect(await client.get('/api/g/')).toEqual({ ok: 1 });
    expect(time.sleeps).toEqual([250]); // random 0.5 × base 500 ms
    scope.done();
  });

  it('retries a GET on a dropped connection', async () => {
    const scope = nock(HOST).get('/api/g/').replyWithError(reset()).get('/api/g/').reply(200, { ok: 2 });
    const { client } = makeClient();
    expect(await client.get('/api/g/')).toEqual({ ok: 2 });
    expect(client.requestCount).toBe(2);
    scope.done();
  });

  it('retries a PUT on 502 and grows the backoff exponentially', async () => {
    const scope = nock(HOST).put('/api/p/').times(2).reply(502).put('/api/p/').reply(200, { access_level: 'member' });
    const { client, time } = makeClient({ random: () => 1 });
    expect(await client.put('/api/p/', { access_level: 'member' })).toEqual({ access_level: 'member' });
    expect(time.sleeps).toEqual([500, 1_000]);
    scope.done();
  });

  it('gives up after maxAttempts with the status and detail', async () => {
    const scope = nock(HOST).delete('/api/d/').times(4).reply(500, { detail: 'boom inside' });
    const { client } = makeClient();
    const e = await failure(client.delete('/api/d/'));
    expect(e.status).toBe(500);
    expect(e.message).toMatch(/500.*boom inside/);
    expect(client.requestCount).toBe(4);
    scope.done();
  });

  it('never retries a POST on 503: the outcome is unknown', async () => {
    nock(HOST).post('/api/organizations/o/invites/').reply(503, { detail: 'upstream' });
    const second = nock(HOST).post('/api/organizations/o/invites/').reply(201, {});
    const { client, time } = makeClient();
    const e = await failure(client.post('/api/organizations/o/invites/', { target_email: 'a@b.c' }));
    expect(e.message).toMatch(/POST \/api\/organizations\/o\/invites\/.*may already have been applied.*run plan again/);
    expect(e.message).toContain('503');
    expect(client.requestCount).toBe(1);
    expect(time.sleeps).toEqual([]);
    expect(second.isDone()).toBe(false);
  });

  it('never retries a PATCH on a dropped connection', async () => {
    nock(HOST).patch('/api/m/').replyWithError(reset());
    const second = nock(HOST).patch('/api/m/').reply(200, {});
    const { client } = makeClient();
    const e = await failure(client.patch('/api/m/', { level: 8 }));
    expect(e.message).toMatch(/ECONNRESET.*outcome is unknown/);
    expect(second.isDone()).toBe(false);
  });

  it('a DELETE retried after a 502 that finds nothing (404) had succeeded the first time', async () => {
    const scope = nock(HOST).delete('/api/d/1/').reply(502).delete('/api/d/1/').reply(404, { detail: 'Not found.' });
    const { client } = makeClient();
    await expect(client.delete('/api/d/1/')).resolves.toBeUndefined();
    expect(client.requestCount).toBe(2);
    scope.done();
  });

  it('a DELETE that finds nothing on its first attempt is an error', async () => {
    const scope = nock(HOST).delete('/api/d/2/').reply(404, { detail: 'Not found.' });
    const { client } = makeClient();
    expect((await failure(client.delete('/api/d/2/'))).message).toBe('not found: DELETE /api/d/2/');
    scope.done();
  });

  it('does not retry other 4xx', async () => {
    const scope = nock(HOST).get('/api/n/').reply(404, { detail: 'Not found.' });
    const { client } = makeClient();
    const e = await failure(client.get('/api/n/'));
    expect(e.message).toBe('not found: GET /api/n/');
    expect(client.requestCount).toBe(1);
    scope.done();
  });
});

describe('PostHogClient: host', () => {
  it('refuses plain http except to loopback', () => {
    for (const ok of ['http://127.0.0.1:8000', 'http://127.9.8.7', 'http://localhost:3000', 'http://[::1]:8000', 'https://eu.posthog.com/']) {
      expect(() => parseHost(ok)).not.toThrow();
    }
    for (const bad of ['http://us.posthog.com', 'http://127.0.0.1.evil.com', 'http://10.0.0.1']) {
      expect(() => parseHost(bad)).toThrow(ConfigError);
      expect(() => parseHost(bad)).toThrow(/unencrypted.*https/);
    }
    expect(() => parseHost('us.posthog.com')).toThrow(ConfigError);
    expect(() => parseHost('https://us.posthog.com/api')).toThrow(/just the scheme and host/);
    expect(() => new PostHogClient({ key: KEY, host: 'http://example.com' })).toThrow(ConfigError);
  });

  it('uses POSTHOG_HOST-style hosts, including the loopback emulator', async () => {
    const scope = nock('http://127.0.0.1:8010').get('/api/users/@me/').reply(200, {});
    const { client } = makeClient({ host: 'http://127.0.0.1:8010' });
    await client.get('/api/users/@me/');
    scope.done();
  });

  it('refuses an empty key', () => {
    expect(() => new PostHogClient({ key: '  ' })).toThrow(/POSTHOG_PERSONAL_API_KEY/);
  });
});
