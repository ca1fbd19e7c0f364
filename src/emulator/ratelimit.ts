// PostHog's per-key throttles (BurstRateThrottle 480/minute, SustainedRateThrottle 4800/hour) as
// sliding windows over request timestamps. Throttled requests are not counted (as in DRF).

export interface RateLimitConfig { perMinute: number; perHour: number }

export const DEFAULT_RATE_LIMIT: RateLimitConfig = { perMinute: 480, perHour: 4800 };

class Window {
  times: number[] = [];
  head = 0;
  minuteHead = 0;
}

export class RateLimiter {
  private windows = new Map<string, Window>();
  config: RateLimitConfig | false;

  constructor(config: RateLimitConfig | false) {
    this.config = config;
  }

  reset(): void {
    this.windows.clear();
  }

  /** Records the request and returns 0, or the seconds to wait when it must be throttled. */
  check(key: string, nowMs: number): number {
    const cfg = this.config;
    if (!cfg) return 0;
    let w = this.windows.get(key);
    if (!w) this.windows.set(key, (w = new Window()));
    const t = w.times;
    while (w.head < t.length && t[w.head]! <= nowMs - 3_600_000) w.head++;
    if (w.minuteHead < w.head) w.minuteHead = w.head;
    while (w.minuteHead < t.length && t[w.minuteHead]! <= nowMs - 60_000) w.minuteHead++;
    let waitMs = 0;
    if (t.length - w.minuteHead >= cfg.perMinute) {
      waitMs = Math.max(waitMs, t[t.length - cfg.perMinute]! + 60_000 - nowMs);
    }
    if (t.length - w.head >= cfg.perHour) {
      waitMs = Math.max(waitMs, t[t.length - cfg.perHour]! + 3_600_000 - nowMs);
    }
    if (waitMs > 0) return Math.max(1, Math.ceil(waitMs / 1000));
    t.push(nowMs);
    if (w.head > 10_000 && w.head > t.length / 2) {
      w.times = t.slice(w.head);
      w.minuteHead -= w.head;
      w.head = 0;
    }
    return 0;
  }
}
