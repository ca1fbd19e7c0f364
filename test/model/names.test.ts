// Names as PostHog compares them for uniqueness.
import { describe, expect, it } from 'vitest';
import { declaredSpelling, nameKey } from '../../src/model/names.ts';

describe('names', () => {
  it.each([
    ['Production', 'production'],
    ['  Production ', 'production'],
    ['PRODUCTION', 'production'],
  ])('%j is the name %j', (name, key) => expect(nameKey(name)).toBe(key));

  it('gives each PostHog name the matrix spelling it matches, an exact match first', () => {
    const spelling = declaredSpelling(['production', 'Staging', 'sandbox'], ['Production', 'staging', 'Staging', 'Sandbox ', 'Other']);
    expect([...spelling]).toEqual([['Production', 'production'], ['staging', 'staging'], ['Staging', 'Staging'], ['Sandbox ', 'sandbox'], ['Other', 'Other']]);
  });
});
