// "Did you mean …?" for misspelt names: the closest candidate by edit distance.

/** Levenshtein distance, with an early exit once it exceeds `max`. */
export function editDistance(a: string, b: string, max = Infinity): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = new Uint16Array(b.length + 1);
  let cur = new Uint16Array(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    let rowMin = i;
    const ca = a.charCodeAt(i - 1);
    for (let j = 1; j <= b.length; j++) {
      const cost = ca === b.charCodeAt(j - 1) ? 0 : 1;
      const v = Math.min((prev[j] as number) + 1, (cur[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    [prev, cur] = [cur, prev];
  }
  return prev[b.length] as number;
}

// Suggestions cost one edit distance per candidate; a matrix with thousands of problems against
// thousands of names must not turn quadratic, so a load runs with a budget of comparisons.
let budget = Infinity;

/** Run `fn` (synchronously) allowing at most `comparisons` candidate comparisons for suggestions. */
export function withSuggestionBudget<T>(comparisons: number, fn: () => T): T {
  const saved = budget;
  budget = comparisons;
  try {
    return fn();
  } finally {
    budget = saved;
  }
}

/** The candidate closest to `input` (case-insensitive), if it is close enough to be a likely typo. */
export function closest(input: string, candidates: Iterable<string>, maxDistance?: number): string | undefined {
  if (budget <= 0) return undefined;
  const needle = input.toLowerCase();
  const max = maxDistance ?? Math.max(1, Math.min(3, Math.ceil(needle.length / 4)));
  let best: string | undefined;
  let bestD = max + 1;
  for (const c of candidates) {
    if (budget-- <= 0) break;
    const d = editDistance(needle, c.toLowerCase(), bestD);
    if (d < bestD) {
      best = c;
      bestD = d;
    }
  }
  return best;
}

/** ` (did you mean "x"?)` or the empty string. */
export function didYouMean(input: string, candidates: Iterable<string>, maxDistance?: number): string {
  const c = closest(input, candidates, maxDistance);
  return c === undefined ? '' : ` (did you mean "${c}"?)`;
}
