import { describe, expect, it } from 'vitest';
import { RateLimiter, rateLimiterFor } from '../../src/posthog/rate-limiter.ts';
import { fakeTime } from './helpers.ts';

const MINUTE = 60_000;
const HOUR = 3_600_000;

async function calls(limiter: RateLimiter, n: number): Promise<void> {
  for (let i = 0; i < n; i++) await limiter.acquire();
}

describe('RateLimiter (sliding windows 480/min, 4800/h)', () => {
  it('lets a burst of 480 calls through without waiting', async () => {
    const time = fakeTime();
    const limiter = new RateLimiter({ now: time.now, sleep: time.sleep });
    await calls(limiter, 480);
    expect(time.sleeps).toEqual([]);
    expect(time.now()).toBe(0);
  });

  it('makes the 481st call in a minute wait until the oldest call leaves the window', async () => {
    const time = fakeTime();
    const limiter = new RateLimiter({ now: time.now, sleep: time.sleep });
    await limiter.acquire(); // oldest, at t=0
    time.advance(1_000);
    await calls(limiter, 479); // at t=1s
    time.advance(9_000); // t=10s
    await limiter.acquire(); // 481st
    expect(time.sleeps).toEqual([50_000]);
    expect(time.now()).toBe(MINUTE);
    // The 479 calls made at t=1s still fill the window: the next call waits for them.
    await limiter.acquire();
    expect(time.sleeps).toEqual([50_000, 1_000]);
    expect(time.now()).toBe(MINUTE + 1_000);
  });

  it('makes the 4801st call in an hour wait until the oldest leaves the hour window', async () => {
    const time = fakeTime();
    const limiter = new RateLimiter({ now: time.now, sleep: time.sleep });
    // 80 calls at the start of each minute: the minute window never fills, the hour one does.
    for (let m = 0; m < 60; m++) {
      if (m > 0) time.advance(MINUTE);
      await calls(limiter, 80);
    }
    expect(time.sleeps).toEqual([]);
    time.advance(1_000); // t = 59 min 1 s
    await limiter.acquire();
    expect(time.sleeps).toEqual([HOUR - (59 * MINUTE + 1_000)]);
    expect(time.now()).toBe(HOUR);
    // The first minute's 80 calls all left together: 79 more fit at once.
    await calls(limiter, 79);
    expect(time.sleeps).toHaveLength(1);
    await limiter.acquire();
    expect(time.sleeps).toHaveLength(2);
  });

  it('holds every caller after pauseFor (a 429 Retry-After)', async () => {
    const time = fakeTime(5_000);
    const limiter = new RateLimiter({ now: time.now, sleep: time.sleep });
    limiter.pauseFor(7_000);
    await limiter.acquire();
    expect(time.sleeps).toEqual([7_000]);
    await limiter.acquire();
    expect(time.sleeps).toEqual([7_000]);
  });

  it('never lets concurrent callers exceed a window', async () => {
    // A scheduler clock: sleeps resolve in time order, time moves only between them.
    let t = 0;
    const timers: { at: number; resolve: () => void }[] = [];
    const sleep = (ms: number) => new Promise<void>((resolve) => void timers.push({ at: t + ms, resolve }));
    const limiter = new RateLimiter({ windows: [{ limit: 3, windowMs: 1_000 }], now: () => t, sleep });
    const done: number[] = [];
    const all = Promise.all(Array.from({ length: 8 }, () => limiter.acquire().then(() => void done.push(t))));
    for (;;) {
      await new Promise((r) => setImmediate(r));
      timers.sort((a, b) => a.at - b.at);
      const next = timers.shift();
      if (!next) break;
      t = Math.max(t, next.at);
      next.resolve();
    }
    await all;
    expect(done).toEqual([0, 0, 0, 1_000, 1_000, 1_000, 2_000, 2_000]);
  });

  it('forgets old calls, so memory stays bounded over a long run', async () => {
    const time = fakeTime();
    const limiter = new RateLimiter({ now: time.now, sleep: time.sleep });
    for (let i = 0; i < 20_000; i++) {
      await limiter.acquire();
      time.advance(1_000); // 60 calls/min: never throttled
    }
    expect(time.sleeps).toEqual([]);
    expect(limiter.inWindow()).toEqual([59, 3_599]); // the last call was 1 s ago
  });

  it('stops waiting when the signal aborts', async () => {
    const time = fakeTime();
    const limiter = new RateLimiter({ windows: [{ limit: 1, windowMs: 1_000 }], now: time.now, sleep: time.sleep });
    await limiter.acquire();
    const ac = new AbortController();
    ac.abort();
    await expect(limiter.acquire(ac.signal)).rejects.toThrow();
  });
});

describe('RateLimiter: a call counts until a window after its answer', () => {
  it('counts calls in flight, and a finished call from when its answer came', async () => {
    const time = fakeTime();
    const limiter = new RateLimiter({ windows: [{ limit: 2, windowMs: 1_000 }], now: time.now, sleep: time.sleep });
    const first = await limiter.begin(); // sent at t=0
    const second = await limiter.begin();
    expect(limiter.inWindow()).toEqual([2]);
    time.advance(300);
    first(); // answered at t=300: PostHog stamped it somewhere in (0, 300]
    time.advance(200);
    second(); // answered at t=500
    await limiter.acquire();
    // Not at t=1000 (a window after sending), when PostHog may still count the first call.
    expect(time.sleeps).toEqual([800]);
    expect(time.now()).toBe(1_300);
  });

  it('finishing a call twice counts it once', async () => {
    const time = fakeTime();
    const limiter = new RateLimiter({ windows: [{ limit: 5, windowMs: 1_000 }], now: time.now, sleep: time.sleep });
    const done = await limiter.begin();
    done();
    done();
    expect(limiter.inWindow()).toEqual([1]);
  });

  it('POSTHOG_RATE_LIMIT: unset paces, off does not, anything else is an error', () => {
    expect(rateLimiterFor(undefined)).toBeInstanceOf(RateLimiter);
    expect(rateLimiterFor('off')).toBeNull();
    expect(() => rateLimiterFor('fast')).toThrow(/POSTHOG_RATE_LIMIT is 'fast'.*off/);
  });
});
