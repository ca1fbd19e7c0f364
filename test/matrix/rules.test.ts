// Bad matrices: each case states every problem expected, with its exact line:column and message content.
import { describe, expect, it } from 'vitest';
import { BASE, FILE, problemsOf } from './helpers.ts';

type Case = [name: string, source: string, expected: [loc: string, text: string][]];

const T = 'x'.repeat(201);

const cases: Case[] = [
  // version
  ['version missing', 'members: {}\n', [['1:1', 'missing "version: 1"']]],
  ['version 2 (only that is reported)', 'version: 2\nmembers: { x: 1 }\nfoo: 1\n', [['1:10', 'unsupported matrix version 2: this tool reads version 1']]],
  ['version as text', 'version: "1"\n', [['1:10', 'unsupported matrix version "1"']]],
  // unknown keys point at the key
  ['unknown top-level key', `${BASE}memebers: {}\n`, [['8:1', 'unknown key "memebers" at the top level (did you mean "members"?)']]],
  ['unknown grant key', 'version: 1\nmembers:\n  alice@example.com: { level: owner, expire: 2026-01-01 }\n', [['3:38', 'unknown key "expire" in members."alice@example.com" (did you mean "expires"?)']]],
  ['unknown prune key', `${BASE}prune: { memebrs: true }\n`, [['8:10', 'unknown key "memebrs" in prune (did you mean "members"?); allowed keys: members, invites, teams, project_access, secret_keys']]],
  // YAML 1.2: yes is a string
  ['yes is not a boolean', `${BASE}organization:\n  settings:\n    enforce_2fa: yes\n`, [['10:18', 'organization.settings.enforce_2fa: expected true or false, got the text "yes"']]],
  // levels per context
  ['organization level', 'version: 1\nmembers:\n  alice@example.com: superuser\n', [['3:22', '"superuser" is not an organization level; use one of: member, admin, owner']]],
  ['organization level in object', 'version: 1\nmembers:\n  alice@example.com: { level: viewer }\n', [['3:31', 'members."alice@example.com".level: "viewer" is not an organization level; use one of: member, admin, owner']]],
  ['grant of the wrong kind', 'version: 1\nmembers:\n  alice@example.com: 5\n', [['3:22', 'expected an organization level (member, admin, owner) or a mapping {level, expires?, then?, note?}, got number 5']]],
  ['grant without value', 'version: 1\nmembers:\n  alice@example.com:\n', [['3:3', 'members."alice@example.com" has no value; give an organization level (member, admin, owner)']]],
  ['project level', `${BASE}projects:\n  Prod:\n    access: viewer\n`, [['10:13', 'projects.Prod.access: "viewer" is not a project level; use one of: none, member, admin']]],
  ['project team level', `${BASE}projects:\n  Prod:\n    teams: { Eng: owner }\n`, [['10:19', '"owner" is not a project level; use one of: none, member, admin']]],
  ['resource level above the maximum', `${BASE}projects:\n  Prod:\n    resources:\n      toolbar: { default: editor }\n`, [['11:27', '"editor" is not a level for toolbar (PostHog allows toolbar from none up to viewer); use one of: none, viewer']]],
  ['resource level below the minimum', `${BASE}projects:\n  Prod:\n    resources:\n      action: { teams: { Eng: none } }\n`, [['11:31', '"none" is not a level for action (PostHog allows action from viewer up to manager); use one of: viewer, editor, manager']]],
  ['resource level unknown', `${BASE}projects:\n  Prod:\n    resources:\n      feature_flag: { default: admin }\n`, [['11:32', '"admin" is not a level for feature_flag; use one of: none, viewer, editor, manager']]],
  ['resource type typo', `${BASE}projects:\n  Prod:\n    resources:\n      feature_flg: { default: viewer }\n`, [['11:7', 'unknown resource type "feature_flg" (did you mean "feature_flag"?); resource types that accept access rules: action,']]],
  ['resource type that follows a parent', `${BASE}projects:\n  Prod:\n    resources:\n      session_recording_playlist: { default: none }\n`, [['11:7', 'resource type "session_recording_playlist" has no rules of its own in PostHog: its access follows session_recording, and PostHog ignores a resource-wide rule on session_recording_playlist; set the access under projects.Prod.resources.session_recording instead']]],
  ['warehouse tables follow warehouse_objects', `${BASE}projects:\n  Prod:\n    resources:\n      warehouse_table: { default: viewer }\n`, [['11:7', 'its access follows warehouse_objects']]],
  ['project has no resource-wide rules', `${BASE}projects:\n  Prod:\n    resources:\n      project: { default: none }\n`, [['11:7', '"project" takes no resource-wide rules in PostHog: set access to the project itself with `access`, `teams` and `members` of the project']]],
  ['organization has no resource-wide rules', `${BASE}projects:\n  Prod:\n    resources:\n      organization: { default: none }\n`, [['11:7', '"organization" takes no resource-wide rules in PostHog: organization access is the member\'s level under `members`']]],
  // emails
  ['invalid member email', 'version: 1\nmembers:\n  alice-at-example.com: member\n', [['3:3', '"alice-at-example.com" is not a valid email address']]],
  ['email without a dot in the domain', 'version: 1\nmembers:\n  alice@localhost: member\n', [['3:3', '"alice@localhost" is not a valid email address']]],
  ['duplicate email, other case', 'version: 1\nmembers:\n  alice@example.com: owner\n  bob@example.com: member\n  Alice@Example.COM: member\n', [['5:3', 'Alice@Example.COM is listed twice in members: emails are case-insensitive and alice@example.com is on line 3; keep one entry']]],
  ['duplicate project member, other case', `${BASE}projects:\n  Prod:\n    members:\n      bob@example.com: member\n      BOB@example.com: admin\n`, [['12:7', 'BOB@example.com is listed twice in projects.Prod.members: emails are case-insensitive and bob@example.com is on line 11']]],
  // dates
  ['impossible date', 'version: 1\nmembers:\n  alice@example.com: { level: owner, expires: 2026-02-30 }\n', [['3:47', 'members."alice@example.com".expires: 2026-02-30 is not a real calendar date']]],
  ['date in another format', 'version: 1\nmembers:\n  alice@example.com: { level: owner, expires: 31/12/2026 }\n', [['3:47', '"31/12/2026" is not a date; write it as YYYY-MM-DD']]],
  ['explicit timestamp tag keeps the text', 'version: 1\nmembers:\n  alice@example.com: { level: owner, expires: !!timestamp 2026-02-30 }\n', [['3:59', '2026-02-30 is not a real calendar date']]],
  ['YAML 1.1 date is checked as written', '%YAML 1.1\n---\nversion: 1\nmembers:\n  alice@example.com: { level: owner, expires: 2026-02-29 }\n', [['5:47', '2026-02-29 is not a real calendar date']]],
  ['then without expires', 'version: 1\nmembers:\n  alice@example.com: { level: owner, then: member }\n', [['3:38', 'members."alice@example.com".then only makes sense with "expires"']]],
  ['then not lower than level', 'version: 1\nmembers:\n  alice@example.com: { level: admin, expires: 2026-01-01, then: owner }\n', [['3:65', '"owner" is not lower than level "admin"']]],
  ['then equal in a project', `${BASE}projects:\n  Prod:\n    teams: { Eng: { level: member, expires: 2026-01-01, then: member } }\n`, [['10:63', '"member" is not lower than level "member"']]],
  // references
  ['undeclared team in a project', `${BASE}projects:\n  Prod:\n    teams: { Engg: member }\n`, [['10:14', 'team "Engg" is not declared in teams (did you mean "Eng"?)']]],
  ['undeclared team in a resource', `${BASE}projects:\n  Prod:\n    resources:\n      insight: { teams: { Sales: viewer } }\n`, [['11:27', 'team "Sales" is not declared in teams']]],
  ['undeclared default team', `${BASE}organization:\n  default_team: Product\n`, [['9:17', 'team "Product" is not declared in teams']]],
  ['undeclared team member', 'version: 1\nmembers:\n  alice@example.com: owner\nteams:\n  Eng:\n    members: [alice@example.com, carol@example.com]\n', [['6:34', 'carol@example.com is not declared in members; add it under members: with its organization level']]],
  ['undeclared team member (object form)', 'version: 1\nmembers:\n  alice@example.com: owner\nteams:\n  Eng:\n    members:\n      - { email: carol@example.com, expires: 2026-01-01 }\n', [['7:18', 'carol@example.com is not declared in members']]],
  ['team member listed twice', 'version: 1\nmembers:\n  alice@example.com: owner\nteams:\n  Eng:\n    members:\n      - alice@example.com\n      - ALICE@example.com\n', [['8:9', 'ALICE@example.com is listed twice in team "Eng" (first on line 7)']]],
  ['undeclared project member', `${BASE}projects:\n  Prod:\n    members: { carol@example.com: admin }\n`, [['10:16', 'carol@example.com is not declared in members']]],
  ['undeclared resource member', `${BASE}projects:\n  Prod:\n    resources:\n      dashboard:\n        members: { carol@example.com: viewer }\n`, [['12:20', 'carol@example.com is not declared in members']]],
  ['undeclared project in an api key', `${BASE}projects:\n  Prod: {}\napi_keys:\n  bi: { env: BI_KEY, scopes: [insight:read], projects: [Production] }\n`, [['11:57', 'project "Production" is not declared in projects']]],
  ['undeclared protected email', `${BASE}safety:\n  protected: [carol@example.com]\n`, [['9:15', 'carol@example.com is not declared in members']]],
  // organization settings
  ['read-only setting', `${BASE}organization:\n  settings:\n    is_member_join_email_enabled: true\n`, [['10:5', 'organization setting "is_member_join_email_enabled" is read-only in PostHog']]],
  ['read-only setting (membership_level)', `${BASE}organization:\n  settings: { membership_level: 8 }\n`, [['9:15', '"membership_level" is read-only in PostHog']]],
  ['unmanaged writable field', `${BASE}organization:\n  settings: { default_role_id: abc }\n`, [['9:15', 'use `organization.default_team: <team name>` instead']]],
  ['unknown setting', `${BASE}organization:\n  settings: { enforce_2FA: true }\n`, [['9:15', 'unknown key "enforce_2FA" in organization.settings (did you mean "enforce_2fa"?)']]],
  ['organization id not a uuid', `${BASE}organization:\n  id: my-org\n`, [['9:7', 'organization.id "my-org" is neither an organization UUID nor "@current"']]],
  // domains
  ['domain in upper case', `${BASE}organization:\n  domains:\n    Example.com: { jit_provisioning: true }\n`, [['10:5', 'domain "Example.com" must be written in lower case, as PostHog stores it: "example.com"']]],
  ['domain not a host', `${BASE}organization:\n  domains:\n    "https://example.com": {}\n`, [['10:5', 'is not a domain host name']]],
  ['sso provider unknown', `${BASE}organization:\n  domains:\n    example.com: { sso_enforcement: okta }\n`, [['10:37', '"okta" is not an SSO provider; use "" (off) or one of: saml, google-oauth2, github, gitlab']]],
  ['jit not boolean', `${BASE}organization:\n  domains:\n    example.com: { jit_provisioning: "yes" }\n`, [['10:38', 'expected true or false, got the text "yes"']]],
  // teams provisioned by SCIM
  ['SCIM team with members', `${BASE}  Support:\n    managed_by: scim\n    members: [bob@example.com]\n`, [['10:5', 'team "Support" is managed_by: scim, so its members come from your identity provider\'s group "Support"; remove members here']]],
  ['managed_by other than scim', `${BASE}  Support: { managed_by: okta }\n`, [['8:26', 'teams.Support.managed_by: the text "okta" is not allowed; use one of: "scim"']]],
  // identity providers
  ['identity provider certificate', `${BASE}organization:\n  identity_providers:\n    Okta:\n      saml: { entity_id: e, acs_url: https://a, x509_cert: "-----BEGIN" }\n`, [['11:49', '"x509_cert" is a secret or a certificate and never goes in the matrix: set it in PostHog']]],
  ['identity provider SCIM token', `${BASE}organization:\n  identity_providers:\n    Okta: { scim: true, scim_bearer_token: abc }\n`, [['10:25', '"scim_bearer_token" is a secret or a certificate and never goes in the matrix']]],
  ['identity provider OIDC client secret', `${BASE}organization:\n  identity_providers:\n    G:\n      oidc: { issuer_url: "https://a.io", client_id: c, client_secret: s }\n`, [['11:57', '"client_secret" is a secret or a certificate']]],
  ['identity provider on an undeclared domain', `${BASE}organization:\n  domains: { example.com: {} }\n  identity_providers:\n    Okta: { domains: [exampel.com] }\n`, [['11:23', 'domain "exampel.com" is not declared under organization.domains (did you mean "example.com"?); declare it there']]],
  ['identity provider with both protocols', `${BASE}organization:\n  identity_providers:\n    Okta:\n      saml: { entity_id: e, acs_url: https://a }\n      oidc: { issuer_url: "https://a.io", client_id: c }\n`, [['12:7', 'identity provider "Okta" declares both saml and oidc; a PostHog configuration serves one login protocol: declare two configurations']]],
  ['OIDC issuer not https', `${BASE}organization:\n  identity_providers:\n    G:\n      oidc: { issuer_url: "http://a.io", client_id: c }\n`, [['11:27', '"http://a.io" is not an https URL without credentials, query or fragment']]],
  ['identity provider domains of the wrong kind', `${BASE}organization:\n  identity_providers:\n    Okta: { domains: everything }\n`, [['10:22', 'organization.identity_providers.Okta.domains: the text "everything" is neither "all" nor a list of domains; write domains: all, or the domains it serves']]],
  // project secret keys
  ['secret key without scopes', `${BASE}projects:\n  Prod:\n    secret_keys:\n      svc: { scopes: [] }\n`, [['11:22', 'projects.Prod.secret_keys.svc.scopes is an empty list']]],
  ['secret key scopes missing', `${BASE}projects:\n  Prod:\n    secret_keys:\n      svc: { rotate_after_days: 30 }\n`, [['11:7', 'projects.Prod.secret_keys.svc.scopes is required']]],
  ['secret key wildcard', `${BASE}projects:\n  Prod:\n    secret_keys:\n      svc: { scopes: ["*"] }\n`, [['11:23', 'PostHog rejects the wildcard scope "*" for project secret keys']]],
  ['secret key scope not allowed', `${BASE}projects:\n  Prod:\n    secret_keys:\n      svc: { scopes: [insight:read] }\n`, [['11:23', '"insight:read" cannot be given to a project secret key; allowed scopes: endpoint:read, feature_flag:read']]],
  ['rotate_after_days zero', `${BASE}projects:\n  Prod:\n    secret_keys:\n      svc: { scopes: [feature_flag:read], rotate_after_days: 0 }\n`, [['11:62', 'rotate_after_days: 0 is too small']]],
  ['rotate_after_days fraction', `${BASE}projects:\n  Prod:\n    secret_keys:\n      svc: { scopes: [feature_flag:read], rotate_after_days: 1.5 }\n`, [['11:62', '1.5 is not a whole number']]],
  // api keys
  ['api key env holds a value', `${BASE}api_keys:\n  bi: { env: phx_0123456789abcdef, scopes: [insight:read] }\n`, [['9:14', 'api_keys.bi.env looks like a key value, not a variable name']]],
  ['api key env not a name', `${BASE}api_keys:\n  bi: { env: "my key", scopes: [insight:read] }\n`, [['9:14', '"my key" is not an environment variable name']]],
  ['api key scope typo', `${BASE}api_keys:\n  bi: { env: BI, scopes: [insight:reed] }\n`, [['9:27', '"insight:reed" is not an API scope (did you mean "insight:read"?)']]],
  ['api key scope object unknown', `${BASE}api_keys:\n  bi: { env: BI, scopes: [role:read] }\n`, [['9:27', '"role:read" is not an API scope']]],
  ['api key empty projects', `${BASE}api_keys:\n  bi: { env: BI, scopes: ["*"], projects: [] }\n`, [['9:43', 'api_keys.bi.projects is an empty list']]],
  ['api key organization not a uuid', `${BASE}api_keys:\n  bi: { env: BI, scopes: ["*"], organizations: [acme] }\n`, [['9:49', '"acme" is not an organization UUID']]],
  ['api key max age', `${BASE}api_keys:\n  bi: { env: BI, scopes: ["*"], max_age_days: -3 }\n`, [['9:47', 'max_age_days: -3 is too small; use a whole number more than 0']]],
  // prune and safety
  ['prune not boolean', `${BASE}prune: { members: "true" }\n`, [['8:19', 'prune.members: expected true or false, got the text "true"']]],
  ['max_deletes negative', `${BASE}safety: { max_deletes: -1 }\n`, [['8:24', 'safety.max_deletes: -1 is too small; use a whole number 0 or more']]],
  // names
  ['team name too long', `${BASE}  ${T}: {}\n`, [['8:3', 'team name is 201 characters long; PostHog allows at most 200']]],
  ['empty project name', `${BASE}projects:\n  "": {}\n`, [['9:3', 'a project name must not be empty']]],
  ['project name with trailing space', `${BASE}projects:\n  "Prod ": {}\n`, [['9:3', 'project name "Prod " has leading or trailing spaces']]],
  // names PostHog would take for the same project or role: both locations
  ['two projects differing in case', `${BASE}projects:\n  Production: {}\n  Staging: {}\n  production: {}\n`, [['11:3', 'project "production" is the same project name to PostHog as "Production" at m.yaml:9:3 (PostHog ignores case and surrounding spaces']]],
  ['two projects differing in surrounding spaces', `${BASE}projects:\n  Prod: {}\n  " prod": {}\n`, [
    ['10:3', 'project " prod" is the same project name to PostHog as "Prod" at m.yaml:9:3'],
    ['10:3', 'project name " prod" has leading or trailing spaces'],
  ]],
  ['two teams differing in case', `${BASE}  ENG: {}\n`, [['8:3', 'team "ENG" is the same role name to PostHog as "Eng" at m.yaml:6:3 (PostHog ignores case']]],
  // whole file
  ['empty file', '', [['1:1', 'the matrix is empty; start it with "version: 1"']]],
  ['a list at the root', '- version: 1\n', [['1:1', 'the matrix must be a mapping of sections']]],
  ['section of the wrong kind', 'version: 1\nmembers: [alice@example.com]\n', [['2:10', 'members: expected a mapping (key: value lines), got a list']]],
  ['missing section value', `${BASE}prune:\n`, [['8:1', 'prune has no value; give a mapping (key: value lines), or remove the key']]],
];

