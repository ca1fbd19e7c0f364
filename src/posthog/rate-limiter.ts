// Client-side pacing for PostHog's per-key throttles (REFERENCE.md §11): 480 calls per minute and
// 4,800 per hour. PostHog counts them as sliding windows (DRF keeps the timestamps of recent calls),
// so we do the same: bursts go out at once, and a call waits only when it would push a window over.
import { setTimeout as sleepTimer } from 'node:timers/promises';

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

/** Timestamps of recent calls in one window: an array used as a queue (head index, compacted). */
class WindowLog {
  readonly limit: number;
  readonly windowMs: number;
  private times: number[] = [];
  private head = 0;

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
    const inWindow = this.times.length - this.head;
    if (inWindow < this.limit) return 0;
    // The call that must leave before we may go: the (inWindow - limit + 1)-th oldest.
    const blocker = this.times[this.head + inWindow - this.limit] as number;
    return blocker + this.windowMs - now;
  }

  record(now: number): void {
    this.times.push(now);
  }

  get size(): number {
    return this.times.length - this.head;
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

  /** Resolves when one more call fits in every window, and counts it. */
  async acquire(signal?: AbortSignal): Promise<void> {
    for (;;) {
      signal?.throwIfAborted();
      const now = this.now();
      let wait = this.pausedUntil - now;
      for (const log of this.logs) wait = Math.max(wait, log.waitMs(now));
      if (wait <= 0) {
        // Check and record happen in one synchronous step, so concurrent callers cannot overshoot.
        for (const log of this.logs) log.record(now);
        return;
      }
      await this.sleep(wait, signal);
    }
  }

  /** PostHog said 429 with Retry-After: hold every caller (they share the key) until then. */
  pauseFor(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.now() + ms);
  }

  /** Calls counted in each window right now (for tests and diagnostics). */
  inWindow(): number[] {
    const now = this.now();
    return this.logs.map((log) => {
      log.waitMs(now);
      return log.size;
    });
  }
}
