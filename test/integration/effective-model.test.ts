// The effective-access model (src/access/effective.ts) against what the emulator enforces, on
// generated organizations in both resolution modes: for every member, project and resource type,
// the model's level must be the level the emulator's effective-access endpoint reports, and a
// member's project list (what the emulator lets them open) must be the projects the model gives
// them above `none`, and the resource kinds it lets them list (feature flags, dashboards, insights:
// 403 below viewer) must be those the model gives them above `none`. Any difference fails, naming
// person, project and resource.
import { describe, expect, it } from 'vitest';
import { generateOrganization, type OrgSize } from '../../bench/generate.ts';
import { projectAccess, resourceAccess } from '../../src/access/effective.ts';
import { compareProject, type EffectiveMembersResponse } from '../../src/access/verify.ts';
import { viewOfActual } from '../../src/access/view.ts';
import { SAMPLE_FEATURES } from '../../src/emulator/sample.ts';
import { createApiFromEnv } from '../../src/posthog/api.ts';
import { fetchActual } from '../../src/state/fetch.ts';
import { api, control, emulator } from './harness.ts';

const SEEDS = [11, 12, 13, 14, 15];

/** Some seeds take features away: without role_based_access team rules do not count, without access_control no rule does. */
function featuresOf(seed: number): string[] {
  const all = SAMPLE_FEATURES.map((f) => f.key);
  if (seed % 5 === 3) return all.filter((f) => f !== 'role_based_access');
  if (seed % 5 === 4) return all.filter((f) => f !== 'access_control');
  return all;
}

describe('the effective-access model agrees with the emulator\'s enforcement', () => {
  it.for(SEEDS.flatMap((seed) => [[seed, false], [seed, true]] as const))('seed %i, most specific %s', async ([seed, mostSpecific]) => {
    // Many rules on few projects: members, teams and defaults collide on the same scopes.
    const size: OrgSize = { members: 30, projects: 3, teams: 4, rulesPerProject: 45, seed };
    const state = generateOrganization(size);
    const features = featuresOf(seed);
    state.organizations = state.organizations!.map((o) => ({
      ...o, uses_most_specific_access_resolution: mostSpecific,
      available_product_features: features.map((key) => ({ key, name: key })),
    }));
    const emu = await emulator({ state, rateLimit: false });
    const client = createApiFromEnv({ key: emu.key, host: emu.url, rateLimit: 'off' });
    try {
      const actual = await fetchActual(client, { organization: emu.organization, projects: [], secretKeys: [], domains: false, allProjects: true, allSecretKeys: false });
      const view = viewOfActual(actual);
      expect(view.mode).toBe(mostSpecific ? 'most_specific' : 'legacy');

      let compared = 0;
      const differences = [];
      for (const project of Object.values(actual.projects)) {
        const answer = (await api(emu, 'GET', `/api/projects/${project.id}/access_control_members/`)).json as EffectiveMembersResponse;
        // Every resource kind PostHog resolves, not only those with rules: a wrong built-in level shows too.
        expect(Object.keys(answer.results[0]!.resources).length).toBeGreaterThan(30);
        const result = compareProject(view, project.name, answer);
        compared += result.compared;
        differences.push(...result.differences);
      }
      expect(differences).toEqual([]);
      expect(compared).toBe(size.members * size.projects * (1 + 34));

      // What members can open: each one's own key lists the projects the emulator lets them reach.
      const members = Object.values(actual.members).filter((m) => m.level < 8).slice(0, 8);
      for (const member of members) {
        const key = (await control(emu, 'POST', '/_emulator/keys', { email: member.email, scopes: ['project:read', 'feature_flag:read', 'dashboard:read', 'insight:read'] })).json.value as string;
        const listed = (await api(emu, 'GET', `/api/organizations/${emu.organization}/projects/`, undefined, key)).json.results.map((p: { name: string }) => p.name).sort();
        const model = Object.keys(view.projects).filter((p) => projectAccess(view, member.email, p).level !== 'none').sort();
        expect({ email: member.email, projects: listed }).toEqual({ email: member.email, projects: model });
        for (const project of Object.values(actual.projects).filter((p) => listed.includes(p.name))) {
          for (const [kind, path] of [['feature_flag', 'feature_flags'], ['dashboard', 'dashboards'], ['insight', 'insights']] as const) {
            const status = (await api(emu, 'GET', `/api/projects/${project.id}/${path}/`, undefined, key)).status;
            const level = resourceAccess(view, member.email, project.name, kind).level;
            expect({ email: member.email, project: project.name, kind, listable: status === 200 }).toEqual({ email: member.email, project: project.name, kind, listable: level !== 'none' });
          }
        }
      }
    } finally {
      await client.close();
      await emu.close();
    }
  });
});
