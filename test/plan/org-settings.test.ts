import { describe, expect, it } from 'vitest';
import type { ActualState } from '../../src/model/actual.ts';
import type { DesiredState } from '../../src/model/desired.ts';
import { diff } from '../../src/plan/diff.ts';
import { applyChange } from '../../src/apply/apply.ts';
import { WRITERS, type ApplyEnv } from '../../src/apply/writers/index.ts';
import { orgSettingsKind } from '../../src/plan/kinds/org-settings.ts';
import { buildPlan } from '../../src/plan/plan.ts';
import type { Change } from '../../src/plan/types.ts';
import type { PostHogApi } from '../../src/posthog/types.ts';
import { renderText } from '../../src/plan/render/text.ts';
import { renderMarkdown } from '../../src/plan/render/markdown.ts';
import { actual, afterOf, beforeOf, desired, patchOf } from './builders.ts';

const NOW = new Date('2026-11-22T12:00:00Z');
const brief = (c: Change) => `${c.action} ${c.kind} ${c.key}`;
const POSTHOG_DEFAULTS = {
  enforce_2fa: null, enforce_verified_domains: false, members_can_invite: true, members_can_create_projects: false,
  members_can_use_personal_api_keys: true, members_can_see_org_members: true, allow_publicly_shared_resources: true,
};
const ALL_FEATURES = ['access_control', 'role_based_access', 'organization_invite_settings', 'organization_security_settings', '2fa_enforcement'];
const withSettings = (settings: DesiredState['organization']['settings'], defaultTeam?: string, teams: DesiredState['teams'] = {}) =>
  desired({ organization: { id: '@current', settings, domains: {}, ...(defaultTeam !== undefined && { defaultTeam }) }, teams });
const org = (build: Parameters<typeof actual>[0] = () => {}) =>
  actual((a) => { a.settings(POSTHOG_DEFAULTS).features(ALL_FEATURES); build(a); });
const run = (d: DesiredState, a: ActualState) => diff(d, a, NOW);

describe('organization settings: plan', () => {
  it.each([
    ['nothing when the matrix lists no settings', {}, []],
    ['nothing when the listed settings match', { members_can_invite: true, allow_publicly_shared_resources: true }, []],
    ['enforce_2fa null in PostHog is off', { enforce_2fa: false }, []],
    ['updates a listed setting that differs', { enforce_2fa: true }, ['update org_settings settings']],
    ['one change for several settings', { enforce_2fa: true, members_can_invite: false }, ['update org_settings settings']],
  ])('%s', (_name, settings, expected) => {
    expect(run(withSettings(settings), org()).changes.map(brief)).toEqual(expected);
  });

  it('holds only the listed keys, so unlisted settings are left alone', () => {
    const [change] = run(withSettings({ members_can_invite: false }), org()).changes;
    expect(beforeOf(change)).toEqual({ members_can_invite: true });
    expect(afterOf(change)).toEqual({ members_can_invite: false });
    expect(patchOf(change)).toEqual([{ op: 'replace', path: '/members_can_invite', value: false }]);
    expect(change?.destructive).toBe(false);
  });

  it('reports nothing unmanaged and needs no prune', () => {
    const result = run(withSettings({ enforce_2fa: true }), org());
    expect(result.notices.filter((n) => n.code === 'unmanaged')).toEqual([]);
  });

  it('skips a setting PostHog does not return, with a warning', () => {
    const a = actual((b) => b.settings({ enforce_2fa: true }).features(ALL_FEATURES));
    const result = run(withSettings({ enforce_2fa: true, enforce_verified_domains: true }), a);
    expect(result.changes).toEqual([]);
    expect(result.notices).toContainEqual(expect.objectContaining({ level: 'warning', code: 'setting_unknown', message: expect.stringContaining('enforce_verified_domains') }));
  });
});

describe('organization settings: default_team', () => {
  const teams = { Product: { members: [] }, Engineering: { members: [] } };
  it.each([
    ['sets it when PostHog has none', 'Product', (a: Parameters<NonNullable<Parameters<typeof actual>[0]>>[0]) => a.team('Product'), [{ op: 'replace', path: '/default_team', value: 'Product' }]],
    ['changes it', 'Engineering', (a: Parameters<NonNullable<Parameters<typeof actual>[0]>>[0]) => a.team('Product').team('Engineering').defaultTeam('Product'), [{ op: 'replace', path: '/default_team', value: 'Engineering' }]],
    ['leaves it when it matches (case-insensitively named roles)', 'Product', (a: Parameters<NonNullable<Parameters<typeof actual>[0]>>[0]) => a.team('product').defaultTeam('product'), null],
  ])('%s', (_name, team, build, patch) => {
    const result = run(withSettings({}, team, teams), org(build));
    if (patch === null) expect(result.changes.filter((c) => c.kind === 'org_settings')).toEqual([]);
    else expect(patchOf(result.changes.find((c) => c.kind === 'org_settings'))).toEqual(patch);
  });

  it('waits for a team created in the same plan', () => {
    const result = run(withSettings({}, 'Product', teams), org());
    const ids = result.changes.map((c) => c.id);
    const settings = result.changes.find((c) => c.kind === 'org_settings');
    expect(settings?.dependsOn).toEqual(['team:Product']);
    expect(ids.indexOf('team:Product')).toBeLessThan(ids.indexOf('org_settings:settings'));
  });
});

