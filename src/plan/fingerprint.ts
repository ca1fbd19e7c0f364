// A fingerprint of the actual state a plan was computed from, by section, so a saved plan can be
// refused when PostHog has moved since, naming what moved. Volatile fields (last login, 2FA, key
// use) are left out: they do not change what the plan does.
import { createHash } from 'node:crypto';
import type { ActualState } from '../model/actual.ts';
import { KINDS } from './registry.ts';
import type { Fingerprint, Plan } from './types.ts';

/** JSON with object keys sorted, so equal states hash equally whatever the API's order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * Parts of the actual state no fingerprint section covers, and why: the running key, its user and
 * the audited keys are read again on apply and judged then (src/plan/safety.ts), so they need not
 * match the plan's; the rules a removal takes with it in projects the matrix does not name are
 * counts in the removals' `cascade`, and names held twice in PostHog are manual steps (their changes
 * are left out), and the local apply journal and the secrets file give rolls of values that reached
 * no sink, or that the sink no longer holds: all are
 * what a saved plan must match when it is made again; what removed people created only informs a
 * warning (offboarding), apply never acts on it. Every other part must be in some kind's section (test/plan/fingerprint.test.ts).
 */
export const NOT_FINGERPRINTED: readonly (keyof ActualState)[] = ['me', 'key', 'apiKeys', 'rulesElsewhere', 'duplicates', 'secretKeyJournal', 'secretKeySink', 'created'];

/** The sections every kind's plan depends on (kinds sharing a section give the same content). */
export function sections(actual: ActualState): Record<string, unknown> {
  return Object.assign({}, ...KINDS.map((kind) => kind.fingerprint(actual)));
}

export function fingerprint(actual: ActualState): Fingerprint {
  const hashed = Object.fromEntries(Object.entries(sections(actual)).map(([name, value]) => [name, sha256(canonicalJson(value))]));
  return { digest: sha256(canonicalJson(hashed)), sections: hashed };
}

/** Sections that differ between two fingerprints (added, removed or changed). */
export function moved(saved: Fingerprint, current: Fingerprint): string[] {
  const names = new Set([...Object.keys(saved.sections), ...Object.keys(current.sections)]);
  return [...names].filter((n) => saved.sections[n] !== current.sections[n]).sort();
}

/** What apply acts on and checks, hashed: each organization's changes, guards' settings, what was read, where; when. */
export function planChecksum(plan: Omit<Plan, 'checksum'>): string {
  const { at, validUntil } = plan;
  const organizations = plan.organizations.map(({ organization, host, validUntil: until, read, fingerprint: fp, safety, changes }) => ({ organization, host, validUntil: until, read, fingerprint: fp, safety, changes }));
  return sha256(canonicalJson({ at, validUntil, organizations }));
}
