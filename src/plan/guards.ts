// Guards: the plan's safety rules, in one place (STYLE.md principle 7). Pure: given the changes
// and the state, they say what they refuse and why. A refused plan is still printed.
import type { ActualIdentityProvider, ActualState } from '../model/actual.ts';
import { ORG_LEVELS } from '../model/levels.ts';
import type { PlanOptions } from './kind.ts';
import type { Change, ChangeKind, Refusal } from './types.ts';

export interface Safety {
  maxDeletes: number;
  protected: string[];
}

export interface GuardInput {
  changes: Change[];
  actual: ActualState;
  safety: Safety;
  /** `--allow-deletes N`: lifts max_deletes for this run, up to N. */
  allowDeletes?: number;
  /** The run's flags (`--allow-sso-without-idp`); a saved plan is re-checked with those given to apply. */
  options?: PlanOptions;
}

const refuse = (guard: string, message: string, changes: Change[]): Refusal => ({ guard, message, changeIds: changes.map((c) => c.id) });

export function checkGuards({ changes, actual, safety, allowDeletes, options }: GuardInput): Refusal[] {
  const refusals: Refusal[] = [];
  const me = actual.me.email.toLowerCase();
  const memberChanges = changes.filter((c) => c.kind === 'member');

  const self = memberChanges.filter((c) => c.key === me && c.destructive);
  if (self.length) refusals.push(refuse('self', `the plan would remove or demote ${me}, the user behind the running API key: change them from PostHog's settings, or run the tool with another admin's key`, self));

  const guarded = new Set(safety.protected.map((e) => e.toLowerCase()));
  const hitsProtected = changes.filter((c) => c.destructive && guarded.has(String(c.refs.email ?? '')));
  if (hitsProtected.length) {
    const who = [...new Set(hitsProtected.map((c) => String(c.refs.email)))].join(', ');
    refusals.push(refuse('protected', `the plan would remove or lower access of protected people (${who}): restore their grants in the matrix, or take them out of safety.protected on purpose`, hitsProtected));
  }

  const isOwner = (email: string) => actual.members[email]?.level === ORG_LEVELS.owner;
  const ownersLost = memberChanges.filter((c) => isOwner(c.key) && (c.action === 'delete' || c.after?.level !== 'owner'));
  const ownersGained = memberChanges.filter((c) => c.action === 'update' && c.after?.level === 'owner' && !isOwner(c.key));
  const owners = Object.values(actual.members).filter((m) => m.level === ORG_LEVELS.owner).length;
  if (ownersLost.length && owners - ownersLost.length + ownersGained.length < 1) {
    refusals.push(refuse('last_owner', 'the plan would leave the organization without an owner: keep at least one owner in the matrix', ownersLost));
  }

  refusals.push(...permissionRefusals(changes, actual, memberChanges, ownersLost, ownersGained));
  refusals.push(...ssoRefusals(changes, actual, options?.allowSsoWithoutIdp ?? false));
  refusals.push(...verifiedDomainRefusals(changes, actual));

  const destructive = changes.filter((c) => c.destructive);
  // What goes with a removed member or team (memberships, rules) counts too.
  const cascaded = destructive.reduce((n, c) => n + Number(c.refs.cascade ?? 0), 0);
  const total = destructive.length + cascaded;
  const limit = Math.max(safety.maxDeletes, allowDeletes ?? 0);
  if (total > limit) {
    const including = cascaded ? `, including ${cascaded} membership(s) and rule(s) that go with removed members and teams` : '';
    refusals.push(refuse('max_deletes', `the plan removes or lowers ${total} things${including}, more than safety.max_deletes (${safety.maxDeletes}): review them, then run with --allow-deletes ${total}`, destructive));
  }
  return refusals;
}

/** What PostHog itself would refuse the key's user, caught before anything is sent. */
function permissionRefusals(changes: Change[], actual: ActualState, memberChanges: Change[], ownersLost: Change[], ownersGained: Change[]): Refusal[] {
  const level = actual.organization.membershipLevel;
  const who = actual.me.email;
  if (changes.length && level < ORG_LEVELS.admin) {
    return [refuse('permission', `${who} (the key's user) is a member of this organization; PostHog lets only admins and owners change access: use an admin's key`, changes)];
  }
  const out: Refusal[] = [];
  if (level < ORG_LEVELS.owner) {
    const ownerWork = [...ownersLost, ...ownersGained, ...changes.filter((c) => c.kind === 'invite' && c.after?.level === 'owner')];
    if (ownerWork.length) out.push(refuse('permission', `only an owner can make, demote or remove owners, and ${who} (the key's user) is an admin: use an owner's key for these changes`, ownerWork));
  }
  return out;
}

/** PostHog's IdentityProviderConfig.domain_scope: "all" covers every domain of the organization. */
const ALL_DOMAINS = 'all';
const SOCIAL_PROVIDERS = new Set(['google-oauth2', 'github', 'gitlab']);

/** Whether a configuration applies to a domain (by id, or to all domains) and can serve the provider. */
function serves(config: ActualIdentityProvider, domainId: string, provider: string): boolean {
  const covers = config.domainIds.includes(domainId) || config.domainScope === ALL_DOMAINS;
  // A SCIM-only or XAA-only configuration lets nobody log in by SAML.
  return covers && (provider !== 'saml' || config.hasSaml);
}

/** Emails of the people who administer the organization: owners, admins and the key's user. */
function administrators(actual: ActualState): string[] {
  const me = actual.me.email.toLowerCase();
  return Object.values(actual.members).filter((m) => m.level >= ORG_LEVELS.admin || m.email === me).map((m) => m.email).sort();
}

