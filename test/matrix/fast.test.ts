// The loader's fast path (src/matrix/fast.ts, js-yaml) may only accept a text when the positioned
// path (src/matrix/positioned.ts, the yaml package) reads it to the very same data without a
// problem: same types (-0, NaN, null), same keys in the same order. Held over every matrix of the
// repository, generated matrices, a table of tricky scalars and structures, and seeded random
// documents and mutations of them (where a lenient parser would accept what yaml refuses).
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generateMatrix, generateOrganization, changeShare, matrixOf, matrixYaml } from '../../bench/generate.ts';
import { mulberry32 } from '../../src/emulator/faults.ts';
import { ConfigError } from '../../src/errors.ts';
import { fastData, parseFast } from '../../src/matrix/fast.ts';
import { normalize } from '../../src/matrix/normalize.ts';
import { documentData, parsePositioned } from '../../src/matrix/positioned.ts';
import { BASE, bigMatrix } from './helpers.ts';

const ENV = { A: 'x', N: '42', NEG: '-7', T: 'true', F: 'false', E: '', BIG: '9007199254740993', ORG: '0189ad6e-0000-4000-8000-000000000001' };

/** Data as text that tells apart what deep equality might not: -0, NaN, key order, prototypes. */
function canon(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'number') return Object.is(v, -0) ? 'n:-0' : `n:${v}`;
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(canon).join(',')}]`;
  if (typeof v === 'object') {
    const proto = Object.getPrototypeOf(v) === Object.prototype ? '' : '(other prototype)';
    return `${proto}{${Object.keys(v).map((k) => `${JSON.stringify(k)}:${canon((v as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return `?${typeof v}:${String(v)}`;
}

/** The invariant for one text; true when the fast path accepted it. */
function agree(text: string): boolean {
  const fast = fastData(text, ENV);
  if (fast === undefined) return false;
  const slow = documentData(text, ENV);
  if ('problems' in slow) expect.fail(`the fast path accepted a text the positioned path refuses (${slow.problems[0]?.message}):\n${text}`);
  expect(canon(fast), text).toBe(canon(slow.data));
  return true;
}

/** A valid matrix: the fast path accepts it, with the very same checked input as the positioned path. */
function acceptsSame(text: string): void {
  const fast = parseFast(text, ENV);
  expect(fast, 'the fast path declined a valid matrix').toBeDefined();
  const slow = parsePositioned(text, 'm.yaml', ENV);
  expect(canon(normalize(fast!))).toBe(canon(normalize(slow)));
  expect(canon(fast)).toBe(canon(slow));
}

const docsBlocks = readdirSync('docs').filter((f) => f.endsWith('.md'))
  .flatMap((f) => [...readFileSync(`docs/${f}`, 'utf8').matchAll(/```ya?ml\n([\s\S]*?)```/g)].map((m, i) => [`docs/${f} block ${i + 1}`, m[1] ?? ''] as const));

describe('the fast path reads matrices exactly as the positioned path', () => {
  const org = generateOrganization({ members: 60, projects: 8, teams: 5, rulesPerProject: 12, seed: 2 });
  const valid: [string, string][] = [
    ['access-matrix.example.yaml', readFileSync('access-matrix.example.yaml', 'utf8')],
    ['test/fixtures/lazy-load-matrix.yaml', readFileSync('test/fixtures/lazy-load-matrix.yaml', 'utf8')],
    ['the loader tests\' base matrix', BASE],
    ['a generated matrix', generateMatrix({ members: 120, projects: 12, teams: 6, rulesPerProject: 16, seed: 3 }, 5)],
    ['a matrix an organization meets', matrixYaml(matrixOf(org))],
    ['a matrix changing an organization', matrixYaml(changeShare(matrixOf(org), 0.2, 4))],
    ['the large-matrix test\'s matrix', bigMatrix(300, 12)],
  ];
  it.each(valid)('%s: accepted, with the same result', (_name, text) => acceptsSame(text));
  it.each(valid.slice(0, 3))('%s after a document start (---): accepted, with the same result', (_name, text) => acceptsSame(`---\n${text}`));

  it('accepts the docs\' valid matrix examples with the same result, and every YAML block of docs/ and examples/ reads the same', () => {
    const files = readdirSync('examples').map((f) => [`examples/${f}`, readFileSync(`examples/${f}`, 'utf8')] as const);
    let accepted = 0;
    for (const [, text] of [...docsBlocks, ...files]) {
      if (agree(text)) accepted++;
      if (text.startsWith('version: 1') && parseFast(text, ENV)) acceptsSame(text);
    }
    expect(accepted).toBeGreaterThan(docsBlocks.length / 2);
  });

  it('declines a matrix with a problem (the positioned path words it)', () => {
    expect(parseFast(`${BASE}  Ops:\n    members: [nobody@example.com]\n`, ENV)).toBeUndefined(); // rule: undeclared member
    expect(parseFast('version: 1\nmembers:\n  alice@example.com: superuser\n', ENV)).toBeUndefined(); // schema
    expect(parseFast('version: 1\nmembers:\n  a@example.com: owner\n  a@example.com: member\n', ENV)).toBeUndefined(); // duplicate key
    expect(parseFast('version: 1\norganization:\n  id: ${UNSET}\n', ENV)).toBeUndefined(); // interpolation
    expect(parseFast('version: 1\nmembers: {\n', ENV)).toBeUndefined(); // syntax
    expect(parseFast('version: 1\nmembers:\n  alice@example.com: &l owner\n', ENV)).toBeUndefined(); // anchors: the alias bound is the positioned path's
  });

  it('interpolates as the positioned path: plain values become booleans and numbers, quoted ones stay text, keys stay literal', () => {
    const text = 'a: ${N}\nb: "${N}"\nc: ${T}\nd: \'${F}\'\ne: ${NEG}\nf: ${BIG}\ng: x${N}\nh: $${A}\n"${N}": 2\n\'${A}\': 3\ni: |\n  ${A}\nj: ${E:-0}\n';
    expect(agree(text)).toBe(true);
    expect(fastData(text, ENV)).toEqual({ a: 42, b: '42', c: true, d: 'false', e: -7, f: '9007199254740993', g: 'x42', h: '${A}', '${N}': 2, '${A}': 3, i: 'x\n', j: 0 });
  });
});

// ---------------------------------------------------------------- tricky scalars and structures

const PLAIN = [
  '', '~', 'null', 'Null', 'NULL', 'nULL', 'true', 'True', 'TRUE', 'tRUE', 'false', 'False', 'FALSE', 'yes', 'No', 'on', 'OFF', 'y', 'n',
  '0', '-0', '+0', '007', '08', '0o17', '0O17', '0o8', '0x1F', '0X1F', '0x1f', '0xg', '0b101', '1_000', '1,000', '+12', '-12', '12.', '.5', '-.5', '+.5',
  '1.50', '1e3', '1E3', '1e+3', '1.5e-3', '.5e3', '1.e3', 'e3', '1e', '.inf', '-.inf', '+.inf', '.Inf', '-.INF', '.iNF', '.nan', '.NaN', '.NAN', '-.nan',
  'inf', 'NaN', '2026-01-31', '2026-01-31T10:00:00Z', '2026-1-1', '12:30', '1:20:30', '9007199254740993', '1e400', '0x123456789abcdef0123', '- 1',
  'alice@example.com', 'a b  c', 'a:b', 'a#b', 'a #b', 'Project 1', 'été', '😀', 'R&D', 'a*b', 'wow!', 'what?', '50%', 'a<<b', 'x: y',
  '${A}', '${N}', '${T}', '${E:-7}', '${E:-}', '${MISSING}', '${MISSING:-d}', '$${A}', '${A}x', 'x${N}', '${', '${A', '$', '${1A}', '${A:-${N}}',
  '@current', '`x`', '%x', '-x', ':x', 'x:', '[x', 'x]', '{x', '=', '<<', '|', '>', '"x', "'x", '#x', ',x', 'x,y',
];
const QUOTED = [
  '""', '"a"', '"\\t\\n\\r"', '"\\u00e9\\x41\\/"', '"\\N\\_\\L\\P"', '"\\e\\0\\a\\b\\v\\f"', '"\\ "', '"\\q"', '"\\U0001F600"', '"\\U00110000"', '"\\UFFFFFFFF"', '"a\n  b"', '"a\\\n  b"',
  '"a\n\n  b"', '"  lead"', '"trail  "', '"${A}"', '"${N}"', '"true"', '"1"', '"a # b"', '"a"b', '"a"#b', '"a" #b',
  "''", "'a'", "'it''s'", "'a\n  b'", "'a\n\n  b'", "'${T}'", "'\\n'", "'a'b",
];
const BLOCK = ['|\n  a\n  b\n', '|-\n  a\n', '|+\n  a\n\n', '>\n  a\n  b\n\n  c\n', '>-\n  a\n   b\n  c\n', '|2\n   a\n', '|\n\n  a\n', '| # c\n  a\n', '|\n  ${A}\n', '>\n  a\n\tb\n', '|\n a\n  b\n', '|\n  a\n b\n', '|\n      \n  # c\n', '>\n    \n  a\n', '|\n  a\n    \n  b\n'];
const KEYS = ['k', 'a b', '"q k"', "'s k'", '1', '-1', '0x1F', '1.0', 'true', 'null', '~', '""', '"null"', '${A}', '"${A}"', '__proto__', 'toString', 'constructor', '[a, b]', '{a: b}', '? k', '<<', 'k k', '😀', '@k', '-k', '"\\t"'];

describe('the fast path on tricky YAML', () => {
  it('reads every tricky scalar as the positioned path does, or leaves it to that path', () => {
    let accepted = 0;
    for (const s of [...PLAIN, ...QUOTED]) {
      for (const text of [`k: ${s}\n`, `- ${s}\n`, `${s}: v\n`, `k: [${s}]\n`, `k: {a: ${s}}\n`, `k:\n  - ${s}\n  - ${s} # c\n`, `${s}\n`, `k: ${s}\n  more\n`]) {
        if (agree(text)) accepted++;
      }
    }
    for (const b of BLOCK) for (const text of [`k: ${b}`, `- ${b}`, `k:\n  n: ${b.replace(/\n(?=.)/g, '\n  ')}`]) if (agree(text)) accepted++;
    for (const k of KEYS) for (const text of [`${k}: v\n`, `${k}:\n  - 1\n`, `m:\n  ${k}: 1\n  z: 2\n`, `{${k}: 1}\n`]) if (agree(text)) accepted++;
    expect(accepted).toBeGreaterThan(400); // the fast path does accept what it can
  });

  it('reads tricky structures as the positioned path does, or leaves them to it', () => {
    const texts = [
      '', '\n', '# only a comment\n', '---\nk: v\n', 'k: v\n---\nl: w\n', 'k: v\n...\n', '--- k\n', 'k: v', 'k: v\n\n\n', '\n\nk: v\n',
      'k:\n- a\n- b\n', 'k:\n  - a\n  -  b\n', 'k:\n  -\n    a: 1\n    b: 2\n', 'k:\n  - a: 1\n    b: 2\n', '- - a\n  - b\n- c\n', 'k: [a, b,]\n', 'k: [a, [b, c], {d: e}]\n',
      'k: [\n  a, b\n  ]\n', 'k: [\n  a, b\n]\n', 'k: {\n  a: 1\n  }\n', 'k: {a: 1,\n  b: 2}\n', 'k: {a, b: 1}\n', 'k: [a: 1]\n', 'k: {a: [1, 2], b: {c: d}}\n',
      'k:   v   \n', 'k: v # c\nl: w#c\n', 'k: a\n  b\n  c\n', 'k: a\n\n  b\n', 'k: a\n  # c\n  b\n', 'k:\n  a\n', 'k:\nl:\n', 'k: \n', '? a\n: b\n', 'a: b: c\n',
      'a:\n  b: 1\n c: 2\n', 'a:\n    b: 1\n  c: 2\n', ' a: 1\n b: 2\n', 'a: 1\n b: 2\n', '- a\nb: 1\n', 'a: - b\n', 'a: &x 1\nb: *x\n', 'a: !!str 1\n', 'a: !x 1\n',
      '%YAML 1.1\n---\na: yes\n', '%YAML 1.2\n---\na: 1\n', 'a: 1\r\nb: 2\r\n', '\ufeffa: 1\n', 'a:\tb\n', 'a: "b\tc"\n', 'a: 1\n\tb: 2\n', 'a: b\u0085c\n',
      `a: ${'x'.repeat(1100)}\n`, `${'k'.repeat(1030)}: v\n`, `"${'k'.repeat(1030)}": v\n`, 'a: |\n  x\n b: 1\n', 'a: >\n\n  x\n', 'a: "x\n"\n', "a: 'x\n'\n",
      'a: b\n# c\n  # d\nc: d\n', 'a:\n  # c\n  b: 1\n', '- a # c\n- b\n', 'a: [b # c\n  , d]\n', 'a: "x" y\n', 'a: [b]c\n', 'a: {b: c}d\n', 'a: b\n-c: d\n',
      '"a": 1\n"b":2\n', "'a':1\n", '"a":1\n', 'a:b: c\n', '{a: 1}\n', '[1, 2]\n', 'a: 1\n"a": 2\n', '1: a\n"1": b\n', '1.0: a\n1: b\n', 'null: a\n"": b\n',
      'a: {b: 1, b: 2}\n', 'a:\n  - {b: 1}\n  - [c]\n', 'a: [ ]\nb: { }\n', 'a: []\nb: {}\n', 'a: - \n', '-\n-\n', '- \n- a\n', 'a: "\\\n  b"\n',
      'k: {a: 1\n#\n , b: 2}\n', 'k: [a,\n#\n b]\n', 'k: {a: 1,\n# c\n  b: 2}\n', 'm:\n  n: |\n        \n    # c\n',
    ];
    for (const text of texts) agree(text);
  });
});

