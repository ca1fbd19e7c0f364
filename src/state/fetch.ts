// The fetcher: reads PostHog's actual state with the fewest calls the API allows — the user,
// the key, the organization, one paged list each of members, invites, roles (which embed their
// memberships) and projects, then two reads per project the matrix names. Read-only.
import { ApiError, ConfigError } from '../errors.ts';
import type { ActualDomain, ActualKey, Duplicate, ActualProject, ActualState, ActualSubjectRules, ReadScope } from '../model/actual.ts';
import { declaredSpelling } from '../model/names.ts';
import { mapLimit } from '../util/concurrency.ts';
import type { OrgLevel, ProjectLevel, ResourceLevel } from '../model/levels.ts';
import type { AccessControlRule, MemberResponse, PostHogApi, ProjectResponse, RoleResponse } from '../posthog/types.ts';

/** What to read beyond the organization's lists (src/plan/reads.ts says what a matrix needs). */
export type FetchScope = ReadScope;

export interface FetchOptions extends FetchScope {
  /** Projects read in parallel, two reads each (default 8: 16 reads in flight). */
  concurrency?: number;
  /** Read the rules of every project, not only `projects` (export, explain, who-can). */
  allProjects?: boolean;
  /** With allProjects: read every project's secret keys too (export). */
  allSecretKeys?: boolean;
}

/**
 * Reads in flight at once (the client's default sockets). PostHog limits calls per minute, not in
 * flight: a 2,000-member, 200-project organization's 408 reads fit in one burst of its 480.
 */
export const READ_CONCURRENCY = 16;

const email = (e: string) => e.toLowerCase();

function subjectRules<L extends string>(
  rules: AccessControlRule[], byMembership: Map<string, string>, byRole: Map<string, string>,
): ActualSubjectRules<L> & { unresolved: number } {
  const out: ActualSubjectRules<L> & { unresolved: number } = { teams: {}, members: {}, unresolved: 0 };
  for (const r of rules) {
    const level = { level: r.access_level as L, ...(r.managed_by && { managedBy: r.managed_by }) };
    if (r.organization_member) {
      const who = byMembership.get(r.organization_member);
      if (who) out.members[who] = level;
      else out.unresolved++;
    } else if (r.role) {
      const team = byRole.get(r.role);
      if (team) out.teams[team] = level;
      else out.unresolved++;
    } else {
      out.default = level;
    }
  }
  return out;
}

/**
 * Projects by the name the plan knows them by (`keyOf`: the matrix's spelling where PostHog's differs
 * only in case or spaces), the one with the lowest id where a name the matrix uses is held twice;
 * those names, with every id, are `duplicates` (the plan leaves them alone). Reading every project
 * (export, explain), a duplicate is an error: what it says could be about either.
 */
function uniqueProjects(list: ProjectResponse[], named: Set<string>, keyOf: (p: ProjectResponse) => string, strict: boolean): { byName: Map<string, ProjectResponse>; duplicates: Duplicate[] } {
  const byName = new Map<string, ProjectResponse>();
  const ids = new Map<string, number[]>();
  for (const p of [...list].sort((a, b) => a.id - b.id)) {
    const key = keyOf(p);
    ids.set(key, [...(ids.get(key) ?? []), p.id]);
    if (!byName.has(key)) byName.set(key, p);
  }
  const duplicates: Duplicate[] = [...ids].filter(([key, all]) => all.length > 1 && named.has(key)).map(([name, all]) => ({ kind: 'project', name, ids: all }));
  if (strict && duplicates.length) {
    throw new ConfigError(duplicates.map((d) => `two projects are named "${d.name}" (ids ${d.ids.join(' and ')}): rename one in PostHog so the matrix can tell them apart`));
  }
  return { byName, duplicates };
}

