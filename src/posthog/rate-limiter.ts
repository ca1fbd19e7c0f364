// Client-side pacing for PostHog's per-key throttles (docs/architecture.md): 480 calls per minute
// and 4,800 per hour. PostHog counts them as sliding windows (DRF keeps the timestamps of recent
// calls), so we do the same: bursts go out at once, and a call waits only when it would push a
// window over. PostHog stamps a call when it arrives, some time after we send it: a call counts
// here from when it is sent until a window after its answer came back, so it never leaves our
// window before it leaves PostHog's (else one call per window boundary would meet a 429).
import { setTimeout as sleepTimer } from 'node:timers/promises';
import { ConfigError } from '../errors.ts';

export interface SlidingWindow {
  limit: number;
  windowMs: number;
}

export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export const POSTHOG_WINDOWS: readonly SlidingWindow[] = [
  { limit: 480, windowMs: 60_000 },
  { limit: 4_800, windowMs: 3_600_000 },
];

export const defaultSleep: Sleep = (ms, signal) =>
  ms <= 0 ? Promise.resolve() : sleepTimer(ms, undefined, signal ? { signal } : undefined);

export interface RateLimiterOptions {
  windows?: readonly SlidingWindow[];
  now?: () => number;
  sleep?: Sleep;
}

/**
 * Recent calls in one window: those still in flight (counted) and the finished ones by the time
 * their answer came (an array used as a queue: head index, compacted).
 */
class WindowLog {
  readonly limit: number;
  readonly windowMs: number;
  private times: number[] = [];
  private head = 0;
  inFlight = 0;

  constructor(w: SlidingWindow) {
    if (!(w.limit >= 1) || !(w.windowMs > 0)) throw new RangeError(`invalid rate window ${JSON.stringify(w)}`);
    this.limit = w.limit;
    this.windowMs = w.windowMs;
  }

  /** How long until one more call fits (0 = now). Drops calls that left the window. */
  waitMs(now: number): number {
    while (this.head < this.times.length && (this.times[this.head] as number) <= now - this.windowMs) this.head++;
    // Compact once the dead prefix dominates, so memory stays O(limit) and pushes stay O(1) amortised.
    if (this.head > 1024 && this.head * 2 > this.times.length) {
      this.times = this.times.slice(this.head);
      this.head = 0;
    }
    const finished = this.times.length - this.head;
    const inWindow = finished + this.inFlight;
    if (inWindow < this.limit) return 0;
    // The call that must leave before we may go: the (inWindow - limit + 1)-th oldest. Calls in
    // flight are the newest; when the window is all in flight, wait a whole window and look again.
    if (this.inFlight >= this.limit) return this.windowMs;
    const blocker = this.times[this.head + inWindow - this.limit] as number;
    return blocker + this.windowMs - now;
  }

  /** A finished call, counted from `at` (kept in order: a clock that steps back does not reorder). */
  finish(at: number): void {
    const last = this.times[this.times.length - 1];
    this.times.push(last !== undefined && last > at ? last : at);
  }

  get size(): number {
    return this.times.length - this.head + this.inFlight;
  }

  /** The finished calls still in the window, oldest first. */
  finishedTimes(now: number): number[] {
    this.waitMs(now);
    return this.times.slice(this.head);
  }
}

export class RateLimiter {
  private readonly logs: WindowLog[];
  private readonly now: () => number;
  private readonly sleep: Sleep;
  /** Set after a 429: nobody sends before this time, whatever our own count says. */
  private pausedUntil = 0;

  constructor(options: RateLimiterOptions = {}) {
    this.logs = (options.windows ?? POSTHOG_WINDOWS).map((w) => new WindowLog(w));
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? defaultSleep;
  }

  /** Resolves when one more call fits in every window, and counts it as made now. */
  async acquire(signal?: AbortSignal): Promise<void> {
    const finished = await this.begin(signal);
    finished();
  }

  /**
   * Resolves when one more call fits in every window, and counts it as in flight; call the
   * function it returns when the answer came (or the call failed): the call then counts from then.
   */
  async begin(signal?: AbortSignal): Promise<() => void> {
    for (;;) {
      signal?.throwIfAborted();
      const now = this.now();
      let wait = this.pausedUntil - now;
      for (const log of this.logs) wait = Math.max(wait, log.waitMs(now));
      if (wait <= 0) {
        // Check and count happen in one synchronous step, so concurrent callers cannot overshoot.
        for (const log of this.logs) log.inFlight++;
        let done = false;
        return () => {
          if (done) return;
          done = true;
          const at = this.now();
          for (const log of this.logs) {
            log.inFlight--;
            log.finish(at);
          }
        };
      }
      await this.sleep(wait, signal);
    }
  }

  /**
   * Calls made before this limiter existed (by earlier processes with the same key, from
   * src/posthog/call-log.ts): times ascending, each counted as a finished call. Call it first.
   */
  seed(times: readonly number[]): void {
    for (const log of this.logs) for (const t of times) log.finish(t);
  }

  /** The finished calls of the longest window, oldest first (what the next process should know). */
  recentCalls(): number[] {
    const longest = this.logs.reduce((a, b) => (b.windowMs > a.windowMs ? b : a));
    return longest.finishedTimes(this.now());
  }

  /** PostHog said 429 with Retry-After: hold every caller (they share the key) until then. */
  pauseFor(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.now() + ms);
  }

  /** Calls counted in each window right now, in flight included (for tests and diagnostics). */
  inWindow(): number[] {
    const now = this.now();
    return this.logs.map((log) => {
      log.waitMs(now);
      return log.size;
    });
  }
}

/**
 * POSTHOG_RATE_LIMIT: unset paces to PostHog Cloud's limits; `off` sends without pacing (a
 * self-hosted PostHog without RATE_LIMIT_ENABLED; 429s are still waited out).
 */
export function rateLimiterFor(setting: string | undefined, options: RateLimiterOptions = {}): RateLimiter | null {
  const value = setting?.trim().toLowerCase() ?? '';
  if (value === '' || value === 'on') return new RateLimiter(options);
  if (value === 'off') return null;
  throw new ConfigError(`POSTHOG_RATE_LIMIT is '${setting}': leave it unset to pace calls to PostHog Cloud's limits (480 per minute, 4,800 per hour), or set it to off`);
}
