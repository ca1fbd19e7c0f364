// The desired state: the access matrix after loading, normalised (shorthands expanded, emails
// lower-cased, defaults filled). Still time-independent: expiry is evaluated by the differ at `now`.
import type { OrgLevelName, ProjectLevel, ResourceLevel } from './levels.ts';

/** A grant of a level, possibly temporary. `expires` is a UTC date (YYYY-MM-DD), inclusive. */
export interface Grant<L extends string> {
  level: L;
  expires?: string;
  /** What remains after `expires`; absent = nothing remains. */
  then?: L;
  note?: string;
}

export interface TeamMembership {
  email: string;
  expires?: string;
  note?: string;
}

export interface SubjectGrants<L extends string> {
  /** Default for everyone in the project (project: `access`; resource: `default`). */
  default?: Grant<L>;
  /** By team name, as declared in `teams`. */
  teams: Record<string, Grant<L>>;
  /** By lower-cased email, as declared in `members`. */
  members: Record<string, Grant<L>>;
}

export interface SecretKeySpec {
  scopes: string[];
  rotateAfterDays?: number;
}

export interface DesiredProject extends SubjectGrants<ProjectLevel> {
  /** Resource type (e.g. feature_flag) → rules for that type within the project. */
  resources: Record<string, SubjectGrants<ResourceLevel>>;
  secretKeys: Record<string, SecretKeySpec>;
}

export interface DomainSpec {
  jitProvisioning?: boolean;
  /** "" turns enforcement off; otherwise a provider: saml, google-oauth2, github, gitlab. */
  ssoEnforcement?: string;
}

/** An identity-provider configuration's non-secret settings; absent fields are not managed. */
export interface IdentityProviderSpec {
  /** "all" (domain_scope all) or domain names (domain_scope selected); absent: not managed. */
  domains?: 'all' | string[];
  saml?: { entityId: string; acsUrl: string };
  oidc?: { issuerUrl: string; clientId: string };
  scim?: boolean;
}

export interface ApiKeySpec {
  env: string;
  scopes: string[];
  /** Project names (scoped_teams); absent = organization-scoped key. */
  projects?: string[];
  organizations?: string[];
  maxAgeDays?: number;
}

export interface Prune {
  members: boolean;
  invites: boolean;
  teams: boolean;
  projectAccess: boolean;
  secretKeys: boolean;
}

export interface DesiredState {
  version: 1;
  organization: {
    /** Organization UUID or "@current". */
    id: string;
    /** PostHog base URL (`organization.host`); absent: $POSTHOG_HOST, else the default host. */
    host?: string;
    /** The environment variable holding this organization's key (`organization.api_key_env`); absent: POSTHOG_PERSONAL_API_KEY. */
    apiKeyEnv?: string;
    settings: Record<string, boolean | string | null>;
    domains: Record<string, DomainSpec>;
    /** Identity-provider configurations by name (absent: none declared). */
    identityProviders?: Record<string, IdentityProviderSpec>;
    defaultTeam?: string;
  };
  /** Lower-cased email → organization grant. */
  members: Record<string, Grant<OrgLevelName>>;
  /** Team (PostHog role) name → members; `managedBy: 'scim'` when its members come from SCIM (then `members` is empty). */
  teams: Record<string, { members: TeamMembership[]; managedBy?: 'scim' }>;
  /** Project name → access. */
  projects: Record<string, DesiredProject>;
  apiKeys: Record<string, ApiKeySpec>;
  prune: Prune;
  safety: { maxDeletes: number; protected: string[] };
  /** `review`: how often access is reviewed and where the records are (absent: not declared). */
  review?: ReviewSpec;
}

export interface ReviewSpec {
  /** Plan and drift warn when the newest record is older than this many days (absent: no warning). */
  everyDays?: number;
  /** The records folder as written, relative to the matrix's folder. */
  records: string;
}

/** Where review records go when the matrix does not say (relative to the matrix). */
export const DEFAULT_REVIEW_RECORDS = 'reviews';

export const DEFAULT_MAX_DELETES = 10;

export function emptyDesired(): DesiredState {
  return {
    version: 1,
    organization: { id: '@current', settings: {}, domains: {} },
    members: {},
    teams: {},
    projects: {},
    apiKeys: {},
    prune: { members: false, invites: false, teams: false, projectAccess: false, secretKeys: false },
    safety: { maxDeletes: DEFAULT_MAX_DELETES, protected: [] },
  };
}
