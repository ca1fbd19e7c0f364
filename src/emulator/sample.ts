// The built-in sample organization ("Example Co"), which access-matrix.example.yaml changes:
// frank and grace are pruned, henry's expired invite is re-sent, zoe's invite revoked, erin invited,
// "Data Warehouse" created, Production/Staging made private, Sandbox's rules pruned, and so on.
// It also has a 120-day-old project secret key on Production, a verified domain with a SAML
// identity provider and an unverified domain, for the organization security settings.
import { randomBytes, randomUUID } from 'node:crypto';
import type { AccessControlRow, DomainRow, IdentityProviderConfigRow, MembershipRow, ProjectSecretKeyRow, Snapshot, UserRow } from './snapshot.ts';
import { hashKey, maskKey, newSecretKeyValue } from './state.ts';

export const SAMPLE_FEATURES: { key: string; name: string }[] = [
  { key: 'access_control', name: 'Access control' },
  { key: 'role_based_access', name: 'Role-based access' },
  { key: 'organization_invite_settings', name: 'Organization invite settings' },
  { key: 'organization_security_settings', name: 'Organization security settings' },
  { key: '2fa_enforcement', name: '2FA enforcement' },
  { key: 'automatic_provisioning', name: 'Automatic provisioning' },
  { key: 'saml', name: 'SAML' },
  { key: 'sso_enforcement', name: 'SSO enforcement' },
  { key: 'audit_logs', name: 'Audit logs' },
  { key: 'organizations_projects', name: 'Organizations & projects' },
];

const DAY = 86_400_000;

