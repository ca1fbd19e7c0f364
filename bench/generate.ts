// Seeded generators of emulator organizations and of access matrices that differ from them in
// random ways: for property-style integration tests and benchmarks of large organizations.
import { createHash } from 'node:crypto';
import { stringify } from 'yaml';
import type { SnapshotInput } from '../src/emulator/snapshot.ts';
import { SAMPLE_FEATURES } from '../src/emulator/sample.ts';
import { mulberry32 } from '../src/emulator/faults.ts';

export interface OrgSize {
  members: number;
  projects: number;
  teams: number;
  /** Access rules per project (project and resource rules, for members and teams). */
  rulesPerProject: number;
  seed: number;
}

export const random = mulberry32;

/** Deterministic UUID-shaped ids, so a seed gives the same organization every time. */
function ids(seed: number) {
  let n = 0;
  return () => {
    const h = createHash('sha1').update(`${seed}:${n++}`).digest('hex');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
  };
}

const PROJECT_LEVELS = ['none', 'member', 'admin'] as const;
const RESOURCE_LEVELS = ['none', 'viewer', 'editor', 'manager'] as const;
const RESOURCES = ['feature_flag', 'insight', 'dashboard', 'session_recording', 'notebook'] as const;
const T0 = '2026-01-01T00:00:00.000Z';

export const emailOf = (i: number) => `person${i}@example.com`;
export const projectName = (i: number) => `Project ${i}`;
export const teamNameOf = (i: number) => `Team ${i}`;

export function generateOrganization(size: OrgSize): SnapshotInput {
  const rnd = random(size.seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)] as T;
  const id = ids(size.seed);
  const orgId = id();
  const users = [];
  const memberships = [];
  for (let i = 0; i < size.members; i++) {
    const uuid = id();
    users.push({ id: i + 1, uuid, email: emailOf(i), distinct_id: `d${i}`, date_joined: T0, is_2fa_enabled: rnd() < 0.7, current_organization_id: orgId });
    // person0 is the only owner: the emulator hands out its key.
    const level = i === 0 ? 15 : rnd() < 0.08 ? 8 : 1;
    memberships.push({ id: id(), organization_id: orgId, user_uuid: uuid, level: level as 1 | 8 | 15, joined_at: T0, updated_at: T0 });
  }
  const roles = Array.from({ length: size.teams }, (_, i) => ({ id: id(), organization_id: orgId, name: teamNameOf(i), created_at: T0 }));
  const role_memberships = [];
  for (const role of roles) {
    const n = Math.min(size.members, 5 + Math.floor(rnd() * 20));
    const chosen = new Set<number>();
    for (let k = 0; k < n; k++) chosen.add(1 + Math.floor(rnd() * (size.members - 1))); // not the owner
    for (const m of chosen) role_memberships.push({ id: id(), role_id: role.id, membership_id: memberships[m]!.id, joined_at: T0, updated_at: T0 });
  }
  const projects = Array.from({ length: size.projects }, (_, i) => ({
    id: i + 1, uuid: id(), organization_id: orgId, name: projectName(i), api_token: `phc_generated_${i}`, created_at: T0, updated_at: T0,
  }));
  const others = memberships.slice(1); // the owner (the key's user, protected) has no rules
  const access_controls = [];
  for (const p of projects) {
    const seen = new Set<string>();
    for (let r = 0; r < size.rulesPerProject; r++) {
      const resource = rnd() < 0.4 ? 'project' : pick(RESOURCES);
      const subject = rnd() < 0.3 && roles.length ? { role: pick(roles).id } : rnd() < 0.1 ? {} : { organization_member: pick(others).id };
      const identity = `${resource}:${JSON.stringify(subject)}`;
      if (seen.has(identity)) continue;
      seen.add(identity);
      const levels = resource === 'project' ? PROJECT_LEVELS : RESOURCE_LEVELS;
      access_controls.push({
        id: id(), team_id: p.id, resource, resource_id: resource === 'project' ? String(p.id) : null,
        access_level: pick(levels), created_at: T0, updated_at: T0, ...subject,
      });
    }
  }
  return {
    version: 1,
    organizations: [{
      id: orgId, name: `Generated ${size.seed}`, slug: `generated-${size.seed}`, created_at: T0, updated_at: T0,
      available_product_features: SAMPLE_FEATURES.map((f) => ({ ...f })),
    }],
    users, memberships, roles, role_memberships, projects, access_controls,
  };
}

