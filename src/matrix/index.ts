// The access-matrix loader: public entry points.
export { loadMatrix, parseMatrix, sha256, MAX_ALIAS_COUNT } from './load.ts';
export type { LoadedMatrix, LoadOptions } from './load.ts';
export { matrixSchema, matrixJsonSchema, SUPPORTED_VERSIONS, WRITABLE_ORG_SETTINGS } from './schema.ts';
export { API_SCOPE_OBJECTS, API_SCOPES, PROJECT_SECRET_KEY_SCOPES } from './scopes.ts';
export { isValidEmail } from './rules.ts';
