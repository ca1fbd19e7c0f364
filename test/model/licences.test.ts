// Which organization settings PostHog refuses to change without a licence (400 payment_required).
import { describe, expect, it } from 'vitest';
import { unlicensedSettings } from '../../src/model/licences.ts';

const ALL = ['enforce_2fa', 'enforce_verified_domains', 'members_can_invite', 'members_can_create_projects',
  'members_can_use_personal_api_keys', 'members_can_see_org_members', 'allow_publicly_shared_resources'];

describe('setting licences', () => {
  it.each([
    ['no features: the four gated settings', [], [
      { setting: 'enforce_2fa', feature: '2fa_enforcement' },
      { setting: 'members_can_invite', feature: 'organization_invite_settings' },
      { setting: 'members_can_use_personal_api_keys', feature: 'organization_security_settings' },
      { setting: 'allow_publicly_shared_resources', feature: 'organization_security_settings' },
    ]],
    ['security settings only', ['organization_security_settings'], [
      { setting: 'enforce_2fa', feature: '2fa_enforcement' },
      { setting: 'members_can_invite', feature: 'organization_invite_settings' },
    ]],
    ['every licence', ['2fa_enforcement', 'organization_invite_settings', 'organization_security_settings'], []],
  ])('%s', (_name, features, expected) => {
    expect(unlicensedSettings(ALL, features)).toEqual(expected);
  });
});