describe('organization settings: notices', () => {
  const codes = (d: DesiredState, a: ActualState) => run(d, a).notices.map((n) => `${n.level} ${n.code}`);

  it.each([
    ['enforce_2fa off', { enforce_2fa: false }, { enforce_2fa: true }, true],
    ['enforce_verified_domains off', { enforce_verified_domains: false }, { enforce_verified_domains: true }, true],
    ['members_can_invite on', { members_can_invite: true }, { members_can_invite: false }, true],
    ['members_can_use_personal_api_keys on', { members_can_use_personal_api_keys: true }, { members_can_use_personal_api_keys: false }, true],
    ['allow_publicly_shared_resources on', { allow_publicly_shared_resources: true }, { allow_publicly_shared_resources: false }, true],
    ['members_can_create_projects on', { members_can_create_projects: true }, { members_can_create_projects: false }, true],
    ['members_can_see_org_members on', { members_can_see_org_members: true }, { members_can_see_org_members: false }, true],
    ['enforce_2fa on (tightens)', { enforce_2fa: true }, { enforce_2fa: false }, false],
    ['members_can_invite off (tightens)', { members_can_invite: false }, { members_can_invite: true }, false],
    ['no change', { members_can_invite: true }, { members_can_invite: true }, false],
  ])('loosening security warns: %s', (_name, want, have, warns) => {
    const result = run(withSettings(want), org((a) => a.settings(have)));
    const notice = result.notices.find((n) => n.code === 'loosens_security');
    expect(Boolean(notice)).toBe(warns);
    if (notice) expect(notice).toMatchObject({ level: 'warning', message: expect.stringContaining(Object.keys(want)[0]!) });
    // Loosening is not a removal of access: it does not count against max_deletes.
    expect(result.changes.every((c) => !c.destructive)).toBe(true);
  });

  it.each([
    ['members_can_create_projects', 'organization_invite_settings'],
  ])('%s without %s: accepted but has no effect', (setting, feature) => {
    const lacking = org((a) => a.features(ALL_FEATURES.filter((f) => f !== feature)));
    const notice = run(withSettings({ [setting]: false }), lacking).notices.find((n) => n.code === 'feature_missing');
    expect(notice).toMatchObject({ level: 'warning', key: setting });
    expect(notice?.message).toContain(`accepted but has no effect without the "${feature}" feature`);
    expect(codes(withSettings({ [setting]: false }), org())).not.toContain('warning feature_missing');
  });

  it('lists members without two-factor authentication when enforce_2fa is wanted, in plan and drift alike', () => {
    const a = org((b) => b.member('carol@x.io', 'member').member('frank@x.io', 'member').member('grace@x.io', 'admin')
      .without2fa('grace@x.io').without2fa('carol@x.io').without2fa('frank@x.io').settings({ enforce_2fa: true }));
    const notice = run(withSettings({ enforce_2fa: true }), a).notices.find((n) => n.code === 'two_factor_missing');
    expect(notice).toMatchObject({ level: 'warning' });
    expect(notice?.message).toContain('3 members have not enabled two-factor authentication');
    expect(notice?.message).toContain('carol@x.io, frank@x.io, grace@x.io');
  });

  it('says nothing about two-factor authentication when everyone has it or it is not wanted', () => {
    expect(codes(withSettings({ enforce_2fa: true }), org())).not.toContain('warning two_factor_missing');
    const a = org((b) => b.member('carol@x.io', 'member').without2fa('carol@x.io'));
    expect(codes(withSettings({ enforce_2fa: false }), a)).not.toContain('warning two_factor_missing');
    expect(codes(withSettings({}), a)).not.toContain('warning two_factor_missing');
  });
});

