// A large matrix (5,000+ lines) loads whole, and every one of thousands of problems is reported.
// How fast is measured by `npm run bench` (bench/run.ts), never by a timed test.
import { describe, expect, it } from 'vitest';
import { parseMatrix } from '../../src/matrix/load.ts';
import { bigMatrix, problemsOf } from './helpers.ts';

describe('large matrices', () => {
  it('loads a 5,000-line matrix whole', () => {
    const src = bigMatrix(2000, 60);
    expect(src.split('\n').length).toBeGreaterThan(5000);
    const m = parseMatrix(src, 'big.yaml', {});
    expect(Object.keys(m.desired.members)).toHaveLength(2000);
    expect(Object.keys(m.desired.projects)).toHaveLength(60);
  });

  it('reports every one of thousands of problems', () => {
    expect(problemsOf(bigMatrix(2000, 20, true))).toHaveLength(4000);
  });
});
