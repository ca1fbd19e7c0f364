// Bounded concurrency, shared by the fetcher (project reads) and the applier (steps of a phase).

/**
 * Run `fn` over `items` with at most `limit` in flight; results in the order of `items`. Once
 * `stop` is aborted no further item is started (those in flight finish; the rest have no result).
 */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>, stop?: AbortSignal): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length && !stop?.aborted) {
      const i = next++;
      results[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
