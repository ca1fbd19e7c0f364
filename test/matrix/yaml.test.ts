// YAML-level problems: syntax, duplicate keys, alias bombs, YAML 1.2 scalars, tags.
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.ts';
import { parseMatrix } from '../../src/matrix/load.ts';
import { FILE, problemsOf } from './helpers.ts';

describe('YAML parsing', () => {
  it('reports a syntax error with its position', () => {
    expect(problemsOf('version: 1\nmembers: { alice@example.com: owner\nteams: {}\n')).toEqual([
      `${FILE}:3:1: YAML syntax error: Flow map in block collection must be sufficiently indented and end with a }`,
    ]);
    expect(problemsOf('version: 1\nmembers:\n  alice@example.com: "owner\n')).toEqual([
      `${FILE}:4:1: YAML syntax error: Missing closing "quote`,
    ]);
  });

  it('reports a bad indentation as a syntax error', () => {
    const problems = problemsOf('version: 1\nmembers:\n  alice@example.com: owner\n bob@example.com: member\n');
    expect(problems).toEqual([`${FILE}:4:1: YAML syntax error: All mapping items must start at the same column`]);
  });

  it('reports duplicate keys at the second key, naming the first line', () => {
    expect(problemsOf('version: 1\nmembers:\n  alice@example.com: owner\n  bob@example.com: member\n  alice@example.com: member\n')).toEqual([
      `${FILE}:5:3: duplicate key "alice@example.com" (first on line 3): a key may appear once in a mapping; merge the two entries into one`,
    ]);
  });

  it('reports every duplicate key at once', () => {
    const problems = problemsOf('version: 1\nversion: 1\nprune:\n  teams: true\n  teams: false\n');
    expect(problems).toEqual([
      expect.stringContaining(`${FILE}:2:1: duplicate key "version" (first on line 1)`),
      expect.stringContaining(`${FILE}:5:3: duplicate key "teams" (first on line 4)`),
    ]);
  });

  it('stops an alias bomb quickly with a clean error', () => {
    const bomb = [
      'version: 1',
      'a: &a ["x","x","x","x","x","x","x","x","x","x"]',
      'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]',
      'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]',
      'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]',
      'e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]',
      'f: [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]',
      '',
    ].join('\n');
    const problems = problemsOf(bomb); // refused before expansion: a hang would time the test out
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^m\.yaml:3:8: YAML aliases expand to too many nodes \(more than 100\); this looks like an alias bomb/);
  });

  it('accepts ordinary anchors and aliases', () => {
    const m = parseMatrix('version: 1\nmembers:\n  alice@example.com: &lvl admin\n  bob@example.com: *lvl\n', FILE, {});
    expect(m.desired.members['bob@example.com']).toEqual({ level: 'admin' });
  });

  it('is YAML 1.2: a bare yes/no/on is a string, so the schema rejects it where a boolean is expected', () => {
    expect(problemsOf('version: 1\nprune: { members: on }\n')).toEqual([
      `${FILE}:2:19: prune.members: expected true or false, got the text "on"`,
    ]);
  });

  it('rejects unknown tags', () => {
    expect(problemsOf('version: 1\nmembers:\n  alice@example.com: !secret owner\n')).toEqual([
      `${FILE}:3:22: Unresolved tag: !secret: remove the tag; the matrix uses plain YAML values`,
    ]);
  });

  it('rejects several documents in one file', () => {
    const problems = problemsOf('version: 1\n---\nversion: 1\n');
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^m\.yaml:2:1: YAML syntax error: Source contains multiple documents/);
  });

  it('throws a ConfigError whose message is the problems, one per line, and no stack in them', () => {
    try {
      parseMatrix('version: 1\nmembers:\n  a: b\n', FILE, {});
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      const err = e as ConfigError;
      expect(err.message).toBe(err.problems.join('\n'));
      expect(err.problems.length).toBe(2);
    }
  });
});