// ---------------------------------------------------------------- seeded random documents

/** A random YAML document made of the tricky pieces above, as people write matrices (and miswrite them). */
function randomDocument(rnd: () => number): string {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)] as T;
  const scalar = () => (rnd() < 0.7 ? pick(PLAIN) : pick(QUOTED));
  const comment = () => (rnd() < 0.1 ? ' # note' : '');
  const flow = (depth: number): string => {
    if (depth > 1 || rnd() < 0.6) return scalar();
    return rnd() < 0.5
      ? `[${Array.from({ length: Math.floor(rnd() * 3) }, () => flow(depth + 1)).join(pick([', ', ',', ' , ']))}]`
      : `{${Array.from({ length: Math.floor(rnd() * 3) }, () => `${pick(KEYS)}: ${flow(depth + 1)}`).join(', ')}}`;
  };
  const lines: string[] = [];
  const node = (indent: number, depth: number): void => {
    const pad = ' '.repeat(indent);
    const n = 1 + Math.floor(rnd() * 4);
    const seq = rnd() < 0.3;
    for (let i = 0; i < n; i++) {
      const lead = seq ? `${pad}- ` : `${pad}${pick(KEYS)}:`;
      const r = rnd();
      if (depth < 3 && r < 0.3) {
        lines.push(`${lead}${seq ? '' : ''}${comment()}`.trimEnd());
        node(indent + pick([2, 2, 4, 1]), depth + 1);
      } else if (r < 0.4) {
        const block = pick(BLOCK).replace(/\n(?=.)/g, `\n${pad}`);
        lines.push(`${lead} ${block}`.replace(/\n$/, ''));
      } else {
        lines.push(`${lead} ${flow(0)}${comment()}`);
      }
      if (rnd() < 0.05) lines.push('');
    }
  };
  node(0, 0);
  return `${lines.join('\n')}\n`;
}

