// The actual state: PostHog as the fetcher read it, keyed by natural keys (email, team name,
// project name) like the desired state. Server ids ride along for the applier only.
import type { OrgLevel, ProjectLevel, ResourceLevel } from './levels.ts';
import { keyIgnoringCase } from '../util/case-index.ts';

/** What to read beyond the organization's lists (the kinds say, src/plan/kind.ts `reads`); recorded in a plan so apply re-reads the same. */
export interface ReadScope {
  /** Organization UUID or "@current". */
  organization: string;
  /** Projects whose access rules are read (those the matrix names). */
  projects: string[];
  /** Projects whose secret keys are read (declared there, or pruned). */
  secretKeys: string[];
  /** Whether SSO domains and identity providers are read. */
  domains: boolean;
}

export interface ActualMember {
  /** OrganizationMembership id: the `organization_member` of access rules. */
  membershipId: string;
  /** User uuid: the key of members PATCH/DELETE and of role membership creation. */
  userUuid: string;
  email: string;
  level: OrgLevel;
  is2faEnabled: boolean;
  lastLogin: string | null;
  joinedAt: string;
}

export interface ActualInvite {
  id: string;
  email: string;
  level: OrgLevel;
  isExpired: boolean;
  createdAt: string;
  /** Project name → level, from private_project_access (unknown project ids are dropped). */
  projects: Record<string, ProjectLevel>;
}

export interface ActualTeam {
  id: string;
  name: string;
  /** Lower-cased email → role membership id (the id DELETE takes). */
  members: Record<string, string>;
  /** PostHog shows no creator for the role, as for the roles SCIM provisions from groups. */
  noCreator?: boolean;
}

export interface ActualRule<L extends string> {
  level: L;
  /** Another tool PostHog says owns the rule (e.g. "terraform"): left alone. */
  managedBy?: string;
}

export interface ActualSubjectRules<L extends string> {
  default?: ActualRule<L>;
  /** By team name (resolved from role id). */
  teams: Record<string, ActualRule<L>>;
  /** By lower-cased email (resolved from membership id). */
  members: Record<string, ActualRule<L>>;
}

export interface ActualSecretKey {
  id: string;
  label: string;
  scopes: string[];
  createdAt: string;
  lastRolledAt: string | null;
  lastUsedAt: string | null;
}

export interface ActualDomain {
  id: string;
  domain: string;
  isVerified: boolean;
  verificationChallenge: string;
  jitProvisioning: boolean;
  ssoEnforcement: string;
}

export interface ActualIdentityProvider {
  id: string;
  name: string;
  /** Domain ids the configuration applies to (organization_domain_ids, or saml_domain_ids on newer PostHog). */
  domainIds: string[];
  /** "all" covers every domain of the organization; "selected" (or null) only `domainIds`. */
  domainScope: string | null;
  hasSaml: boolean;
  hasOidc: boolean;
  /** Non-secret settings, compared with the matrix's identity_providers (absent from older PostHog). */
  samlEntityId?: string | null;
  samlAcsUrl?: string | null;
  oidcIssuerUrl?: string | null;
  oidcClientId?: string | null;
  scimEnabled?: boolean;
}

export interface ActualProject extends ActualSubjectRules<ProjectLevel> {
  id: number;
  /** The name the plan knows it by: the matrix's spelling when PostHog's differs only in case or surrounding spaces. */
  name: string;
  /** PostHog's own spelling, when it differs from `name` (the plan renames it). */
  posthogName?: string;
  /** False for projects the matrix does not name: their rules were not read. */
  rulesLoaded: boolean;
  resources: Record<string, ActualSubjectRules<ResourceLevel>>;
  /** Rules whose subject no longer resolves (e.g. a role of another org); reported, never touched. */
  unresolvedRules: number;
  /** By label; absent when not read (the matrix declares no secret keys there and does not prune them). */
  secretKeys?: Record<string, ActualSecretKey>;
}

export interface ActualKey {
  id: string;
  label: string;
  scopes: string[];
  scopedTeams: number[];
  scopedOrganizations: string[];
  createdAt: string;
  lastUsedAt: string | null;
  lastRolledAt: string | null;
}

/** The audit of one declared personal API key (`api_keys`), read with its own value. */
export interface ActualApiKeyAudit {
  /** The environment variable the value was read from. */
  env: string;
  /** False when the variable is unset or empty. */
  found: boolean;
  /** The key as PostHog reports it (GET /api/personal_api_keys/@current with that key). */
  key?: ActualKey;
  /** Why it could not be read (e.g. PostHog rejected it), never the value. */
  error?: string;
}

