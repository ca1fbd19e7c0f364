// Turn PostHog's error responses (drf-exceptions-hog: {type, code, detail, attr}, REFERENCE.md §11,
// §12) into ApiErrors whose message says what went wrong and what to do. Messages never contain the
// API key: we build them ourselves, and scrub() anything that comes from elsewhere.
import { ApiError } from '../errors.ts';
import { SETTING_LICENCES } from '../model/licences.ts';

export interface PostHogErrorBody {
  type?: string;
  code?: string;
  detail?: string;
  attr?: string | null;
  /** The body was not JSON (an HTML page, plain text): not PostHog's own answer. */
  notJson?: boolean;
}

/** Said when an answer is not PostHog's JSON: the host is often a web page, a proxy or a typo. */
export const NOT_POSTHOG_HINT = 'the answer is not PostHog\'s JSON: is POSTHOG_HOST a PostHog instance?';

/** `phx_…abcd`: enough to tell keys apart in logs and journals, useless to an attacker. */
export function maskKey(key: string): string {
  const k = key.trim();
  const prefix = /^(ph[a-z]_)/.exec(k)?.[1] ?? '';
  if (k.length - prefix.length < 12) return `${prefix}…`; // too short to show any of it safely
  return `${prefix}…${k.slice(-4)}`;
}

/** Replace any occurrence of the key in text we did not write (server details, undici messages). */
export function scrub(text: string, key: string | undefined): string {
  if (!key) return text;
  return text.split(key).join(maskKey(key));
}

/**
 * Characters that move the cursor, clear the screen, recolour or reorder text (C0 and C1 controls,
 * DEL, bidirectional overrides): text from PostHog is printed, so none of these survive reading it.
 */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
/** The same characters as JSON may carry them (escaped, or raw for C1 and bidi). */
const CONTROL_IN_JSON = /\\u00[01][0-9a-fA-F]|\\u007[fF]|\\u00[89][0-9a-fA-F]|\\[nrtbf]|\\u20(?:2[a-eA-E]|6[6-9])|[\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

/** Text from PostHog, safe to print: control characters dropped, line breaks and tabs as spaces. */
export function stripControl(text: string): string {
  return text.replace(CONTROL, (c) => (c === '\n' || c === '\r' || c === '\t' ? ' ' : ''));
}

/** Parse a PostHog response; every string in it is stripped of control characters (see stripControl). */
export function parsePostHogJson(text: string): unknown {
  // The reviver costs time on large lists: only when the text holds such a character at all.
  if (!CONTROL_IN_JSON.test(text)) return JSON.parse(text);
  return JSON.parse(text, (_key, value: unknown) => (typeof value === 'string' ? stripControl(value) : value));
}

/** Parse an error body; PostHog sends JSON, proxies in front of it may send HTML or nothing. */
export function parseErrorBody(text: string): PostHogErrorBody {
  if (!text) return {};
  try {
    const v: unknown = parsePostHogJson(text);
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const o = v as Record<string, unknown>;
      const body: PostHogErrorBody = {};
      if (typeof o.type === 'string') body.type = o.type;
      if (typeof o.code === 'string') body.code = o.code;
      if (typeof o.detail === 'string') body.detail = o.detail;
      if (typeof o.attr === 'string' || o.attr === null) body.attr = o.attr;
      // Plain DRF validation errors ({"field": ["msg"]}) when exceptions-hog is not in play.
      if (body.detail === undefined) {
        const [field, msgs] = Object.entries(o)[0] ?? [];
        const first = Array.isArray(msgs) ? msgs[0] : msgs;
        if (field && typeof first === 'string') {
          body.detail = first;
          body.attr ??= field;
        }
      }
      return body;
    }
  } catch {
    // not JSON: fall through
  }
  // Keep a short, single-line excerpt of non-JSON bodies (an HTML error page is not useful in full).
  const line = stripControl(text.replace(/<[^>]*>/g, ' ')).replace(/\s+/g, ' ').trim();
  return line ? { detail: line.length > 200 ? `${line.slice(0, 200)}…` : line, notJson: true } : { notJson: true };
}

const AUTH_CODES = new Set(['authentication_failed', 'not_authenticated']);