/**
 * A matrix for a generated organization that keeps its owner and changes the rest at random:
 * levels, departures, newcomers (invited, with project grants), team memberships, new teams and
 * projects, rules with expiry, and prune flags.
 */
export function generateMatrix(size: OrgSize, seed: number): string {
  const rnd = random(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)] as T;
  const members: Record<string, unknown> = { [emailOf(0)]: 'owner' };
  for (let i = 1; i < size.members; i++) {
    if (rnd() < 0.1) continue; // leaves
    const level = rnd() < 0.8 ? 'member' : 'admin';
    members[emailOf(i)] = rnd() < 0.1 ? { level: 'admin', expires: rnd() < 0.5 ? '2026-01-31' : '2099-12-31', then: 'member' } : level;
  }
  const newcomers = Math.max(1, Math.floor(size.members * 0.05));
  for (let i = 0; i < newcomers; i++) members[`new${seed}-${i}@example.com`] = 'member';
  const emails = Object.keys(members).slice(1); // the protected owner's access is left as it is
  const teams: Record<string, { members: unknown[] }> = {};
  const teamCount = size.teams + 1; // one new team
  for (let t = 0; t < teamCount; t++) {
    const chosen = new Set<string>();
    const n = Math.min(emails.length, 3 + Math.floor(rnd() * 10));
    for (let k = 0; k < n; k++) chosen.add(pick(emails));
    teams[t % 3 === 2 ? teamNameOf(t).toUpperCase() : teamNameOf(t)] = { members: [...chosen].map((e) => (rnd() < 0.1 ? { email: e, expires: '2026-02-01' } : e)) };
  }
  const teamNames = Object.keys(teams);
  const grant = <L extends string>(levels: readonly L[]) => (rnd() < 0.15 ? { level: levels[levels.length - 1], expires: '2026-03-01', then: levels[0] } : pick(levels));
  const projects: Record<string, unknown> = {};
  const projectCount = size.projects + 1; // one new project
  for (let p = 0; p < projectCount; p++) {
    const rules = (levels: readonly string[]) => {
      const teamsOf: Record<string, unknown> = {};
      const membersOf: Record<string, unknown> = {};
      for (let k = 0; k < Math.max(1, size.rulesPerProject / 4); k++) {
        if (rnd() < 0.5) teamsOf[pick(teamNames)] = grant(levels);
        else membersOf[pick(emails)] = grant(levels);
      }
      return { teams: teamsOf, members: membersOf };
    };
    const resources: Record<string, unknown> = {};
    for (const resource of RESOURCES) if (rnd() < 0.5) resources[resource] = { default: pick(RESOURCE_LEVELS), ...rules(RESOURCE_LEVELS) };
    projects[projectName(p)] = { access: pick(PROJECT_LEVELS), ...rules(PROJECT_LEVELS), resources };
  }
  return stringify({
    version: 1,
    organization: { id: '@current' },
    members, teams, projects,
    prune: { members: rnd() < 0.7, invites: rnd() < 0.7, teams: rnd() < 0.7, project_access: rnd() < 0.7 },
    safety: { max_deletes: 1_000_000, protected: [emailOf(0)] },
  });
}

type Grant = string;
interface RuleSet { default?: Grant; teams: Record<string, Grant>; members: Record<string, Grant> }
export interface MatrixObject {
  version: 1;
  organization: { id: string };
  members: Record<string, unknown>;
  teams: Record<string, { members: string[] }>;
  projects: Record<string, { access?: Grant; teams: Record<string, Grant>; members: Record<string, Grant>; resources: Record<string, RuleSet> }>;
  prune: Record<string, boolean>;
  safety: { max_deletes: number; protected: string[] };
}

const ORG_LEVEL_NAME: Record<number, string> = { 1: 'member', 8: 'admin', 15: 'owner' };

/**
 * The matrix an organization already meets: planning it against that organization changes
 * nothing (the no-change case of the benchmark). Everything is managed and pruned.
 */
