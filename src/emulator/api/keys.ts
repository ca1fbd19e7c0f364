// Personal API keys (only the key in use), project secret API keys and the one endpoint such a key reaches.
import { forbidden, invalid, notFound } from '../errors.ts';
import { isGrantableScope, MAX_SECRET_KEYS_PER_PROJECT, SECRET_KEY_SCOPES } from '../tables.ts';
import { keyJson, secretKeyJson } from '../serialize.ts';
import { log, noContent, obj, ok, paginate, PROJECT, route, strField } from './common.ts';
import type { Ctx, Result, RouteSpec, SecretKeyCtx } from './common.ts';
import type { Change } from '../state.ts';
import type { ProjectSecretKeyRow } from '../snapshot.ts';

function personalApiKeys(ctx: Ctx): Result {
  if (ctx.route.op === 'personal_api_keys_retrieve') {
    const id = ctx.params.id;
    if (id === '@current' || id === ctx.key.id) return ok(keyJson(ctx.state, ctx.key));
  }
  throw forbidden('This action does not support Personal API Key access');
}

// Project secret API keys (PostHog: posthog/api/project_secret_api_key.py)

const MAX_PROJECT_SECRET_KEYS = MAX_SECRET_KEYS_PER_PROJECT;
const SECRET_KEY_MAX_LABEL = 40;
const INSUFFICIENT_PROJECT_LEVEL = "You don't have sufficient permissions in the project.";

/** TeamMemberStrictManagementPermission: writes need the effective project level admin. */
function requireProjectAdmin(ctx: Ctx): void {
  if (!ctx.membership || ctx.state.projectLevel(ctx.membership, ctx.project!) !== 'admin') throw forbidden(INSUFFICIENT_PROJECT_LEVEL);
}

function projectSecretKey(ctx: Ctx): ProjectSecretKeyRow {
  const k = ctx.state.secretKeys.get(ctx.params.id!);
  if (!k || k.team_id !== ctx.project!.id) throw notFound();
  return k;
}

function allowedSecretScopesText(): string {
  return [...SECRET_KEY_SCOPES]
    .map((x) => x.split(':') as [string, string])
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0))
    .map(([o, a]) => `${o}:${a}`)
    .join(', ');
}

/** ProjectSecretAPIKeySerializer.validate_scopes, in its order: `*`, unknown/internal, allow-list. */
function secretKeyScopes(v: unknown): string[] {
  if (v === undefined) throw invalid('This field is required.', 'scopes', 'required');
  if (v === null) throw invalid('This field may not be null.', 'scopes', 'null');
  if (!Array.isArray(v)) throw invalid(`Expected a list of items but got type "${typeof v === 'string' ? 'str' : typeof v}".`, 'scopes', 'not_a_list');
  if (v.length === 0) throw invalid('This list may not be empty.', 'scopes', 'empty');
  const scopes: string[] = [];
  for (const item of v) {
    if (typeof item !== 'string' && typeof item !== 'number') throw invalid('Not a valid string.', 'scopes');
    const scope = String(item);
    if (scope === '*') throw invalid("Wildcard scope '*' is not allowed for project API keys. Please specify explicit scopes.", 'scopes');
    if (!isGrantableScope(scope)) throw invalid(`Invalid scope: ${scope}`, 'scopes');
    if (!(SECRET_KEY_SCOPES as readonly string[]).includes(scope)) {
      throw invalid(`Scope '${scope}' can not be assigned to a project secret API key. Allowed scopes: ${allowedSecretScopesText()}`, 'scopes');
    }
    scopes.push(scope);
  }
  return scopes;
}

function secretKeyLabel(v: unknown): string {
  return strField(v, 'label', { required: true, max: SECRET_KEY_MAX_LABEL })!;
}

function secretLabelTaken(ctx: Ctx, label: string, except?: string): boolean {
  for (const k of ctx.state.secretKeys.values()) if (k.team_id === ctx.project!.id && k.id !== except && k.label === label) return true;
  return false;
}

function logSecretKey(ctx: Ctx, activity: string, k: ProjectSecretKeyRow, changes: Change[] | null): void {
  log(ctx, activity, 'ProjectSecretAPIKey', k.id, k.label, changes, null, k.team_id);
}

function secretKeysList(ctx: Ctx): Result {
  const list = ctx.state.projectSecretKeys(ctx.project!.id);
  return ok(paginate(ctx, list.length, (i) => secretKeyJson(ctx.state, list[i]!)));
}

function secretKeysCreate(ctx: Ctx): Result {
  requireProjectAdmin(ctx);
  const body = obj(ctx.body);
  const label = secretKeyLabel(body.label);
  const scopes = secretKeyScopes(body.scopes);
  const p = ctx.project!;
  if (ctx.state.projectSecretKeys(p.id).length >= MAX_PROJECT_SECRET_KEYS) {
    throw invalid(`You can only have ${MAX_PROJECT_SECRET_KEYS} project secret API keys. Remove an existing key before creating a new one.`);
  }
  if (secretLabelTaken(ctx, label)) throw invalid(`Project secret API key with label '${label}' already exists.`);
  const { row, value } = ctx.state.mintSecretKey(p.id, label, scopes, ctx.user.uuid, ctx.now);
  logSecretKey(ctx, 'created', row, [
    { type: 'ProjectSecretAPIKey', action: 'created', field: 'label', before: null, after: label },
    { type: 'ProjectSecretAPIKey', action: 'created', field: 'scopes', before: null, after: [...scopes] },
  ]);
  return ok(secretKeyJson(ctx.state, row, value), 201);
}

