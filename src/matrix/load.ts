// Load the access matrix: read the file, parse YAML (1.2, positions kept), interpolate the
// environment, check the shape (zod) and the cross-field rules, and normalise to DesiredState.
// Every problem is collected and thrown at once as one ConfigError, each as `file:line:col: message`.
import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { lstat, open, realpath } from 'node:fs/promises';
import { LineCounter, isMap, isScalar, parseDocument, visit } from 'yaml';
import type { Document, Node, YAMLError } from 'yaml';
import { ConfigError } from '../errors.ts';
import type { DesiredState } from '../model/desired.ts';
import { interpolateDocument } from './interpolate.ts';
import type { Env } from './interpolate.ts';
import { issueProblems } from './messages.ts';
import { normalize } from './normalize.ts';
import { Positions } from './positions.ts';
import type { PathProblem } from './positions.ts';
import { RELATED_AT, RELATED_LINE, checkRules } from './rules.ts';
import { matrixSchema } from './schema.ts';
import { withSuggestionBudget } from './suggest.ts';
import type { MatrixInput } from './schema.ts';

export interface LoadedMatrix {
  desired: DesiredState;
  /** The path the matrix was read from, as given. */
  file: string;
  /** sha256 (hex) of the file's bytes, so a saved plan can tell whether the matrix changed. */
  sha256: string;
}

export interface LoadOptions {
  /** Variables for ${VAR} interpolation; default process.env. */
  env?: Env;
}

/** Aliases may expand to at most this many nodes in total (alias bombs fail cleanly). */
export const MAX_ALIAS_COUNT = 100;

interface Located { line: number; col: number; message: string }

/** The largest matrix read (10 MB: a matrix for 100,000 people is a tenth of that). */
export const MAX_MATRIX_BYTES = 10 * 1024 * 1024;

/** Read and validate the matrix file. Throws ConfigError listing every problem. Never uses the network. */
export async function loadMatrix(file: string, options: LoadOptions = {}): Promise<LoadedMatrix> {
  const bytes = await readMatrixFile(file);
  const loaded = parseMatrix(bytes.toString('utf8'), file, options.env ?? process.env);
  return { ...loaded, sha256: sha256(bytes) };
}

const cannotRead = (file: string, why: string) =>
  new ConfigError(`${file}: cannot read the access matrix (${why}); pass the right path, or start from access-matrix.example.yaml`);

function kindOfFile(st: { isDirectory(): boolean; isFIFO(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean; isSocket(): boolean }): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a named pipe (FIFO)';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

/**
 * The matrix's bytes, only from a regular file of at most MAX_MATRIX_BYTES, checked before reading:
 * a FIFO would wait forever, /dev/zero never ends, and /proc files (the environment!) would be
 * quoted back in error messages. Opened without blocking, then checked on the open file itself.
 */
async function readMatrixFile(file: string): Promise<Buffer> {
  let link = '';
  try {
    if ((await lstat(file)).isSymbolicLink()) link = ` (a symbolic link to ${await realpath(file)})`;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw cannotRead(file, code === 'ENOENT' ? 'no such file' : code === 'ELOOP' ? 'a loop of symbolic links' : code ?? 'unknown error');
  }
  const real = await realpath(file).catch(() => file);
  if (/^\/(proc|sys|dev)(\/|$)/.test(real)) throw cannotRead(file, `it is ${real}${link ? ', through a symbolic link' : ''}, a system file, not an access matrix`);
  let handle;
  try {
    handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw cannotRead(file, code === 'ENOENT' ? `no such file${link}` : code === 'EACCES' ? 'permission denied' : code ?? 'unknown error');
  }
  try {
    const st = await handle.stat();
    if (!st.isFile()) throw cannotRead(file, `it is ${kindOfFile(st)}${link}; the matrix must be a regular file`);
    if (st.size > MAX_MATRIX_BYTES) throw cannotRead(file, `it is ${st.size} bytes, over the limit of ${MAX_MATRIX_BYTES} (10 MB)`);
    // Read at most one byte past the limit: the size stat reports can be wrong (files that grow).
    const chunks: Buffer[] = [];
    let length = 0;
    for (;;) {
      const chunk = Buffer.alloc(Math.min(1024 * 1024, MAX_MATRIX_BYTES + 1 - length));
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) break;
      chunks.push(chunk.subarray(0, bytesRead));
      length += bytesRead;
      if (length > MAX_MATRIX_BYTES) throw cannotRead(file, `it holds more than ${MAX_MATRIX_BYTES} bytes (10 MB), the limit`);
    }
    const bytes = Buffer.concat(chunks, length);
    // A NUL byte: not text. Said without quoting any of it.
    if (bytes.includes(0)) throw cannotRead(file, 'it holds binary data (NUL bytes), not YAML text');
    return bytes;
  } finally {
    await handle.close();
  }
}

export function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Parse and validate matrix text (the work of loadMatrix, for tests and callers holding the text). */
export function parseMatrix(source: string, file: string, env: Env = process.env): LoadedMatrix {
  return withSuggestionBudget(SUGGESTION_BUDGET, () => parse(source, file, env));
}

/** Candidate comparisons allowed for "did you mean" hints in one load (keeps huge broken files fast). */
const SUGGESTION_BUDGET = 50_000;

