// Turn zod issues into the loader's problems: a path in the data and a message saying what is
// wrong and what to do, worded for the context the path is in (organization level, resource level, …).
import type { z } from 'zod';
import {
  ACCESS_CONTROL_RESOURCES, RESOURCE_INHERITANCE, WITHOUT_RESOURCE_RULES, allowedResourceLevels, resourceBounds,
} from '../model/levels.ts';
import type { Path, PathProblem } from './positions.ts';
import { READ_ONLY_ORG_FIELDS, SUPPORTED_VERSIONS, UNMANAGED_ORG_FIELDS } from './schema.ts';
import { API_SCOPES, PROJECT_SECRET_KEY_SCOPES } from './scopes.ts';
import { didYouMean } from './suggest.ts';

type Issue = z.core.$ZodIssue;

const GRANT_FIELDS = new Set(['level', 'then']);

/** Input quoted in a message: a short excerpt at most, control characters escaped (input may be anything). */
export const EXCERPT_LENGTH = 60;

/** `"text"` — the input as a quoted, escaped excerpt of at most EXCERPT_LENGTH characters. */
export function excerpt(value: unknown): string {
  const text = String(value);
  const cut = text.length > EXCERPT_LENGTH;
  const quoted = JSON.stringify(cut ? text.slice(0, EXCERPT_LENGTH) : text).replace(/[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return cut ? `${quoted.slice(0, -1)}…" (${text.length} characters)` : quoted;
}

/** `members."bob@example.com".level` — how a path is shown in messages. */
export function showPath(path: Path): string {
  if (path.length === 0) return 'the matrix';
  return path
    .map((s, i) => (typeof s === 'number' ? `[${s}]` : /^[A-Za-z_][A-Za-z0-9_]{0,59}$/.test(String(s)) ? `${i ? '.' : ''}${String(s)}` : `${i ? '.' : ''}${excerpt(String(s))}`))
    .join('');
}

/** What kind of level a path holds, if any. */
function levelContext(path: Path): { noun: string; extra: string } | undefined {
  const p = path.map(String);
  const tail = p.length > 0 && GRANT_FIELDS.has(p[p.length - 1] as string) ? p.slice(0, -1) : p;
  if (tail[0] === 'members' && tail.length === 2) return { noun: 'an organization level', extra: '' };
  if (tail[0] === 'projects' && tail.length >= 3) {
    if (tail[2] === 'resources' && tail.length >= 5) {
      const r = tail[3] as string;
      const b = resourceBounds(r);
      const bounded = b.minimum !== 'none' || b.maximum !== 'manager';
      return {
        noun: `a level for ${r}`,
        extra: bounded ? ` (PostHog allows ${r} from ${b.minimum} up to ${b.maximum})` : '',
      };
    }
    if ((tail[2] === 'access' && tail.length === 3) || ((tail[2] === 'teams' || tail[2] === 'members') && tail.length === 4)) {
      return { noun: 'a project level', extra: '' };
    }
  }
  return undefined;
}

function kindOf(v: unknown): string {
  if (v === null || v === undefined) return 'nothing';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return `the text ${excerpt(v)}`;
  return `${typeof v} ${String(v)}`;
}

const EXPECTED: Record<string, string> = {
  object: 'a mapping (key: value lines)',
  record: 'a mapping (key: value lines)',
  array: 'a list',
  string: 'a text value',
  boolean: 'true or false',
  number: 'a whole number', // every number in the matrix is a whole number
  int: 'a whole number',
};

/** Grant unions and team memberships: what the union accepts, in words. */
function unionExpectation(path: Path): string {
  const lc = levelContext(path);
  const p = path.map(String);
  if (lc) {
    const levels = levelsAt(path);
    return `${lc.noun} (${levels.join(', ')})${lc.extra} or a mapping {level, expires?, then?, note?}`;
  }
  if (p[0] === 'teams' && p[2] === 'members') return 'an email or a mapping {email, expires?, note?}';
  return 'a different kind of value';
}

function levelsAt(path: Path): string[] {
  const p = path.map(String);
  const tail = GRANT_FIELDS.has(p[p.length - 1] as string) ? p.slice(0, -1) : p;
  if (tail[0] === 'members') return ['member', 'admin', 'owner'];
  if (tail[2] === 'resources' && tail[3]) return allowedResourceLevels(tail[3]);
  return ['none', 'member', 'admin'];
}

/** Does this union branch fail only because the input is of another kind than the branch takes? */
function isKindMismatch(branch: readonly Issue[], input: unknown): boolean {
  if (branch.length !== 1) return false;
  const i = branch[0] as Issue;
  if (i.path.length !== 0) return false;
  if (i.code === 'invalid_type') return true;
  if (i.code === 'invalid_value') return typeof input !== typeof i.values[0];
  return false;
}

/** Allowed keys of the strict object at `path`, found by walking the schema. */
function keysAt(schema: z.ZodType, path: Path): string[] {
  let s: unknown = schema;
  const def = (x: unknown) => (x as { _zod: { def: Record<string, unknown> & { type: string } } })._zod.def;
  const unwrap = (x: unknown): unknown => {
    for (let i = 0; i < 10; i++) {
      const d = def(x);
      if (d.type === 'optional' || d.type === 'default' || d.type === 'nullable') x = d.innerType;
      else if (d.type === 'union') x = (d.options as unknown[]).find((o) => def(unwrap(o)).type === 'object') ?? x;
      else break;
    }
    return x;
  };
  for (const seg of path) {
    s = unwrap(s);
    const d = def(s);
    if (d.type === 'object') s = (d.shape as Record<string, unknown>)[String(seg)];
    else if (d.type === 'record') s = d.valueType;
    else if (d.type === 'array') s = d.element;
    else return [];
    if (!s) return [];
  }
  s = unwrap(s);
  const d = def(s);
  return d.type === 'object' ? Object.keys(d.shape as Record<string, unknown>) : [];
}

/** Keys of an identity-provider configuration that hold secrets or certificates (refused as such). */
const SECRET_KEY = /cert|secret|token|password|private|key$/i;

const NO_RESOURCE_RULES_HINT: Record<string, string> = {
  project: 'set access to the project itself with `access`, `teams` and `members` of the project',
  organization: 'organization access is the member\'s level under `members`',
  plugin: 'PostHog does not control plugins with access rules; remove it',
};

function unknownKey(schema: z.ZodType, parent: Path, key: string): string {
  const p = parent.map(String);
  const where = parent.length ? ` in ${showPath(parent)}` : ' at the top level';
  if (p.length === 2 && p[0] === 'organization' && p[1] === 'settings') {
    if ((READ_ONLY_ORG_FIELDS as readonly string[]).includes(key)) {
      return `organization setting "${key}" is read-only in PostHog and cannot be managed; remove it`;
    }
    if (UNMANAGED_ORG_FIELDS[key]) return `organization setting "${key}" is not managed by this tool: ${UNMANAGED_ORG_FIELDS[key]}`;
  }
  if (p[0] === 'organization' && p[1] === 'identity_providers' && p.length >= 3 && SECRET_KEY.test(key)) {
    return `"${key}" is a secret or a certificate and never goes in the matrix: set it in PostHog (Settings → Organization → Authentication) and keep only non-secret settings here`;
  }
  if (p.length === 3 && p[0] === 'projects' && p[2] === 'resources') {
    const parent = RESOURCE_INHERITANCE[key];
    if (parent) {
      return `resource type "${key}" has no rules of its own in PostHog: its access follows ${parent}, and PostHog ignores a resource-wide rule on ${key}; set the access under ${showPath([...p, parent])} instead`;
    }
    if ((WITHOUT_RESOURCE_RULES as readonly string[]).includes(key)) {
      return `"${key}" takes no resource-wide rules in PostHog: ${NO_RESOURCE_RULES_HINT[key] ?? 'remove it'}`;
    }
    return `unknown resource type "${key}"${didYouMean(key, ACCESS_CONTROL_RESOURCES)}; resource types that accept access rules: ${ACCESS_CONTROL_RESOURCES.join(', ')}`;
  }
  const allowed = keysAt(schema, parent);
  const hint = didYouMean(key, allowed);
  return `unknown key "${key}"${where}${hint}; ${allowed.length ? `allowed keys: ${allowed.join(', ')}` : 'remove it'}`;
}

function invalidValue(path: Path, values: readonly unknown[], input: unknown): string {
  const p = path.map(String);
  const at = showPath(path);
  if (p.length === 1 && p[0] === 'version') {
    if (input === undefined) return 'missing "version: 1": this tool reads matrix format version 1; add "version: 1" at the top';
    return `unsupported matrix version ${JSON.stringify(input)}: this tool reads version ${SUPPORTED_VERSIONS.join(', ')}; write "version: 1" (or use the posthog-access release that reads this version)`;
  }
  const lc = levelContext(path);
  if (lc) {
    return `${at}: ${excerpt(input)} is not ${lc.noun}${lc.extra}; use one of: ${values.join(', ')}`;
  }
  if (p.includes('secret_keys') && p.includes('scopes')) {
    if (input === '*') {
      return `${at}: PostHog rejects the wildcard scope "*" for project secret keys; list explicit scopes from: ${PROJECT_SECRET_KEY_SCOPES.join(', ')}`;
    }
    return `${at}: ${excerpt(input)} cannot be given to a project secret key${didYouMean(String(input), PROJECT_SECRET_KEY_SCOPES)}; allowed scopes: ${PROJECT_SECRET_KEY_SCOPES.join(', ')}`;
  }
  if (p[0] === 'api_keys' && p.includes('scopes')) {
    return `${at}: ${excerpt(input)} is not an API scope${didYouMean(String(input), API_SCOPES)}; write "<object>:read" or "<object>:write" with a PostHog scope object (e.g. insight:read), or "*"`;
  }
  if (p[1] === 'identity_providers' && p.length === 4 && p[3] === 'domains') {
    return `${at}: ${kindOf(input)} is neither "all" nor a list of domains; write domains: all, or the domains it serves (e.g. domains: [example.com])`;
  }
  if (p[p.length - 1] === 'sso_enforcement') {
    return `${at}: ${excerpt(input)} is not an SSO provider; use "" (off) or one of: saml, google-oauth2, github, gitlab`;
  }
  const hint = typeof input === 'string' ? didYouMean(input, values.map(String)) : '';
  return `${at}: ${kindOf(input)} is not allowed${hint}; use one of: ${values.map((v) => JSON.stringify(v)).join(', ')}`;
}

/** One zod issue → problems (a union may expand into its matching branch's issues). */
export function issueProblems(schema: z.ZodType, issue: Issue, base: Path = []): PathProblem[] {
  const path: Path = [...base, ...issue.path];
  const at = showPath(path);
  const input = (issue as { input?: unknown }).input;
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((k) => ({ path: [...path, k], key: true, message: unknownKey(schema, path, k) }));
    case 'invalid_union': {
      const matching = issue.errors.filter((b) => !isKindMismatch(b, input));
      if (matching.length === 1) return (matching[0] as Issue[]).flatMap((i) => issueProblems(schema, i, path));
      if (input === null || input === undefined) return [{ path, message: `${at} has no value; give ${unionExpectation(path)}, or remove the key` }];
      return [{ path, message: `${at}: expected ${unionExpectation(path)}, got ${kindOf(input)}` }];
    }
    case 'invalid_type': {
      const expected = EXPECTED[issue.expected] ?? issue.expected;
      if (path.length === 0) {
        if (input === null || input === undefined) return [{ path, message: 'the matrix is empty; start it with "version: 1" (see docs/matrix.md)' }];
        return [{ path, message: `the matrix must be a mapping of sections (version, members, teams, projects, …), got ${kindOf(input)}` }];
      }
      if (input === undefined) {
        if (path.length === 1 && path[0] === 'version') {
          return [{ path, message: 'missing "version: 1": this tool reads matrix format version 1; add "version: 1" at the top' }];
        }
        return [{ path, message: `${at} is required; add it (${expected})` }];
      }
      if (input === null) return [{ path, message: `${at} has no value; give ${expected}, or remove the key` }];
      if (issue.expected === 'int' && typeof input === 'number') return [{ path, message: `${at}: ${input} is not a whole number; use a whole number` }];
      return [{ path, message: `${at}: expected ${expected}, got ${kindOf(input)}` }];
    }
    case 'invalid_value':
      return [{ path, message: invalidValue(path, issue.values, input) }];
    case 'invalid_format':
      if (issue.format === 'date') {
        const shaped = typeof input === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(input);
        return [{
          path,
          message: shaped
            ? `${at}: ${String(input)} is not a real calendar date; use an existing day, written YYYY-MM-DD`
            : `${at}: ${excerpt(input)} is not a date; write it as YYYY-MM-DD (e.g. 2026-12-31)`,
        }];
      }
      return [{ path, message: `${at}: invalid ${issue.format}` }];
    case 'too_small': {
      if (issue.origin === 'array') {
        const p = path.map(String);
        if (p[0] === 'api_keys' && (p[2] === 'projects' || p[2] === 'organizations')) {
          return [{ path, message: `${at} is an empty list; list at least one, or remove the key for a key that is not restricted this way` }];
        }
        return [{ path, message: `${at} is an empty list; list at least one` }];
      }
      if (issue.origin === 'string') return [{ path, message: `${at} must not be empty` }];
      const min = Number(issue.minimum);
      const bound = issue.inclusive ? `${min} or more` : `more than ${min}`;
      return [{ path, message: `${at}: ${String(input)} is too small; use a whole number ${bound}` }];
    }
    case 'too_big':
      return [{ path, message: `${at} is too long (at most ${String(issue.maximum)})` }];
    default:
      return [{ path, message: `${at}: ${issue.message}` }];
  }
}
