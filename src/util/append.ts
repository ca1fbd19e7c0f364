// Adding many items to a list. `list.push(...items)` passes each item as an argument, and past
// about 125,000 of them that overflows the stack (RangeError): a plan, review or report of a large
// organization reaches that.

/** Adds `items` to the end of `list`, one at a time; returns `list`. */
export function append<T>(list: T[], items: Iterable<T>): T[] {
  for (const item of items) list.push(item);
  return list;
}