function parse(source: string, file: string, env: Env): LoadedMatrix {
  const lineCounter = new LineCounter();
  // uniqueKeys off: yaml's own check is quadratic in the size of a mapping; duplicateKeys() is linear.
  const doc = parseDocument(source, { lineCounter, prettyErrors: false, uniqueKeys: false });
  const positions = new Positions(doc, lineCounter);
  const fail = (problems: Located[]): never => {
    const sorted = [...problems].sort((a, b) => a.line - b.line || a.col - b.col);
    const seen = new Set<string>();
    const lines: string[] = [];
    for (const p of sorted) {
      const s = `${file}:${p.line}:${p.col}: ${bounded(p.message)}`;
      if (!seen.has(s)) {
        seen.add(s);
        lines.push(s);
      }
    }
    throw new ConfigError(lines);
  };

  // 1. YAML syntax, duplicate keys, unknown tags: nothing else is trustworthy until these are fixed.
  const yamlProblems = [...doc.errors, ...doc.warnings].map((e) => yamlProblem(e, positions));
  if (doc.errors.length === 0) yamlProblems.push(...duplicateKeys(doc, positions));
  if (yamlProblems.length > 0) fail(yamlProblems);

  // 2. Dates the YAML schema turned into Date objects (explicit !!timestamp, %YAML 1.1) go back to their text.
  visit(doc, {
    Scalar(_k, node) {
      if (node.value instanceof Date) node.value = typeof node.source === 'string' ? node.source : node.value.toISOString();
    },
  });

  // 3. ${VAR} interpolation in values.
  const interp = interpolateDocument(doc, env);
  if (interp.length > 0) {
    fail(interp.map((p) => ({ ...positions.ofOffset(p.offset), message: p.message })));
  }

  // 4. To plain data, with aliases bounded.
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (e) {
    if (e instanceof ReferenceError || /alias/i.test(String((e as Error).message))) {
      fail([{ ...firstAlias(doc, positions), message: `YAML aliases expand to too many nodes (more than ${MAX_ALIAS_COUNT}); this looks like an alias bomb: write the values out, or use fewer aliases` }]);
    }
    throw e;
  }

  // 5. Shape, then cross-field rules; all problems together.
  const problems: PathProblem[] = [];
  const root = data !== null && typeof data === 'object' && !Array.isArray(data) ? (data as Record<string, unknown>) : undefined;
  const result = matrixSchema.safeParse(data, { reportInput: true });
  if (!result.success) {
    const issues = result.error.issues;
    const versionIssue = root && root.version !== undefined ? issues.find((i) => i.path.length === 1 && i.path[0] === 'version') : undefined;
    // A matrix of another version is another format: say only that.
    const chosen = versionIssue ? [versionIssue] : issues;
    for (const issue of chosen) problems.push(...issueProblems(matrixSchema, issue));
    if (versionIssue) fail(problems.map((p) => locate(p, positions, file)));
  }
  problems.push(...checkRules(data));
  if (problems.length > 0 || !result.success) fail(problems.map((p) => locate(p, positions, file)));

  const desired = normalize(result.data as MatrixInput);
  return { desired, file, sha256: sha256(source) };
}

/** The last line of defence for messages quoting input: no control characters, no screenfuls. */
const MAX_MESSAGE = 1000;
function bounded(message: string): string {
  const clean = message.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '?');
  return clean.length > MAX_MESSAGE ? `${clean.slice(0, MAX_MESSAGE)}… (cut)` : clean;
}

function locate(p: PathProblem, positions: Positions, file: string): Located {
  const pos = positions.at(p.path, p.key ?? false);
  let message = p.message;
  if (p.related && message.includes(RELATED_LINE)) {
    message = message.replace(RELATED_LINE, String(positions.at(p.related, true).line));
  }
  if (p.related && message.includes(RELATED_AT)) {
    const at = positions.at(p.related, true);
    message = message.replace(RELATED_AT, `${file}:${at.line}:${at.col}`);
  }
  return { ...pos, message };
}

function yamlProblem(e: YAMLError, positions: Positions): Located {
  const pos = positions.ofOffset(e.pos[0]);
  if (e.code === 'TAG_RESOLVE_FAILED') return { ...pos, message: `${e.message}: remove the tag; the matrix uses plain YAML values` };
  // `id: @current` or `` `admin` ``: YAML reserves @ and ` at the start of a plain value.
  const reserved = /cannot start with reserved character ([@`])/.exec(e.message);
  if (reserved?.[1] === '@') return { ...pos, message: 'YAML syntax error: a value cannot start with @ unless quoted: put the value in quotes, e.g. id: "@current"' };
  if (reserved) return { ...pos, message: 'YAML syntax error: a value cannot start with a backtick (`) unless quoted: put the value in quotes, or drop the backticks (YAML is not Markdown)' };
  return { ...pos, message: `YAML syntax error: ${e.message}` };
}

/** Keys that appear twice in one mapping (as the data would see them), each at the second key. */
function duplicateKeys(doc: Document, positions: Positions): Located[] {
  const out: Located[] = [];
  visit(doc, {
    Map(_k, map) {
      const seen = new Map<string, Node>();
      for (const pair of map.items) {
        const keyNode = pair.key as Node | null;
        const name = isScalar(keyNode) ? String(keyNode.value) : String(keyNode);
        const first = seen.get(name);
        if (first === undefined) {
          if (keyNode) seen.set(name, keyNode);
          continue;
        }
        const at = positions.ofOffset(keyNode?.range?.[0] ?? 0);
        const firstLine = positions.ofOffset(first.range?.[0] ?? 0).line;
        out.push({ ...at, message: `duplicate key "${name}" (first on line ${firstLine}): a key may appear once in a mapping; merge the two entries into one` });
      }
    },
  });
  return out;
}

function firstAlias(doc: Document, positions: Positions): { line: number; col: number } {
  let at: number | undefined;
  visit(doc, {
    Alias(_k, node) {
      at = node.range?.[0];
      return visit.BREAK;
    },
  });
  if (at === undefined && isMap(doc.contents)) at = doc.contents.range?.[0];
  return positions.ofOffset(at ?? 0);
}
