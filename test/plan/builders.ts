// Builders for desired and actual states: small, readable test inputs instead of fixtures.
import type { ActualIdentityProvider, ActualState, ActualProject } from '../../src/model/actual.ts';
import type { ActualKey, ActualSecretKey } from '../../src/model/actual.ts';
import { emptyDesired, type DesiredState, type DesiredProject } from '../../src/model/desired.ts';
import { ORG_LEVELS, type OrgLevelName } from '../../src/model/levels.ts';
import { fingerprint } from '../../src/plan/fingerprint.ts';
import type { PlanOptions } from '../../src/plan/kind.ts';
import { refusalsOf } from '../../src/plan/safety.ts';
import type { Change, Refusal } from '../../src/plan/types.ts';

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

  /** Organization settings as PostHog returns them (only the keys given). */
  settings(settings: Record<string, unknown>): this {
    this.state.organization.settings = { ...this.state.organization.settings, ...settings };
    return this;
  }

  /** Replace available_product_features. */
  features(keys: string[]): this {
    this.state.organization.features = [...keys];
    return this;
  }

  /** default_role_id: the role of this team (which must exist already). */
  defaultTeam(name: string): this {
    const team = this.state.teams[name];
    if (!team) throw new Error(`no team ${name}: add it first`);
    this.state.organization.defaultRoleId = team.id;
    return this;
  }

  /** A member with two-factor authentication off. */
  without2fa(email: string): this {
    const member = this.state.members[email];
    if (!member) throw new Error(`no member ${email}: add it first`);
    member.is2faEnabled = false;
    return this;
  }

  /** An SSO domain (verified unless said otherwise); marks domains and identity providers as read. */
  domain(name: string, options: { verified?: boolean; jit?: boolean; sso?: string; challenge?: string } = {}): this {
    this.state.domains ??= {};
    this.state.identityProviders ??= [];
    this.state.domains[name] = {
      id: id('domain'), domain: name, isVerified: options.verified ?? true, verificationChallenge: options.challenge ?? `challenge-${name}`,
      jitProvisioning: options.jit ?? false, ssoEnforcement: options.sso ?? '',
    };
    return this;
  }

  /** Domains were read and there are none. */
  noDomains(): this {
    this.state.domains ??= {};
    this.state.identityProviders ??= [];
    return this;
  }

  /** An identity provider configuration covering these domains (by name), SAML configured unless said otherwise. */
  identityProvider(domains: string[], options: { saml?: boolean; domainScope?: string | null } = {}): this {
    this.state.identityProviders ??= [];
    const domainIds = domains.map((d) => {
      const domain = this.state.domains?.[d];
      if (!domain) throw new Error(`no domain ${d}: add it first`);
      return domain.id;
    });
    this.state.identityProviders.push({
      id: id('idp'), name: 'Okta', domainIds, hasSaml: options.saml ?? true, hasOidc: false,
      ...(options.domainScope !== undefined && { domainScope: options.domainScope }),
    } as ActualIdentityProvider);
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

/** The safety gate over some changes, as `plan` runs it (guards), or as `apply` does before writing (also the key's scopes). */
export function gate(
  input: { changes: Change[]; actual: ActualState; safety?: DesiredState['safety']; allowDeletes?: number; options?: PlanOptions },
  applying = false,
): Refusal[] {
  const at = '2026-11-22T12:00:00.000Z';
  const plan = { changes: input.changes, safety: input.safety ?? { maxDeletes: 10, protected: [] }, at, createdAt: at, validUntil: null, host: 'https://us.posthog.com', fingerprint: fingerprint(input.actual) };
  const apply = { now: new Date(at), host: plan.host, saved: false, secretSink: true };
  return refusalsOf(plan, { actual: input.actual, allowDeletes: input.allowDeletes, options: input.options ?? {}, ...(applying && { apply }) });
}

/** What a change holds, whatever its action (undefined where it holds none). */
export const patchOf = (c: Change | undefined) => (c?.action === 'update' ? c.patch : undefined);
export const afterOf = (c: Change | undefined) => (c && c.action !== 'delete' ? c.after : undefined);
export const beforeOf = (c: Change | undefined) => (c && c.action !== 'create' ? c.before : undefined);
