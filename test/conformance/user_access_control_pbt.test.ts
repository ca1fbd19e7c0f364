// products/access_control/backend/tests/test_user_access_control_pbt.py (PostHog/posthog, copy at
// commit 2cb28741; 17 versions are indexed): the property test of the enforced (legacy) project
// walk, TestUserAccessControlProperties::test_effective_membership_level_matches_oracle, with
// PostHog's own oracle (oracle_project_membership_level) restated below. PostHog draws its
// configurations with hypothesis (100 examples); here a fixed, seeded sample of the same space is
// drawn (rows for seven targets × levels × membership level × role-based access), plus the
// shadowing cases the oracle's comment names, and the answer is read as the user sees it: whether
// GET /api/projects/ lists the project, and its user_access_level.
import { describe, expect } from 'vitest';
import { randomUUID } from 'node:crypto';
import { ADMIN, MEMBER, OWNER, World, conformance } from './world.ts';
import type { Level } from './world.ts';

const test = conformance('products/access_control/backend/tests/test_user_access_control_pbt.py');

const PROJECT_LEVELS = ['none', 'member', 'admin'] as const;
type ProjectLevel = (typeof PROJECT_LEVELS)[number];
/** Who a project rule names, relative to the user (who holds role_a here and role_other_org in another organization). */
const TARGETS = ['team_default', 'self_member', 'other_member', 'role_a', 'role_b', 'role_other_org', 'member_other_org'] as const;
type Target = (typeof TARGETS)[number];
type Rows = Partial<Record<Target, ProjectLevel>>;

/** PostHog's oracle_project_membership_level, as the level the user reaches the project with. */
function oracle(rows: Rows, level: Level, roleBasedAccess: boolean): ProjectLevel {
  if (level >= ADMIN) return 'admin';
  const visible: Target[] = ['team_default', 'self_member', ...(roleBasedAccess ? ['role_a' as const] : [])];
  const explicit = visible.filter((t) => t !== 'team_default' && rows[t] !== undefined).map((t) => rows[t]!);
  const max = (levels: ProjectLevel[]) => levels.reduce((a, b) => (PROJECT_LEVELS.indexOf(b) > PROJECT_LEVELS.indexOf(a) ? b : a));
  if (explicit.length) return max(explicit);
  if (rows.team_default !== undefined) return rows.team_default;
  return 'admin';
}

/** A small deterministic PRNG (mulberry32), so the sample is the same on every run. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Example { rows: Rows; level: Level; roleBasedAccess: boolean }

function sample(count: number): Example[] {
  const next = prng(20261130);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
  // the oracle's own comment: a specific "none" beats a team default "admin"; an all-"none" set of
  // the user's rules denies instead of falling through; a stale role rule neither grants nor denies
  const named: Example[] = [
    { rows: { self_member: 'none', team_default: 'admin' }, level: MEMBER, roleBasedAccess: true },
    { rows: { self_member: 'none', role_a: 'none', team_default: 'member' }, level: MEMBER, roleBasedAccess: true },
    { rows: { self_member: 'member', team_default: 'admin' }, level: MEMBER, roleBasedAccess: true },
    { rows: { role_a: 'none', team_default: 'admin' }, level: MEMBER, roleBasedAccess: false },
    { rows: { role_a: 'admin', team_default: 'none' }, level: MEMBER, roleBasedAccess: false },
    { rows: { self_member: 'none', role_a: 'admin' }, level: MEMBER, roleBasedAccess: true },
  ];
  const drawn: Example[] = [];
  for (let i = 0; i < count; i++) {
    const rows: Rows = {};
    // each target present with probability one half, as PostHog's optional fixed_dictionaries
    for (const t of TARGETS) if (next() < 0.5) rows[t] = pick(PROJECT_LEVELS);
    // plain members are the only level where rows matter, so bias toward them (as PostHog does)
    drawn.push({ rows, level: next() < 0.5 ? MEMBER : pick([MEMBER, ADMIN, OWNER] as const), roleBasedAccess: next() < 0.5 });
  }
  return [...named, ...drawn];
}

describe('user access control: properties', () => {
  test('TestUserAccessControlProperties::test_effective_membership_level_matches_oracle', async () => {
    const w = await World.create({ level: MEMBER, features: ['access_control', 'role_based_access'] });
    const roleA = await w.addRole('PBT Role A');
    const roleB = await w.addRole('PBT Role B');
    await w.addRoleMember(roleA, w.email);
    await w.addUser('other-pbt@posthog.com');
    await w.addRoleMember(roleB, 'other-pbt@posthog.com');
    const otherOrg = await w.addOrganization('PBT other organization');
    const foreign = await w.addUser(w.email, { org: otherOrg });
    const roleOtherOrg = await w.addRole('PBT foreign role', otherOrg);
    await w.addRoleMember(roleOtherOrg, w.email);
    const me = (await w.membership(w.email))!.id as string;
    const other = (await w.membership('other-pbt@posthog.com'))!.id as string;
    const subject: Record<Target, { organization_member: string | null; role: string | null }> = {
      team_default: { organization_member: null, role: null },
      self_member: { organization_member: me, role: null },
      other_member: { organization_member: other, role: null },
      role_a: { organization_member: null, role: roleA },
      role_b: { organization_member: null, role: roleB },
      role_other_org: { organization_member: null, role: roleOtherOrg },
      member_other_org: { organization_member: foreign.membership, role: null },
    };

    const failures: string[] = [];
    for (const ex of sample(60)) {
      await w.mutate((s) => {
        s.memberships.find((m: any) => m.id === me).level = ex.level;
        s.organizations.find((o: any) => o.id === w.org).available_product_features =
          ['access_control', ...(ex.roleBasedAccess ? ['role_based_access'] : [])].map((k) => ({ key: k, name: k }));
        s.access_controls = s.access_controls.filter((r: any) => r.team_id !== w.project);
        for (const [target, level] of Object.entries(ex.rows) as [Target, ProjectLevel][]) {
          s.access_controls.push({
            id: randomUUID(), team_id: w.project, resource: 'project', resource_id: String(w.project), access_level: level,
            ...subject[target], created_by_uuid: null, created_at: new Date().toISOString(), updated_at: new Date().toISOString(),
          });
        }
      });
      const listed = (await w.client.get('/api/projects/')).body.results.some((p: any) => p.id === w.project);
      const got = listed ? (await w.client.get(`/api/projects/${w.project}/access_controls/`)).body.user_access_level : 'none';
      const want = oracle(ex.rows, ex.level, ex.roleBasedAccess);
      if (got !== want) failures.push(`${JSON.stringify(ex)}: got ${got}, oracle ${want}`);
    }
    expect(failures).toEqual([]);
  });
});
