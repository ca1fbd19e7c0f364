// What waits on a change: a change left out of a plan takes every change that needs it (directly or
// through others) with it. One pass over the reverse of `dependsOn`, linear in the plan.
import type { Change } from './types.ts';

/** The ids of `left` and of every change that depends on one of them, transitively. */
export function withDependents(changes: readonly Change[], left: Iterable<string>): Set<string> {
  const needers = new Map<string, string[]>();
  for (const c of changes) for (const id of c.dependsOn) (needers.get(id) ?? needers.set(id, []).get(id)!).push(c.id);
  const out = new Set(left);
  const queue = [...out];
  for (let id = queue.pop(); id !== undefined; id = queue.pop()) {
    for (const next of needers.get(id) ?? []) if (!out.has(next)) { out.add(next); queue.push(next); }
  }
  return out;
}
