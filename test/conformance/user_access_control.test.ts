// products/access_control/backend/tests/test_user_access_control.py (PostHog/posthog, copy at commit
// 5692d7af; 28 versions are indexed), the project-level cases of TestUserAccessControl: how the
// enforced (legacy) walk resolves a project for a user. PostHog calls its resolver directly; here
// the answer is read the way a user sees it: whether GET /api/projects/ lists the project, and the
// project's `user_access_level` and `user_can_edit_access_levels` in GET …/access_controls/.
// Object-level, file-system and serializer cases need PostHog's objects and are left out.
import { describe, expect } from 'vitest';
import { ADMIN, MEMBER, World, conformance } from './world.ts';
import type { Client } from './world.ts';

const test = conformance('products/access_control/backend/tests/test_user_access_control.py');
const C = 'TestUserAccessControl';

/** BaseUserAccessControlTest: as in resolution.test.ts, with a client for each of the three users. */
async function base(features = ['access_control', 'role_based_access']) {
  const w = await World.create({ level: MEMBER, features });
  const roleA = await w.addRole('Engineers');
  const roleB = await w.addRole('Administrators');
  await w.addRoleMember(roleA, w.email);
  await w.addUser('other@posthog.com');
  await w.addRoleMember(roleB, 'other@posthog.com');
  await w.addUser('norole@posthog.com');
  const me = (await w.membership(w.email))!.id as string;
  return { w, roleA, roleB, me, user: w.client, other: await w.login('other@posthog.com'), norole: await w.login('norole@posthog.com') };
}

/** The user's level on a project: "none" when it is not listed, else its user_access_level. */
async function level(c: Client, project: number): Promise<string> {
  const listed = (await c.get('/api/projects/')).body.results.map((p: any) => p.id);
  if (!listed.includes(project)) return 'none';
  const r = await c.get(`/api/projects/${project}/access_controls/`);
  expect(r.status).toBe(200);
  return r.body.user_access_level;
}
const canEdit = async (c: Client, project: number) => (await c.get(`/api/projects/${project}/access_controls/`)).body.user_can_edit_access_levels;
const atLeast = (got: string, want: 'member' | 'admin') => ['none', 'member', 'admin'].indexOf(got) >= ['none', 'member', 'admin'].indexOf(want);

