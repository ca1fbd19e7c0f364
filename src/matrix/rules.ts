// Cross-field rules of the matrix that a shape schema cannot state: references between sections,
// email validity and uniqueness, expiry consistency, names. They read the raw (interpolated) data
// defensively, so they run even when the shape has problems and every problem is reported at once.
import { levelRank } from '../model/levels.ts';
import { nameKey } from '../model/names.ts';
import type { LevelContext } from '../model/levels.ts';
import type { Path, PathProblem } from './positions.ts';
import { showPath } from './messages.ts';
import { didYouMean } from './suggest.ts';

export const MAX_TEAM_NAME_LENGTH = 200;

const EMAIL = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z][A-Za-z0-9-]*[A-Za-z0-9]$/;
const HOST = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]*[a-z0-9]$/;
const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const KEY_VALUE = /^(ph[a-z]_|phx_|phs_|phc_)|^[A-Za-z0-9_-]{40,}$/;

/** A reasonable email check: dot-atom local part, a domain with a dot and a letter TLD, ≤ 254 chars. */
export function isValidEmail(s: string): boolean {
  return s.length <= 254 && EMAIL.test(s);
}

type Rec = Record<string, unknown>;
const rec = (x: unknown): Rec | undefined => (x !== null && typeof x === 'object' && !Array.isArray(x) ? (x as Rec) : undefined);
const entries = (x: unknown): [string, unknown][] => Object.entries(rec(x) ?? {});
const list = (x: unknown): unknown[] => (Array.isArray(x) ? x : []);

export function checkRules(data: unknown): PathProblem[] {
  const out: PathProblem[] = [];
  const root = rec(data);
  if (!root) return out;
  const problem: Report = (path, message, key = false, related) => out.push({ path, message, key, related });

  // Declared members: lower-cased email → the key as written.
  const members = new Map<string, string>();
  uniqueEmailKeys(root.members, ['members'], 'members', members, problem);
  for (const [email, g] of entries(root.members)) {
    if (!isValidEmail(email)) {
      problem(['members', email], `"${email}" is not a valid email address; members are keyed by the person's email (e.g. alice@example.com)`, true);
    }
    checkGrant(g, ['members', email], 'organization', problem);
  }

  // Teams.
  const teams = new Set(Object.keys(rec(root.teams) ?? {}));
  uniqueNames(root.teams, 'teams', 'team', 'role', problem);
  for (const [name, team] of entries(root.teams)) {
    checkName(name, ['teams', name], 'team', problem);
    if (name.length > MAX_TEAM_NAME_LENGTH) {
      problem(['teams', name], `team name is ${name.length} characters long; PostHog allows at most ${MAX_TEAM_NAME_LENGTH}, shorten it`, true);
    }
    if (rec(team)?.managed_by === 'scim' && list(rec(team)?.members).length > 0) {
      problem(['teams', name, 'members'], `team "${name}" is managed_by: scim, so its members come from your identity provider's group "${name}"; remove members here (or remove managed_by to manage them in the matrix)`, true);
    }
    const seen = new Map<string, Path>();
    list(rec(team)?.members).forEach((m, i) => {
      const email = typeof m === 'string' ? m : rec(m)?.email;
      if (typeof email !== 'string') return;
      const path: Path = typeof m === 'string' ? ['teams', name, 'members', i] : ['teams', name, 'members', i, 'email'];
      checkDeclared(email, path, members, problem);
      const lower = email.toLowerCase();
      const first = seen.get(lower);
      if (first !== undefined) {
        problem(path, `${email} is listed twice in team "${name}" (first on line ${RELATED_LINE}); keep one entry`, false, first);
      } else {
        seen.set(lower, path);
      }
    });
  }

  // Organization.
  const org = rec(root.organization);
  if (org) {
    if (typeof org.id === 'string' && org.id !== '@current' && !UUID.test(org.id)) {
      problem(['organization', 'id'], `organization.id "${org.id}" is neither an organization UUID nor "@current"; use the UUID from PostHog's organization settings, or "@current" for the API key's organization`);
    }
    for (const [host] of entries(org.domains)) {
      if (!HOST.test(host)) {
        const lower = host.toLowerCase();
        problem(['organization', 'domains', host], HOST.test(lower)
          ? `domain "${host}" must be written in lower case, as PostHog stores it: "${lower}"`
          : `"${host}" is not a domain host name; write the verified domain itself, e.g. example.com`, true);
      }
    }
    if (typeof org.default_team === 'string') checkTeam(org.default_team, ['organization', 'default_team'], teams, problem);
    checkIdentityProviders(org, problem);
  }

  // Projects.
  const projects = new Set<string>();
  uniqueNames(root.projects, 'projects', 'project', 'project', problem);
  for (const [name, proj] of entries(root.projects)) {
    projects.add(name);
    checkName(name, ['projects', name], 'project', problem);
    const p = rec(proj);
    if (!p) continue;
    const base: Path = ['projects', name];
    checkGrant(p.access, [...base, 'access'], 'project', problem);
    checkSubjects(p, base, 'project', teams, members, problem);
    for (const [type, rules] of entries(p.resources)) {
      const r = rec(rules);
      if (!r) continue;
      const rbase: Path = [...base, 'resources', type];
      checkGrant(r.default, [...rbase, 'default'], 'resource', problem);
      checkSubjects(r, rbase, 'resource', teams, members, problem);
    }
    for (const [label] of entries(p.secret_keys)) {
      if (label.trim() === '') problem([...base, 'secret_keys', label], 'a secret key label must not be empty; name the key (e.g. flag-service)', true);
    }
  }

  // API keys.
  for (const [name, key] of entries(root.api_keys)) {
    const k = rec(key);
    if (!k) continue;
    const base: Path = ['api_keys', name];
    if (typeof k.env === 'string') {
      if (KEY_VALUE.test(k.env)) {
        problem([...base, 'env'], `${showPath([...base, 'env'])} looks like a key value, not a variable name; never put key values in the matrix: write the name of the environment variable that holds the key (e.g. POSTHOG_KEY_${name.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}), and revoke the exposed key in PostHog`);
      } else if (!ENV_NAME.test(k.env)) {
        problem([...base, 'env'], `${showPath([...base, 'env'])}: "${k.env}" is not an environment variable name; use letters, digits and _ (e.g. POSTHOG_KEY_BI)`);
      }
    }
    list(k.projects).forEach((pname, i) => {
      if (typeof pname === 'string' && !projects.has(pname)) {
        problem([...base, 'projects', i], `project "${pname}" is not declared in projects${didYouMean(pname, projects)}; declare it under projects: (an empty mapping {} is enough), or fix the name`);
      }
    });
    list(k.organizations).forEach((o, i) => {
      if (typeof o === 'string' && o !== '@current' && !UUID.test(o)) {
        problem([...base, 'organizations', i], `"${o}" is not an organization UUID; use the UUID from PostHog's organization settings, or "@current"`);
      }
    });
  }

  // Safety.
  list(rec(root.safety)?.protected).forEach((email, i) => {
    if (typeof email === 'string') checkDeclared(email, ['safety', 'protected', i], members, problem);
  });

  return out;
}

