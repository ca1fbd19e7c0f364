// A fingerprint of the actual state a plan was computed from, by section, so a saved plan can be
// refused when PostHog has moved since, naming what moved. Volatile fields (last login, 2FA, key
// use) are left out: they do not change what the plan does.
import { createHash } from 'node:crypto';
import type { ActualState } from '../model/actual.ts';
import { isArrayIndex } from '../util/array-index.ts';
import { KINDS } from './registry.ts';
import type { Fingerprint, Plan } from './types.ts';

/**
 * JSON with object keys sorted, so equal states hash equally whatever the API's order: keys that
 * are array indexes ("0", "17") first in numeric order, as a JavaScript object holds them, then the
 * others in code-unit order. Written directly, without a sorted copy of each object (the state of
 * a large organization is hashed at every plan); the same characters as JSON.stringify of the
 * sorted copies (test/plan/fingerprint.test.ts).
 */
export function canonicalJson(value: unknown): string {
  return canonical(value, '') ?? (undefined as unknown as string);
}

const byCodeUnit = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);


function sortedKeys(object: object): string[] {
  const keys = Object.keys(object).sort(byCodeUnit);
  const indexes = keys.filter(isArrayIndex);
  if (!indexes.length) return keys;
  return [...indexes.sort((a, b) => Number(a) - Number(b)), ...keys.filter((k) => !isArrayIndex(k))];
}

/** As JSON.stringify: toJSON first; undefined, functions and symbols left out of objects and null in lists. */
function canonical(input: unknown, key: string): string | undefined {
  let value = input;
  if (value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    value = (value as { toJSON: (key: string) => unknown }).toJSON(key);
  }
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) {
    const items: string[] = [];
    for (let i = 0; i < value.length; i++) items.push(canonical(value[i], String(i)) ?? 'null');
    return `[${items.join(',')}]`;
  }
  const members: string[] = [];
  for (const k of sortedKeys(value)) {
    const member = canonical((value as Record<string, unknown>)[k], k);
    if (member !== undefined) members.push(`${JSON.stringify(k)}:${member}`);
  }
  return `{${members.join(',')}}`;
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
