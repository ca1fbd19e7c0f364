// The fast path of the loader, for valid matrices: js-yaml reads the text straight to plain data
// (no node positions kept), then the same interpolation, schema and cross-field rules as the
// positioned path (src/matrix/positioned.ts). It only ever accepts: at the first problem of any
// kind, or any YAML feature it has not been shown to read exactly as the positioned path does, it
// declines (returns undefined) and the positioned path reads the file again and words the problems
// with their positions. test/matrix/fast.test.ts holds the two paths to the same data.
import { FAILSAFE_SCHEMA, Type, load } from 'js-yaml';
import { interpolateString, plainValue } from './interpolate.ts';
import type { Env } from './interpolate.ts';
import { checkRules } from './rules.ts';
import { matrixSchema } from './schema.ts';
import type { MatrixInput } from './schema.ts';
import { withSuggestionBudget } from './suggest.ts';

/**
 * Text the fast path leaves to the positioned path, where js-yaml and yaml are known to differ or
 * where only yaml applies the loader's bounds (a false alarm only costs time; test/matrix/fast.test.ts
 * searches for more):
 * - anchors and aliases (`&a`, `*a`: the alias-bomb bound), tags (`!`), explicit keys (`? `), merge
 *   keys (`<<`), directives and document markers at a line's start;
 * - a flow collection where a key may stand (`[a]: b`, `{[a], b}`, `[[a]]`; also `${A}: b`, a false
 *   alarm): yaml writes such keys out as YAML, js-yaml with `String()`; a flow collection's end at
 *   a line's start (yaml warns about its indentation); a comment touching a quote or bracket
 *   (`"a"#b`: yaml refuses it);
 * - a `-` with nothing after it on its line (js-yaml misplaces the items of nested sequences
 *   around empty ones), block scalars with an indentation indicator or keep chomping (`|2`, `|+`:
 *   they differ on trailing lines), a line ending in `\` (an escaped line break in double quotes);
 * - a `\U` escape (js-yaml takes code points past U+10FFFF, making broken text; yaml refuses them), a
 *   line of spaces only (after a block scalar's header, js-yaml takes its indentation from it and
 *   drops less-indented lines as comments), a flow collection left open at a line's end (js-yaml
 *   takes a comment at column 0 inside it, yaml refuses it);
 * - tabs, carriage returns, and characters YAML versions read differently (controls, NEL, the line
 *   and paragraph separators, byte-order marks).
 */