/** Roles whose name (case ignored, as PostHog compares them) is held more than once, and the role kept for each name (the first listed). */
function uniqueRoles(roles: RoleResponse[]): { kept: RoleResponse[]; duplicates: Duplicate[] } {
  const byName = new Map<string, RoleResponse[]>();
  for (const r of roles) {
    const key = r.name.trim().toLowerCase();
    byName.set(key, [...(byName.get(key) ?? []), r]);
  }
  return {
    kept: [...byName.values()].map((same) => same[0]!),
    duplicates: [...byName.values()].filter((same) => same.length > 1).map((same) => ({ kind: 'team', name: same[0]!.name, ids: same.map((r) => r.id) })),
  };
}

export async function fetchActual(api: PostHogApi, options: FetchOptions): Promise<ActualState> {
  // Reads go as soon as what they need is known, so the whole read takes as few round trips as it
  // can: the user is read beside the lists, not before them (PostHog takes `@current` for the user's
  // current organization); the projects' rules as soon as the project list is in, beside the lists'
  // further pages.
  const meRead = api.me();
  const orgId = options.organization;
  // A user with no current organization: said so, rather than how PostHog refused the lists.
  const noOrganization = meRead.then((me) => {
    if (orgId === '@current' && !me.organization?.id) throw new ConfigError(`${me.email} has no current organization: set organization.id in the matrix (or POSTHOG_ORG_ID)`);
  });

  const projectsRead = api.listProjects(orgId);
  // PostHog matches project names ignoring case and surrounding spaces: a project the matrix spells
  // differently is that project (renamed by the plan), keyed by the matrix's spelling.
  const projectIndex = projectsRead.then((projects) => {
    const spelling = declaredSpelling(options.allProjects ? [] : options.projects, projects.map((p) => p.name));
    const keyOf = (p: ProjectResponse) => spelling.get(p.name) ?? p.name;
    const named = new Set(options.allProjects ? projects.map((p) => p.name) : options.projects);
    return { keyOf, named, ...uniqueProjects(projects, named, keyOf, options.allProjects === true) };
  });
  const rulesRead = projectIndex.then(({ byName, named }) => {
    const withKeys = new Set(options.allProjects && options.allSecretKeys ? named : options.secretKeys);
    const toRead = [...byName.entries()].filter(([key]) => named.has(key)).map(([key, p]) => ({ key, p }));
    return mapLimit(toRead, options.concurrency ?? READ_CONCURRENCY / 2, async ({ key, p }) => {
      const [access, resources, keys] = await Promise.all([
        api.projectAccessControls(p.id),
        api.resourceAccessControls(p.id),
        withKeys.has(key) ? api.listSecretKeys(p.id) : undefined,
      ]);
      return { key, project: p, access: access.access_controls, resources: resources.access_controls, keys };
    });
  });

  const [, me, org, key, members, invites, roles, projects, { keyOf, byName, duplicates }, rules, domains, identityProviders] = await Promise.all([
    noOrganization,
    meRead,
    api.organization(orgId),
    // PostHog refusing to describe the credential (e.g. not a personal key) is the preflight's to
    // explain before any write; any other failure is a failure.
    api.currentKey().catch((e: unknown) => {
      if (e instanceof ApiError && (e.status === 403 || e.status === 404)) return null;
      throw e;
    }),
    api.listMembers(orgId),
    api.listInvites(orgId),
    api.listRoles(orgId),
    projectsRead,
    projectIndex,
    rulesRead,
    options.domains ? api.listDomains(orgId) : undefined,
    options.domains ? api.listIdentityProviders(orgId) : undefined,
  ]).catch(async (e: unknown) => {
    await noOrganization;
    throw e;
  });
  // `@current` is the user's organization when each call reaches PostHog: one that changed during the
  // read (switched in PostHog's settings) would mix two organizations in one state, and a plan of it
  // could write to the other's projects.
  if (orgId === '@current' && (me.organization?.id !== org.id || projects.some((p) => p.organization !== undefined && p.organization !== org.id))) {
    throw new ConfigError(`${email(me.email)}'s current organization changed while it was read: run again, or set organization.id in the matrix (or POSTHOG_ORG_ID) to read one organization by its id`);
  }

  const byMembership = new Map(members.map((m: MemberResponse) => [m.id, email(m.user.email)]));
  const byRole = new Map(roles.map((r: RoleResponse) => [r.id, r.name]));
  const { kept: keptRoles, duplicates: duplicateRoles } = uniqueRoles(roles);
  duplicates.push(...duplicateRoles);
  const projectNameById = new Map(projects.map((p) => [p.id, keyOf(p)]));

  const actualProjects: Record<string, ActualProject> = {};
  const names = (key: string, p: ProjectResponse) => ({ name: key, ...(p.name !== key && { posthogName: p.name }) });
  for (const [key, p] of byName) actualProjects[key] = { id: p.id, ...names(key, p), rulesLoaded: false, teams: {}, members: {}, resources: {}, unresolvedRules: 0 };
  for (const { key, project, access, resources, keys } of rules) {
    const own = subjectRules<ProjectLevel>(access.filter((r) => r.resource === 'project'), byMembership, byRole);
    const byResource = new Map<string, AccessControlRule[]>();
    for (const r of resources) {
      if (r.resource_id !== null) continue;
      const list = byResource.get(r.resource);
      if (list) list.push(r);
      else byResource.set(r.resource, [r]);
    }
    let unresolved = own.unresolved;
    const resourceRules: ActualProject['resources'] = {};
    for (const [resource, list] of byResource) {
      const { unresolved: u, ...subjects } = subjectRules<ResourceLevel>(list, byMembership, byRole);
      unresolved += u;
      resourceRules[resource] = subjects;
    }
    const { unresolved: _u, ...subjects } = own;
    // Two keys of one label (two applies at once): the first listed is kept, and both are named.
    const byLabel = new Map<string, string[]>();
    for (const k of keys ?? []) byLabel.set(k.label, [...(byLabel.get(k.label) ?? []), k.id]);
    for (const [label, ids] of byLabel) if (ids.length > 1) duplicates.push({ kind: 'secret_key', name: label, project: key, ids });
    actualProjects[key] = {
      id: project.id, ...names(key, project), rulesLoaded: true, ...subjects, resources: resourceRules, unresolvedRules: unresolved,
      ...(keys && { secretKeys: Object.fromEntries([...keys].reverse().map((k) => [k.label, {
        id: k.id, label: k.label, scopes: k.scopes, createdAt: k.created_at, lastRolledAt: k.last_rolled_at, lastUsedAt: k.last_used_at, mask: k.mask_value ?? null,
      }])) }),
    };
  }

  const actualKey: ActualKey | null = key && {
    id: key.id, label: key.label, scopes: key.scopes, scopedTeams: key.scoped_teams ?? [], scopedOrganizations: key.scoped_organizations ?? [],
    createdAt: key.created_at, lastUsedAt: key.last_used_at, lastRolledAt: key.last_rolled_at ?? null,
  };

  return {
    organization: {
      id: org.id, name: org.name, membershipLevel: (org.membership_level ?? 1) as OrgLevel,
      features: org.available_product_features.map((f) => f.key),
      settings: settingsOf(org), defaultRoleId: org.default_role_id ?? null,
      // PostHog treats an unset flag as legacy.
      resolutionMode: org.uses_most_specific_access_resolution === true ? 'most_specific' : 'legacy',
    },
    me: { uuid: me.uuid, email: email(me.email) },
    key: actualKey,
    members: Object.fromEntries(members.map((m) => [email(m.user.email), {
      membershipId: m.id, userUuid: m.user.uuid, email: email(m.user.email), level: m.level,
      is2faEnabled: m.is_2fa_enabled, lastLogin: m.last_login, joinedAt: m.joined_at,
    }])),
    invites: Object.fromEntries(invites.map((i) => [email(i.target_email), {
      id: i.id, email: email(i.target_email), level: i.level, isExpired: i.is_expired, createdAt: i.created_at,
      projects: Object.fromEntries((i.private_project_access ?? []).flatMap((a) => {
        const name = projectNameById.get(a.id);
        return name ? [[name, a.level]] : [];
      })),
    }])),
    teams: Object.fromEntries(keptRoles.map((r) => [r.name, {
      id: r.id, name: r.name,
      members: Object.fromEntries((r.members ?? []).map((m) => [email(m.user.email), m.id])),
      ...(r.created_by === null && { noCreator: true }),
    }])),
    projects: actualProjects,
    ...(duplicates.length && { duplicates }),
    ...(domains && {
      domains: Object.fromEntries(domains.map((d): [string, ActualDomain] => [d.domain, {
        id: d.id, domain: d.domain, isVerified: d.is_verified, verificationChallenge: d.verification_challenge,
        jitProvisioning: d.jit_provisioning_enabled, ssoEnforcement: d.sso_enforcement ?? '',
      }])),
    }),
    ...(identityProviders && {
      identityProviders: identityProviders.map((c) => ({
        id: c.id, name: c.name, domainScope: c.domain_scope ?? null, hasSaml: c.has_saml, hasOidc: c.has_oidc,
        domainIds: [...new Set([...(c.organization_domain_ids ?? []), ...(c.saml_domain_ids ?? [])])],
        samlEntityId: c.saml_entity_id ?? null, samlAcsUrl: c.saml_acs_url ?? null,
        oidcIssuerUrl: c.oidc_issuer_url ?? null, oidcClientId: c.oidc_client_id ?? null, scimEnabled: c.scim_enabled ?? false,
      })),
    }),
  };
}

