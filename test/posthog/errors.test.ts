import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../src/errors.ts';
import { PostHogClient } from '../../src/posthog/client.ts';
import { parseErrorBody, responseError } from '../../src/posthog/errors.ts';
import { HOST, KEY } from './helpers.ts';

let client: PostHogClient;
beforeAll(() => nock.disableNetConnect());
afterEach(async () => {
  nock.cleanAll();
  await client?.close();
});
afterAll(() => nock.enableNetConnect());

/** The ApiError a call fails with when PostHog answers `status` with `body`. */
async function errorFor(method: 'get' | 'post' | 'patch', path: string, status: number, body: object): Promise<ApiError> {
  nock(HOST).intercept(path, method.toUpperCase()).reply(status, body);
  client = new PostHogClient({ key: KEY, rateLimiter: null, sleep: async () => {} });
  const call = method === 'get' ? client.get(path) : client[method](path, {});
  const e = await call.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ApiError);
  const err = e as ApiError;
  expect(err.status).toBe(status);
  expect(err.message).not.toContain(KEY);
  return err;
}

describe('PostHog error responses → ApiError messages', () => {
  it('400: names the field and PostHog’s detail', async () => {
    const e = await errorFor('post', '/api/organizations/o/roles/', 400, {
      type: 'validation_error', code: 'unique', detail: 'There is already a role with this name.', attr: 'name',
    });
    expect(e.message).toBe('PostHog rejected POST /api/organizations/o/roles/ (400): field name: There is already a role with this name.');
    expect(e.attr).toBe('name');
    expect(e.code).toBe('unique');
  });

  it('400 without attr: just the detail', async () => {
    const e = await errorFor('get', '/api/x/', 400, { type: 'validation_error', code: 'invalid', detail: 'Cannot leave the organization as its owner!', attr: null });
    expect(e.message).toBe('PostHog rejected GET /api/x/ (400): Cannot leave the organization as its owner!');
  });

  it('400 payment_required: names the setting and its licence, and says nothing changed', async () => {
    const e = await errorFor('patch', '/api/organizations/o/', 400, {
      type: 'validation_error', code: 'payment_required', detail: 'You need to upgrade your plan to enforce 2FA.', attr: 'enforce_2fa',
    });
    expect(e.message).toBe('PostHog refused PATCH /api/organizations/o/ (400 payment_required): enforce_2fa needs the "2fa_enforcement" licence, which the organization\'s plan lacks (You need to upgrade your plan to enforce 2FA.); nothing was changed: remove enforce_2fa from organization.settings, or upgrade the plan');
    expect(e.code).toBe('payment_required');
  });

  it('400 payment_required without attr: still a named licence error, never a plain 400', async () => {
    const e = await errorFor('patch', '/api/organizations/o/', 400, { type: 'validation_error', code: 'payment_required', detail: 'Upgrade required.', attr: null });
    expect(e.message).toBe('PostHog refused PATCH /api/organizations/o/ (400 payment_required): a field of this request needs a licence the organization\'s plan lacks (Upgrade required.); nothing was changed: upgrade the plan, or remove the setting from the matrix');
  });

  it('403 from a Terraform-managed project: names the manager and what to do', async () => {
    const e = await errorFor('patch', '/api/projects/1/access_controls/', 403, {
      type: 'authentication_error', code: 'permission_denied',
      detail: 'Terraform manages this access control rule. Change it in your Terraform configuration, or turn off the Terraform lock in project settings.', attr: null,
    });
    expect(e.message).toBe('PostHog refused PATCH /api/projects/1/access_controls/ (403): Terraform manages these access rules (Terraform manages this access control rule. Change it in your Terraform configuration, or turn off the Terraform lock in project settings.): change them in the Terraform configuration that manages the project, or leave them out of the matrix; an organization admin can hand the project back to the UI in PostHog\'s project settings');
  });

  it('401: the key was rejected, check POSTHOG_PERSONAL_API_KEY', async () => {
    const e = await errorFor('get', '/api/users/@me/', 401, {
      type: 'authentication_error', code: 'authentication_failed', detail: 'Personal API key found in request Authorization header is invalid.', attr: null,
    });
    expect(e.message).toMatch(/^PostHog rejected the API key \(401.*is invalid\.\): check POSTHOG_PERSONAL_API_KEY$/);
  });

  it('403 with authentication_failed is treated like 401', async () => {
    const e = await errorFor('get', '/api/users/@me/', 403, { type: 'authentication_error', code: 'not_authenticated', detail: 'Authentication credentials were not provided.' });
    expect(e.message).toMatch(/^PostHog rejected the API key \(403.*\): check POSTHOG_PERSONAL_API_KEY$/);
  });

  it('403 missing scope: names the scope and says to add it', async () => {
    const e = await errorFor('patch', '/api/organizations/o/members/u/', 403, {
      type: 'authentication_error', code: 'permission_denied', detail: "API key missing required scope 'organization_member:write'", attr: null,
    });
    expect(e.message).toMatch(/lacks the scope 'organization_member:write' needed for PATCH \/api\/organizations\/o\/members\/u\/: add 'organization_member:write' to the personal API key/);
  });

  it('other 403: PostHog’s detail with method and path', async () => {
    const e = await errorFor('patch', '/api/organizations/o/members/u/', 403, {
      type: 'authentication_error', code: 'permission_denied', detail: "You can't change your own access level.", attr: null,
    });
    expect(e.message).toBe("PostHog refused PATCH /api/organizations/o/members/u/ (403): You can't change your own access level.");
  });

  it('402: names the missing paid feature', async () => {
    const e = await errorFor('get', '/api/organizations/o/personal_api_keys/', 402, {
      type: 'authentication_error', code: 'payment_required',
      detail: 'Organization security settings is part of the premium PostHog offering. Upgrade your plan.',
    });
    expect(e.message).toMatch(/plan lacks the paid feature 'Organization security settings'/);
  });

  it('404: not found METHOD path', async () => {
    const e = await errorFor('get', '/api/projects/9/access_controls/', 404, { type: 'invalid_request', code: 'not_found', detail: 'Not found.' });
    expect(e.message).toBe('not found: GET /api/projects/9/access_controls/');
  });
});