/** A fresh sample snapshot, with dates relative to `now`. Ids are random on every call. */
export function sampleSnapshot(now: Date = new Date()): Snapshot {
  const t = (daysAgo: number): string => new Date(now.getTime() - daysAgo * DAY).toISOString();
  const orgId = randomUUID();
  const users: UserRow[] = [];
  const memberships: MembershipRow[] = [];
  const people: [string, string, 1 | 8 | 15, number, boolean, number | null][] = [
    // email, first name, level, joined days ago, 2FA, last login days ago
    ['alice@example.com', 'Alice', 15, 720, true, 0],
    ['bob@example.com', 'Bob', 8, 600, true, 2],
    ['carol@example.com', 'Carol', 1, 400, false, 5],
    ['dave@example.com', 'Dave', 8, 300, true, 1],
    ['frank@example.com', 'Frank', 1, 200, false, 95],
    ['grace@example.com', 'Grace', 8, 100, false, null],
  ];
  const byEmail = new Map<string, MembershipRow>();
  people.forEach(([email, first, level, joined, twofa, login], i) => {
    const u: UserRow = {
      id: i + 1, uuid: randomUUID(), email, first_name: first, last_name: 'Example', distinct_id: randomBytes(16).toString('hex'),
      is_email_verified: true, is_2fa_enabled: twofa, has_social_auth: false, last_login: login === null ? null : t(login),
      date_joined: t(joined), is_active: true, current_organization_id: orgId,
    };
    users.push(u);
    const m: MembershipRow = { id: randomUUID(), organization_id: orgId, user_uuid: u.uuid, level, joined_at: t(joined), updated_at: t(joined) };
    memberships.push(m);
    byEmail.set(email, m);
  });
  const mid = (email: string): string => byEmail.get(email)!.id;
  const alice = users[0]!;

  const roles = ['Engineering', 'Product', 'Marketing'].map((name, i) => ({
    id: randomUUID(), organization_id: orgId, name, created_at: t(500 - i), created_by_uuid: alice.uuid,
  }));
  const [eng, product, marketing] = roles as [typeof roles[0], typeof roles[0], typeof roles[0]];
  const rm = (roleId: string, email: string, days: number) => ({ id: randomUUID(), role_id: roleId, membership_id: mid(email), joined_at: t(days), updated_at: t(days) });
  const role_memberships = [rm(eng.id, 'bob@example.com', 450), rm(eng.id, 'frank@example.com', 190), rm(product.id, 'dave@example.com', 290), rm(marketing.id, 'grace@example.com', 90)];

  const project = (id: number, name: string, days: number) => ({
    id, uuid: randomUUID(), organization_id: orgId, name, api_token: 'phc_emulator_' + randomBytes(16).toString('base64url'),
    timezone: 'UTC', created_at: t(days), updated_at: t(days),
  });
  const projects = [project(1, 'Production', 700), project(2, 'Staging', 650), project(3, 'Sandbox', 120)];

  const ac = (team: number, level: string, subject: { member?: string; role?: string }, resource = 'project', days = 60): AccessControlRow => ({
    id: randomUUID(), team_id: team, resource, resource_id: resource === 'project' ? String(team) : null,
    organization_member: subject.member ?? null, role: subject.role ?? null, access_level: level,
    created_by_uuid: alice.uuid, created_at: t(days), updated_at: t(days),
  });
  const access_controls = [
    ac(1, 'member', {}),
    ac(1, 'member', { role: eng.id }),
    ac(1, 'admin', { member: mid('carol@example.com') }),
    ac(1, 'member', { member: mid('grace@example.com') }),
    ac(1, 'editor', {}, 'feature_flag'),
    ac(3, 'none', {}),
    ac(3, 'member', { role: marketing.id }),
    ac(3, 'admin', { member: mid('frank@example.com') }),
  ];

  const invite = (email: string, level: 1 | 8, days: number) => ({
    id: randomUUID(), organization_id: orgId, target_email: email, first_name: '', level, message: null,
    private_project_access: null, created_by_uuid: alice.uuid, emailing_attempt_made: true, created_at: t(days), updated_at: t(days),
  });

  // A flag-service secret key on Production, 120 days old (a matrix with rotate_after_days: 90 rolls
  // it). Its value is not kept anywhere, as with a real key whose secret was handed out long ago.
  const secretValue = newSecretKeyValue();
  const project_secret_api_keys: ProjectSecretKeyRow[] = [{
    id: randomBytes(12).toString('base64url'), team_id: 1, label: 'flag-service', secure_value: hashKey(secretValue),
    mask_value: maskKey(secretValue), scopes: ['feature_flag:read'], created_by_uuid: alice.uuid, created_at: t(120),
    last_used_at: t(1), last_rolled_at: null,
  }];

  // example.com verified and covered by a SAML identity provider; example.org added, never verified.
  const domain = (name: string, verifiedDaysAgo: number | null, days: number): DomainRow => ({
    id: randomUUID(), organization_id: orgId, domain: name, verified_at: verifiedDaysAgo === null ? null : t(verifiedDaysAgo),
    verification_challenge: randomBytes(24).toString('base64url'), jit_provisioning_enabled: false, sso_enforcement: '',
    verifiable: verifiedDaysAgo !== null, created_at: t(days),
  });
  const domains = [domain('example.com', 340, 341), domain('example.org', null, 20)];
  const identity_provider_configs: IdentityProviderConfigRow[] = [{
    id: randomUUID(), organization_id: orgId, name: 'Okta', domain_scope: null, config_scope: 'saml',
    organization_domain_ids: [domains[0]!.id],
    saml_entity_id: 'http://www.okta.com/exkexampleco', saml_acs_url: 'https://example-co.okta.com/app/posthog/sso/saml',
    saml_x509_cert: '-----BEGIN CERTIFICATE-----\nMIIDemulatorsampleonly\n-----END CERTIFICATE-----',
    oidc_issuer_url: null, oidc_client_id: null, saml_relay_state: randomUUID(), scim_enabled: false, scim_token_hash: null,
    id_jag_issuer_url: null, id_jag_jwks_url: null, id_jag_allowed_clients: [], created_at: t(339), updated_at: t(339),
  }];

  // What people created that others rely on (offboarding reads it): frank's flags, grace's
  // dashboard with a saved insight on it, private (unsaved) insights of both, alice's dashboard.
  const by = (email: string) => users.find((u) => u.email === email)!.uuid;
  const feature_flags = [
    { id: 1, team_id: 1, key: 'new-onboarding', name: 'New onboarding flow', created_by_uuid: by('frank@example.com'), created_at: t(80) },
    { id: 2, team_id: 3, key: 'sandbox-experiment', name: '', created_by_uuid: by('frank@example.com'), created_at: t(30) },
    { id: 3, team_id: 1, key: 'pricing-page-v2', name: 'Pricing page v2', created_by_uuid: by('carol@example.com'), created_at: t(40) },
  ];
  const dashboards = [
    { id: 1, team_id: 1, name: 'Company KPIs', pinned: true, created_by_uuid: alice.uuid, created_at: t(600) },
    { id: 2, team_id: 1, name: 'Marketing funnel', created_by_uuid: by('grace@example.com'), created_at: t(60) },
  ];
  const insights = [
    { id: 1, team_id: 1, short_id: 'kpiSignup', name: 'Weekly signups', dashboards: [1], created_by_uuid: alice.uuid, created_at: t(600) },
    { id: 2, team_id: 1, short_id: 'mktChan01', name: 'Signups by channel', dashboards: [2], created_by_uuid: by('grace@example.com'), created_at: t(60) },
    { id: 3, team_id: 1, short_id: 'grcDraft1', name: 'Campaign draft', saved: false, created_by_uuid: by('grace@example.com'), created_at: t(5) },
    { id: 4, team_id: 3, short_id: 'frkDraft1', name: null, saved: false, created_by_uuid: by('frank@example.com'), created_at: t(3) },
  ];

  return {
    version: 1,
    clock: null,
    organizations: [{
      id: orgId, name: 'Example Co', slug: 'example-co', created_at: t(730), updated_at: t(30), logo_media_id: null,
      available_product_features: SAMPLE_FEATURES.map((f) => ({ ...f })), default_role_id: null, enforce_2fa: null,
      enforce_verified_domains: false, members_can_invite: true, members_can_create_projects: false,
      members_can_use_personal_api_keys: true, members_can_see_org_members: true, allow_publicly_shared_resources: true,
      is_member_join_email_enabled: true, is_ai_data_processing_approved: null, is_ai_training_opted_in: null,
      default_experiment_stats_method: 'bayesian', default_anonymize_ips: false, uses_most_specific_access_resolution: false,
    }],
    users,
    memberships,
    invites: [invite('henry@example.com', 1, 10), invite('zoe@example.com', 1, 1)],
    roles,
    role_memberships,
    projects,
    access_controls,
    personal_api_keys: [],
    project_secret_api_keys,
    domains,
    identity_provider_configs,
    activity_logs: [],
    feature_flags: feature_flags.map((f) => ({ active: true, deleted: false, ...f })),
    dashboards: dashboards.map((d) => ({ pinned: false, deleted: false, ...d })),
    insights: insights.map((i) => ({ saved: true, deleted: false, dashboards: [], ...i })),
  };
}