const SETTINGS = ['enforce_2fa', 'enforce_verified_domains', 'members_can_invite', 'members_can_create_projects', 'members_can_use_personal_api_keys', 'members_can_see_org_members', 'allow_publicly_shared_resources'];

function settingsOf(org: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(SETTINGS.filter((s) => s in org).map((s) => [s, org[s]]));
}

/**
 * What removing these teams and people takes with it in the projects the matrix does not name (their
 * rules there were not read): two reads per such project, made only when the plan removes a team or
 * a member (docs/cli.md). Project and resource-type rules are counted; PostHog removes them with
 * the role or the membership. Sets `actual.rulesElsewhere`.
 */
export async function readRulesElsewhere(
  api: PostHogApi, actual: ActualState, removing: { teams: string[]; members: string[] }, concurrency = READ_CONCURRENCY / 2,
): Promise<void> {
  const roles = new Map(removing.teams.flatMap((name) => {
    const team = Object.values(actual.teams).find((t) => t.name.toLowerCase() === name.toLowerCase());
    return team ? [[team.id, team.name] as const] : [];
  }));
  const memberships = new Map(removing.members.flatMap((email) => {
    const member = actual.members[email];
    return member ? [[member.membershipId, email] as const] : [];
  }));
  const elsewhere: NonNullable<ActualState['rulesElsewhere']> = { teams: {}, members: {}, projects: 0 };
  const unread = Object.values(actual.projects).filter((p) => !p.rulesLoaded);
  if (roles.size || memberships.size) {
    const read = await mapLimit(unread, concurrency, async (p) => {
      const [access, resources] = await Promise.all([api.projectAccessControls(p.id), api.resourceAccessControls(p.id)]);
      return [...access.access_controls.filter((r) => r.resource === 'project'), ...resources.access_controls.filter((r) => r.resource_id === null)];
    });
    elsewhere.projects = unread.length;
    for (const rule of read.flat()) {
      const team = rule.role ? roles.get(rule.role) : undefined;
      const email = rule.organization_member ? memberships.get(rule.organization_member) : undefined;
      if (team) elsewhere.teams[team] = (elsewhere.teams[team] ?? 0) + 1;
      if (email) elsewhere.members[email] = (elsewhere.members[email] ?? 0) + 1;
    }
  }
  actual.rulesElsewhere = elsewhere;
}
