// The positioned path of the loader: YAML parsed into a yaml Document (1.2, every node with its
// position), interpolated in place, converted to data, then checked (zod, cross-field rules); every
// problem is thrown at once as one ConfigError, each as `file:line:col: message`. A valid matrix
// never comes here: the fast path (src/matrix/fast.ts) accepts it first. This path runs for
// matrices with problems (or features the fast path leaves to it), so its messages are the loader's.
import { LineCounter, Scalar, isMap, isPair, isScalar, isSeq, parseDocument, visit } from 'yaml';
import type { Document, Node, YAMLError } from 'yaml';
import { ConfigError } from '../errors.ts';
import { interpolateString, plainValue } from './interpolate.ts';
import type { Env } from './interpolate.ts';
import { issueProblems, showPath } from './messages.ts';
import { Positions } from './positions.ts';
import type { PathProblem } from './positions.ts';
import { RELATED_AT, RELATED_LINE, checkRules } from './rules.ts';
import { matrixSchema } from './schema.ts';
import type { MatrixInput } from './schema.ts';
import { withSuggestionBudget } from './suggest.ts';

/** Aliases may expand to at most this many nodes in total (alias bombs fail cleanly). */
export const MAX_ALIAS_COUNT = 100;

interface Located { line: number; col: number; message: string }

/** Candidate comparisons allowed for "did you mean" hints in one load (keeps huge broken files fast). */
const SUGGESTION_BUDGET = 50_000;

/** The matrix's checked input (zod's output, before normalisation), or a ConfigError listing every problem. */
export function parsePositioned(source: string, file: string, env: Env): MatrixInput {
  return withSuggestionBudget(SUGGESTION_BUDGET, () => parse(source, file, env));
}

/** The data the YAML stands for (interpolated), with the positions of its nodes; or its YAML-level problems. */
export function documentData(source: string, env: Env): { data: unknown; positions: Positions } | { problems: Located[] } {
  const lineCounter = new LineCounter();
  // uniqueKeys off: yaml's own check is quadratic in the size of a mapping; duplicateKeys() is linear.
  const doc = parseDocument(source, { lineCounter, prettyErrors: false, uniqueKeys: false });
  const positions = new Positions(doc, lineCounter);

  // 1. YAML syntax, duplicate keys, unknown tags: nothing else is trustworthy until these are fixed.
  const yamlProblems = [...doc.errors, ...doc.warnings].map((e) => yamlProblem(e, positions));
  if (doc.errors.length === 0) yamlProblems.push(...duplicateKeys(doc, positions));
  if (yamlProblems.length > 0) return { problems: yamlProblems };

  // 2. Dates back to their text, and ${VAR} interpolation in values: one pass over the scalars.
  const interp = interpolateDocument(doc, env);
  if (interp.length > 0) return { problems: interp.map((p) => ({ ...positions.ofOffset(p.offset), message: p.message })) };

  // 3. To plain data, with aliases bounded.
  try {
    return { data: doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }), positions };
  } catch (e) {
    if (e instanceof ReferenceError || /alias/i.test(String((e as Error).message))) {
      return { problems: [{ ...firstAlias(doc, positions), message: `YAML aliases expand to too many nodes (more than ${MAX_ALIAS_COUNT}); this looks like an alias bomb: write the values out, or use fewer aliases` }] };
    }
    throw e;
  }
}

function parse(source: string, file: string, env: Env): MatrixInput {
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

  const read = documentData(source, env);
  if ('problems' in read) return fail(read.problems);
  const { data, positions } = read;

  // 4. Shape, then cross-field rules; all problems together.
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
  return result.data as MatrixInput;
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

interface InterpolationProblem { offset: number; message: string }

/**
 * Interpolate every scalar value of the document in place (src/matrix/interpolate.ts): a plain
 * scalar's result is read as `plainValue` says, quoted scalars stay strings. Dates the YAML schema
 * made (explicit !!timestamp, %YAML 1.1) go back to their text first (a date holds no `${`).
 */
function interpolateDocument(doc: Document, env: Env): InterpolationProblem[] {
  const problems: InterpolationProblem[] = [];
  visit(doc, {
    Scalar(key, node, path) {
      if (node.value instanceof Date) node.value = typeof node.source === 'string' ? node.source : node.value.toISOString();
      if (key === 'key' || typeof node.value !== 'string' || !node.value.includes('${')) return;
      const r = interpolateString(node.value, env, fieldOf(path, node));
      if (r.problems.length > 0) {
        const start = node.range?.[0] ?? 0;
        // Point inside the scalar when the source is written verbatim (plain or single-line quoted).
        const src = typeof node.source === 'string' ? node.source : undefined;
        const shift = node.type === Scalar.PLAIN ? 0 : node.type === Scalar.QUOTE_DOUBLE || node.type === Scalar.QUOTE_SINGLE ? 1 : undefined;
        for (const p of r.problems) {
          const exact = shift !== undefined && src === node.value && !src.includes('\n');
          problems.push({ offset: exact ? start + shift + p.index : start, message: p.message });
        }
        return;
      }
      if (!r.changed) return;
      node.value = node.type === Scalar.PLAIN ? plainValue(r.value) : r.value;
    },
  });
  return problems;
}

/** The data path of a scalar (`projects.Production.members."a@example.com".note`), for messages. */
function fieldOf(ancestors: readonly unknown[], node: unknown): string {
  const path: PropertyKey[] = [];
  ancestors.forEach((a, i) => {
    if (isPair(a)) path.push(isScalar(a.key) ? String(a.key.value) : String(a.key));
    else if (isSeq(a)) path.push(a.items.indexOf((ancestors[i + 1] ?? node) as never));
  });
  return showPath(path);
}
