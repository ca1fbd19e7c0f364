// The fields of PostHog's answers the tool relies on, checked as they arrive: a member without a
// user (a proxy, a bug, another version of PostHog) is an API error naming what is missing, not a
// TypeError deep in the fetcher.
import { ApiError } from '../errors.ts';

type Check = (item: Record<string, unknown>) => string | undefined;

const isText = (v: unknown) => typeof v === 'string' && v !== '';
const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Fields that must be non-empty text, dotted paths allowed (`user.email`). */
export function textFields(...fields: string[]): Check {
  return (item) => fields.find((f) => !isText(f.split('.').reduce<unknown>((o, k) => (isObject(o) ? o[k] : undefined), item)));
}

/** Each item must pass `check`; `what` names an item in the message (`member`, `role`). */
export function checked<T>(items: T[], what: string, path: string, check: Check): T[] {
  items.forEach((item, i) => {
    const missing = isObject(item) ? check(item) : 'every field';
    if (missing === undefined) return;
    const id = isObject(item) && (typeof item.id === 'string' || typeof item.id === 'number') ? ` (id ${String(item.id).slice(0, 64)})` : '';
    throw new ApiError(
      `unexpected answer from PostHog to GET ${path}: ${what} #${i + 1}${id} has no ${missing}; the tool cannot tell who or what it is, so it stops before planning anything. Check POSTHOG_HOST points at PostHog, or report this to PostHog`,
      { status: 0, code: 'protocol', method: 'GET', path },
    );
  });
  return items;
}