describe('user access control: projects', () => {
  ([['denial', 'none', 'member', 'member'], ['grant', 'admin', 'none', 'none']] as const).forEach(([name, ruleLevel, defaultLevel, expected], i) => {
    test(`${C}::test_role_rule_from_another_organization_is_ignored_${i}_${name}`, async () => {
      const { w, user } = await base();
      await w.addRule({ access_level: defaultLevel });
      const other = await w.addOrganization('Other organization');
      await w.addUser(w.email, { org: other, level: MEMBER });
      const foreignRole = await w.addRole('Foreign role', other);
      await w.addRoleMember(foreignRole, w.email);
      await w.addRule({ access_level: ruleLevel, role: foreignRole });
      expect(await level(user, w.project)).toBe(expected);
    });

    test(`${C}::test_member_rule_from_another_organization_is_ignored_${i}_${name}`, async () => {
      const { w, user } = await base();
      await w.addRule({ access_level: defaultLevel });
      const other = await w.addOrganization('Other organization');
      const { membership } = await w.addUser(w.email, { org: other, level: MEMBER });
      await w.addRule({ access_level: ruleLevel, organization_member: membership });
      expect(await level(user, w.project)).toBe(expected);
    });
  });

  test(`${C}::test_without_available_product_features`, async () => {
    const { w, user, other } = await base([]);
    await w.setLevel(ADMIN);
    expect(await level(user, w.project)).toBe('admin');
    expect(await level(other, w.project)).toBe('admin');
    expect(await canEdit(user, w.project)).toBe(true);
    expect(await canEdit(other, w.project)).toBe(false);
  });

  test(`${C}::test_ac_object_default_response`, async () => {
    const { w, user, other } = await base();
    await w.setLevel(ADMIN);
    expect(await level(user, w.project)).toBe('admin');
    expect(await level(other, w.project)).toBe('admin');
    expect(await canEdit(user, w.project)).toBe(true);
    expect(await canEdit(other, w.project)).toBe(false);
  });

  test(`${C}::test_ac_object_user_access_control`, async () => {
    const { w, me, user, other } = await base();
    await w.addRule({ access_level: 'member' });
    await w.addRule({ access_level: 'admin', organization_member: me });
    expect(await level(user, w.project)).toBe('admin');
    expect(atLeast(await level(other, w.project), 'admin')).toBe(false);
    await w.mutate((s) => {
      s.access_controls.find((r: any) => r.organization_member === me).access_level = 'member';
    });
    expect(atLeast(await level(user, w.project), 'admin')).toBe(false);
    expect(atLeast(await level(user, w.project), 'member')).toBe(true);
    // the default
    expect(atLeast(await level(other, w.project), 'member')).toBe(true);
  });

  test(`${C}::test_project_default_survives_a_resource_level_project_rule`, async () => {
    const { w, user } = await base();
    await w.addRule({ access_level: 'member' });
    await w.addRule({ resource_id: null, access_level: 'none' });
    expect(await level(user, w.project)).toBe('member');
  });

  test(`${C}::test_ac_object_project_access_control`, async () => {
    const { w, user, other } = await base();
    await w.addRule({ access_level: 'none' });
    const setDefault = (lvl: string) => w.mutate((s) => {
      s.access_controls.find((r: any) => r.resource === 'project' && !r.organization_member && !r.role).access_level = lvl;
    });
    expect(await level(user, w.project)).toBe('none');
    expect(atLeast(await level(other, w.project), 'admin')).toBe(false);
    await setDefault('member');
    expect(atLeast(await level(user, w.project), 'admin')).toBe(false);
    expect(atLeast(await level(user, w.project), 'member')).toBe(true);
    expect(atLeast(await level(other, w.project), 'admin')).toBe(false);
    expect(atLeast(await level(other, w.project), 'member')).toBe(true);
    await setDefault('admin');
    expect(atLeast(await level(user, w.project), 'admin')).toBe(true);
    expect(atLeast(await level(other, w.project), 'admin')).toBe(true);
  });

  test(`${C}::test_ac_object_role_access_control`, async () => {
    const { w, roleA, user, other, norole } = await base();
    await w.addRule({ access_level: 'member' });
    await w.addRule({ access_level: 'admin', role: roleA });
    expect(await level(user, w.project)).toBe('admin');
    expect(atLeast(await level(other, w.project), 'admin')).toBe(false);
    expect(atLeast(await level(norole, w.project), 'admin')).toBe(false);
    await w.mutate((s) => {
      s.access_controls.find((r: any) => r.role === roleA).access_level = 'member';
      // make the default none
      s.access_controls.find((r: any) => r.resource === 'project' && !r.organization_member && !r.role).access_level = 'none';
    });
    expect(atLeast(await level(user, w.project), 'admin')).toBe(false);
    expect(atLeast(await level(user, w.project), 'member')).toBe(true);
    expect(atLeast(await level(other, w.project), 'admin')).toBe(false);
    expect(atLeast(await level(other, w.project), 'member')).toBe(false);
    expect(atLeast(await level(norole, w.project), 'admin')).toBe(false);
  });

  test(`${C}::test_ac_object_mixed_access_controls`, async () => {
    const { w, roleA, roleB, me, user } = await base();
    await w.addRule({ access_level: 'none' });
    await w.addRule({ access_level: 'member', organization_member: me });
    await w.addRule({ access_level: 'admin', role: roleA });
    await w.addRule({ access_level: 'member', role: roleB });
    await w.addRoleMember(roleB, w.email);
    // an unrelated rule of the user's
    await w.addRule({ resource_id: 'something else', access_level: 'admin', organization_member: me });
    // the highest of the matching rules
    expect(await level(user, w.project)).toBe('admin');
  });

  test(`${C}::test_org_admin_always_has_access`, async () => {
    const { w, user, other } = await base();
    await w.addRule({ access_level: 'none' });
    expect(atLeast(await level(other, w.project), 'member')).toBe(false);
    expect(atLeast(await level(other, w.project), 'admin')).toBe(false);
    await w.setLevel(ADMIN);
    expect(atLeast(await level(user, w.project), 'member')).toBe(true);
    expect(atLeast(await level(user, w.project), 'admin')).toBe(true);
  });

  test(`${C}::test_filters_project_queryset_based_on_acs`, async () => {
    const { w, me, user, other } = await base();
    const team2 = await w.addProject('Team 2');
    const team3 = await w.addProject('Team 3');
    await w.addRule({ team: team2, access_level: 'none' });
    await w.addRule({ team: team3, access_level: 'none' });
    await w.addRule({ team: team3, access_level: 'member', organization_member: me });
    const ids = async (c: Client) => (await c.get('/api/projects/')).body.results.map((p: any) => p.id).sort((a: number, b: number) => a - b);
    expect(await ids(user)).toEqual([w.project, team3]);
    expect(await ids(other)).toEqual([w.project]);
  });

  test(`${C}::test_filters_project_queryset_based_on_acs_always_allows_org_admin`, async () => {
    const { w, user } = await base();
    const team2 = await w.addProject('Team 2');
    const team3 = await w.addProject('Team 3');
    await w.addRule({ team: team2, access_level: 'none' });
    await w.addRule({ team: team3, access_level: 'none' });
    await w.setLevel(ADMIN);
    const ids = (await user.get('/api/projects/')).body.results.map((p: any) => p.id).sort((a: number, b: number) => a - b);
    expect(ids).toEqual([w.project, team2, team3]);
  });
});
