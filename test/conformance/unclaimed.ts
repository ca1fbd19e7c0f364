// Cases of the conformance suite the emulator does not pass today, each with why. The suite skips
// exactly these (their titles carry the reason); every other case is claimed and must pass.
// Run `CONFORMANCE_ALL=1 npx vitest run test/conformance` to see which of these pass by now, and
// move those out of this list.
export const UNCLAIMED: Record<string, string> = {
  "products/access_control/backend/tests/test_access_control.py::TestAccessControlMinimumLevelValidation::test_activity_log_access_restricted_for_users_without_access":
    "emulator does not enforce the activity_log resource rule on the activity log endpoint (a member with activity_log \"none\" still reads it)",
  "products/access_control/backend/tests/test_access_control.py::TestAccessControlDefaultsEndpoint::test_response_structure":
    "emulator lacks the effective-access endpoint access_control_defaults",
  "products/access_control/backend/tests/test_access_control.py::TestAccessControlDefaultsEndpoint::test_no_overrides_returns_default_project_level":
    "emulator lacks the effective-access endpoint access_control_defaults",
  "products/access_control/backend/tests/test_access_control.py::TestAccessControlDefaultsEndpoint::test_all_resources_present":
    "emulator lacks the effective-access endpoint access_control_defaults",
  "products/access_control/backend/tests/test_access_control.py::TestAccessControlDefaultsEndpoint::test_only_returns_current_team_defaults":
    "emulator lacks the effective-access endpoint access_control_defaults",
  "products/access_control/backend/tests/test_access_control.py::TestAccessControlRolesEndpoint::test_response_structure":
    "emulator lacks the effective-access endpoint access_control_roles",
  "products/access_control/backend/tests/test_access_control.py::TestAccessControlRolesEndpoint::test_returns_all_roles":
    "emulator lacks the effective-access endpoint access_control_roles",
  "products/access_control/backend/tests/test_access_control.py::TestAccessControlRolesEndpoint::test_saved_overrides_returned":
    "emulator lacks the effective-access endpoint access_control_roles",
  "products/access_control/backend/tests/test_access_control.py::TestAccessControlRolesEndpoint::test_no_overrides_returns_nulls":
    "emulator lacks the effective-access endpoint access_control_roles",
  "products/access_control/backend/tests/test_access_control.py::TestAccessControlRolesEndpoint::test_project_admin_does_not_affect_resource_effective_level":
    "emulator lacks the effective-access endpoint access_control_roles",
  "products/access_control/backend/tests/test_access_control.py::TestAccessControlRolesEndpoint::test_project_defaults_populated_without_explicit_entries":
    "emulator lacks the effective-access endpoint access_control_roles",
  "products/access_control/backend/tests/test_access_control.py::TestAccessControlRolesEndpoint::test_only_returns_current_team_role_overrides":
    "emulator lacks the effective-access endpoint access_control_roles",
  "products/access_control/backend/tests/test_access_control.py::TestAccessControlRolesEndpoint::test_role_overrides_ignored_when_role_based_access_not_available":
    "emulator lacks the effective-access endpoint access_control_roles",
  "products/access_control/backend/tests/test_access_control.py::TestAccessControlMembersEndpoint::test_response_structure":
    "emulator lacks the effective-access endpoint access_control_members",
  "products/access_control/backend/tests/test_access_control.py::TestAccessControlMembersEndpoint::test_returns_all_active_members":
    "emulator lacks the effective-access endpoint access_control_members",
  "products/access_control/backend/tests/test_access_control.py::TestAccessControlMembersEndpoint::test_saved_overrides_returned":
    "emulator lacks the effective-access endpoint access_control_members",
  "products/access_control/backend/tests/test_access_control.py::TestAccessControlMembersEndpoint::test_no_overrides_returns_nulls":
    "emulator lacks the effective-access endpoint access_control_members",
  "products/access_control/backend/tests/test_access_control.py::TestAccessControlMembersEndpoint::test_member_roles_affect_effective_access":
    "emulator lacks the effective-access endpoint access_control_members",
  "products/access_control/backend/tests/test_access_control.py::TestAccessControlMembersEndpoint::test_project_admin_does_not_affect_resource_effective_level":
    "emulator lacks the effective-access endpoint access_control_members",
  "products/access_control/backend/tests/test_access_control.py::TestAccessControlMembersEndpoint::test_project_defaults_populated_without_explicit_entries":
    "emulator lacks the effective-access endpoint access_control_members",
  "products/access_control/backend/tests/test_access_control.py::TestAccessControlMembersEndpoint::test_role_overrides_ignored_when_role_based_access_not_available":
    "emulator lacks the effective-access endpoint access_control_members",
  "products/access_control/backend/tests/test_access_control.py::TestAccessControlMembersEndpoint::test_members_without_project_access_hidden_when_org_restricts_member_list_visibility":
    "emulator lacks the effective-access endpoint access_control_members",
  "products/access_control/backend/tests/test_access_control.py::TestAccessControlMembersEndpoint::test_only_returns_current_team_member_overrides":
    "emulator lacks the effective-access endpoint access_control_members",
  "products/access_control/backend/tests/test_access_control.py::TestAccessControlSubjectRulesEndpoints::test_subject_from_another_organization_is_404_0_member_objects":
    "emulator lacks the per-subject effective-access endpoints",
  "products/access_control/backend/tests/test_access_control.py::TestAccessControlSubjectRulesEndpoints::test_subject_from_another_organization_is_404_1_member_properties":
    "emulator lacks the per-subject effective-access endpoints",
  "products/access_control/backend/tests/test_access_control.py::TestAccessControlSubjectRulesEndpoints::test_subject_from_another_organization_is_404_2_role_objects":
    "emulator lacks the per-subject effective-access endpoints",
  "products/access_control/backend/tests/test_access_control.py::TestAccessControlSubjectRulesEndpoints::test_subject_from_another_organization_is_404_3_role_properties":
    "emulator lacks the per-subject effective-access endpoints",
  "products/access_control/backend/tests/test_access_control.py::TestAccessControlSubjectRulesEndpoints::test_subject_from_another_organization_is_404_4_members_list":
    "emulator lacks the per-subject effective-access endpoints",
  "products/access_control/backend/tests/test_access_control.py::TestAccessControlSubjectRulesEndpoints::test_subject_from_another_organization_is_404_5_roles_list":
    "emulator lacks the per-subject effective-access endpoints",
  "products/access_control/backend/tests/test_access_control.py::TestAccessControlSubjectRulesEndpoints::test_member_endpoints_denied_to_plain_members_when_org_restricts_member_list_visibility_0_member_objects":
    "emulator lacks the per-subject effective-access endpoints",
  "products/access_control/backend/tests/test_access_control.py::TestAccessControlSubjectRulesEndpoints::test_member_endpoints_denied_to_plain_members_when_org_restricts_member_list_visibility_1_member_properties":
    "emulator lacks the per-subject effective-access endpoints",
  "products/access_control/backend/tests/test_access_control.py::TestAccessControlSubjectRulesEndpoints::test_member_endpoints_denied_to_plain_members_when_org_restricts_member_list_visibility_2_members_list":
    "emulator lacks the per-subject effective-access endpoints",
  "products/access_control/backend/tests/test_access_control.py::TestAccessControlSubjectRulesEndpoints::test_member_filter_narrows_the_members_list_to_one_row":
    "emulator lacks the effective-access endpoint access_control_members",
  "products/access_control/backend/tests/test_access_control.py::TestAccessControlSubjectRulesEndpoints::test_role_filter_narrows_the_roles_list_to_one_row":
    "emulator lacks the effective-access endpoint access_control_roles",
  "products/access_control/backend/tests/test_access_control.py::TestAccessControlSubjectRulesEndpoints::test_default_objects_returns_only_rows_without_a_subject":
    "emulator lacks the per-subject rule list access_control_default_objects",
  "products/access_control/backend/tests/test_access_control.py::TestAccessControlSubjectRulesEndpoints::test_member_objects_excludes_the_project_access_row":
    "emulator lacks the per-subject rule list access_control_member_objects",
  "posthog/test/activity_logging/test_organization_activity_logging.py::test_organization_update_activity_logging":
    "organization changes are logged under field names (name, enforce_2fa, …) instead of PostHog's labels (\"organization name\", \"two-factor authentication requirement\", …)",
  "posthog/test/activity_logging/test_organization_activity_logging.py::test_organization_security_settings_activity_logging":
    "organization changes are logged under field names (name, enforce_2fa, …) instead of PostHog's labels (\"organization name\", \"two-factor authentication requirement\", …)",
  "posthog/test/activity_logging/test_organization_activity_logging.py::test_organization_member_invite_permissions_activity_logging":
    "organization changes are logged under field names (name, enforce_2fa, …) instead of PostHog's labels (\"organization name\", \"two-factor authentication requirement\", …)",
  "posthog/test/activity_logging/test_organization_activity_logging.py::test_organization_sharing_settings_activity_logging":
    "organization changes are logged under field names (name, enforce_2fa, …) instead of PostHog's labels (\"organization name\", \"two-factor authentication requirement\", …)",
  "posthog/test/activity_logging/test_organization_activity_logging.py::test_organization_multiple_changes_activity_logging":
    "organization changes are logged under field names (name, enforce_2fa, …) instead of PostHog's labels (\"organization name\", \"two-factor authentication requirement\", …)",
  "posthog/test/activity_logging/test_organization_activity_logging.py::test_organization_name_change_logging":
    "organization changes are logged under field names (name, enforce_2fa, …) instead of PostHog's labels (\"organization name\", \"two-factor authentication requirement\", …)",
  "posthog/test/activity_logging/test_organization_activity_logging.py::test_organization_experiment_stats_method_logging":
    "organization changes are logged under field names (name, enforce_2fa, …) instead of PostHog's labels (\"organization name\", \"two-factor authentication requirement\", …)",
  "posthog/test/activity_logging/test_organization_activity_logging.py::test_organization_member_join_email_logging":
    "is_member_join_email_enabled is ignored on PATCH, and the change is logged under the field name instead of PostHog's label \"member join email notifications\"",
  "posthog/test/activity_logging/test_organization_activity_logging.py::test_organization_2fa_enforcement_logging":
    "organization changes are logged under field names (name, enforce_2fa, …) instead of PostHog's labels (\"organization name\", \"two-factor authentication requirement\", …)",
  "posthog/test/activity_logging/test_organization_activity_logging.py::test_organization_membership_creation_activity_logging":
    "membership entries are named by the email alone; PostHog names them \"… joined …\"",
  "posthog/test/activity_logging/test_organization_activity_logging.py::test_organization_membership_deletion_activity_logging":
    "membership entries are named by the email alone; PostHog names them \"… left …\"",
  "posthog/test/activity_logging/test_organization_activity_logging.py::test_organization_membership_level_update_activity_logging":
    "membership entries are named by the email alone; PostHog names them \"… membership updated …\"",
  "posthog/test/activity_logging/test_organization_activity_logging.py::test_organization_invite_creation_activity_logging":
    "invite entries are named by the address alone; PostHog names them \"… invited user <email> … <organization>\" with inviter_user_email in the context",
  "posthog/test/activity_logging/test_organization_activity_logging.py::test_organization_invite_deletion_activity_logging":
    "invite entries are named by the address alone; PostHog names them \"… cancelled …\"",
  "products/access_control/backend/tests/test_resolution_preview.py::TestResolutionPreviewAPI::test_requires_admin":
    "emulator lacks the resolution preview endpoint",
  "products/access_control/backend/tests/test_resolution_preview.py::TestResolutionPreviewAPI::test_hidden_member_list_requires_org_admin":
    "emulator lacks the resolution preview endpoint",
  "products/access_control/backend/tests/test_resolution_preview.py::TestResolutionPreviewAPI::test_returns_changes_and_summary":
    "emulator lacks the resolution preview endpoint; it also has no dashboards to name (\"Growth KPIs\")",
  "products/access_control/backend/tests/test_resolution_preview.py::TestResolutionPreviewAPI::test_covers_every_project_the_requester_administers":
    "emulator lacks the resolution preview endpoint",
  "products/access_control/backend/tests/test_resolution_preview.py::TestResolutionPreviewAPI::test_project_scoped_credential_stays_within_its_projects":
    "emulator lacks the resolution preview endpoint",
  "posthog/rbac/test/test_most_specific_resolution.py::TestResolveResourceAccess::test_resource_without_resource_level_controls_resolves_to_system_default":
    "observed through access_control_members, which the emulator lacks",
  "posthog/rbac/test/test_most_specific_resolution.py::TestShadowDivergenceTelemetry::test_resource_divergence_is_reported":
    "observed through access_control_members, which the emulator lacks",
};
