// PostHogApi over HTTP: the real paths of PostHog's API (docs/emulator.md lists them). All pacing, retries and error
// mapping live in PostHogClient; this file only knows URLs and bodies.
import type { Logger } from 'pino';
import { ConfigError } from '../errors.ts';
import type { OrgLevel } from '../model/levels.ts';
import { PostHogClient } from './client.ts';
import { rateLimiterFor } from './rate-limiter.ts';
import { checked, textFields } from './shape.ts';
import type { PostHogClientOptions } from './client.ts';
import type {
  AccessControlPut,
  AccessControlRule,
  AccessControlsResponse,
  ActivityLogEntry,
  DomainResponse,
  IdentityProviderConfigResponse,
  SecretKeyResponse,
  InviteRequest,
  InviteResponse,
  MemberResponse,
  MeResponse,
  OrganizationResponse,
  PersonalApiKeyResponse,
  PostHogApi,
  ProjectResponse,
  ResolutionPreviewResponse,
  RoleMembershipResponse,
  RoleResponse,
} from './types.ts';

/**
 * Page size for list calls. PostHog's LimitOffset pagination defaults to 100 and sets no maximum
 * (docs/emulator.md, pagination), so ask for large pages: one call per collection for most organizations.
 */
export const LIST_PAGE_SIZE = 1000;

// Encode ids as path segments; '@' is legal in a path and PostHog routes '@current' / '@me' literally.
const seg = (id: string) => encodeURIComponent(id).replace(/%40/g, '@');
const org = (orgId: string) => `/api/organizations/${seg(orgId)}`;
const project = (projectId: number) => `/api/projects/${seg(String(projectId))}`;

export function createPostHogApi(client: PostHogClient): PostHogApi {
  const list = <T>(path: string) => client.paginate<T>(path, { limit: LIST_PAGE_SIZE });
  return {
    me: () => client.get<MeResponse>('/api/users/@me/'),
    currentKey: () => client.get<PersonalApiKeyResponse>('/api/personal_api_keys/@current/'),
    organization: (orgId) => client.get<OrganizationResponse>(`${org(orgId)}/`),

    listMembers: async (orgId) => checked(await list<MemberResponse>(`${org(orgId)}/members/`), 'member', `${org(orgId)}/members/`, textFields('id', 'user.uuid', 'user.email')),
    updateMemberLevel: (orgId, userUuid, level: OrgLevel) =>
      client.patch<MemberResponse>(`${org(orgId)}/members/${seg(userUuid)}/`, { level }),
    removeMember: (orgId, userUuid) => client.delete(`${org(orgId)}/members/${seg(userUuid)}/`),

    listInvites: async (orgId) => checked(await list<InviteResponse>(`${org(orgId)}/invites/`), 'invite', `${org(orgId)}/invites/`, textFields('id', 'target_email')),
    createInvite: (orgId, invite: InviteRequest) => client.post<InviteResponse>(`${org(orgId)}/invites/`, invite),
    createInvites: (orgId, invites: InviteRequest[]) => client.post<InviteResponse[]>(`${org(orgId)}/invites/bulk/`, invites),
    deleteInvite: (orgId, inviteId) => client.delete(`${org(orgId)}/invites/${seg(inviteId)}/`),

    listRoles: async (orgId) => {
      const path = `${org(orgId)}/roles/`;
      const roles = checked(await list<RoleResponse>(path), 'role', path, textFields('id', 'name'));
      for (const role of roles) checked(role.members ?? [], `member of role "${role.name.slice(0, 64)}"`, path, textFields('id', 'user.email'));
      return roles;
    },
    createRole: (orgId, name) => client.post<RoleResponse>(`${org(orgId)}/roles/`, { name }),
    renameRole: (orgId, roleId, name) => client.patch<RoleResponse>(`${org(orgId)}/roles/${seg(roleId)}/`, { name }),
    deleteRole: (orgId, roleId) => client.delete(`${org(orgId)}/roles/${seg(roleId)}/`),
    addRoleMember: (orgId, roleId, userUuid) =>
      client.post<RoleMembershipResponse>(`${org(orgId)}/roles/${seg(roleId)}/role_memberships/`, { user_uuid: userUuid }),
    removeRoleMember: (orgId, roleId, roleMembershipId) =>
      client.delete(`${org(orgId)}/roles/${seg(roleId)}/role_memberships/${seg(roleMembershipId)}/`),

    listProjects: async (orgId) => checked(await list<ProjectResponse>(`${org(orgId)}/projects/`), 'project', `${org(orgId)}/projects/`, (p) => (typeof p.id !== 'number' ? 'numeric id' : typeof p.name !== 'string' ? 'name' : undefined)),
    createProject: (orgId, name) => client.post<ProjectResponse>(`${org(orgId)}/projects/`, { name }),
    renameProject: (projectId, name) => client.patch<ProjectResponse>(`${project(projectId)}/`, { name }),

    projectAccessControls: (projectId) => client.get<AccessControlsResponse>(`${project(projectId)}/access_controls/`),
    // PUT is an upsert; access_level null deletes the rule and PostHog answers 204 (→ null).
    putProjectAccessControl: async (projectId, body: AccessControlPut) =>
      (await client.put<AccessControlRule | undefined>(`${project(projectId)}/access_controls/`, body)) ?? null,
    resourceAccessControls: (projectId) =>
      client.get<AccessControlsResponse>(`${project(projectId)}/resource_access_controls/`),
    putResourceAccessControl: async (projectId, body: AccessControlPut) =>
      (await client.put<AccessControlRule | undefined>(`${project(projectId)}/resource_access_controls/`, body)) ?? null,

    resolutionPreview: (projectId) => client.get<ResolutionPreviewResponse>(`${project(projectId)}/access_control_resolution_preview/`),

    updateOrganization: (orgId, patch) => client.patch<OrganizationResponse>(`${org(orgId)}/`, patch),
    listDomains: (orgId) => list<DomainResponse>(`${org(orgId)}/domains/`),
    createDomain: (orgId, domain) => client.post<DomainResponse>(`${org(orgId)}/domains/`, { domain }),
    updateDomain: (orgId, domainId, patch) => client.patch<DomainResponse>(`${org(orgId)}/domains/${seg(domainId)}/`, patch),
    listIdentityProviders: (orgId) => list<IdentityProviderConfigResponse>(`${org(orgId)}/identity_provider_configs/`),

    listSecretKeys: (projectId) => list<SecretKeyResponse>(`${project(projectId)}/project_secret_api_keys/`),
    createSecretKey: (projectId, body) => client.post<SecretKeyResponse>(`${project(projectId)}/project_secret_api_keys/`, body),
    updateSecretKey: (projectId, keyId, body) =>
      client.patch<SecretKeyResponse>(`${project(projectId)}/project_secret_api_keys/${seg(keyId)}/`, body),
    rollSecretKey: (projectId, keyId) => client.post<SecretKeyResponse>(`${project(projectId)}/project_secret_api_keys/${seg(keyId)}/roll/`),
    deleteSecretKey: (projectId, keyId) => client.delete(`${project(projectId)}/project_secret_api_keys/${seg(keyId)}/`),

    organizationActivity: async (orgId, query) =>
      (await client.get<{ results: ActivityLogEntry[] }>(`${org(orgId)}/advanced_activity_logs/`, { scopes: query.scopes.join(','), page_size: query.pageSize, page: 1 })).results,

    get requestCount() {
      return client.requestCount;
    },
  };
}

