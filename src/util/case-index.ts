// Case-insensitive lookup of a record's keys (team names match ignoring case) in constant time:
// scanning every key for every lookup made planning quadratic in the number of teams.

const indexes = new WeakMap<object, Map<string, string>>();

/**
 * The first key of `record` (in key order) equal to `name` ignoring case. The index is built once
 * per record: the states it serves (desired, actual) are not changed after they are built.
 */
export function keyIgnoringCase(record: Readonly<Record<string, unknown>>, name: string): string | undefined {
  let index = indexes.get(record);
  if (!index) {
    index = new Map();
    for (const key of Object.keys(record)) {
      const lower = key.toLowerCase();
      if (!index.has(lower)) index.set(lower, key);
    }
    indexes.set(record, index);
  }
  return index.get(name.toLowerCase());
}
