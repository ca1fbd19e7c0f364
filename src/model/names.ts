// How PostHog compares names that must be unique in an organization: project names ignoring case
// and surrounding spaces, role (team) names ignoring case (PostHog strips the spaces on input).

/** The form two names share when PostHog takes them for the same project or role. */
export function nameKey(name: string): string {
  return name.trim().toLowerCase();
}

/**
 * The matrix's spelling of each PostHog name that matches one of `declared` as PostHog compares
 * names; names matching nothing keep their own spelling. An exact match wins over a case-only one.
 */
export function declaredSpelling(declared: Iterable<string>, existing: Iterable<string>): Map<string, string> {
  const byKey = new Map<string, string>();
  const exact = new Set<string>();
  for (const name of declared) {
    exact.add(name);
    if (!byKey.has(nameKey(name))) byKey.set(nameKey(name), name);
  }
  const names = [...existing];
  // A declared name PostHog has exactly is that one; others spelt like it keep their own names.
  const taken = new Set(names.filter((n) => exact.has(n)).map(nameKey));
  const out = new Map<string, string>();
  for (const name of names) out.set(name, exact.has(name) || taken.has(nameKey(name)) ? name : byKey.get(nameKey(name)) ?? name);
  return out;
}
