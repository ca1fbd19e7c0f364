// Organization settings: one item, keyed `settings`, holding only what the matrix lists under
// `organization.settings` (other settings are left alone) and `default_team` (PostHog's
// default_role_id, by team name). PostHog has no create or delete here: only a PATCH of the
// organization with the fields that changed.
import { z } from 'zod';
import type { ActualState } from '../../model/actual.ts';
import { unlicensedSettings } from '../../model/licences.ts';
import { defineKind, type DiffContext } from '../kind.ts';
import { administrators, teamName } from '../lookup.ts';
import { refuse } from '../refuse.ts';
import type { Notice } from '../types.ts';

export const orgSettingsShape = {
  /** The listed settings as PostHog names them, and `default_team` (a team name, or null). */
  value: z.record(z.string(), z.unknown()),
  /** The organization itself. */
  subject: z.object({}),
};

export const SETTINGS_KEY = 'settings';
export const DEFAULT_TEAM = 'default_team';
const LISTED_MAX = 20;

/**
 * Settings whose change in this direction loosens security, and what that means. Warned about,
 * not counted against safety.max_deletes: that budget is for removals and demotions of people's
 * access, and a reviewed settings change should not need --allow-deletes.
 */
export const LOOSENING: Record<string, { from: boolean; why: string }> = {
  enforce_2fa: { from: true, why: 'members no longer need two-factor authentication' },
  enforce_verified_domains: { from: true, why: 'people with emails outside the verified domains may join and stay' },
  members_can_invite: { from: false, why: 'members (not only admins) can invite people' },
  members_can_use_personal_api_keys: { from: false, why: 'members can create personal API keys' },
  allow_publicly_shared_resources: { from: false, why: 'dashboards, insights and recordings can be shared publicly' },
  members_can_create_projects: { from: false, why: 'members (not only admins) can create projects' },
  members_can_see_org_members: { from: false, why: 'members see everyone in the organization' },
};

/**
 * Settings PostHog accepts without a feature but only enforces with it. Those it refuses without
 * their licence (400 payment_required) are in src/model/licences.ts and never sent.
 */
const NEEDS_FEATURE: Record<string, string> = {
  members_can_create_projects: 'organization_invite_settings',
};

/**
 * Settings whose licence the organization lacks keep PostHog's value in the plan, so they are
 * never sent (PostHog would refuse the whole PATCH, licensed settings and default_team with it);
 * a wanted change becomes a manual step naming the licence.
 */
function withoutUnlicensed(ctx: DiffContext, value: Record<string, unknown>): void {
  for (const { setting, feature } of unlicensedSettings(Object.keys(value), ctx.actual.organization.features)) {
    const have = actualSetting(ctx.actual, setting);
    if (have !== value[setting]) {
      ctx.manualSteps.push({
        key: setting,
        message: `${String(have)} → ${String(value[setting])} needs the "${feature}" licence, which this organization's plan lacks (PostHog refuses the change without it): upgrade the plan in PostHog (Settings → Billing), then the next plan sets it; the plan's other settings are applied without it`,
      });
    }
    value[setting] = have;
  }
}

/** PostHog sends enforce_2fa as null until someone sets it: that is "off". */
function actualSetting(actual: ActualState, key: string): unknown {
  const value = actual.organization.settings[key];
  return key === 'enforce_2fa' && value === null ? false : value ?? null;
}

/** The listed settings PostHog reports; one it does not know could never converge, so it is skipped. */
function managedKeys(ctx: DiffContext): string[] {
  const keys = Object.keys(ctx.desired.organization.settings); // in the matrix's order
  const known = keys.filter((k) => k in ctx.actual.organization.settings);
  const unknown = keys.filter((k) => !known.includes(k));
  if (unknown.length) {
    ctx.notices.push({
      level: 'warning', code: 'setting_unknown',
      message: `PostHog did not return ${unknown.join(', ')} for this organization (an older version?): left out of the plan`,
    });
  }
  return known;
}

function defaultTeamOf(ctx: DiffContext): string | null {
  const id = ctx.actual.organization.defaultRoleId;
  if (!id) return null;
  const role = Object.values(ctx.actual.teams).find((t) => t.id === id);
  return role ? teamName(ctx, role.name) : `(unknown role ${id})`;
}

function listed(emails: string[]): string {
  const more = emails.length > LISTED_MAX ? ` and ${emails.length - LISTED_MAX} more` : '';
  return `${emails.slice(0, LISTED_MAX).join(', ')}${more}`;
}