function secretKeysRetrieve(ctx: Ctx): Result {
  return ok(secretKeyJson(ctx.state, projectSecretKey(ctx)));
}

function secretKeysUpdate(ctx: Ctx): Result {
  const k = projectSecretKey(ctx);
  requireProjectAdmin(ctx);
  const body = obj(ctx.body);
  const put = ctx.method === 'PUT';
  const label = put || body.label !== undefined ? secretKeyLabel(body.label) : k.label;
  const scopes = put || body.scopes !== undefined ? secretKeyScopes(body.scopes) : k.scopes;
  if (label !== k.label && secretLabelTaken(ctx, label, k.id)) throw invalid(`Project secret API key with label '${label}' already exists.`);
  const changes: Change[] = [];
  if (label !== k.label) changes.push({ type: 'ProjectSecretAPIKey', action: 'changed', field: 'label', before: k.label, after: label });
  if (scopes.join('\n') !== k.scopes.join('\n')) changes.push({ type: 'ProjectSecretAPIKey', action: 'changed', field: 'scopes', before: [...k.scopes], after: [...scopes] });
  k.label = label;
  k.scopes = [...scopes];
  if (changes.length) logSecretKey(ctx, 'updated', k, changes);
  return ok(secretKeyJson(ctx.state, k));
}

function secretKeysDestroy(ctx: Ctx): Result {
  const k = projectSecretKey(ctx);
  requireProjectAdmin(ctx);
  ctx.state.removeSecretKey(k);
  logSecretKey(ctx, 'deleted', k, null);
  return noContent();
}

function secretKeysRoll(ctx: Ctx): Result {
  const k = projectSecretKey(ctx);
  requireProjectAdmin(ctx);
  const beforeMask = k.mask_value;
  const beforeRolled = k.last_rolled_at;
  const value = ctx.state.rehashSecretKey(k);
  k.last_rolled_at = ctx.now.toISOString();
  logSecretKey(ctx, 'updated', k, [
    { type: 'ProjectSecretAPIKey', action: 'changed', field: 'mask_value', before: beforeMask, after: k.mask_value },
    { type: 'ProjectSecretAPIKey', action: 'changed', field: 'last_rolled_at', before: beforeRolled, after: k.last_rolled_at },
  ]);
  return ok(secretKeyJson(ctx.state, k, value));
}

/** Flag definitions for local evaluation; the emulator keeps no feature flags. */
function featureFlagsLocalEvaluation(_ctx: SecretKeyCtx): Result {
  return ok({ flags: [], group_type_mapping: {}, cohorts: {} });
}


export const KEY_ROUTES: RouteSpec[] = [
  // project secret API keys (phs_…); roll is a write
  route('GET', `${PROJECT}/project_secret_api_keys/`, 'project_secret_api_keys_list', 'project', 'project', secretKeysList),
  route('POST', `${PROJECT}/project_secret_api_keys/`, 'project_secret_api_keys_create', 'project', 'project', secretKeysCreate),
  route('GET', `${PROJECT}/project_secret_api_keys/{id}/`, 'project_secret_api_keys_retrieve', 'project', 'project', secretKeysRetrieve),
  route('PATCH', `${PROJECT}/project_secret_api_keys/{id}/`, 'project_secret_api_keys_partial_update', 'project', 'project', secretKeysUpdate),
  route('PUT', `${PROJECT}/project_secret_api_keys/{id}/`, 'project_secret_api_keys_update', 'project', 'project', secretKeysUpdate),
  route('DELETE', `${PROJECT}/project_secret_api_keys/{id}/`, 'project_secret_api_keys_destroy', 'project', 'project', secretKeysDestroy),
  route('POST', `${PROJECT}/project_secret_api_keys/{id}/roll/`, 'project_secret_api_keys_roll', 'project', 'project', secretKeysRoll),
  // the endpoint project secret keys exist for (flag definitions for local evaluation); the
  // emulator answers with no flags, so a phs key can be tried end to end
  route('GET', `${PROJECT}/feature_flags/local_evaluation/`, 'feature_flags_local_evaluation_retrieve', 'feature_flag', 'project',
    (ctx) => featureFlagsLocalEvaluation({ state: ctx.state, now: ctx.now, query: ctx.query, project: ctx.project! }), featureFlagsLocalEvaluation),
  // personal API keys: the viewset decides itself (only retrieving the key in use)
  route('GET', '/api/personal_api_keys/', 'personal_api_keys_list', null, 'pak', personalApiKeys),
  route('POST', '/api/personal_api_keys/', 'personal_api_keys_create', null, 'pak', personalApiKeys),
  route('GET', '/api/personal_api_keys/{id}/', 'personal_api_keys_retrieve', null, 'pak', personalApiKeys),
  route('PATCH', '/api/personal_api_keys/{id}/', 'personal_api_keys_partial_update', null, 'pak', personalApiKeys),
  route('PUT', '/api/personal_api_keys/{id}/', 'personal_api_keys_update', null, 'pak', personalApiKeys),
  route('DELETE', '/api/personal_api_keys/{id}/', 'personal_api_keys_destroy', null, 'pak', personalApiKeys),
  route('POST', '/api/personal_api_keys/{id}/roll/', 'personal_api_keys_roll_create', null, 'pak', personalApiKeys),
];
