// The personal API key audit: each key the matrix declares (`api_keys`), as PostHog reported it to
// its own value (src/state/audit-keys.ts), against what the matrix says; and the running key
// against what the plan needs. Pure. PostHog lets no personal key change personal keys
// (PostHog's personal_api_key API; docs/cli.md), so differences are manual steps with the exact fix in PostHog's UI, never
// API calls.
import type { ActualApiKeyAudit, ActualKey, ActualState } from '../model/actual.ts';
import type { ApiKeySpec } from '../model/desired.ts';
import type { DiffContext } from './kind.ts';
import { requiredScopes, TOOL_SCOPES } from './scopes.ts';
import { DAY_MS, daysSince } from '../util/days.ts';
import type { Change } from './types.ts';
import { count } from '../util/english.ts';

/** A key nobody used for this long is probably not needed any more. */
export const UNUSED_DAYS = 90;

export type AuditContext = Pick<DiffContext, 'desired' | 'actual' | 'now' | 'notices' | 'manualSteps'> & { changes: Change[] };

const UI = 'PostHog → Settings → Personal API keys';
const list = (items: readonly string[]) => items.join(', ');
const day = (iso: string) => iso.slice(0, 10);

/** Adds the audit's notices and manual steps to the plan being built. */
export function auditNotices(ctx: AuditContext): void {
  runningKeyNotice(ctx);
  for (const [name, spec] of Object.entries(ctx.desired.apiKeys)) {
    const audit = ctx.actual.apiKeys?.[name];
    if (audit) auditKey(ctx, name, spec, audit);
  }
}

/**
 * The running key: scopes the tool can never use (or `*`) work, but a leaked key would give them
 * away. Missing scopes are the preflight's business (a `scope` warning, a refusal at apply).
 */
function runningKeyNotice(ctx: AuditContext): void {
  const key = ctx.actual.key;
  if (!key) return;
  const needed = requiredScopes(ctx.changes);
  const usable = new Set(TOOL_SCOPES);
  const unused = key.scopes.filter((s) => s !== '*' && !usable.has(s)).sort();
  const every = key.scopes.includes('*');
  if (!every && !unused.length) return;
  const broader = every ? 'has every scope (*)' : `has scopes posthog-access never uses: ${list(unused)}`;
  ctx.notices.push({
    level: 'info', code: 'running_key', key: `running key "${key.label}"`,
    message: `the running key "${key.label}" ${broader}, broader than needed: this plan needs ${list(needed)}, and posthog-access uses at most ${list(TOOL_SCOPES)}. A key with only those limits what a leaked key can do (${UI} → "${key.label}" → Edit)`,
  });
}

function auditKey(ctx: AuditContext, name: string, spec: ApiKeySpec, audit: ActualApiKeyAudit): void {
  const id = `api_key:${name}`;
  const where = `api_keys.${name}`;
  if (!audit.found) {
    ctx.notices.push({ level: 'warning', code: 'api_key_env_missing', key: id, message: `${where}: $${spec.env} is not set, so the key was not audited: set it where the tool runs (with --strict this is an error)` });
    return;
  }
  if (!audit.key) {
    ctx.notices.push({ level: 'warning', code: 'api_key_unreadable', key: id, message: `${where}: the key in $${spec.env} could not be read (GET /api/personal_api_keys/@current): ${audit.error ?? 'no answer'}` });
    return;
  }
  const key = audit.key;
  const differences: string[] = [];
  const fixes: string[] = [];

  const scopes = scopeDifferences(spec.scopes, key.scopes);
  const projects = projectDifferences(ctx.actual, spec, key);
  const organizations = organizationDifferences(ctx.actual, spec, key);
  differences.push(...scopes, ...projects, ...organizations);
  const edits: string[] = [];
  if (scopes.length) edits.push(`set its scopes to exactly ${list([...spec.scopes].sort())}`);
  if (projects.length) edits.push(spec.projects ? `limit it to the projects ${list(spec.projects)}` : 'remove its project limit (organization-wide)');
  if (organizations.length) edits.push(`limit it to the organizations ${list((spec.organizations ?? []).map((o) => orgName(ctx.actual, resolveOrg(ctx.actual, o))))}`);
  if (edits.length) fixes.push(`${UI} → "${key.label}" → Edit: ${edits.join('; ')}, then save`);

  if (spec.maxAgeDays !== undefined) {
    const born = key.lastRolledAt ?? key.createdAt;
    const age = daysSince(born, ctx.now);
    if (ctx.now.getTime() - Date.parse(born) > spec.maxAgeDays * DAY_MS) {
      differences.push(`it is ${count(age, 'day')} old (${key.lastRolledAt ? 'last rolled' : 'created'} ${day(born)}), past max_age_days (${spec.maxAgeDays})`);
      fixes.push(`${UI} → "${key.label}" → Roll, then put the new value in $${spec.env} wherever the service and this tool read it`);
    }
  }

  if (key.lastUsedAt === null) {
    ctx.notices.push({ level: 'info', code: 'api_key_unused', key: id, message: `${where} ("${key.label}") has never been used: if no service needs it, delete it (${UI}) and drop it from the matrix` });
  } else if (daysSince(key.lastUsedAt, ctx.now) >= UNUSED_DAYS) {
    ctx.notices.push({ level: 'info', code: 'api_key_unused', key: id, message: `${where} ("${key.label}") has not been used for ${daysSince(key.lastUsedAt, ctx.now)} days (last ${day(key.lastUsedAt)}): if no service needs it, delete it (${UI}) and drop it from the matrix` });
  }

  if (differences.length) {
    ctx.manualSteps.push({
      key: id,
      message: `personal API key "${key.label}" ($${spec.env}) differs from ${where}: ${differences.join('; ')}. PostHog lets only the key's owner, logged in, change it: ${fixes.join('. ')}`,
    });
  }
}

