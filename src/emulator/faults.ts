// Fault injection for the emulator: latency with jitter, 5xx, forced 429, dropped connections,
// per path pattern, driven by a seeded PRNG so runs repeat. Every number is bounded (an emulator
// people run on a laptop must not be told to sleep for a year or to compile an endless pattern).
import { ApiError } from './errors.ts';

/** Bounds of a fault configuration (docs/emulator.md, Faults). */
export const FAULT_LIMITS = {
  rules: 100,
  pathLength: 500,
  delayMs: 60_000,
  throttleCount: 1_000_000,
  retryAfter: 3600,
} as const;

export interface FaultRule {
  /** Glob ("/api/organizations/*\/members/**") or regex ("/members\\/$/" or "re:members"). Default: every /api path. */
  path?: string;
  method?: string;
  latency_ms?: number;
  jitter_ms?: number;
  /** Probability (0..1) of answering with `error_status`. */
  error_rate?: number;
  error_status?: number;
  /** The next N matching requests get a 429. */
  throttle_count?: number;
  /** Retry-After of forced 429s (seconds, default 1). */
  retry_after?: number;
  /** Probability (0..1) of destroying the connection without an answer. */
  drop_rate?: number;
}

export interface FaultConfig {
  seed?: number;
  rules: FaultRule[];
}

export interface FaultDecision {
  delayMs: number;
  drop: boolean;
  status: number | null;
  retryAfter: number;
}

/** mulberry32: a small, fast, repeatable PRNG (also used by the benchmarks' generators). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function patternToRegExp(pattern: string): RegExp {
  if (pattern.startsWith('re:')) return new RegExp(pattern.slice(3));
  const m = /^\/(.*)\/([a-z]*)$/.exec(pattern);
  if (m && (m[1]!.includes('\\') || /[()[\]|^$+?]/.test(m[1]!) || m[2])) return new RegExp(m[1]!, m[2]);
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') {
      if (pattern[i + 1] === '*') { re += '.*'; i++; } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp('^' + re + '$');
}

interface CompiledRule { rule: FaultRule; re: RegExp | null; throttleLeft: number }

function invalidFault(detail: string, attr: string | null): ApiError {
  return new ApiError(400, 'validation_error', 'invalid', detail, attr);
}

function boundedNumber(r: Record<string, unknown>, field: string, prefix: string, min: number, max: number, integer = false): number | undefined {
  const v = r[field];
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max || (integer && !Number.isInteger(v))) {
    throw invalidFault(`${field} must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max}.`, prefix + field);
  }
  return v;
}

function compileRule(input: unknown, prefix: string): CompiledRule {
  if (!input || typeof input !== 'object' || Array.isArray(input)) throw invalidFault('A fault rule must be an object.', prefix.replace(/\.$/, '') || null);
  const r = input as Record<string, unknown>;
  const rule: FaultRule = {};
  if (r.path !== undefined) {
    if (typeof r.path !== 'string' || r.path.length === 0 || r.path.length > FAULT_LIMITS.pathLength) {
      throw invalidFault(`path must be a pattern of 1 to ${FAULT_LIMITS.pathLength} characters.`, `${prefix}path`);
    }
    rule.path = r.path;
  }
  if (r.method !== undefined) {
    if (typeof r.method !== 'string' || !/^[A-Za-z]{1,10}$/.test(r.method)) throw invalidFault('method must be an HTTP method.', `${prefix}method`);
    rule.method = r.method;
  }
  const set = <K extends keyof FaultRule>(k: K, v: FaultRule[K] | undefined): void => {
    if (v !== undefined) rule[k] = v;
  };
  set('latency_ms', boundedNumber(r, 'latency_ms', prefix, 0, FAULT_LIMITS.delayMs));
  set('jitter_ms', boundedNumber(r, 'jitter_ms', prefix, 0, FAULT_LIMITS.delayMs));
  set('error_rate', boundedNumber(r, 'error_rate', prefix, 0, 1));
  set('error_status', boundedNumber(r, 'error_status', prefix, 400, 599, true));
  set('throttle_count', boundedNumber(r, 'throttle_count', prefix, 0, FAULT_LIMITS.throttleCount, true));
  set('retry_after', boundedNumber(r, 'retry_after', prefix, 0, FAULT_LIMITS.retryAfter, true));
  set('drop_rate', boundedNumber(r, 'drop_rate', prefix, 0, 1));
  let re: RegExp | null = null;
  try {
    re = rule.path ? patternToRegExp(rule.path) : null;
  } catch (e) {
    throw invalidFault(`path is not a valid pattern: ${(e as Error).message}`, `${prefix}path`);
  }
  return { rule, re, throttleLeft: rule.throttle_count ?? 0 };
}

export class Faults {
  private rules: CompiledRule[] = [];
  private rand: () => number = mulberry32(1);
  config: FaultConfig = { rules: [] };

  /** Replaces the configuration; a rule out of bounds → 400 and the previous configuration stays. */
  set(input: unknown): FaultConfig {
    if (input !== undefined && input !== null && (typeof input !== 'object' || Array.isArray(input))) {
      throw invalidFault('Expected a fault rule or {seed, rules: [...]}.', null);
    }
    const body = (input ?? {}) as Record<string, unknown>;
    if (body.rules !== undefined && !Array.isArray(body.rules)) throw invalidFault('rules must be a list.', 'rules');
    const rules = Array.isArray(body.rules) ? (body.rules as unknown[]) : [body];
    if (rules.length > FAULT_LIMITS.rules) throw invalidFault(`At most ${FAULT_LIMITS.rules} fault rules.`, 'rules');
    if (body.seed !== undefined && !(typeof body.seed === 'number' && Number.isFinite(body.seed))) throw invalidFault('seed must be a number.', 'seed');
    const seed = typeof body.seed === 'number' ? body.seed : 1;
    const compiled = rules.map((r, i) => compileRule(r, Array.isArray(body.rules) ? `rules[${i}].` : ''));
    this.config = { seed, rules: compiled.map((c) => c.rule) };
    this.rand = mulberry32(seed);
    this.rules = compiled;
    return this.config;
  }

  clear(): void {
    this.rules = [];
    this.config = { rules: [] };
  }

  get active(): boolean {
    return this.rules.length > 0;
  }

  decide(method: string, path: string): FaultDecision {
    const d: FaultDecision = { delayMs: 0, drop: false, status: null, retryAfter: 1 };
    for (const c of this.rules) {
      const r = c.rule;
      if (r.method && r.method.toUpperCase() !== method.toUpperCase()) continue;
      if (c.re ? !c.re.test(path) : !path.startsWith('/api/')) continue;
      if (r.latency_ms || r.jitter_ms) d.delayMs += (r.latency_ms ?? 0) + (r.jitter_ms ? this.rand() * r.jitter_ms : 0);
      if (d.drop || d.status !== null) continue;
      if (r.drop_rate && this.rand() < r.drop_rate) { d.drop = true; continue; }
      if (c.throttleLeft > 0) { c.throttleLeft--; d.status = 429; d.retryAfter = r.retry_after ?? 1; continue; }
      if (r.error_rate && this.rand() < r.error_rate) d.status = r.error_status ?? 503;
    }
    d.delayMs = Math.min(d.delayMs, FAULT_LIMITS.delayMs);
    return d;
  }
}