export interface ApiFromEnvOptions {
  /** Default: $POSTHOG_PERSONAL_API_KEY. */
  key?: string;
  /** Default: $POSTHOG_HOST, else https://us.posthog.com. */
  host?: string;
  logger?: Pick<Logger, 'debug' | 'warn'>;
  signal?: AbortSignal;
  /** $POSTHOG_RATE_LIMIT: unset (pace to PostHog Cloud's limits) or `off` (src/posthog/rate-limiter.ts). */
  rateLimit?: string;
  /** Where the times of recent calls with this key are kept across processes (src/posthog/call-log.ts). */
  callLogDir?: string;
  /** Any other client option (timeouts, retries, limiter). */
  client?: Omit<PostHogClientOptions, 'key' | 'host' | 'logger' | 'signal'>;
}

/** The API plus its client; call close() at the end of the run so the process can exit (close(true) after a failure: calls in flight are dropped). */
export type ClosablePostHogApi = PostHogApi & { readonly client: PostHogClient; close(abandon?: boolean): Promise<void> };

export function createApiFromEnv(options: ApiFromEnvOptions = {}): ClosablePostHogApi {
  const key = options.key ?? process.env.POSTHOG_PERSONAL_API_KEY;
  if (!key?.trim()) {
    throw new ConfigError(
      'POSTHOG_PERSONAL_API_KEY is not set: create a personal API key in PostHog (Settings → Personal API keys) with ' +
        'user:read, organization:write, organization_member:write, access_control:write and project:write (to create projects), and export it',
    );
  }
  const host = options.host ?? process.env.POSTHOG_HOST;
  const rateLimiter = options.client?.rateLimiter !== undefined ? options.client.rateLimiter
    : options.rateLimit !== undefined ? rateLimiterFor(options.rateLimit, { ...(options.client?.sleep && { sleep: options.client.sleep }), ...(options.client?.now && { now: options.client.now }) })
    : undefined;
  const client = new PostHogClient({
    ...options.client,
    ...(rateLimiter !== undefined && { rateLimiter }),
    ...(options.callLogDir !== undefined && { callLogDir: options.callLogDir }),
    key,
    ...(host !== undefined && { host }),
    ...(options.logger && { logger: options.logger }),
    ...(options.signal && { signal: options.signal }),
  });
  const api = createPostHogApi(client);
  return Object.defineProperties(api, {
    client: { value: client, enumerable: true },
    close: { value: (abandon?: boolean) => client.close(abandon), enumerable: true },
  }) as ClosablePostHogApi;
}
