// The loader's full interface (src/matrix/read.ts reads files; this module adds parseMatrix for
// callers holding the text, and so loads the positioned path, and the yaml package, at once).
import type { Env } from './interpolate.ts';
import { parseFast } from './fast.ts';
import { normalize } from './normalize.ts';
import { parsePositioned } from './positioned.ts';
import { sha256 } from './read.ts';
import type { LoadedMatrix } from './read.ts';

export { MAX_MATRIX_BYTES, loadMatrix, sha256 } from './read.ts';
export type { LoadOptions, LoadedMatrix } from './read.ts';
export { MAX_ALIAS_COUNT } from './positioned.ts';

/** Parse and validate matrix text (the work of loadMatrix, for tests and callers holding the text). */
export function parseMatrix(source: string, file: string, env: Env = process.env): LoadedMatrix {
  const input = parseFast(source, env) ?? parsePositioned(source, file, env);
  return { desired: normalize(input), file, sha256: sha256(source) };
}
