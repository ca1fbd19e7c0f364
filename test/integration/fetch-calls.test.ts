// The fetcher reads an organization with the fewest calls the API allows, however many members
// and rules it has: @me, the key, the organization, one paged list each of members, invites, roles
// and projects, and two reads per project the matrix names.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateOrganization, projectName } from '../../bench/generate.ts';
import { createApiFromEnv } from '../../src/posthog/api.ts';
import { LIST_PAGE_SIZE } from '../../src/posthog/api.ts';
import { fetchActual } from '../../src/state/fetch.ts';
import { emulator, type Emulator } from './harness.ts';

const MEMBERS = 2_500;
const PROJECTS = 40;
const NAMED = 12;
let emu: Emulator;

beforeAll(async () => {
  emu = await emulator({ state: generateOrganization({ members: MEMBERS, projects: PROJECTS, teams: 15, rulesPerProject: 40, seed: 42 }), rateLimit: false });
});
afterAll(async () => { await emu.close(); });

describe('fetch call count', () => {
  it('reads a large organization in the minimum number of calls', async () => {
    const api = createApiFromEnv({ key: emu.key, host: emu.url });
    try {
      emu.requests.length = 0;
      const named = Array.from({ length: NAMED }, (_, i) => projectName(i));
      const actual = await fetchActual(api, { organization: '@current', projects: named, secretKeys: [], domains: false });

      const memberPages = Math.ceil(MEMBERS / LIST_PAGE_SIZE);
      const minimum = 3 /* @me, key, organization */ + memberPages + 1 /* invites */ + 1 /* roles */ + 1 /* projects */ + 2 * NAMED;
      expect(api.requestCount).toBe(minimum);
      expect(emu.requests.filter((r) => r.path.startsWith('/api/'))).toHaveLength(minimum);

      expect(Object.keys(actual.members)).toHaveLength(MEMBERS);
      expect(Object.keys(actual.projects)).toHaveLength(PROJECTS);
      expect(Object.values(actual.projects).filter((p) => p.rulesLoaded)).toHaveLength(NAMED);
      // Role memberships come embedded in the role list: no call per role.
      expect(emu.requests.some((r) => r.path.includes('role_memberships'))).toBe(false);
    } finally {
      await api.close();
    }
  });
});
