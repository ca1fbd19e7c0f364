import { describe, expect, it } from 'vitest';
import { finish, inSlices } from '../../src/util/slices.ts';

function* counting(steps: number, each: () => void = () => {}): Generator<void, number> {
  for (let i = 0; i < steps; i++) {
    each();
    yield;
  }
  return steps;
}

/** A step that holds the thread for `ms`, as a slice of real work does. */
const busy = (ms: number) => () => {
  const until = performance.now() + ms;
  while (performance.now() < until) { /* work */ }
};

describe('work in slices', () => {
  it('finish runs every step and returns the result', () => {
    let ran = 0;
    expect(finish(counting(5, () => { ran++; }))).toBe(5);
    expect(ran).toBe(5);
  });

  it('inSlices gives the same result, and lets waiting work (a reply that came in) run between slices', async () => {
    const order: string[] = [];
    setImmediate(() => order.push('reply'));
    const result = inSlices(counting(10, () => { busy(1)(); order.push('step'); }), 2);
    expect(await result).toBe(10);
    // Not all ten steps before the reply: the reply ran between two slices.
    expect(order.indexOf('reply')).toBeGreaterThan(0);
    expect(order.indexOf('reply')).toBeLessThan(10);
    expect(order.filter((x) => x === 'step')).toHaveLength(10);
  });

  it('a step that throws rejects, as finish throws', async () => {
    function* failing(): Generator<void, number> {
      yield;
      throw new Error('no');
    }
    expect(() => finish(failing())).toThrow('no');
    await expect(inSlices(failing())).rejects.toThrow('no');
  });
});