/** What the matrix's settings mean for this organization beyond the diff itself. */
function settingNotices(ctx: DiffContext, want: Record<string, unknown>): Notice[] {
  const notices: Notice[] = [];
  const features = new Set(ctx.actual.organization.features);
  for (const [setting, feature] of Object.entries(NEEDS_FEATURE)) {
    if (setting in want && !features.has(feature)) {
      notices.push({
        level: 'warning', code: 'feature_missing', key: setting,
        message: `${setting} is accepted but has no effect without the "${feature}" feature, which this organization lacks`,
      });
    }
  }

  const loosened = Object.entries(LOOSENING).filter(([setting, rule]) =>
    setting in want && want[setting] === !rule.from && actualSetting(ctx.actual, setting) === rule.from);
  if (loosened.length) {
    notices.push({
      level: 'warning', code: 'loosens_security', key: SETTINGS_KEY,
      message: `the plan loosens organization security: ${loosened.map(([s, r]) => `${s} ${r.from} → ${!r.from} (${r.why})`).join('; ')}`,
    });
  }

  if (want.enforce_2fa === true) {
    const without = Object.values(ctx.actual.members).filter((m) => !m.is2faEnabled).map((m) => m.email).sort();
    if (without.length) {
      notices.push({
        level: 'warning', code: 'two_factor_missing', key: 'enforce_2fa',
        message: `enforce_2fa is on, and ${without.length} member${without.length === 1 ? ' has' : 's have'} not enabled two-factor authentication (PostHog makes them set it up before they can go on): ${listed(without)}`,
      });
    }
  }
  return notices;
}

export const orgSettingsKind = defineKind({
  kind: 'org_settings',
  shape: orgSettingsShape,
  key: () => SETTINGS_KEY,
  scope: 'organization:write',
  section: 'Organization',
  label: 'settings',
  // Domains are read to check enforce_verified_domains against them.
  reads: (desired) => ({ domains: desired.organization.settings.enforce_verified_domains === true }),
  fingerprint: (actual) => ({ organization: actual.organization }),
  desired(ctx) {
    const { settings, defaultTeam } = ctx.desired.organization;
    if (!Object.keys(settings).length && defaultTeam === undefined) return [];
    const value: Record<string, unknown> = {};
    for (const key of managedKeys(ctx)) value[key] = settings[key];
    withoutUnlicensed(ctx, value);
    if (defaultTeam !== undefined) value[DEFAULT_TEAM] = defaultTeam;
    ctx.notices.push(...settingNotices(ctx, value));
    return [{ subject: {}, value, ...(defaultTeam !== undefined && { needs: [`team:${defaultTeam}`] }) }];
  },
  actual(ctx) {
    const { settings, defaultTeam } = ctx.desired.organization;
    if (!Object.keys(settings).length && defaultTeam === undefined) return [];
    const value: Record<string, unknown> = {};
    for (const key of Object.keys(settings)) if (key in ctx.actual.organization.settings) value[key] = actualSetting(ctx.actual, key);
    if (defaultTeam !== undefined) value[DEFAULT_TEAM] = defaultTeamOf(ctx);
    return [{ subject: {}, value }];
  },
  // Loosening settings is warned about (settingNotices), never counted as a removal of access.
  lowers: () => false,
  /**
   * `enforce_verified_domains` keeps out everyone whose email is not on a verified domain of the
   * organization: refused while that would include an owner, an admin or the key's user.
   */
  refusals(changes, { actual }) {
    const turningOn = changes.filter((c) => c.action !== 'delete' && c.after.enforce_verified_domains === true && (c.action === 'create' || c.before.enforce_verified_domains !== true));
    if (!turningOn.length) return [];
    const verified = new Set(Object.values(actual.domains ?? {}).filter((d) => d.isVerified).map((d) => d.domain.toLowerCase()));
    const outside = administrators(actual).filter((email) => !verified.has(email.split('@')[1] ?? ''));
    if (!outside.length) return [];
    return [refuse('verified_domains', `enforce_verified_domains would keep out ${outside.join(', ')} (owners, admins or the key's user whose email domain is not a verified domain of the organization): verify their domains first (organization.domains)`, turningOn)];
  },
  attribution: {
    scopes: ['Organization'],
    about: (_change, entry, actual) => entry.scope === 'Organization' && entry.item_id === actual.organization.id,
  },
});
