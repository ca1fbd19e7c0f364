// PostHog API scopes: what the tool reads with, what each kind's writes need (the kinds declare
// it), and what a key lacks.
import { KINDS, kindOf } from './registry.ts';
import type { Change } from './types.ts';

export const READ_SCOPES = ['user:read', 'organization:read', 'organization_member:read', 'project:read', 'access_control:read'];

/** What offboarding reads (what removed members created: src/state/created.ts). */
export const OFFBOARDING_SCOPES = ['feature_flag:read', 'dashboard:read', 'insight:read'];

/** Every scope posthog-access can use (reads, every kind's writes, the activity log for drift, offboarding's lists). */
export const TOOL_SCOPES: readonly string[] = [...new Set([...READ_SCOPES, ...KINDS.map((k) => k.scope), 'activity_log:read', ...OFFBOARDING_SCOPES])].sort();

export const scopeOf = (change: Pick<Change, 'kind'>): string => kindOf(change.kind).scope;

export function requiredScopes(changes: readonly Pick<Change, 'kind'>[]): string[] {
  return [...new Set([...READ_SCOPES, ...changes.map(scopeOf)])].sort();
}

/** Scopes the key lacks for these changes (`x:write` covers `x:read`; `*` covers all). */
export function missingScopes(keyScopes: string[], needed: string[]): string[] {
  const have = new Set(keyScopes);
  if (have.has('*')) return [];
  return needed.filter((s) => !have.has(s) && !(s.endsWith(':read') && have.has(s.replace(/:read$/, ':write'))));
}
