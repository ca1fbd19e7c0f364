// Lists of a large organization's size: `push(...items)` overflowed the stack past ~125,000 items.
import { describe, expect, it } from 'vitest';
import { whoCanText } from '../../src/access/report.ts';
import { append } from '../../src/util/append.ts';

describe('append', () => {
  it('adds any number of items in order, where push(...items) overflows the stack', () => {
    const many = Array.from({ length: 300_000 }, (_, i) => i);
    expect(() => [0].push(...many)).toThrow(RangeError);
    const list = append([-1], many);
    expect(list).toHaveLength(300_001);
    expect(list.at(1)).toBe(0);
    expect(list.at(-1)).toBe(299_999);
  });

  it('who-can lists a project 200,000 people can reach', () => {
    const people = Array.from({ length: 200_000 }, (_, i) => ({ email: `p${i}@x.io`, level: 'member', source: { kind: 'default' as const }, pending: false }));
    const text = whoCanText([{ organization: { id: 'o', name: 'Big', mode: 'legacy' }, project: 'Prod', found: true, people }]);
    expect(text.split('\n')[0]).toBe('Who can reach Prod in Big (legacy resolution: highest wins): 200000 people');
    expect(text).toContain('  p199999@x.io');
  });
});
