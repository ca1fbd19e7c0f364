// Builders for desired and actual states: small, readable test inputs instead of fixtures.
import type { ActualState, ActualProject } from '../../src/model/actual.ts';
import type { ActualKey, ActualSecretKey } from '../../src/model/actual.ts';
import { emptyDesired, type DesiredState, type DesiredProject } from '../../src/model/desired.ts';
import { ORG_LEVELS, type OrgLevelName } from '../../src/model/levels.ts';

let seq = 0;
const id = (prefix: string) => `${prefix}-${++seq}`;

export const ME = 'root@example.com';

export function actual(build: (a: ActualStateBuilder) => void = () => {}): ActualState {
  const b = new ActualStateBuilder();
  b.member(ME, 'owner');
  build(b);
  return b.state;
}

export class ActualStateBuilder {
  state: ActualState = {
    organization: { id: 'org-1', name: 'Example Co', membershipLevel: ORG_LEVELS.owner, features: ['access_control', 'role_based_access'], settings: {}, defaultRoleId: null },
    me: { uuid: 'user-me', email: ME },
    key: { id: 'key-1', label: 'ci', scopes: ['*'], scopedTeams: [], scopedOrganizations: [], createdAt: '2026-01-01T00:00:00Z', lastUsedAt: null, lastRolledAt: null },
    members: {}, invites: {}, teams: {}, projects: {},
  };

  member(email: string, level: OrgLevelName): this {
    this.state.members[email] = {
      membershipId: id('membership'), userUuid: email === ME ? 'user-me' : id('user'), email, level: ORG_LEVELS[level],
      is2faEnabled: true, lastLogin: null, joinedAt: '2026-01-01T00:00:00Z',
    };
    return this;
  }

  invite(email: string, level: OrgLevelName, options: { expired?: boolean; projects?: Record<string, 'none' | 'member' | 'admin'> } = {}): this {
    this.state.invites[email] = { id: id('invite'), email, level: ORG_LEVELS[level], isExpired: options.expired ?? false, createdAt: '2026-11-20T00:00:00Z', projects: options.projects ?? {} };
    return this;
  }

  team(name: string, members: string[] = []): this {
    this.state.teams[name] = { id: id('role'), name, members: Object.fromEntries(members.map((m) => [m, id('role-membership')])) };
    return this;
  }

  project(name: string, rules: Partial<Omit<ActualProject, 'id' | 'name'>> = {}): this {
    this.state.projects[name] = { id: ++seq, name, rulesLoaded: true, teams: {}, members: {}, resources: {}, unresolvedRules: 0, ...rules };
    return this;
  }
}

export function desired(patch: Partial<Omit<DesiredState, 'prune'>> & { prune?: Partial<DesiredState['prune']> } = {}): DesiredState {
  const base = emptyDesired();
  return {
    ...base, ...patch,
    members: { [ME]: { level: 'owner' }, ...patch.members },
    prune: { ...base.prune, ...patch.prune },
  };
}

export function project(p: Partial<DesiredProject> = {}): DesiredProject {
  return { teams: {}, members: {}, resources: {}, secretKeys: {}, ...p };
}

/** An existing project secret key, for `a.project(name, { secretKeys: { [label]: secretKey(...) } })`. */
export function secretKey(label: string, scopes: string[], options: { createdAt?: string; lastRolledAt?: string | null; lastUsedAt?: string | null } = {}): ActualSecretKey {
  return { id: id('secret-key'), label, scopes, createdAt: options.createdAt ?? '2026-11-01T00:00:00Z', lastRolledAt: options.lastRolledAt ?? null, lastUsedAt: options.lastUsedAt ?? null };
}

/** A personal API key as GET /api/personal_api_keys/@current reports it. */
export function personalKey(patch: Partial<ActualKey> = {}): ActualKey {
  return { id: id('pak'), label: 'service', scopes: [], scopedTeams: [], scopedOrganizations: [], createdAt: '2026-11-01T00:00:00Z', lastUsedAt: '2026-11-21T00:00:00Z', lastRolledAt: null, ...patch };
}