/**
 * Turning SSO enforcement on for a domain makes everyone with an email there log in through that
 * provider. Without an identity provider configuration covering the domain that is refused, unless
 * `--allow-sso-without-idp` says it is intended (social logins such as google-oauth2 need no
 * configuration in PostHog). SAML without a SAML configuration cannot work at all: if an owner or
 * admin (or the key's user) has an email on that domain, they would be locked out of the
 * organization that could undo it, so that is refused even with the flag.
 */
function ssoRefusals(changes: Change[], actual: ActualState, allowWithoutIdp: boolean): Refusal[] {
  const out: Refusal[] = [];
  for (const change of changes) {
    if (change.kind !== 'domain' || change.action !== 'update') continue;
    const provider = change.after?.sso_enforcement;
    if (typeof provider !== 'string' || provider === '' || provider === change.before?.sso_enforcement) continue;
    const domain = actual.domains?.[change.key];
    if (!domain) continue; // not in PostHog yet: nothing about SSO is sent for it
    if ((actual.identityProviders ?? []).some((c) => serves(c, domain.id, provider))) continue;

    const admins = administrators(actual).filter((email) => email.split('@')[1] === domain.domain);
    const lockout = !SOCIAL_PROVIDERS.has(provider) && admins.length > 0;
    if (lockout) {
      out.push(refuse('sso', `enforcing ${provider} login on ${domain.domain} without an identity provider configuration covering it would lock out ${admins.join(', ')} (owners and admins of this organization), --allow-sso-without-idp or not: set up the ${provider} configuration in PostHog (Settings → Organization → Authentication) and cover ${domain.domain} with it first`, [change]));
    } else if (!allowWithoutIdp) {
      out.push(refuse('sso', `enforcing ${provider} login on ${domain.domain}, but no identity provider configuration covers it: everyone with an email on ${domain.domain} must then log in with ${provider}. Cover the domain with a configuration in PostHog first, or run with --allow-sso-without-idp if that is intended`, [change]));
    }
  }
  return out;
}

/**
 * `enforce_verified_domains` keeps out everyone whose email is not on a verified domain of the
 * organization: refused while that would include an owner, an admin or the key's user.
 */
function verifiedDomainRefusals(changes: Change[], actual: ActualState): Refusal[] {
  const turningOn = changes.filter((c) => c.kind === 'org_settings' && c.after?.enforce_verified_domains === true && c.before?.enforce_verified_domains !== true);
  if (!turningOn.length) return [];
  const verified = new Set(Object.values(actual.domains ?? {}).filter((d) => d.isVerified).map((d) => d.domain.toLowerCase()));
  const outside = administrators(actual).filter((email) => !verified.has(email.split('@')[1] ?? ''));
  if (!outside.length) return [];
  return [refuse('verified_domains', `enforce_verified_domains would keep out ${outside.join(', ')} (owners, admins or the key's user whose email domain is not a verified domain of the organization): verify their domains first (organization.domains)`, turningOn)];
}

/** The API scopes each kind's writes need (REFERENCE.md §0). */
const WRITE_SCOPES: Record<ChangeKind, string> = {
  project: 'project:write',
  team: 'organization:write',
  org_settings: 'organization:write',
  domain: 'organization:write',
  invite: 'organization_member:write',
  member: 'organization_member:write',
  team_member: 'organization:write',
  project_access: 'access_control:write',
  resource_access: 'access_control:write',
  secret_key: 'project:write',
};

export const READ_SCOPES = ['user:read', 'organization:read', 'organization_member:read', 'project:read', 'access_control:read'];

/** Every scope posthog-access can use (reads, every kind's writes, the activity log for drift). */
export const TOOL_SCOPES: readonly string[] = [...new Set([...READ_SCOPES, ...Object.values(WRITE_SCOPES), 'activity_log:read'])].sort();

export function requiredScopes(changes: Change[]): string[] {
  return [...new Set([...READ_SCOPES, ...changes.map((c) => WRITE_SCOPES[c.kind])])].sort();
}

/** Scopes the key lacks for these changes (`x:write` covers `x:read`; `*` covers all). */
export function missingScopes(keyScopes: string[], needed: string[]): string[] {
  const have = new Set(keyScopes);
  if (have.has('*')) return [];
  return needed.filter((s) => !have.has(s) && !(s.endsWith(':read') && have.has(s.replace(/:read$/, ':write'))));
}

/** The preflight before any write: the running key must have every scope and no project scoping. */
export function preflight(actual: ActualState, changes: Change[]): Refusal[] {
  const key = actual.key;
  if (!key) return [refuse('scope', 'the running key could not be read (GET /api/personal_api_keys/@current): use a personal API key', [])];
  const out: Refusal[] = [];
  if (key.scopedTeams.length) out.push(refuse('scope', `the running key "${key.label}" is limited to projects (${key.scopedTeams.join(', ')}); PostHog refuses such keys on organization endpoints: use a key scoped to the organization`, []));
  if (key.scopedOrganizations.length && !key.scopedOrganizations.includes(actual.organization.id)) {
    out.push(refuse('scope', `the running key "${key.label}" is not allowed in organization ${actual.organization.id}`, []));
  }
  const missing = missingScopes(key.scopes, requiredScopes(changes));
  if (missing.length) out.push(refuse('scope', `the running key "${key.label}" lacks ${missing.map((s) => `'${s}'`).join(', ')}: add ${missing.length === 1 ? 'it' : 'them'} to the key in PostHog (Settings → Personal API keys)`, changes.filter((c) => missing.includes(WRITE_SCOPES[c.kind]))));
  return out;
}
