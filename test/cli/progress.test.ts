// Progress on stderr, with a clock the test moves: a terminal line rewritten in place; off a
// terminal, a line at most every few seconds and nothing for a short run.
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createProgress } from '../../src/cli/progress.ts';

function sink(isTTY: boolean) {
  const chunks: string[] = [];
  const stream = Object.assign(new Writable({ write(c, _e, done) { chunks.push(c.toString()); done(); } }), { isTTY });
  return { stream, chunks };
}

describe('progress', () => {
  it('on a terminal: phase, done of total, and rate-limit waits named, on one line; cleared at the end', () => {
    let t = 0;
    const { stream, chunks } = sink(true);
    const p = createProgress(stream, { now: () => t });
    p.phase('applying', 3);
    t += 200; p.step();
    t += 200; p.waiting(12_000);
    t += 200; p.step();
    p.done();
    expect(chunks[0]).toBe('\r\x1b[2Kapplying: 0 of 3');
    expect(chunks).toContain('\r\x1b[2Kapplying: 1 of 3');
    expect(chunks).toContain("\r\x1b[2Kapplying: 1 of 3 · waiting 12s for PostHog's rate limit");
    expect(chunks.at(-1)).toBe('\r\x1b[2K');
    expect(chunks.join('')).not.toContain('\n');
  });

  it('off a terminal: nothing for a short run, then a line at most every interval', () => {
    let t = 0;
    const { stream, chunks } = sink(false);
    const p = createProgress(stream, { now: () => t, everyMs: 5_000 });
    p.phase('applying', 100);
    for (let i = 0; i < 10; i++) { t += 100; p.step(); }
    expect(chunks).toEqual([]);
    t += 5_000; p.step();
    for (let i = 0; i < 10; i++) { t += 100; p.step(); }
    expect(chunks).toEqual(['applying: 11 of 100\n']);
    t += 5_000; p.waiting(30_000);
    p.step();
    expect(chunks).toEqual(['applying: 11 of 100\n', "applying: 21 of 100 · waiting 30s for PostHog's rate limit\n"]);
    p.done();
  });
});
