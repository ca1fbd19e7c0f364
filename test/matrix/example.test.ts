// The shipped example matrix loads, points editors at the schema, and the JSON Schema accepts it.
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadMatrix } from '../../src/matrix/load.ts';
import { matrixJsonSchema } from '../../src/matrix/schema.ts';

const EXAMPLE = 'access-matrix.example.yaml';
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv) => Ajv;

export function editorValidator() {
  const ajv = new Ajv({ allErrors: true, strict: true });
  addFormats(ajv);
  return ajv.compile(matrixJsonSchema());
}

describe('access-matrix.example.yaml', () => {
  it('loads without problems, with POSTHOG_ORG_ID unset', async () => {
    const m = await loadMatrix(EXAMPLE, { env: {} });
    expect(m.desired.organization.id).toBe('@current');
    expect(Object.keys(m.desired.members)).toContain('alice@example.com');
    expect(m.desired.projects['Data Warehouse']?.members['erin@example.com']).toEqual({ level: 'member' });
    expect(m.desired.prune.members).toBe(true);
  });

  it('takes the organization id from POSTHOG_ORG_ID when set', async () => {
    const id = '0191b2c3-d4e5-7f60-8a9b-0c1d2e3f4a5b';
    const m = await loadMatrix(EXAMPLE, { env: { POSTHOG_ORG_ID: id } });
    expect(m.desired.organization.id).toBe(id);
  });

  it('starts with the yaml-language-server schema comment', () => {
    const first = readFileSync(EXAMPLE, 'utf8').split('\n')[0];
    expect(first).toBe('# yaml-language-server: $schema=./schemas/access-matrix.schema.json');
  });

  it('is valid against the generated JSON Schema (what editors check, before interpolation)', () => {
    const validate = editorValidator();
    const data = parse(readFileSync(EXAMPLE, 'utf8'));
    const ok = validate(data);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('the JSON Schema rejects what editors should flag', () => {
    const validate = editorValidator();
    expect(validate({ version: 1, members: { 'a@example.com': 'superuser' } })).toBe(false);
    expect(validate({ version: 1, projects: { P: { resources: { toolbar: { default: 'editor' } } } } })).toBe(false);
    expect(validate({ version: 1, projects: { P: { resources: { feature_flg: {} } } } })).toBe(false);
    expect(validate({ version: 1, members: { 'a@example.com': { level: 'admin', expires: '2026-02-30' } } })).toBe(false);
    expect(validate({ version: 2 })).toBe(false);
    expect(validate({ version: 1, projects: { P: { secret_keys: { k: { scopes: ['*'] } } } } })).toBe(false);
  });
});