const LEFT_TO_POSITIONED = new RegExp([
  /(?:^|[\s,[\]{}])[&*!]/,
  /(?:^|[\s,[{])\?(?:[\s,[\]{}]|$)/,
  /<</,
  /^(?:%|---|\.\.\.)/,
  /[\]}][ ]*:(?:\s|$)/,
  /[{,]\s*[[{]|\[\s*[[{]/,
  /^[ ]*[\]}]/,
  /["'[\]{},]#/,
  /(?:^|\s)-[ ]*(?:#[^\n]*)?$/,
  /[|>]-?[0-9+]/,
  /\\$/,
  /\\U/,
  /^[ ]+$/,
  /[[{][^\]}\n]*$/,
  /[\t\r\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029\ufeff]/,
].map((r) => r.source).join('|'), 'm');

/** yaml reads an implicit key of more than 1,024 characters as an error; a line this long goes to it. */
const LONGEST_LINE = 1000;

/**
 * A plain (unquoted) scalar holding `${`: kept apart from quoted text, because its interpolated
 * value is read as a plain scalar would be (`plainValue`). As a mapping key it is its own text
 * (keys are never interpolated): js-yaml turns keys into strings with `String()`.
 */
class PlainTemplate {
  readonly text: string;
  constructor(text: string) {
    this.text = text;
  }
  get [Symbol.toStringTag](): string {
    return 'PlainTemplate';
  }
  toString(): string {
    return this.text;
  }
}

// The implicit types of YAML 1.2's core schema exactly as the yaml package resolves them
// (node_modules/yaml/dist/schema/core/, and common/null.js), in its order. js-yaml keeps one
// implicit type per tag, so each tag's variants are tried inside one type.
const NULL = /^(?:~|[Nn]ull|NULL)?$/;
const BOOL = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/;
const INT_OCT = /^0o[0-7]+$/;
const INT = /^[-+]?[0-9]+$/;
const INT_HEX = /^0x[0-9a-fA-F]+$/;
const FLOAT_NAN = /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;
const FLOAT_EXP = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/;
const FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/;

const str = (data: unknown): string => (typeof data === 'string' ? data : '');
const CORE_1_2 = FAILSAFE_SCHEMA.extend({
  implicit: [
    new Type('tag:yaml.org,2002:null', { kind: 'scalar', resolve: (d) => d === null || NULL.test(str(d)), construct: () => null }),
    new Type('tag:yaml.org,2002:bool', { kind: 'scalar', resolve: (d) => BOOL.test(str(d)), construct: (d: string) => d[0] === 't' || d[0] === 'T' }),
    new Type('tag:yaml.org,2002:int', {
      kind: 'scalar',
      resolve: (d) => INT_OCT.test(str(d)) || INT.test(str(d)) || INT_HEX.test(str(d)),
      construct: (d: string) => (INT_OCT.test(d) ? parseInt(d.substring(2), 8) : INT.test(d) ? parseInt(d, 10) : parseInt(d.substring(2), 16)),
    }),
    new Type('tag:yaml.org,2002:float', {
      kind: 'scalar',
      resolve: (d) => FLOAT_NAN.test(str(d)) || FLOAT_EXP.test(str(d)) || FLOAT.test(str(d)),
      construct: (d: string) => (FLOAT_NAN.test(d) ? (d.slice(-3).toLowerCase() === 'nan' ? NaN : d[0] === '-' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY) : parseFloat(d)),
    }),
    new Type('tag:posthog-access,2026:plain-template', { kind: 'scalar', resolve: (d) => str(d).includes('${'), construct: (d: string) => new PlainTemplate(d) }),
  ],
});

/** Thrown inside the walk: the data holds something the fast path does not decide. */
const DECLINE = Symbol('decline');

/**
 * The data the matrix text stands for, interpolated, exactly as the positioned path's
 * `documentData` would give it; undefined when there is any problem or anything left to that path.
 */
export function fastData(source: string, env: Env): unknown {
  // Lines first: the scan is linear, and bounded lines keep it so. A first line of `---` alone
  // (a document start, as many files begin) is read alike; any later one is another document.
  const body = source.startsWith('---\n') ? source.slice(4) : source;
  if (hasLongLine(body) || LEFT_TO_POSITIONED.test(body)) return undefined;
  let data: unknown;
  try {
    data = load(source, { schema: CORE_1_2, onWarning: () => { throw DECLINE; } });
    return settle(data, env);
  } catch {
    return undefined; // a YAML error, a js-yaml warning, or DECLINE: the positioned path decides
  }
}

/** The matrix's checked input (zod's output, before normalisation) when it has no problem at all; else undefined. */
export function parseFast(source: string, env: Env): MatrixInput | undefined {
  const data = fastData(source, env);
  if (data === undefined) return undefined;
  const result = matrixSchema.safeParse(data);
  if (!result.success) return undefined;
  // No suggestions: a problem sends the matrix to the positioned path, which words it.
  if (withSuggestionBudget(0, () => checkRules(data)).length > 0) return undefined;
  return result.data as MatrixInput;
}

function hasLongLine(source: string): boolean {
  let start = 0;
  for (;;) {
    const end = source.indexOf('\n', start);
    if ((end < 0 ? source.length : end) - start > LONGEST_LINE) return true;
    if (end < 0) return false;
    start = end + 1;
  }
}

/**
 * Interpolate in place (values only, never keys) and check what the positioned path would read
 * differently: a key js-yaml made from null (yaml makes it the empty string) or from a mapping.
 */
function settle(value: unknown, env: Env): unknown {
  if (value instanceof PlainTemplate) return interpolated(value.text, true, env);
  if (typeof value === 'string') return value.includes('${') ? interpolated(value, false, env) : value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = settle(value[i], env);
    return value;
  }
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      if (key === 'null' || key === '[object Object]') throw DECLINE;
      record[key] = settle(record[key], env);
    }
    return record;
  }
  return value; // null, boolean, number
}

function interpolated(text: string, plain: boolean, env: Env): unknown {
  const r = interpolateString(text, env);
  if (r.problems.length > 0) throw DECLINE;
  return plain ? plainValue(r.value) : r.value;
}