describe('matrix rules', () => {
  it.each(cases)('%s', (_name, source, expected) => {
    const problems = problemsOf(source);
    expect(problems.map((p) => p.split(': ')[0])).toEqual(expected.map(([loc]) => `${FILE}:${loc}`));
    expected.forEach(([loc, text], i) => {
      expect(problems[i]).toContain(`${FILE}:${loc}: `);
      expect(problems[i]).toContain(text);
    });
  });

  it('reports every problem at once, sorted by position', () => {
    const problems = problemsOf(`${BASE}projects:\n  Prod:\n    access: viewer\n    teams: { Ops: member }\n    members: { zed@example.com: admin }\nprune: { members: 1 }\n`);
    expect(problems).toEqual([
      expect.stringContaining(`${FILE}:10:13: `),
      expect.stringContaining(`${FILE}:11:14: team "Ops"`),
      expect.stringContaining(`${FILE}:12:16: zed@example.com`),
      expect.stringContaining(`${FILE}:13:19: prune.members`),
    ]);
  });

  it('problems carry no stack and one line each', () => {
    for (const p of problemsOf('version: 1\nmembers:\n  x: y\n')) {
      expect(p).not.toMatch(/\n|at .*\.ts:\d+/);
      expect(p).toMatch(/^m\.yaml:\d+:\d+: \S/);
    }
  });
});
