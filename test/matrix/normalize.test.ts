// From the matrix to DesiredState: shorthands expanded, emails lower-cased, defaults filled.
import { describe, expect, it } from 'vitest';
import { emptyDesired } from '../../src/model/desired.ts';
import { parseMatrix } from '../../src/matrix/load.ts';
import { FILE } from './helpers.ts';

describe('normalisation', () => {
  it('fills defaults for a minimal matrix', () => {
    expect(parseMatrix('version: 1\n', FILE, {}).desired).toEqual(emptyDesired());
  });

  it('expands shorthands, lower-cases emails and maps every section', () => {
    const src = `version: 1
organization:
  id: "@current"
  settings: { enforce_2fa: true, members_can_invite: false }
  domains:
    example.com: { jit_provisioning: true, sso_enforcement: saml }
    other.org: { sso_enforcement: "" }
  default_team: Eng
members:
  Alice@Example.com: owner
  bob@example.com: { level: admin, expires: 2026-12-01, then: member, note: "OPS-1" }
teams:
  Eng:
    members: [BOB@example.com, { email: Alice@example.com, expires: 2026-03-31, note: n }]
  Empty: {}
projects:
  Prod:
    access: none
    teams: { Eng: member }
    members:
      ALICE@example.com: { level: admin, expires: 2026-03-16 }
    resources:
      feature_flag: { default: viewer, teams: { Eng: editor }, members: { Bob@Example.com: manager } }
    secret_keys:
      flags: { scopes: [feature_flag:read], rotate_after_days: 90 }
  Empty: {}
api_keys:
  bi: { env: BI_KEY, scopes: [insight:read, query:read], projects: [Prod], max_age_days: 90 }
  all: { env: ALL_KEY, scopes: ["*"], organizations: ["@current"] }
prune: { members: true, project_access: true }
safety: { max_deletes: 3, protected: [ALICE@example.com] }
`;
    expect(parseMatrix(src, FILE, {}).desired).toEqual({
      version: 1,
      organization: {
        id: '@current',
        settings: { enforce_2fa: true, members_can_invite: false },
        domains: { 'example.com': { jitProvisioning: true, ssoEnforcement: 'saml' }, 'other.org': { ssoEnforcement: '' } },
        defaultTeam: 'Eng',
      },
      members: {
        'alice@example.com': { level: 'owner' },
        'bob@example.com': { level: 'admin', expires: '2026-12-01', then: 'member', note: 'OPS-1' },
      },
      teams: {
        Eng: { members: [{ email: 'bob@example.com' }, { email: 'alice@example.com', expires: '2026-03-31', note: 'n' }] },
        Empty: { members: [] },
      },
      projects: {
        Prod: {
          default: { level: 'none' },
          teams: { Eng: { level: 'member' } },
          members: { 'alice@example.com': { level: 'admin', expires: '2026-03-16' } },
          resources: {
            feature_flag: {
              default: { level: 'viewer' },
              teams: { Eng: { level: 'editor' } },
              members: { 'bob@example.com': { level: 'manager' } },
            },
          },
          secretKeys: { flags: { scopes: ['feature_flag:read'], rotateAfterDays: 90 } },
        },
        Empty: { teams: {}, members: {}, resources: {}, secretKeys: {} },
      },
      apiKeys: {
        bi: { env: 'BI_KEY', scopes: ['insight:read', 'query:read'], projects: ['Prod'], maxAgeDays: 90 },
        all: { env: 'ALL_KEY', scopes: ['*'], organizations: ['@current'] },
      },
      prune: { members: true, invites: false, teams: false, projectAccess: true, secretKeys: false },
      safety: { maxDeletes: 3, protected: ['alice@example.com'] },
    });
  });

  it('keeps YAML 1.1 dates as written', () => {
    const m = parseMatrix('%YAML 1.1\n---\nversion: 1\nmembers:\n  a@example.com: { level: admin, expires: 2026-12-01, then: member }\n', FILE, {});
    expect(m.desired.members['a@example.com']).toEqual({ level: 'admin', expires: '2026-12-01', then: 'member' });
  });

  it('hashes the source', () => {
    const m = parseMatrix('version: 1\n', FILE, {});
    expect(m.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(m.file).toBe(FILE);
  });
});

describe('organization host and key variable', () => {
  it('are carried as given, and absent when not given', () => {
    const with_ = parseMatrix('version: 1\norganization:\n  host: https://eu.posthog.com\n  api_key_env: POSTHOG_EU_KEY\n', 'm.yaml', {});
    expect(with_.desired.organization).toMatchObject({ host: 'https://eu.posthog.com', apiKeyEnv: 'POSTHOG_EU_KEY' });
    const without = parseMatrix('version: 1\n', 'm.yaml', {});
    expect(without.desired.organization.host).toBeUndefined();
    expect(without.desired.organization.apiKeyEnv).toBeUndefined();
    expect(() => parseMatrix('version: 1\norganization:\n  api_key_env: phx_not a name\n', 'm.yaml', {})).toThrow(/api_key_env/);
  });
});