describe('parseErrorBody', () => {
  it('reads plain DRF field errors', () => {
    expect(parseErrorBody('{"name":["This field is required."]}')).toEqual({ detail: 'This field is required.', attr: 'name' });
  });
  it('shortens HTML error pages to one line of text', () => {
    expect(parseErrorBody('<html><body><h1>502 Bad Gateway</h1></body></html>')).toEqual({ detail: '502 Bad Gateway', notJson: true });
  });
  it('an HTML page where PostHog answers JSON asks whether POSTHOG_HOST is PostHog (not for 5xx or 429, which proxies send)', () => {
    const page = '<html><body>Welcome to our website</body></html>';
    expect(responseError(404, page, 'GET', '/api/users/@me/').message).toBe(
      "not found: GET /api/users/@me/ (Welcome to our website); the answer is not PostHog's JSON: is POSTHOG_HOST a PostHog instance?");
    expect(responseError(403, page, 'GET', '/x').message).toContain('is POSTHOG_HOST a PostHog instance?');
    expect(responseError(404, '{"detail":"Not found."}', 'GET', '/x').message).not.toContain('POSTHOG_HOST');
    expect(responseError(502, page, 'GET', '/x').message).not.toContain('POSTHOG_HOST');
    expect(responseError(429, page, 'GET', '/x').message).not.toContain('POSTHOG_HOST');
  });
  it('scrubs the key from any body before it reaches a message', () => {
    const e = responseError(500, `{"detail":"failed for ${KEY}"}`, 'GET', '/x', { key: KEY, retries: 3 });
    expect(e.message).toBe('PostHog failed GET /x with 500 (after 3 retries): failed for phx_…1234');
  });
});