type Report = (path: Path, message: string, key?: boolean, related?: Path) => void;

export const MAX_IDENTITY_PROVIDER_NAME_LENGTH = 255;

/** Identity-provider configurations: names, the domains they serve (declared ones), one login protocol each. */
function checkIdentityProviders(org: Rec, problem: Report): void {
  const declared = new Set(Object.keys(rec(org.domains) ?? {}));
  for (const [name, config] of entries(org.identity_providers)) {
    const base: Path = ['organization', 'identity_providers', name];
    checkName(name, base, 'identity provider', problem);
    if (name.length > MAX_IDENTITY_PROVIDER_NAME_LENGTH) {
      problem(base, `identity provider name is ${name.length} characters long; PostHog allows at most ${MAX_IDENTITY_PROVIDER_NAME_LENGTH}, shorten it`, true);
    }
    const c = rec(config);
    if (!c) continue;
    const seen = new Set<string>();
    list(c.domains).forEach((host, i) => {
      if (typeof host !== 'string') return;
      const path: Path = [...base, 'domains', i];
      if (seen.has(host)) problem(path, `domain "${host}" is listed twice for identity provider "${name}"; keep one`);
      seen.add(host);
      if (!declared.has(host)) {
        problem(path, `domain "${host}" is not declared under organization.domains${didYouMean(host, declared)}; declare it there (an empty mapping {} is enough), or use domains: all`);
      }
    });
    if (c.saml !== undefined && c.oidc !== undefined) {
      problem([...base, 'oidc'], `identity provider "${name}" declares both saml and oidc; a PostHog configuration serves one login protocol: declare two configurations`, true);
    }
    const issuer = rec(c.oidc)?.issuer_url;
    if (typeof issuer === 'string' && !isPlainHttpsUrl(issuer)) {
      problem([...base, 'oidc', 'issuer_url'], `${showPath([...base, 'oidc', 'issuer_url'])}: "${issuer}" is not an https URL without credentials, query or fragment, which PostHog requires of an OIDC issuer`);
    }
  }
}