export interface ActualState {
  organization: {
    id: string;
    name: string;
    /** The running key's user's level here. */
    membershipLevel: OrgLevel;
    features: string[];
    settings: Record<string, unknown>;
    defaultRoleId: string | null;
    /** How PostHog combines access rules here (`uses_most_specific_access_resolution`); absent = legacy. */
    resolutionMode?: 'legacy' | 'most_specific';
  };
  /** The user behind the running key. */
  me: { uuid: string; email: string };
  /** The running key (GET /api/personal_api_keys/@current), when it could be read. */
  key: ActualKey | null;
  members: Record<string, ActualMember>;
  invites: Record<string, ActualInvite>;
  teams: Record<string, ActualTeam>;
  projects: Record<string, ActualProject>;
  /** Verified and pending SSO domains by name; absent when not read (the matrix declares none). */
  domains?: Record<string, ActualDomain>;
  /** Identity provider configurations (SAML/OIDC); read with the domains. */
  identityProviders?: ActualIdentityProvider[];
  /** Declared personal API keys, audited by name; absent when the matrix declares none. */
  apiKeys?: Record<string, ActualApiKeyAudit>;
  /**
   * What a removal takes with it beyond the projects the matrix names: the access rules of the
   * removed teams (by name) and people (by email) in every other project. Read only when the plan
   * removes a team or a member (src/state/fetch.ts `readRulesElsewhere`); absent otherwise.
   */
  rulesElsewhere?: { teams: Record<string, number>; members: Record<string, number>; projects: number };
  /**
   * Names PostHog holds more than once (made outside the tool, or by two applies at once on
   * different machines), with every id: the plan leaves them alone and says so (src/plan/diff.ts).
   * Absent when there are none.
   */
  duplicates?: Duplicate[];
  /** What this machine's apply journal says about the calls that made secret key values (plan and drift read it). */
  secretKeyJournal?: SecretKeyJournal;
  /**
   * What people created in the organization's projects, for offboarding: read only when the plan
   * removes a member or `explain --offboarding` asks (src/state/created.ts); absent otherwise.
   */
  created?: CreatedRead;
}

/** Per secret key ("Project / label"): when the last call that makes a value started, and when a value last reached a sink (ISO times). */
export type SecretKeyJournal = Record<string, { started?: string; delivered?: string }>;

export interface Duplicate {
  kind: 'project' | 'team' | 'secret_key';
  /** The name the plan knows (the matrix's spelling for projects); a secret key's label. */
  name: string;
  /** For a secret key: its project. */
  project?: string;
  ids: (string | number)[];
}

/** The kinds of things a person creates that others rely on, as offboarding reads them. */
export type CreatedKind = 'feature_flag' | 'dashboard' | 'insight';

export interface CreatedObject {
  kind: CreatedKind;
  project: string;
  id: number;
  /** A flag's key, a dashboard's name, an insight's name (or short id). */
  name: string;
  /** False for a private insight (not saved, on no dashboard): PostHog deletes it with its creator. */
  shared: boolean;
}

export interface CreatedRead {
  /** By lower-cased email of the people asked about. */
  byEmail: Record<string, CreatedObject[]>;
  /** Lists PostHog would not give (a scope the key lacks, no access to the project): said, never fatal. */
  unread: { project: string; kind: CreatedKind; reason: string }[];
  /** Projects read. */
  projects: number;
}

/** Access rules of a team or a person in the projects whose rules were read (project and resource-type rules). */
export function rulesIn(actual: ActualState, subject: { team: string } | { email: string }): number {
  let n = 0;
  const named = (rules: ActualSubjectRules<string>) =>
    'team' in subject ? Object.keys(rules.teams).filter((t) => t.toLowerCase() === subject.team.toLowerCase()).length : rules.members[subject.email] ? 1 : 0;
  for (const project of Object.values(actual.projects)) {
    if (!project.rulesLoaded) continue;
    n += named(project);
    for (const resource of Object.values(project.resources)) n += named(resource);
  }
  return n;
}

/** The teams a person is a member of. */
export function teamsOfMember(actual: ActualState, email: string): string[] {
  return Object.values(actual.teams).filter((t) => t.members[email] !== undefined).map((t) => t.name);
}

/** Case-insensitive lookup of a team (PostHog role names are unique case-insensitively). */
export function findTeam(actual: ActualState, name: string): ActualTeam | undefined {
  if (actual.teams[name]) return actual.teams[name];
  const key = keyIgnoringCase(actual.teams, name);
  return key === undefined ? undefined : actual.teams[key];
}
