// Cases of the conformance suite the emulator does not pass today, each with why. The suite skips
// exactly these (their titles carry the reason); every other case is claimed and must pass.
// Run `CONFORMANCE_ALL=1 npx vitest run test/conformance` to see which of these pass by now, and
// move those out of this list.
export const UNCLAIMED: Record<string, string> = {
  "products/access_control/backend/tests/test_access_control.py::TestAccessControlMinimumLevelValidation::test_activity_log_access_restricted_for_users_without_access":
    "emulator does not enforce the activity_log resource rule on the activity log endpoint (a member with activity_log \"none\" still reads it)",
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
  "products/access_control/backend/tests/test_resolution_preview.py::TestResolutionPreviewAPI::test_returns_changes_and_summary":
    "emulator lacks the resolution preview endpoint; it also has no dashboards to name (\"Growth KPIs\")",
  "products/access_control/backend/tests/test_resolution_preview.py::TestResolutionPreviewAPI::test_covers_every_project_the_requester_administers":
    "emulator lacks the resolution preview endpoint",
  "products/access_control/backend/tests/test_resolution_preview.py::TestResolutionPreviewAPI::test_project_scoped_credential_stays_within_its_projects":
    "emulator lacks the resolution preview endpoint",
};
