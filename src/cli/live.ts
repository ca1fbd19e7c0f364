// Reading an organization for the commands that show access (export, explain, who-can): the live
// organization named by the environment (POSTHOG_HOST, POSTHOG_PERSONAL_API_KEY, POSTHOG_ORG_ID),
// every project's rules, and for export its secret keys and domains. Read-only.
import type { ActualState } from '../model/actual.ts';
import { fetchActual } from '../state/fetch.ts';
import { connect, type Session } from './pipeline.ts';
import { count } from '../util/english.ts';

/** `organization`: a matrix's organization id ("@current" for the key's); default POSTHOG_ORG_ID. */
export async function readLive(session: Session, options: { domains?: boolean; secretKeys?: boolean; organization?: string } = {}): Promise<ActualState> {
  const api = connect(session);
  try {
    const organization = options.organization ?? (session.env.POSTHOG_ORG_ID?.trim() || '@current');
    const actual = await fetchActual(api, { organization, projects: [], secretKeys: [], domains: options.domains ?? false, allProjects: true, allSecretKeys: options.secretKeys ?? false });
    session.logger.info({ stage: 'fetch', calls: api.requestCount }, `read ${actual.organization.name} in ${count(api.requestCount, 'call')}`);
    return actual;
  } finally {
    await api.close();
  }
}
