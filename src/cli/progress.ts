// Progress of plan and apply on stderr (stdout stays the plan or the report). On a terminal, one
// line rewritten in place: the phase, how many of how many, and a wait for PostHog's rate limit
// named as such. Off a terminal (CI logs), a line at most every few seconds, and nothing at all
// for a run shorter than that.

export interface Progress {
  /** A new phase, e.g. `reading PostHog` or `applying` with its number of steps. */
  phase(name: string, total?: number): void;
  /** One step of the phase done. */
  step(): void;
  /** A call waits this long for PostHog's rate limit. */
  waiting(ms: number): void;
  /** The run is over: the terminal line is cleared, the timer stopped. */
  done(): void;
}

export interface ProgressOptions {
  now?: () => number;
  /** Off a terminal: the least time between two lines (default 5 s). */
  everyMs?: number;
}

const TERMINAL_REDRAW_MS = 100;

export function createProgress(stream: NodeJS.WritableStream & { isTTY?: boolean }, options: ProgressOptions = {}): Progress {
  const now = options.now ?? Date.now;
  const every = options.everyMs ?? 5_000;
  const terminal = Boolean(stream.isTTY);
  let name = '';
  let total: number | undefined;
  let count = 0;
  let waitUntil = 0;
  let drawn = 0;
  let shown = false;
  let timer: NodeJS.Timeout | undefined;

  const line = () => {
    const wait = Math.ceil((waitUntil - now()) / 1000);
    return `${name}${total !== undefined ? `: ${count} of ${total}` : ''}${wait > 0 ? ` · waiting ${wait}s for PostHog's rate limit` : ''}`;
  };
  const draw = (force = false) => {
    if (!name) return;
    const t = now();
    if (terminal) {
      if (!force && t - drawn < TERMINAL_REDRAW_MS) return;
      stream.write(`\r\x1b[2K${line()}`);
      shown = true;
    } else {
      if (t - drawn < every) return;
      stream.write(`${line()}\n`);
    }
    drawn = t;
  };
  const start = () => {
    if (timer) return;
    // Off a terminal the first line waits a full interval: short runs print nothing.
    if (!terminal) drawn = now();
    timer = setInterval(() => draw(), terminal ? 1_000 : every);
    timer.unref();
  };

  return {
    phase(phase, steps) {
      start();
      name = phase;
      total = steps;
      count = 0;
      draw(true);
    },
    step() {
      count++;
      draw();
    },
    waiting(ms) {
      waitUntil = Math.max(waitUntil, now() + ms);
      draw(terminal);
    },
    done() {
      if (timer) clearInterval(timer);
      timer = undefined;
      if (terminal && shown) stream.write('\r\x1b[2K');
      shown = false;
      name = '';
    },
  };
}
