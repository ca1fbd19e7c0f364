// ${VAR} interpolation: values from the environment, defaults, escapes, errors at their location.
import { describe, expect, it } from 'vitest';
import { interpolateString } from '../../src/matrix/interpolate.ts';
import { parseMatrix } from '../../src/matrix/load.ts';
import { FILE, problemsOf } from './helpers.ts';

const UUID = '0191b2c3-d4e5-7f60-8a9b-0c1d2e3f4a5b';

describe('interpolateString', () => {
  it.each([
    ['${A}', { A: 'x' }, 'x'],
    ['pre-${A}-post', { A: 'x' }, 'pre-x-post'],
    ['${A:-dflt}', {}, 'dflt'],
    ['${A:-dflt}', { A: '' }, 'dflt'],
    ['${A:-dflt}', { A: 'set' }, 'set'],
    ['${A:-}', {}, ''],
    ['${A}', { A: '' }, ''],
    ['$${A}', {}, '${A}'],
    ['cost $5 and $$ too', {}, 'cost $5 and $$ too'],
    ['${A}${B}', { A: '1', B: '2' }, '12'],
    ['${A:-@current}', {}, '@current'],
  ] as const)('%s with %j → %s', (text, env, value) => {
    const r = interpolateString(text, env);
    expect(r.problems).toEqual([]);
    expect(r.value).toBe(value);
  });

  it.each([
    ['${MISSING}', 'environment variable MISSING is not set; set it, or give a default with ${MISSING:-default}'],
    ['${1BAD}', 'invalid interpolation "${1BAD}"'],
    ['${A B}', 'invalid interpolation "${A B}"'],
    ['abc ${OPEN', 'unterminated "${"'],
  ])('%s is an error', (text, message) => {
    const r = interpolateString(text, {});
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]?.message).toContain(message);
  });
});

describe('interpolation in the matrix', () => {
  it('reads the organization id from the environment', () => {
    const m = parseMatrix('version: 1\norganization:\n  id: ${ORG}\n', FILE, { ORG: UUID });
    expect(m.desired.organization.id).toBe(UUID);
  });

  it('points at the variable inside the value when it is unset, naming it', () => {
    expect(problemsOf('version: 1\norganization:\n  id: "org-${ORG_ID}"\n')).toEqual([
      `${FILE}:3:12: environment variable ORG_ID is not set; set it, or give a default with \${ORG_ID:-default}`,
    ]);
    expect(problemsOf('version: 1\norganization:\n  id: ${ORG_ID}\n')).toEqual([
      `${FILE}:3:7: environment variable ORG_ID is not set; set it, or give a default with \${ORG_ID:-default}`,
    ]);
  });

  it('reports every unset variable at once', () => {
    expect(problemsOf('version: 1\norganization:\n  id: ${A}\napi_keys:\n  k: { env: "${B}", scopes: ["*"] }\n')).toEqual([
      expect.stringContaining(`${FILE}:3:7: environment variable A is not set`),
      expect.stringContaining(`${FILE}:5:14: environment variable B is not set`),
    ]);
  });

  it('validates the interpolated value', () => {
    expect(problemsOf('version: 1\norganization:\n  id: ${ORG}\n', { ORG: 'acme' })).toEqual([
      expect.stringContaining(`${FILE}:3:7: organization.id "acme" is neither an organization UUID nor "@current"`),
    ]);
  });

  it('types plain interpolated true/false and integers; quoted values stay text', () => {
    const m = parseMatrix('version: 1\norganization:\n  settings:\n    enforce_2fa: ${TFA}\nsafety:\n  max_deletes: ${MAX}\n', FILE, { TFA: 'true', MAX: '25' });
    expect(m.desired.organization.settings).toEqual({ enforce_2fa: true });
    expect(m.desired.safety.maxDeletes).toBe(25);
    expect(problemsOf('version: 1\nsafety:\n  max_deletes: "${MAX}"\n', { MAX: '25' })).toEqual([
      `${FILE}:3:16: safety.max_deletes: expected a whole number, got the text "25"`,
    ]);
  });

  it('does not interpolate keys, and $${ writes a literal ${', () => {
    const m = parseMatrix('version: 1\nmembers:\n  alice@example.com: { level: owner, note: "budget $${COST}" }\n', FILE, {});
    expect(m.desired.members['alice@example.com']?.note).toBe('budget ${COST}');
    expect(problemsOf('version: 1\nteams:\n  ${TEAM}: {}\n')).toEqual([]);
  });
});