/** Map a final (non-retried) error response to an ApiError. */
export function responseError(
  status: number,
  bodyText: string,
  method: string,
  path: string,
  opts: { key?: string; retries?: number } = {},
): ApiError {
  const error = describeResponse(status, bodyText, method, path, opts);
  // A 4xx that is an HTML page (a website, a login wall) is not PostHog refusing: say so. Rate
  // limits and 5xx pages come from proxies in front of PostHog too, so they are left alone.
  if (status >= 500 || status === 429 || !parseErrorBody(bodyText).notJson) return error;
  return new ApiError(`${error.message}; ${NOT_POSTHOG_HINT}`, { status, code: error.code, attr: error.attr, method, path });
}

function describeResponse(
  status: number,
  bodyText: string,
  method: string,
  path: string,
  opts: { key?: string; retries?: number },
): ApiError {
  const body = parseErrorBody(scrub(bodyText, opts.key));
  const where = `${method} ${path}`;
  const detail = body.detail ?? '';
  const info = { status, code: body.code, attr: body.attr, method, path };
  const withDetail = (s: string) => (detail ? `${s}: ${detail}` : s);

  if (status === 401 || (status === 403 && AUTH_CODES.has(body.code ?? ''))) {
    return new ApiError(
      `PostHog rejected the API key (${status}${detail ? `, ${detail}` : ''}): check POSTHOG_PERSONAL_API_KEY`,
      info,
    );
  }
  if (status === 403) {
    const scope = /missing required scope '([^']+)'/i.exec(detail)?.[1];
    if (scope) {
      return new ApiError(
        `the API key lacks the scope '${scope}' needed for ${where}: add '${scope}' to the personal API key's scopes in PostHog (Settings → Personal API keys)`,
        info,
      );
    }
    if (/terraform/i.test(detail)) {
      // A project whose access rules another tool manages: only that tool's account may change them.
      return new ApiError(
        `PostHog refused ${where} (403): Terraform manages these access rules (${detail}): change them in the Terraform configuration that manages the project, or leave them out of the matrix; an organization admin can hand the project back to the UI in PostHog's project settings`,
        info,
      );
    }
    return new ApiError(`PostHog refused ${where} (403)${detail ? `: ${detail}` : ''}`, info);
  }
  if (status === 402) {
    // "<Feature> is part of the premium PostHog offering…": the feature name is the part before " is".
    const feature = /^(.+?) is part of/i.exec(detail)?.[1];
    const what = feature ? `the paid feature '${feature}'` : 'a paid feature';
    return new ApiError(
      withDetail(`PostHog refused ${where} (402): the organization's plan lacks ${what}`),
      info,
    );
  }
  if (status === 400 && body.code === 'payment_required') {
    // An organization setting whose licence the organization lacks: PostHog keeps the old value.
    const feature = body.attr ? SETTING_LICENCES[body.attr] : undefined;
    const what = body.attr
      ? `${body.attr} needs ${feature ? `the "${feature}" licence` : 'a licence'}, which the organization's plan lacks`
      : 'a field of this request needs a licence the organization\'s plan lacks';
    const todo = body.attr ? `remove ${body.attr} from organization.settings, or upgrade the plan` : 'upgrade the plan, or remove the setting from the matrix';
    return new ApiError(`PostHog refused ${where} (400 payment_required): ${what}${detail ? ` (${detail})` : ''}; nothing was changed: ${todo}`, info);
  }
  if (status === 400) {
    const field = body.attr ? `field ${body.attr}: ` : '';
    return new ApiError(`PostHog rejected ${where} (400): ${field}${detail || 'invalid request'}`, info);
  }
  if (status === 404) {
    return new ApiError(`not found: ${where}${detail && !/^not found\.?$/i.test(detail) ? ` (${detail})` : ''}`, info);
  }
  if (status === 429) {
    const tries = opts.retries ? ` after ${opts.retries} retr${opts.retries === 1 ? 'y' : 'ies'}` : '';
    return new ApiError(
      withDetail(`rate limited by PostHog (429) on ${where}${tries}; wait a while and run again`),
      info,
    );
  }
  if (status >= 500) {
    const tries = opts.retries ? ` (after ${opts.retries} retr${opts.retries === 1 ? 'y' : 'ies'})` : '';
    return new ApiError(withDetail(`PostHog failed ${where} with ${status}${tries}`), info);
  }
  return new ApiError(withDetail(`PostHog answered ${status} to ${where}`), info);
}

/** A POST/PATCH got a 5xx or lost its connection: it may or may not have been applied. */
export function unknownOutcomeError(method: string, path: string, status: number, why: string): ApiError {
  return new ApiError(
    `${method} ${path} failed (${why}) and was not retried because it may already have been applied: ` +
      'the outcome is unknown; run plan again to see the current state before re-applying',
    { status, code: 'unknown_outcome', method, path },
  );
}