export function matrixOf(org: SnapshotInput): MatrixObject {
  const emailByUser = new Map(org.users!.map((u) => [u.uuid, u.email.toLowerCase()]));
  const emailByMembership = new Map(org.memberships!.map((m) => [m.id, emailByUser.get(m.user_uuid)!]));
  const roleName = new Map(org.roles!.map((r) => [r.id, r.name]));
  const members: Record<string, unknown> = {};
  for (const m of org.memberships!) members[emailByUser.get(m.user_uuid)!] = ORG_LEVEL_NAME[m.level];
  const teams: MatrixObject['teams'] = {};
  for (const r of org.roles!) teams[r.name] = { members: [] };
  for (const rm of org.role_memberships!) teams[roleName.get(rm.role_id)!]!.members.push(emailByMembership.get(rm.membership_id)!);
  const projects: MatrixObject['projects'] = {};
  const projectById = new Map(org.projects!.map((p) => [p.id, p.name]));
  for (const p of org.projects!) projects[p.name] = { teams: {}, members: {}, resources: {} };
  for (const rule of org.access_controls!) {
    const project = projects[projectById.get(rule.team_id)!]!;
    const set: RuleSet = rule.resource === 'project'
      ? (project as unknown as RuleSet)
      : (project.resources[rule.resource] ??= { teams: {}, members: {} });
    const level = rule.access_level as string;
    if (rule.organization_member) set.members[emailByMembership.get(rule.organization_member)!] = level;
    else if (rule.role) set.teams[roleName.get(rule.role)!] = level;
    else if (rule.resource === 'project') project.access = level;
    else set.default = level;
  }
  const owner = org.memberships!.find((m) => m.level === 15)!;
  return {
    version: 1,
    organization: { id: '@current' },
    members, teams, projects,
    prune: { members: true, invites: true, teams: true, project_access: true },
    safety: { max_deletes: 1_000_000, protected: [emailByUser.get(owner.user_uuid)!] },
  };
}

/**
 * A copy of `base` with a realistic share of it changed, as a day's or a week's pull request
 * would: levels raised and lowered, some people leaving (with their grants), newcomers invited
 * with project access, team memberships moved, rules changed, added and removed, one new team and
 * one new project. `share` is the fraction of people and rules touched (0.05 = 5 %).
 */
export function changeShare(base: MatrixObject, share: number, seed: number): MatrixObject {
  const m: MatrixObject = structuredClone(base);
  const rnd = random(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)] as T;
  const keep = new Set(m.safety.protected);
  const leaving = new Set<string>();
  for (const email of Object.keys(m.members)) {
    if (keep.has(email)) continue;
    const r = rnd();
    if (r < share / 4) leaving.add(email);
    else if (r < share) m.members[email] = m.members[email] === 'admin' ? 'member' : 'admin';
  }
  for (const email of leaving) delete m.members[email];
  const forget = (rules: Record<string, Grant>) => { for (const e of Object.keys(rules)) if (leaving.has(e)) delete rules[e]; };
  for (const t of Object.values(m.teams)) t.members = t.members.filter((e) => !leaving.has(e));
  const staying = Object.keys(m.members).filter((e) => !keep.has(e));
  const projectNames = Object.keys(m.projects);
  const newcomers = Math.max(1, Math.round(Object.keys(base.members).length * share / 4));
  for (let i = 0; i < newcomers; i++) {
    const email = `newcomer${seed}-${i}@example.com`;
    m.members[email] = 'member';
    m.projects[pick(projectNames)]!.members[email] = pick(['member', 'admin']);
  }
  for (const t of Object.values(m.teams)) {
    if (rnd() < share * 4 && t.members.length) t.members.splice(Math.floor(rnd() * t.members.length), 1);
    if (rnd() < share * 4) { const e = pick(staying); if (!t.members.includes(e)) t.members.push(e); }
  }
  const teamNames = Object.keys(m.teams);
  const touch = (rules: Record<string, Grant>, levels: readonly string[], subjects: readonly string[]) => {
    for (const k of Object.keys(rules)) {
      const r = rnd();
      if (r < share / 3) delete rules[k];
      else if (r < share) rules[k] = pick(levels.filter((l) => l !== rules[k]));
    }
    if (rnd() < share * 2) rules[pick(subjects)] ??= pick(levels);
  };
  for (const p of Object.values(m.projects)) {
    forget(p.members);
    touch(p.members, PROJECT_LEVELS, staying);
    touch(p.teams, PROJECT_LEVELS, teamNames);
    for (const set of Object.values(p.resources)) {
      forget(set.members);
      touch(set.members, RESOURCE_LEVELS, staying);
      touch(set.teams, RESOURCE_LEVELS, teamNames);
    }
  }
  m.teams[`New team ${seed}`] = { members: Array.from({ length: 5 }, () => pick(staying)).filter((e, i, a) => a.indexOf(e) === i) };
  m.projects[`New project ${seed}`] = { access: 'none', teams: { [pick(teamNames)]: 'member' }, members: {}, resources: {} };
  return m;
}

export const matrixYaml = (m: MatrixObject): string => stringify(m);