/** Scopes as sets; `*` is reported as broader than any explicit list. */
export function scopeDifferences(declared: readonly string[], actual: readonly string[]): string[] {
  const want = new Set(declared);
  const have = new Set(actual.length ? actual : ['*']); // PostHog renders an empty list as ["*"]
  if (have.has('*') && !want.has('*')) return ['it has every scope (*), broader than declared'];
  const missing = [...want].filter((s) => !have.has(s)).sort();
  const extra = [...have].filter((s) => !want.has(s)).sort();
  const out: string[] = [];
  if (missing.length) out.push(`it lacks ${list(missing)}`);
  if (extra.length) out.push(`it has scopes not declared: ${list(extra)}`);
  return out;
}

function projectDifferences(actual: ActualState, spec: ApiKeySpec, key: ActualKey): string[] {
  const names = new Map(Object.values(actual.projects).map((p) => [p.id, p.name]));
  const have = key.scopedTeams.map((id) => names.get(id) ?? `project id ${id} (not in this organization)`).sort();
  if (!spec.projects) return have.length ? [`it is limited to the projects ${list(have)}, but the matrix declares an organization-wide key`] : [];
  if (!have.length) return [`it is not limited to projects (organization-wide), broader than the declared ${list(spec.projects)}`];
  const want = new Set(spec.projects);
  const missing = [...want].filter((p) => !have.includes(p)).sort();
  const extra = have.filter((p) => !want.has(p));
  const out: string[] = [];
  if (missing.length) out.push(`it cannot reach the declared project${missing.length === 1 ? '' : 's'} ${list(missing)}`);
  if (extra.length) out.push(`it can reach undeclared project${extra.length === 1 ? '' : 's'} ${list(extra)}`);
  return out;
}

const resolveOrg = (actual: ActualState, org: string) => (org === '@current' ? actual.organization.id : org);
const orgName = (actual: ActualState, id: string) => (id === actual.organization.id ? `${actual.organization.name} (${id})` : id);

function organizationDifferences(actual: ActualState, spec: ApiKeySpec, key: ActualKey): string[] {
  if (!spec.organizations) return [];
  const want = new Set(spec.organizations.map((o) => resolveOrg(actual, o)));
  const have = new Set(key.scopedOrganizations);
  if (!have.size) return ['it is not limited to organizations, broader than declared'];
  const missing = [...want].filter((o) => !have.has(o)).map((o) => orgName(actual, o));
  const extra = [...have].filter((o) => !want.has(o)).map((o) => orgName(actual, o));
  const out: string[] = [];
  if (missing.length) out.push(`it cannot reach the declared organization${missing.length === 1 ? '' : 's'} ${list(missing)}`);
  if (extra.length) out.push(`it can reach undeclared organization${extra.length === 1 ? '' : 's'} ${list(extra)}`);
  return out;
}
