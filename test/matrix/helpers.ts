// Helpers for the matrix loader tests.
import { ConfigError } from '../../src/errors.ts';
import { parseMatrix } from '../../src/matrix/load.ts';
import type { Env } from '../../src/matrix/interpolate.ts';

export const FILE = 'm.yaml';

/** The problems parseMatrix reports for `source` (empty when it loads). */
export function problemsOf(source: string, env: Env = {}): string[] {
  try {
    parseMatrix(source, FILE, env);
    return [];
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
}

/** A small valid matrix to build cases on: 7 lines, so a case's own lines start at line 8. */
export const BASE = `version: 1
members:
  alice@example.com: owner
  bob@example.com: member
teams:
  Eng:
    members: [bob@example.com]
`;
