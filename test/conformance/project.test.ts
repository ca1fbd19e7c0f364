// posthog/api/test/test_project.py (PostHog/posthog, copy at commit 10cbdf3a, the only one indexed)
// and the cases of posthog/api/test/test_team.py it inherits (team_api_test_factory, newest copy
// read; /api/environments/ is rewritten to /api/projects/ by TestProjectAPI's client, and setUp makes
// self.user an organization admin). Left out: project settings PATCH/DELETE, group types, activity
// of settings changes (not emulated) and demo projects (the snapshot has no is_demo).
// Not found in any copy read: tests of unique project names (409 on create and rename).
import { describe, expect } from 'vitest';
import { ADMIN, OWNER, World, conformance, notFound } from './world.ts';

const project = conformance('posthog/api/test/test_project.py');
const team = conformance('posthog/api/test/test_team.py');

const LIMIT_DETAIL =
  'You have reached the maximum limit of allowed projects for your current plan. Upgrade your plan to be able to create and manage more projects.';

async function world(features?: { key: string; limit?: number | null }[]): Promise<World> {
  const w = await World.create({ level: ADMIN });
  if (features) {
    await w.mutate((s) => {
      s.organizations[0].available_product_features = features.map((f) => ({ name: f.key, ...f }));
    });
  }
  return w;
}

describe('projects', () => {
  team('test_list_teams', async () => {
    const w = await world();
    const r = await w.client.get('/api/projects/');
    expect(r.status).toBe(200);
    expect(r.body.results).toHaveLength(1);
    const item = r.body.results[0];
    expect(item.name).toBe('Default project');
    for (const field of ['test_account_filters', 'data_attributes', 'event_names', 'event_properties', 'event_properties_numerical']) {
      expect(item).not.toHaveProperty(field);
    }
  });

  team('test_retrieve_team', async () => {
    const w = await world();
    const r = await w.client.get('/api/projects/@current/');
    expect(r.status).toBe(200);
    expect(r.body.name).toBe('Default project');
    expect(r.body.timezone).toBe('UTC');
    expect(r.body.is_demo).toBe(false);
    expect(r.body.has_group_types).toBe(false);
    for (const field of ['event_names', 'event_properties', 'event_properties_numerical', 'event_names_with_usage', 'event_properties_with_usage']) {
      expect(r.body).not.toHaveProperty(field);
    }
  });

  team('test_cant_retrieve_team_from_another_org', async () => {
    const w = await world();
    const org = await w.addOrganization('New Org');
    const other = await w.addProject('Default project', org);
    const r = await w.client.get(`/api/projects/${other}/`);
    expect(r.status).toBe(404);
    expect(r.body).toEqual(notFound());
  });

  project('test_projects_outside_personal_api_key_scoped_organizations_not_listed', async () => {
    const w = await world();
    const other = await w.addOrganization('Other');
    await w.addUser(w.email, { org: other, level: OWNER });
    const otherTeam = await w.addProject('Default project', other);
    const key = await w.keyFor(w.email, ['*'], { scoped_organizations: [other] });
    const r = await key.get('/api/projects/');
    expect(r.status).toBe(200);
    expect(new Set(r.body.results.map((p: any) => p.id))).toEqual(new Set([otherTeam]));
  });

  project('test_project_creation_without_feature', async () => {
    const w = await world([]);
    const r = await w.client.post('/api/projects/', { name: 'New Project' });
    expect(r.status).toBe(403);
    expect(r.body.detail).toBe(LIMIT_DETAIL);
  });

  project('test_project_creation_with_limited_feature', async () => {
    const w = await world([{ key: 'organizations_projects', limit: 2 }]);
    let r = await w.client.post('/api/projects/', { name: 'Second Project' });
    expect(r.status).toBe(201);
    r = await w.client.post('/api/projects/', { name: 'Third Project' });
    expect(r.status).toBe(403);
    expect(r.body.detail).toBe(LIMIT_DETAIL);
  });

  project('test_project_creation_with_unlimited_feature', async () => {
    const w = await world([{ key: 'organizations_projects', limit: null }]);
    for (let i = 0; i < 5; i++) {
      const r = await w.client.post('/api/projects/', { name: `Project ${i}` });
      expect(r.status).toBe(201);
    }
  });

  project('test_hard_limit_projects', async () => {
    const w = await world([{ key: 'organizations_projects', limit: null }]);
    // PostHog mocks the count; here the organization really has 1,500 projects
    await w.mutate((s) => {
      for (let id = 2; id <= 1500; id++) s.projects.push({ ...s.projects[0], id, uuid: crypto.randomUUID(), name: `Project ${id}` });
    });
    const r = await w.client.post('/api/projects/', { name: 'Project 1001' });
    expect(r.status).toBe(403);
    expect(r.body.detail).toBe(
      "You have reached the maximum limit of 1500 projects per organization. Contact support if you'd like access to more projects.",
    );
  });

  project('test_update_project_allowed_regardless_of_limits', async () => {
    const w = await world([{ key: 'organizations_projects', limit: 1 }]);
    const r = await w.client.patch(`/api/projects/${w.project}/`, { name: 'Updated Name' });
    expect(r.status).toBe(200);
    expect(r.body.name).toBe('Updated Name');
  });
});
