// Organization settings PostHog refuses to change without a licence: a PATCH of one of these by an
// organization lacking the feature gets 400 `payment_required` and the stored value stays
// (PostHog's own organization API tests; docs/matrix.md, "What plan and apply do with settings").

/** Setting → the feature key (`available_product_features[].key`) its change needs. */
export const SETTING_LICENCES: Readonly<Record<string, string>> = {
  members_can_invite: 'organization_invite_settings',
  members_can_use_personal_api_keys: 'organization_security_settings',
  allow_publicly_shared_resources: 'organization_security_settings',
  enforce_2fa: '2fa_enforcement',
};

export interface MissingLicence {
  setting: string;
  feature: string;
}

/** The settings among `settings` that PostHog would refuse for an organization with these features. */
export function unlicensedSettings(settings: Iterable<string>, features: readonly string[]): MissingLicence[] {
  const has = new Set(features);
  const out: MissingLicence[] = [];
  for (const setting of settings) {
    const feature = SETTING_LICENCES[setting];
    if (feature && !has.has(feature)) out.push({ setting, feature });
  }
  return out;
}
