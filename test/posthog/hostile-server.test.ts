// A hostile or broken server: bodies without end, terminal escape sequences in its text, members
// without users. Each fails as a clear ApiError (or is cleaned), never as a crash or raw output.
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ApiError, ConfigError } from '../../src/errors.ts';
import { createPostHogApi } from '../../src/posthog/api.ts';
import { PostHogClient, canonicalHost } from '../../src/posthog/client.ts';
import { stripControl } from '../../src/posthog/errors.ts';
import { HOST, KEY } from './helpers.ts';

const ORG = '0190-org';
const O = `/api/organizations/${ORG}`;
const clients: PostHogClient[] = [];
function client(extra: Partial<ConstructorParameters<typeof PostHogClient>[0]> = {}) {
  const c = new PostHogClient({ key: KEY, rateLimiter: null, maxAttempts: 1, ...extra });
  clients.push(c);
  return c;
}
async function failure(p: Promise<unknown>): Promise<ApiError> {
  const e = await p.then(() => undefined, (err: unknown) => err);
  expect(e).toBeInstanceOf(ApiError);
  return e as ApiError;
}

beforeAll(() => nock.disableNetConnect());
afterEach(async () => {
  expect(nock.isDone()).toBe(true);
  nock.cleanAll();
  await Promise.all(clients.splice(0).map((c) => c.close()));
});
afterAll(() => nock.enableNetConnect());

describe('response bodies are capped', () => {
  it('a body past the cap is a clear error, whatever its declared length', async () => {
    nock(HOST).get('/api/users/@me/').reply(200, () => `{"email":"${'x'.repeat(5000)}"}`);
    const e = await failure(client({ maxBodyBytes: 1000 }).get('/api/users/@me/'));
    expect(e.message).toMatch(/^PostHog's answer to GET \/api\/users\/@me\/ is larger than \d+ MB: refusing to read it/);
    expect(e.code).toBe('too_large');
  });

  it('a declared length past the cap fails before reading', async () => {
    nock(HOST).get('/api/users/@me/').reply(200, '{}', { 'content-length': String(10_000) });
    expect((await failure(client({ maxBodyBytes: 1000 }).get('/api/users/@me/'))).code).toBe('too_large');
  });
});

describe('text from PostHog is stripped of control characters', () => {
  it('in parsed answers: names cannot clear the screen or fake lines', async () => {
    nock(HOST).get(`${O}/projects/`).query(true).reply(200, JSON.stringify({ next: null, results: [{ id: 1, name: 'Prod\u001b[2J\u001b[31mRED\u009b\u202eevil\nline' }] }));
    const [project] = await createPostHogApi(client()).listProjects(ORG);
    expect(project?.name).toBe('Prod[2J[31mREDevil line');
  });

  it('in error details', async () => {
    nock(HOST).post(`${O}/roles/`).reply(400, { type: 'validation_error', detail: 'bad \u001b]8;;http://evil\u0007name' });
    const e = await failure(createPostHogApi(client()).createRole(ORG, 'x'));
    expect(e.message).not.toMatch(/[\u0000-\u001f]/);
    expect(e.message).toContain('bad ]8;;http://evilname');
  });

  it('stripControl keeps ordinary text', () => {
    expect(stripControl('Équipe « data » — 東京')).toBe('Équipe « data » — 東京');
  });
});

describe('malformed server data is a clear API error', () => {
  it('a member without user', async () => {
    nock(HOST).get(`${O}/members/`).query(true).reply(200, { next: null, results: [{ id: 'm1', user: { uuid: 'u', email: 'a@x.com' } }, { id: 'm2', level: 8 }] });
    const e = await failure(createPostHogApi(client()).listMembers(ORG));
    expect(e.message).toBe(`unexpected answer from PostHog to GET ${O}/members/: member #2 (id m2) has no user.uuid; the tool cannot tell who or what it is, so it stops before planning anything. Check POSTHOG_HOST points at PostHog, or report this to PostHog`);
  });

  it('a role member without user', async () => {
    nock(HOST).get(`${O}/roles/`).query(true).reply(200, { next: null, results: [{ id: 'r1', name: 'Eng', members: [{ id: 'rm1' }] }] });
    expect((await failure(createPostHogApi(client()).listRoles(ORG))).message).toContain('member of role "Eng" #1 (id rm1) has no user.email');
  });
});

describe('POSTHOG_HOST', () => {
  it('blank is an error, not the US cloud', () => {
    expect(() => canonicalHost('  ')).toThrow(ConfigError);
    expect(() => canonicalHost('')).toThrow('POSTHOG_HOST is set but empty');
    expect(() => new PostHogClient({ key: KEY, host: '' })).toThrow('POSTHOG_HOST is set but empty');
    expect(canonicalHost(undefined)).toBe('https://us.posthog.com');
  });

  it.each([
    ['https://eu.posthog.com/', 'https://eu.posthog.com'],
    ['HTTPS://EU.PostHog.com', 'https://eu.posthog.com'],
    ['http://localhost:8010/', 'http://127.0.0.1:8010'],
    ['http://127.0.0.1:8010', 'http://127.0.0.1:8010'],
  ])('%s is %s', (given, canonical) => {
    expect(canonicalHost(given)).toBe(canonical);
  });
});
