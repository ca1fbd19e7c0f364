// Shared test helpers: a fake clock whose sleep advances time, and a pino logger that keeps lines.
import pino from 'pino';

export interface FakeTime {
  now: () => number;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Every delay requested, in order. */
  sleeps: number[];
  advance: (ms: number) => void;
}

export function fakeTime(start = 0): FakeTime {
  let t = start;
  const sleeps: number[] = [];
  return {
    now: () => t,
    sleep: async (ms, signal) => {
      signal?.throwIfAborted();
      sleeps.push(ms);
      t += Math.max(0, ms);
    },
    sleeps,
    advance: (ms) => {
      t += ms;
    },
  };
}

export function captureLogger(): { logger: pino.Logger; lines: string[] } {
  const lines: string[] = [];
  const logger = pino({ level: 'debug' }, { write: (s: string) => void lines.push(s) });
  return { logger, lines };
}

export const KEY = 'phx_SECRETsecretSECRETsecret1234';
export const HOST = 'https://us.posthog.com';
