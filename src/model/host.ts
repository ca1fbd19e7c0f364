// Where PostHog is: POSTHOG_HOST (or a matrix's `organization.host`) checked and made canonical. Apart
// from the HTTP client (src/posthog/), so that `validate` compares organizations' hosts without loading it.
import { ConfigError } from '../errors.ts';

export const DEFAULT_HOST = 'https://us.posthog.com';

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

/** Validate POSTHOG_HOST: https, or http only to this machine (the key would travel in clear). */
export function parseHost(host: string): URL {
  let url: URL;
  try {
    url = new URL(host.trim());
  } catch {
    throw new ConfigError(`POSTHOG_HOST '${host}' is not a URL: use e.g. https://us.posthog.com or https://eu.posthog.com`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ConfigError(`POSTHOG_HOST '${host}' must start with https://`);
  }
  if (url.protocol === 'http:' && !isLoopback(url.hostname)) {
    throw new ConfigError(
      `POSTHOG_HOST '${host}' uses plain http: the API key would be sent unencrypted; use https:// ` +
        '(http is only allowed to loopback addresses such as 127.0.0.1 or localhost, e.g. the local emulator)',
    );
  }
  if (url.username || url.password || url.search || url.hash || (url.pathname !== '/' && url.pathname !== '')) {
    throw new ConfigError(`POSTHOG_HOST '${host}' must be just the scheme and host, e.g. https://us.posthog.com`);
  }
  return url;
}

/**
 * POSTHOG_HOST as one canonical origin (no trailing slash, lower case, `localhost` as 127.0.0.1),
 * so the same host written two ways is the same host to a saved plan. Unset means the US cloud;
 * set but blank is a mistake, not a choice of the US cloud.
 */
export function canonicalHost(host: string | undefined): string {
  if (host === undefined) return DEFAULT_HOST;
  if (host.trim() === '') {
    throw new ConfigError(`POSTHOG_HOST is set but empty: set it to your PostHog (e.g. https://eu.posthog.com), or unset it for ${DEFAULT_HOST}`);
  }
  const url = parseHost(host);
  if (url.hostname === 'localhost') url.hostname = '127.0.0.1';
  return url.origin;
}
