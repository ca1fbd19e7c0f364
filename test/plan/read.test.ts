// Reading a saved plan: a plan of several organizations reads back as written; plans of an earlier
// format are refused, saying which version made them and what to do.
import { describe, expect, it } from 'vitest';
import { assemblePlan } from '../../src/plan/plan.ts';
import { parsePlan, PlanFormatError } from '../../src/plan/read.ts';
import { renderJson } from '../../src/plan/render/json.ts';
import { change, organizationPlan } from '../render/builders.ts';

const NOW = new Date('2026-11-22T12:00:00Z');
const two = () => assemblePlan({
  createdAt: NOW, at: NOW,
  organizations: [
    organizationPlan({ organization: { id: 'org-us', name: 'US' }, host: 'https://us.posthog.com', matrix: { file: 'us.yaml', sha256: 'a'.repeat(64) }, validUntil: '2026-12-01T00:00:00.000Z', changes: [change({ key: 'bob@example.com' })] }),
    organizationPlan({ organization: { id: 'org-eu', name: 'EU' }, host: 'https://eu.posthog.com', matrix: { file: 'eu.yaml', sha256: 'b'.repeat(64) }, validUntil: '2026-11-25T00:00:00.000Z', changes: [change({ action: 'delete', key: 'dave@example.com' })] }),
  ],
});

describe('a saved plan of several organizations', () => {
  it('reads back as written, with the summary added up and the earliest validUntil', () => {
    const plan = two();
    expect(plan.summary).toEqual({ create: 0, update: 1, delete: 1, destructive: 1 });
    expect(plan.validUntil).toBe('2026-11-25T00:00:00.000Z');
    expect(parsePlan(JSON.parse(renderJson(plan)))).toEqual(plan);
  });

  it('is refused when any organization was edited (the checksum covers them all)', () => {
    const data = JSON.parse(renderJson(two()));
    data.organizations[1].safety.maxDeletes = 1000;
    expect(() => parsePlan(data)).toThrow('it was changed after it was made');
  });

  it('needs at least one organization', () => {
    const data = JSON.parse(renderJson(two()));
    data.organizations = [];
    expect(() => parsePlan(data)).toThrow(/at organizations/);
  });
});

describe('plans of an earlier format', () => {
  const single = JSON.parse(renderJson(two()));
  const { organizations, ...top } = single;
  const flat = { ...top, ...organizations[0], tool: { name: 'posthog-access', version: '0.3.0' } };

  it('version 1: refused, naming the version that made it and what to run', () => {
    const error = (() => { try { parsePlan({ ...flat, formatVersion: 1 }); } catch (e) { return e as Error; } return undefined; })();
    expect(error).toBeInstanceOf(PlanFormatError);
    expect(error!.message).toBe('a plan of format version 1, made by posthog-access 0.3.0; this version reads format version 2 (docs/plan-json.md): run `posthog-access plan --out` again with this version');
  });

  it('version 2 from before the list of organizations: refused, saying so', () => {
    expect(() => parsePlan(flat)).toThrow('a plan made by posthog-access 0.3.0 in the earlier form of format version 2 (one organization, no `organizations` list), which this version does not apply: run `posthog-access plan --out` again with this version');
  });

  it('a newer version: refused, saying to use that version', () => {
    expect(() => parsePlan({ ...single, formatVersion: 3 })).toThrow('newer than this version reads (2)');
  });
});
