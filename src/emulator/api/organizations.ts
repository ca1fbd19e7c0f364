// Users (`@me`) and organizations: list, retrieve, settings PATCH (docs/emulator.md, Organization).
import { ACTIVITY_FIELD_LABELS, FEATURE, SETTING_LICENCE } from '../tables.ts';
import { invalid, notFound } from '../errors.ts';
import { orgBasic, orgJson, teamBasic } from '../serialize.ts';
import { boolField, log, obj, ok, paginateList, requireAdmin, route, strField, UUID_RE, visibleProjects } from './common.ts';
import type { Ctx, Result, RouteSpec } from './common.ts';
import type { Change } from '../state.ts';

function usersRetrieve(ctx: Ctx): Result {
  const uuid = ctx.params.uuid;
  if (uuid !== '@me' && uuid !== ctx.user.uuid) throw notFound();
  const s = ctx.state;
  const u = ctx.user;
  const orgId = u.current_organization_id;
  const org = orgId ? s.orgs.get(orgId) : undefined;
  const m = org ? s.membership(org.id, u.uuid) : undefined;
  const projects = org ? visibleProjects(ctx, org, m) : [];
  const orgs = [...(s.userOrgs.get(u.uuid)?.values() ?? [])].flatMap((mm) => {
    const o = s.orgs.get(mm.organization_id);
    return o ? [orgBasic(o, mm.level)] : [];
  });
  return ok({
    date_joined: u.date_joined,
    uuid: u.uuid,
    distinct_id: u.distinct_id,
    first_name: u.first_name,
    last_name: u.last_name,
    email: u.email,
    pending_email: null,
    is_email_verified: u.is_email_verified,
    has_password: true,
    is_staff: false,
    is_impersonated: false,
    is_impersonated_until: null,
    sensitive_session_expires_at: null,
    id: u.id,
    team: projects[0] ? teamBasic(projects[0]) : null,
    organization: org ? orgJson(s, org, m?.level ?? null, projects) : null,
    organizations: orgs,
    has_social_auth: u.has_social_auth,
    has_sso_enforcement: false,
    is_2fa_enabled: u.is_2fa_enabled,
    scene_personalisation: [],
  });
}

function organizationsList(ctx: Ctx): Result {
  const s = ctx.state;
  const scoped = ctx.key.scoped_organizations;
  const list: Record<string, unknown>[] = [];
  for (const m of s.userOrgs.get(ctx.user.uuid)?.values() ?? []) {
    if (scoped && scoped.length && !scoped.includes(m.organization_id)) continue;
    const o = s.orgs.get(m.organization_id);
    if (o) list.push(orgJson(s, o, m.level, visibleProjects(ctx, o, m)));
  }
  return ok(paginateList(ctx, list));
}

function organizationRetrieve(ctx: Ctx): Result {
  const org = ctx.org!;
  return ok(orgJson(ctx.state, org, ctx.membership!.level, visibleProjects(ctx, org, ctx.membership)));
}

const ORG_WRITABLE: Record<string, 'bool' | 'nbool' | 'string' | 'nstring'> = {
  name: 'string',
  logo_media_id: 'nstring',
  enforce_2fa: 'nbool',
  enforce_verified_domains: 'bool',
  members_can_invite: 'nbool',
  members_can_create_projects: 'bool',
  members_can_use_personal_api_keys: 'bool',
  members_can_see_org_members: 'bool',
  allow_publicly_shared_resources: 'bool',
  is_ai_data_processing_approved: 'nbool',
  is_ai_training_opted_in: 'nbool',
  default_experiment_stats_method: 'nstring',
  default_anonymize_ips: 'bool',
  default_role_id: 'nstring',
  // PostHog's newest organization tests still write it (test_update_organization_if_admin)
  is_member_join_email_enabled: 'bool',
};

const FEATURE_NAMES: Record<string, string> = {
  [FEATURE.inviteSettings]: 'Organization invite settings',
  [FEATURE.securitySettings]: 'Organization security settings',
  [FEATURE.twoFactorEnforcement]: '2FA enforcement',
};

/**
 * A licence-gated setting sent without its licence: 400 `payment_required`, nothing changes (the
 * whole PATCH is refused). Refused whenever the field is sent, even with its current value.
 */
function checkSettingLicences(ctx: Ctx, body: Record<string, unknown>): void {
  for (const [field, feature] of Object.entries(SETTING_LICENCE)) {
    if (!(field in body) || ctx.state.hasFeature(ctx.org!.id, feature)) continue;
    throw invalid(`${FEATURE_NAMES[feature] ?? feature} is not included in your current plan: upgrade your plan to change ${field}.`, field, 'payment_required');
  }
}

function organizationUpdate(ctx: Ctx): Result {
  requireAdmin(ctx);
  const org = ctx.org!;
  const body = obj(ctx.body);
  checkSettingLicences(ctx, body);
  const updates: Record<string, unknown> = {};
  for (const [field, kind] of Object.entries(ORG_WRITABLE)) {
    if (!(field in body)) continue;
    const v = body[field];
    if (kind === 'bool' || kind === 'nbool') updates[field] = boolField(v, field, kind === 'nbool');
    else if (field === 'name') updates[field] = strField(v, field, { required: true, max: 64 });
    else if (field === 'default_experiment_stats_method') {
      if (v !== null && v !== 'bayesian' && v !== 'frequentist') throw invalid(`"${String(v)}" is not a valid choice.`, field, 'invalid_choice');
      updates[field] = v;
    } else if (field === 'default_role_id') {
      const sv = strField(v, field, { nullable: true });
      if (sv !== null && !UUID_RE.test(sv)) throw invalid('Must be a valid UUID.', field);
      if (sv !== null && ctx.state.roles.get(sv)?.organization_id !== org.id) {
        throw invalid(`Invalid pk "${sv}" - object does not exist.`, field, 'does_not_exist');
      }
      updates[field] = sv;
    } else {
      const sv = strField(v, field, { nullable: true });
      if (sv !== null && !UUID_RE.test(sv)) throw invalid('Must be a valid UUID.', field);
      updates[field] = sv;
    }
  }
  const changes: Change[] = [];
  const rec = org as unknown as Record<string, unknown>;
  for (const [field, after] of Object.entries(updates)) {
    const before = rec[field];
    if (before !== after) {
      changes.push({ type: 'Organization', action: 'changed', field: ACTIVITY_FIELD_LABELS.Organization![field] ?? field, before, after });
      rec[field] = after;
    }
  }
  if (changes.length) {
    org.updated_at = ctx.now.toISOString();
    log(ctx, 'updated', 'Organization', org.id, org.name, changes);
  }
  return ok(orgJson(ctx.state, org, ctx.membership!.level, visibleProjects(ctx, org, ctx.membership)));
}

export const ORGANIZATION_ROUTES: RouteSpec[] = [
  route('GET', '/api/users/{uuid}/', 'users_retrieve', 'user', 'user', usersRetrieve),
  route('GET', '/api/organizations/', 'list', 'organization', 'root', organizationsList),
  route('GET', '/api/organizations/{id}/', 'retrieve', 'organization', 'org', organizationRetrieve),
  route('PATCH', '/api/organizations/{id}/', 'partial_update', 'organization', 'org', organizationUpdate),
  route('PUT', '/api/organizations/{id}/', 'update', 'organization', 'org', organizationUpdate),
];