describe('organization settings: licences', () => {
  // PostHog refuses these without their licence (400 payment_required) and keeps the old value.
  it.each([
    ['members_can_invite', false, 'organization_invite_settings', 'true → false'],
    ['members_can_use_personal_api_keys', false, 'organization_security_settings', 'true → false'],
    ['allow_publicly_shared_resources', false, 'organization_security_settings', 'true → false'],
    ['enforce_2fa', true, '2fa_enforcement', 'false → true'],
  ])('%s without its licence: never sent, a manual step naming the licence', (setting, want, feature, move) => {
    const lacking = org((a) => a.features(ALL_FEATURES.filter((f) => f !== feature)));
    const result = run(withSettings({ [setting]: want }), lacking);
    expect(result.changes).toEqual([]);
    expect(result.manualSteps).toEqual([{
      key: setting,
      message: `${move} needs the "${feature}" licence, which this organization's plan lacks (PostHog refuses the change without it): upgrade the plan in PostHog (Settings → Billing), then the next plan sets it; the plan's other settings are applied without it`,
    }]);
    // With the licence it is an ordinary change.
    expect(run(withSettings({ [setting]: want }), org()).changes.map(brief)).toEqual(['update org_settings settings']);
  });

  it('the licensed settings and default_team still apply, in one PATCH without the unlicensed one', async () => {
    const a = org((b) => b.team('Product').features(['access_control', 'organization_invite_settings']));
    const result = run(withSettings({ enforce_2fa: true, members_can_invite: false, allow_publicly_shared_resources: false }, 'Product', { Product: { members: [] } }), a);
    expect(result.manualSteps.map((m) => m.key)).toEqual(['enforce_2fa', 'allow_publicly_shared_resources']);
    const [change] = result.changes;
    expect(patchOf(change)).toEqual([
      { op: 'replace', path: '/default_team', value: 'Product' },
      { op: 'replace', path: '/members_can_invite', value: false },
    ]);
    const calls: unknown[][] = [];
    const api = { updateOrganization: async (...args: unknown[]) => { calls.push(args); return {}; } } as unknown as PostHogApi;
    await applyChange(change!, { api, orgId: 'org-1', actual: a, created: new Map() });
    expect(calls).toEqual([['org-1', { members_can_invite: false, default_role_id: a.teams.Product!.id }]]);
  });

  it('an unlicensed setting already as wanted needs nothing', () => {
    const lacking = org((a) => a.features([]).settings({ members_can_invite: false }));
    const result = run(withSettings({ members_can_invite: false }), lacking);
    expect(result.changes).toEqual([]);
    expect(result.manualSteps).toEqual([]);
  });

  it('2FA is not announced as enforced when the licence is missing', () => {
    const a = org((b) => b.member('carol@x.io', 'member').without2fa('carol@x.io').features([]));
    expect(run(withSettings({ enforce_2fa: true }), a).notices.map((n) => n.code)).not.toContain('two_factor_missing');
  });
});

describe('organization settings: apply', () => {
  function fakeEnv(state: ActualState) {
    const calls: unknown[][] = [];
    const api = { updateOrganization: async (...args: unknown[]) => { calls.push(args); return {}; } } as unknown as PostHogApi;
    const env: ApplyEnv = { api, orgId: 'org-1', actual: state, created: new Map() };
    return { env, calls };
  }

  it('PATCHes the organization with only the changed fields', async () => {
    const a = org();
    const [change] = run(withSettings({ enforce_2fa: true, members_can_invite: true, members_can_see_org_members: false }), a).changes;
    const { env, calls } = fakeEnv(a);
    await applyChange(change!, env);
    expect(calls).toEqual([['org-1', { enforce_2fa: true, members_can_see_org_members: false }]]);
  });

  it('resolves default_team to the role id, also of a team created earlier in the apply', async () => {
    const teams = { Product: { members: [] } };
    const a = org();
    const change = run(withSettings({}, 'Product', teams), a).changes.find((c) => c.kind === 'org_settings')!;
    const { env, calls } = fakeEnv(a);
    env.created.set('team:Product', 'role-new');
    await applyChange(change, env);
    expect(calls).toEqual([['org-1', { default_role_id: 'role-new' }]]);

    const existing = org((b) => b.team('Product'));
    const again = fakeEnv(existing);
    await applyChange(run(withSettings({}, 'Product', teams), existing).changes[0]!, again.env);
    expect(again.calls).toEqual([['org-1', { default_role_id: existing.teams.Product!.id }]]);
  });
});

describe('organization settings: rendering', () => {
  it('shows the changed fields readably in text and Markdown', () => {
    const a = org((b) => b.team('Product'));
    const plan = buildPlan({
      desired: withSettings({ enforce_2fa: true, members_can_invite: false }, 'Product', { Product: { members: [] } }),
      actual: a, at: NOW, createdAt: NOW, host: 'https://emulator', matrix: { file: 'm.yaml', sha256: 'x'.repeat(64) },
      read: { organization: '@current', projects: [], secretKeys: [], domains: false },
    });
    const text = renderText(plan, { color: false });
    expect(text).toContain('~ settings  enforce_2fa: false → true, members_can_invite: true → false, default_team: (none) → Product');
    const markdown = renderMarkdown(plan);
    expect(markdown).toContain('| **settings** | enforce\\_2fa: false → true; members\\_can\\_invite: true → false; default\\_team: (none) → Product |');
  });
});
