// Environment interpolation in scalar values: `${VAR}`, `${VAR:-default}`; `$${` writes a literal `${`.
// One string at a time: the positioned path applies it to the yaml Document (problems keep their
// positions), the fast path to plain data. Only values are interpolated, never mapping keys (names
// and emails stay literal).
import { containsPostHogKey } from '../secrets/credentials.ts';

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
 * What an interpolated plain (unquoted) scalar stands for: text reading `true`, `false` or an
 * integer becomes that boolean or number, as if written so; anything else stays text. Quoted
 * scalars always stay text. Both loader paths use this one rule (src/matrix/positioned.ts, src/matrix/fast.ts).
 */
export function plainValue(text: string): string | number | boolean {
  if (PLAIN_BOOL.test(text)) return text === 'true';
  if (PLAIN_INT.test(text) && Number.isSafeInteger(Number(text))) return Number(text);
  return text;
}
