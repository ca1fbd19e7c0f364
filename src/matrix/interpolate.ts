// Environment interpolation in scalar values: `${VAR}`, `${VAR:-default}`; `$${` writes a literal `${`.
// Applied to the yaml Document before conversion, so problems keep their positions.
// Only values are interpolated, never mapping keys (names and emails stay literal).
import { Scalar, isPair, isScalar, isSeq, visit } from 'yaml';
import type { Document } from 'yaml';
import { containsPostHogKey } from '../secrets/credentials.ts';
import { showPath } from './messages.ts';

export type Env = Record<string, string | undefined>;

export interface InterpolationProblem { offset: number; message: string }

const TOKEN = /\$\$\{|\$\{([^}]*)\}|\$\{/g;
const EXPR = /^([A-Za-z_][A-Za-z0-9_]*)(?::-(.*))?$/s;

/**
 * Interpolate one string. Returns the value, or the problems (each with its offset within `text`).
 * An unset variable without a default is an error; `${VAR:-d}` uses `d` when VAR is unset or empty.
 */
export function interpolateString(text: string, env: Env, field = 'this value'): { value: string; problems: { index: number; message: string }[]; changed: boolean } {
  const problems: { index: number; message: string }[] = [];
  let changed = false;
  const value = text.replace(TOKEN, (match: string, expr: string | undefined, index: number) => {
    changed = true;
    if (match === '$${') return '${';
    if (expr === undefined) {
      problems.push({ index, message: 'unterminated "${": close it with "}", or write "$${" for a literal "${"' });
      return match;
    }
    const m = EXPR.exec(expr);
    if (!m) {
      problems.push({
        index,
        message: `invalid interpolation "${match}": write \${NAME} or \${NAME:-default} with NAME made of letters, digits and _ (or "$\${" for a literal "\${")`,
      });
      return match;
    }
    const name = m[1] as string;
    const fallback = m[2];
    const set = env[name];
    if (fallback !== undefined) return set === undefined || set === '' ? fallback : set;
    if (set === undefined) {
      problems.push({
        index,
        message: `environment variable ${name} is not set; set it, or give a default with \${${name}:-default}`,
      });
      return match;
    }
    if (containsPostHogKey(set)) {
      // The matrix's text reaches plans, journals and pull-request comments: a key must never ride along.
      problems.push({
        index,
        message: `${field}: \${${name}} holds what looks like a PostHog key (phx_, phs_, phc_, pha_ or phr_ followed by a token); ` +
          'key values never go into the matrix, where plans, journals and pull-request comments would show them: use another variable ' +
          '(api_keys take the variable\'s name in env:, never its value)',
      });
      return match;
    }
    return set;
  });
  return { value, problems, changed };
}

const PLAIN_BOOL = /^(true|false)$/;
const PLAIN_INT = /^-?(?:0|[1-9]\d*)$/;

/**
 * Interpolate every scalar value of the document in place. A plain (unquoted) scalar whose
 * interpolated text is `true`, `false` or an integer becomes that boolean or number, as if written so;
 * quoted scalars stay strings.
 */
export function interpolateDocument(doc: Document, env: Env): InterpolationProblem[] {
  const problems: InterpolationProblem[] = [];
  visit(doc, {
    Scalar(key, node, path) {
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
      if (node.type === Scalar.PLAIN && PLAIN_BOOL.test(r.value)) node.value = r.value === 'true';
      else if (node.type === Scalar.PLAIN && PLAIN_INT.test(r.value) && Number.isSafeInteger(Number(r.value))) node.value = Number(r.value);
      else node.value = r.value;
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
