// From a valid matrix (shape and rules checked) to the DesiredState the differ works with:
// shorthands expanded, emails lower-cased, defaults filled (prune all false, max_deletes 10).
import { DEFAULT_MAX_DELETES, DEFAULT_REVIEW_RECORDS } from '../model/desired.ts';
import type { DesiredProject, DesiredState, Grant, IdentityProviderSpec, SubjectGrants, TeamMembership } from '../model/desired.ts';
import type { OrgLevelName, ProjectLevel, ResourceLevel } from '../model/levels.ts';
import type { MatrixInput } from './schema.ts';

type GrantInput<L extends string> = L | { level: L; expires?: string | undefined; then?: L | undefined; note?: string | undefined };

function grant<L extends string>(g: GrantInput<L>): Grant<L> {
  if (typeof g === 'string') return { level: g };
  const out: Grant<L> = { level: g.level };
  if (g.expires !== undefined) out.expires = g.expires;
  if (g.then !== undefined) out.then = g.then;
  if (g.note !== undefined) out.note = g.note;
  return out;
}

function subjects<L extends string>(
  def: GrantInput<L> | undefined,
  teams: Record<string, GrantInput<L>> | undefined,
  members: Record<string, GrantInput<L>> | undefined,
): SubjectGrants<L> {
  const out: SubjectGrants<L> = { teams: {}, members: {} };
  if (def !== undefined) out.default = grant(def);
  for (const [name, g] of Object.entries(teams ?? {})) out.teams[name] = grant(g);
  for (const [email, g] of Object.entries(members ?? {})) out.members[email.toLowerCase()] = grant(g);
  return out;
}

export function normalize(m: MatrixInput): DesiredState {
  const org = m.organization ?? {};
  const settings: Record<string, boolean> = {};
  for (const [k, v] of Object.entries(org.settings ?? {})) if (typeof v === 'boolean') settings[k] = v;

  const desired: DesiredState = {
    version: 1,
    organization: { id: org.id ?? '@current', settings, domains: {} },
    members: {},
    teams: {},
    projects: {},
    apiKeys: {},
    prune: {
      members: m.prune?.members ?? false,
      invites: m.prune?.invites ?? false,
      teams: m.prune?.teams ?? false,
      projectAccess: m.prune?.project_access ?? false,
      secretKeys: m.prune?.secret_keys ?? false,
    },
    safety: {
      maxDeletes: m.safety?.max_deletes ?? DEFAULT_MAX_DELETES,
      protected: [...new Set((m.safety?.protected ?? []).map((e) => e.toLowerCase()))],
    },
  };
  if (m.review) desired.review = { records: m.review.records ?? DEFAULT_REVIEW_RECORDS, ...(m.review.every_days !== undefined && { everyDays: m.review.every_days }) };
  if (org.default_team !== undefined) desired.organization.defaultTeam = org.default_team;
  if (org.host !== undefined) desired.organization.host = org.host;
  if (org.api_key_env !== undefined) desired.organization.apiKeyEnv = org.api_key_env;
  for (const [host, d] of Object.entries(org.domains ?? {})) {
    const spec: DesiredState['organization']['domains'][string] = {};
    if (d.jit_provisioning !== undefined) spec.jitProvisioning = d.jit_provisioning;
    if (d.sso_enforcement !== undefined) spec.ssoEnforcement = d.sso_enforcement;
    desired.organization.domains[host] = spec;
  }

  for (const [name, c] of Object.entries(org.identity_providers ?? {})) {
    const spec: IdentityProviderSpec = {};
    if (c.domains !== undefined) spec.domains = c.domains === 'all' ? 'all' : [...c.domains];
    if (c.saml) spec.saml = { entityId: c.saml.entity_id, acsUrl: c.saml.acs_url };
    if (c.oidc) spec.oidc = { issuerUrl: c.oidc.issuer_url, clientId: c.oidc.client_id };
    if (c.scim !== undefined) spec.scim = c.scim;
    (desired.organization.identityProviders ??= {})[name] = spec;
  }

  for (const [email, g] of Object.entries(m.members ?? {})) desired.members[email.toLowerCase()] = grant<OrgLevelName>(g);

  for (const [name, t] of Object.entries(m.teams ?? {})) {
    const members: TeamMembership[] = (t.members ?? []).map((x) => {
      if (typeof x === 'string') return { email: x.toLowerCase() };
      const tm: TeamMembership = { email: x.email.toLowerCase() };
      if (x.expires !== undefined) tm.expires = x.expires;
      if (x.note !== undefined) tm.note = x.note;
      return tm;
    });
    desired.teams[name] = { members, ...(t.managed_by === 'scim' && { managedBy: 'scim' as const }) };
  }

  for (const [name, p] of Object.entries(m.projects ?? {})) {
    const project: DesiredProject = {
      ...subjects<ProjectLevel>(p.access, p.teams, p.members),
      resources: {},
      secretKeys: {},
    };
    for (const [type, r] of Object.entries(p.resources ?? {})) {
      if (!r) continue;
      project.resources[type] = subjects<ResourceLevel>(
        r.default as GrantInput<ResourceLevel> | undefined,
        r.teams as Record<string, GrantInput<ResourceLevel>> | undefined,
        r.members as Record<string, GrantInput<ResourceLevel>> | undefined,
      );
    }
    for (const [label, k] of Object.entries(p.secret_keys ?? {})) {
      project.secretKeys[label] = { scopes: [...k.scopes], ...(k.rotate_after_days !== undefined ? { rotateAfterDays: k.rotate_after_days } : {}) };
    }
    desired.projects[name] = project;
  }

  for (const [name, k] of Object.entries(m.api_keys ?? {})) {
    desired.apiKeys[name] = {
      env: k.env,
      scopes: [...k.scopes],
      ...(k.projects !== undefined ? { projects: [...k.projects] } : {}),
      ...(k.organizations !== undefined ? { organizations: [...k.organizations] } : {}),
      ...(k.max_age_days !== undefined ? { maxAgeDays: k.max_age_days } : {}),
    };
  }
  return desired;
}
