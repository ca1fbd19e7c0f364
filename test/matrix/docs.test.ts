// docs/matrix.md stays true: every ```yaml block starting with `version: 1` loads, except the one
// documented as invalid, which must produce exactly the error lines the page shows after it.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseMatrix } from '../../src/matrix/load.ts';
import { problemsOf } from './helpers.ts';

const doc = readFileSync('docs/matrix.md', 'utf8');
const blocks = [...doc.matchAll(/```(\w*)\n([\s\S]*?)```/g)].map((m) => ({ lang: m[1] ?? '', body: m[2] ?? '', at: m.index ?? 0 }));
const matrices = blocks.filter((b) => b.lang === 'yaml' && b.body.startsWith('version: 1'));
const errorsSection = doc.indexOf('## Errors');

describe('docs/matrix.md', () => {
  it('has matrix examples', () => {
    expect(matrices.length).toBeGreaterThanOrEqual(5);
  });

  for (const [i, b] of matrices.entries()) {
    const invalid = b.at > errorsSection && errorsSection > 0 && doc.indexOf('##', errorsSection + 2) > b.at;
    if (invalid) {
      it(`the error example (block ${i + 1}) gives exactly the documented output`, () => {
        const next = blocks[blocks.indexOf(b) + 1];
        expect(next?.lang).toBe('');
        const expected = (next?.body ?? '').trimEnd().split('\n');
        const actual = problemsOf(b.body).map((p) => p.replaceAll('m.yaml:', 'access-matrix.yaml:')); // (locations inside messages too)
        expect(actual).toEqual(expected);
      });
    } else {
      it(`block ${i + 1} validates`, () => {
        expect(() => parseMatrix(b.body, `docs/matrix.md#block${i + 1}`, {})).not.toThrow();
      });
    }
  }
});
