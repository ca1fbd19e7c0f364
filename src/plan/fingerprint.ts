// A fingerprint of the actual state a plan was computed from, by section, so a saved plan can be
// refused when PostHog has moved since, naming what moved. Volatile fields (last login, 2FA, key
// use) are left out: they do not change what the plan does.
import { createHash } from 'node:crypto';
import type { ActualState } from '../model/actual.ts';
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

export function sections(actual: ActualState): Record<string, unknown> {
  const { organization, members, invites, teams, projects } = actual;
  const out: Record<string, unknown> = {
    organization,
    // Keyed by natural key, not listed in API order: the same state hashes the same however it is paged.
    members: Object.fromEntries(Object.values(members).map(({ membershipId, userUuid, email, level }) => [email, { membershipId, userUuid, level }])),
    invites,
    teams,
    projects: Object.fromEntries(Object.values(projects).map(({ id, name }) => [name, id])),
  };
  for (const p of Object.values(projects)) {
    if (!p.rulesLoaded) continue;
    // A service using its secret key is not a change the plan depends on.
    const secretKeys = p.secretKeys && Object.fromEntries(Object.entries(p.secretKeys).map(([label, { lastUsedAt: _used, ...key }]) => [label, key]));
    out[`project:${p.name}`] = { ...p, secretKeys };
  }
  if (actual.domains) out.domains = { domains: actual.domains, identityProviders: actual.identityProviders ?? [] };
  return out;
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

/** What apply acts on and checks, hashed: changes, guards' settings, what was read, when, where. */
export function planChecksum(plan: Omit<Plan, 'checksum'>): string {
  const { organization, host, at, validUntil, read, fingerprint: fp, safety, changes } = plan;
  return sha256(canonicalJson({ organization, host, at, validUntil, read, fingerprint: fp, safety, changes }));
}