function isPlainHttpsUrl(s: string): boolean {
  try {
    const u = new URL(s);
    return u.protocol === 'https:' && !u.username && !u.password && !u.search && !u.hash && s.indexOf('?') < 0 && s.indexOf('#') < 0;
  } catch {
    return false;
  }
}

/** Placeholder in a message for the line of the problem's `related` node (filled in by the loader). */
export const RELATED_LINE = '{related-line}';
/** Placeholder for the `related` node's full location, `file:line:col` (filled in by the loader). */
export const RELATED_AT = '{related-at}';

/**
 * Names PostHog would take for the same project or role (it refuses the second with 409 / 400):
 * the second is reported with the first's location, so the user sees both.
 */
function uniqueNames(value: unknown, section: string, what: string, posthogWhat: string, problem: Report): void {
  const seen = new Map<string, string>();
  for (const [name] of entries(value)) {
    const key = nameKey(name);
    if (key === '') continue; // reported as an empty name
    const first = seen.get(key);
    if (first === undefined) {
      seen.set(key, name);
      continue;
    }
    problem([section, name], `${what} "${name}" is the same ${posthogWhat} name to PostHog as "${first}" at ${RELATED_AT} (PostHog ignores case and surrounding spaces in ${posthogWhat} names and allows one of each per organization); keep one, or rename one of them`, true, [section, first]);
  }
}

function checkName(name: string, path: Path, what: string, problem: Report): void {
  if (name.trim() === '') problem(path, `a ${what} name must not be empty`, true);
  else if (name !== name.trim()) problem(path, `${what} name "${name}" has leading or trailing spaces, which PostHog strips; remove them`, true);
}

/** Keys of a mapping of emails: unique case-insensitively (the second is reported, naming the first's line). */
function uniqueEmailKeys(value: unknown, base: Path, section: string, seen: Map<string, string>, problem: Report): void {
  for (const [email] of entries(value)) {
    const lower = email.toLowerCase();
    const first = seen.get(lower);
    if (first !== undefined) {
      problem([...base, email], `${email} is listed twice in ${section}: emails are case-insensitive and ${first} is on line ${RELATED_LINE}; keep one entry`, true, [...base, first]);
    } else {
      seen.set(lower, email);
    }
  }
}

function checkDeclared(email: string, path: Path, members: Map<string, string>, problem: Report, key = false): void {
  if (members.has(email.toLowerCase())) return;
  const valid = isValidEmail(email);
  problem(path, valid
    ? `${email} is not declared in members${didYouMean(email, members.values(), 2)}; add it under members: with its organization level (e.g. "${email}: member")`
    : `"${email}" is not a valid email address, nor declared in members${didYouMean(email, members.values(), 2)}`, key);
}

function checkTeam(name: string, path: Path, teams: Set<string>, problem: Report, key = false): void {
  if (teams.has(name)) return;
  problem(path, `team "${name}" is not declared in teams${didYouMean(name, teams)}; declare it under teams: (with its members), or fix the name`, key);
}

function checkSubjects(
  owner: Rec, base: Path, context: LevelContext,
  teams: Set<string>, members: Map<string, string>, problem: Report,
): void {
  for (const [team, g] of entries(owner.teams)) {
    checkTeam(team, [...base, 'teams', team], teams, problem, true);
    checkGrant(g, [...base, 'teams', team], context, problem);
  }
  const seen = new Map<string, string>();
  uniqueEmailKeys(owner.members, [...base, 'members'], showPath([...base, 'members']), seen, problem);
  for (const [email, g] of entries(owner.members)) {
    checkDeclared(email, [...base, 'members', email], members, problem, true);
    checkGrant(g, [...base, 'members', email], context, problem);
  }
}

/** `then` only with `expires`, and lower than `level`. */
function checkGrant(g: unknown, path: Path, context: LevelContext, problem: Report): void {
  const o = rec(g);
  if (!o || o.then === undefined) return;
  if (o.expires === undefined) {
    problem([...path, 'then'], `${showPath([...path, 'then'])} only makes sense with "expires"; add expires: YYYY-MM-DD, or remove "then"`, true);
    return;
  }
  if (typeof o.level !== 'string' || typeof o.then !== 'string') return;
  const lr = levelRank(context, o.level);
  const tr = levelRank(context, o.then);
  if (lr >= 0 && tr >= 0 && tr >= lr) {
    problem([...path, 'then'], `${showPath([...path, 'then'])}: "${o.then}" is not lower than level "${o.level}"; "then" is what remains after the grant expires, so it must be a lower level (or remove "then" to end the grant)`);
  }
}