/** The text with a few random characters inserted, removed or replaced, or a line indented differently: YAML one typo away. */
function mutate(text: string, rnd: () => number): string {
  const chars = [' ', '  ', '\n', ':', '-', '"', "'", '#', '[', ']', '{', '}', ',', '|', '>', '\\', 'x', '0', '.'];
  let out = text;
  const edits = 1 + Math.floor(rnd() * 3);
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(rnd() * (out.length + 1));
    const r = rnd();
    const c = chars[Math.floor(rnd() * chars.length)]!;
    if (r < 0.25) {
      // A line indented one space more or less.
      const line = out.lastIndexOf('\n', at - 1) + 1;
      out = out[line] === ' ' && rnd() < 0.5 ? out.slice(0, line) + out.slice(line + 1) : `${out.slice(0, line)} ${out.slice(line)}`;
    } else {
      out = r < 0.5 ? out.slice(0, at) + c + out.slice(at) : r < 0.75 ? out.slice(0, at) + out.slice(at + 1) : out.slice(0, at) + c + out.slice(at + 1);
    }
  }
  return out;
}

describe('the fast path on seeded random YAML', () => {
  it('reads random documents as the positioned path does, or leaves them to it', () => {
    const rnd = mulberry32(12);
    let accepted = 0;
    for (let i = 0; i < 3000; i++) if (agree(`${i % 4 === 0 ? '---\n' : ''}${randomDocument(rnd)}`)) accepted++;
    expect(accepted).toBeGreaterThan(300);
  });

  it('reads random documents and matrices a typo away as the positioned path does, or leaves them to it', () => {
    const rnd = mulberry32(34);
    const matrices = [readFileSync('access-matrix.example.yaml', 'utf8'), BASE, generateMatrix({ members: 12, projects: 3, teams: 2, rulesPerProject: 8, seed: 1 }, 2)];
    let accepted = 0;
    for (let i = 0; i < 3000; i++) if (agree(mutate(i % 3 === 0 ? pick(matrices, rnd) : randomDocument(rnd), rnd))) accepted++;
    expect(accepted).toBeGreaterThan(300);
  });

  it('a matrix a typo away is either accepted with the same result, or worded by the positioned path', () => {
    const rnd = mulberry32(56);
    const base = readFileSync('access-matrix.example.yaml', 'utf8');
    for (let i = 0; i < 400; i++) {
      const text = mutate(base, rnd);
      const fast = parseFast(text, ENV);
      let slow: unknown;
      try {
        slow = parsePositioned(text, 'm.yaml', ENV);
      } catch (e) {
        if (!(e instanceof ConfigError)) throw e;
        expect(fast, `the fast path accepted a matrix with a problem (${e.problems[0]}):\n${text}`).toBeUndefined();
        continue;
      }
      if (fast !== undefined) expect(canon(fast), text).toBe(canon(slow));
    }
  });
});

function pick<T>(list: readonly T[], rnd: () => number): T {
  return list[Math.floor(rnd() * list.length)] as T;
}
