// Reads each declared personal API key (`api_keys`) as PostHog reports it. A personal key can read
// only itself (PostHog's personal_api_key API), so each one is read with its own value, from the environment
// variable the matrix names, through a short-lived client of its own. Read-only; values are never
// kept, logged or put in a message (the client scrubs them from PostHog's answers).
import type { Logger } from 'pino';
import { ApiError } from '../errors.ts';
import type { ActualApiKeyAudit, ActualKey } from '../model/actual.ts';
import type { DesiredState } from '../model/desired.ts';
import { createApiFromEnv } from '../posthog/api.ts';
import { scrub } from '../posthog/errors.ts';
import type { PersonalApiKeyResponse } from '../posthog/types.ts';

export function toActualKey(key: PersonalApiKeyResponse): ActualKey {
  return {
    id: key.id, label: key.label, scopes: key.scopes, scopedTeams: key.scoped_teams ?? [], scopedOrganizations: key.scoped_organizations ?? [],
    createdAt: key.created_at, lastUsedAt: key.last_used_at, lastRolledAt: key.last_rolled_at ?? null,
  };
}

async function auditOne(name: string, envVar: string, value: string, host: string, logger?: Pick<Logger, 'debug' | 'warn'>): Promise<ActualApiKeyAudit> {
  let api: ReturnType<typeof createApiFromEnv> | undefined;
  try {
    // Inside the try: a malformed value (e.g. whitespace) is this key's problem, not the whole plan's.
    api = createApiFromEnv({ key: value, host, ...(logger && { logger }) });
    const key = toActualKey(await api.currentKey());
    logger?.debug({ stage: 'audit', apiKey: name, label: key.label }, `read api_keys.${name} with the value of $${envVar}`);
    return { env: envVar, found: true, key };
  } catch (e) {
    // The client's own wording points at POSTHOG_PERSONAL_API_KEY: this key lives elsewhere.
    const message = scrub(e instanceof Error ? e.message : String(e), value).split('POSTHOG_PERSONAL_API_KEY').join(`$${envVar}`);
    logger?.debug({ stage: 'audit', apiKey: name, status: e instanceof ApiError ? e.status : undefined }, `could not read api_keys.${name}`);
    return { env: envVar, found: true, error: message };
  } finally {
    await api?.close();
  }
}

export async function auditApiKeys(
  apiKeys: DesiredState['apiKeys'], env: Record<string, string | undefined>, host: string, logger?: Pick<Logger, 'debug' | 'warn'>,
): Promise<Record<string, ActualApiKeyAudit>> {
  const entries = await Promise.all(Object.entries(apiKeys).map(async ([name, spec]): Promise<[string, ActualApiKeyAudit]> => {
    const value = env[spec.env]?.trim();
    if (!value) return [name, { env: spec.env, found: false }];
    return [name, await auditOne(name, spec.env, value, host, logger)];
  }));
  return Object.fromEntries(entries);
}
