// Fault injection for the emulator: latency with jitter, 5xx, forced 429, dropped connections,
// per path pattern, driven by a seeded PRNG so runs repeat.

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

export class Faults {
  private rules: CompiledRule[] = [];
  private rand: () => number = mulberry32(1);
  config: FaultConfig = { rules: [] };

  set(input: unknown): FaultConfig {
    const body = (input ?? {}) as Record<string, unknown>;
    const rules = Array.isArray(body.rules) ? (body.rules as FaultRule[]) : [body as FaultRule];
    const seed = typeof body.seed === 'number' ? body.seed : 1;
    const clean = rules.map((r) => {
      const { seed: _s, rules: _r, ...rest } = r as FaultRule & { seed?: unknown; rules?: unknown };
      return rest as FaultRule;
    });
    this.config = { seed, rules: clean };
    this.rand = mulberry32(seed);
    this.rules = clean.map((rule) => ({ rule, re: rule.path ? patternToRegExp(rule.path) : null, throttleLeft: rule.throttle_count ?? 0 }));
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
    return d;
  }
}
