// What a PostHog credential looks like, so one never travels where text goes (the matrix, a plan,
// a journal, a sink command's environment). PostHog mints its keys with a prefix naming their kind
// (posthog/models/utils.py in PostHog's source): phx_ personal API keys, phs_ project secret keys,
// phc_ project tokens, pha_ OAuth access tokens, phr_ OAuth refresh tokens.
export const POSTHOG_KEY_PREFIXES = ['phx_', 'phs_', 'phc_', 'pha_', 'phr_'] as const;

/** A prefix followed by a token long enough to be a key (PostHog's are 40+ characters of base 62). */
const KEY_IN_TEXT = /(?<![A-Za-z0-9])ph[xscar]_[A-Za-z0-9]{16,}/;
const KEY_PREFIX = /^ph[xscar]_/;

/** Whether `text` holds something shaped like a PostHog key anywhere in it. */
export function containsPostHogKey(text: string): boolean {
  return KEY_IN_TEXT.test(text);
}

/** Whether a value (trimmed) starts with one of PostHog's key prefixes. */
export function isPostHogKey(value: string): boolean {
  return KEY_PREFIX.test(value.trim());
}
