import { describe, expect, it } from 'vitest';
import type { ActualApiKeyAudit, ActualKey } from '../../src/model/actual.ts';
import type { ApiKeySpec } from '../../src/model/desired.ts';
import { auditNotices, scopeDifferences } from '../../src/plan/audit.ts';
import { buildPlan } from '../../src/plan/plan.ts';
import type { Change, ManualStep, Notice } from '../../src/plan/types.ts';
import { actual, desired, personalKey } from './builders.ts';

const NOW = new Date('2026-11-22T12:00:00Z');
const SPEC: ApiKeySpec = { env: 'POSTHOG_KEY_BI', scopes: ['insight:read', 'dashboard:read'] };

/** The running key has explicit scopes unless a test says otherwise, so only the declared key speaks. */
function audit(spec: Partial<ApiKeySpec>, found: ActualApiKeyAudit | Partial<ActualKey>, options: { changes?: Change[]; runningScopes?: string[]; scopedProjects?: string[] } = {}) {
  const a = actual((b) => b.project('Production').project('Staging'));
  a.key!.scopes = options.runningScopes ?? ['organization:write', 'organization_member:write', 'access_control:write', 'project:write'];
  const scopedTeams = (options.scopedProjects ?? []).map((n) => a.projects[n]?.id ?? 999);
  const result: ActualApiKeyAudit = 'found' in found ? found as ActualApiKeyAudit : { env: 'POSTHOG_KEY_BI', found: true, key: personalKey({ label: 'bi', scopedTeams, ...found as Partial<ActualKey> }) };
  a.apiKeys = { bi: result };
  const ctx = { desired: desired({ apiKeys: { bi: { ...SPEC, ...spec } } }), actual: a, now: NOW, changes: options.changes ?? [], notices: [] as Notice[], manualSteps: [] as ManualStep[] };
  auditNotices(ctx);
  return { notices: ctx.notices, steps: ctx.manualSteps };
}
const steps = (r: ReturnType<typeof audit>) => r.steps.map((s) => s.message);

describe('scopeDifferences', () => {
  it.each([
    ['same set, any order', ['a:read', 'b:read'], ['b:read', 'a:read', 'a:read'], []],
    ['missing', ['a:read', 'b:read'], ['a:read'], ['it lacks b:read']],
    ['extra', ['a:read'], ['a:read', 'c:write'], ['it has scopes not declared: c:write']],
    ['both', ['a:read'], ['b:read'], ['it lacks a:read', 'it has scopes not declared: b:read']],
    ['* is broader than declared', ['a:read'], ['*'], ['it has every scope (*), broader than declared']],
    ['an empty list is PostHog\'s *', ['a:read'], [], ['it has every scope (*), broader than declared']],
    ['* declared and held', ['*'], ['*'], []],
  ])('%s', (_name, declared, have, expected) => {
    expect(scopeDifferences(declared, have)).toEqual(expected);
  });
});

describe('api key audit', () => {
  it('a key that matches the matrix gives no step and no notice', () => {
    const r = audit({ maxAgeDays: 90 }, { scopes: ['dashboard:read', 'insight:read'] });
    expect(r.steps).toEqual([]);
    expect(r.notices).toEqual([]);
  });

  it('scope differences are one manual step, keyed api_key:<name>, with the fix in PostHog\'s UI', () => {
    const r = audit({}, { scopes: ['insight:read', 'query:read'] });
    expect(r.steps).toHaveLength(1);
    expect(r.steps[0]!.key).toBe('api_key:bi');
    expect(r.steps[0]!.message).toContain('it lacks dashboard:read; it has scopes not declared: query:read');
    expect(r.steps[0]!.message).toContain('PostHog → Settings → Personal API keys → "bi" → Edit: set its scopes to exactly dashboard:read, insight:read, then save');
    expect(r.steps[0]!.message).toContain('$POSTHOG_KEY_BI');
  });

  it('flags * as broader than declared', () => {
    expect(steps(audit({}, { scopes: ['*'] }))[0]).toContain('it has every scope (*), broader than declared');
  });

  it.each([
    ['declared projects, key organization-wide', { projects: ['Production'] }, [], 'it is not limited to projects (organization-wide), broader than the declared Production'],
    ['declared organization-wide, key limited', {}, ['Production'], 'it is limited to the projects Production, but the matrix declares an organization-wide key'],
    ['a project missing', { projects: ['Production', 'Staging'] }, ['Production'], 'it cannot reach the declared project Staging'],
    ['an extra project', { projects: ['Production'] }, ['Production', 'Staging'], 'it can reach undeclared project Staging'],
  ])('projects by name: %s', (_name, spec, scoped, expected) => {
    const r = audit(spec, { scopes: SPEC.scopes }, { scopedProjects: scoped });
    expect(steps(r)[0]).toContain(expected);
  });

  it('matching projects give no step', () => {
    expect(audit({ projects: ['Staging', 'Production'] }, { scopes: SPEC.scopes }, { scopedProjects: ['Production', 'Staging'] }).steps).toEqual([]);
  });

  it('a project id outside the organization is named as such', () => {
    expect(steps(audit({}, { scopes: SPEC.scopes, scopedTeams: [999] }))[0]).toContain('project id 999 (not in this organization)');
  });

  it('organizations: "@current" is the organization planned for', () => {
    expect(audit({ organizations: ['@current'] }, { scopes: SPEC.scopes, scopedOrganizations: ['org-1'] }).steps).toEqual([]);
    expect(steps(audit({ organizations: ['@current'] }, { scopes: SPEC.scopes }))[0]).toContain('it is not limited to organizations, broader than declared');
    const other = steps(audit({ organizations: ['@current'] }, { scopes: SPEC.scopes, scopedOrganizations: ['0190aaaa-0000-7000-8000-000000000000'] }))[0];
    expect(other).toContain('it cannot reach the declared organization Example Co (org-1)');
    expect(other).toContain('it can reach undeclared organization 0190aaaa-0000-7000-8000-000000000000');
  });

  it.each([
    ['created long ago, never rolled', { createdAt: '2026-06-01T00:00:00Z' }, 'it is 174 days old (created 2026-06-01), past max_age_days (90)'],
    ['rolled long ago', { createdAt: '2025-01-01T00:00:00Z', lastRolledAt: '2026-07-01T00:00:00Z' }, 'it is 144 days old (last rolled 2026-07-01), past max_age_days (90)'],
  ])('age past max_age_days: %s', (_name, dates, expected) => {
    const message = steps(audit({ maxAgeDays: 90 }, { scopes: SPEC.scopes, ...dates }))[0];
    expect(message).toContain(expected);
    expect(message).toContain('→ "bi" → Roll, then put the new value in $POSTHOG_KEY_BI');
  });

  it('a recently rolled old key is within max_age_days', () => {
    expect(audit({ maxAgeDays: 90 }, { scopes: SPEC.scopes, createdAt: '2020-01-01T00:00:00Z', lastRolledAt: '2026-11-01T00:00:00Z' }).steps).toEqual([]);
  });

  it('scopes and age in one step', () => {
    const r = audit({ maxAgeDays: 30 }, { scopes: ['*'], createdAt: '2026-01-01T00:00:00Z' });
    expect(r.steps).toHaveLength(1);
    expect(r.steps[0]!.message).toMatch(/broader than declared; it is \d+ days old.*Edit: .*Roll/);
  });

  it.each([
    ['never used', null, 'has never been used'],
    ['unused for 90+ days', '2026-08-01T00:00:00Z', 'has not been used for 113 days (last 2026-08-01)'],
  ])('last use: %s is a notice, not a step', (_name, lastUsedAt, expected) => {
    const r = audit({}, { scopes: SPEC.scopes, lastUsedAt });
    expect(r.steps).toEqual([]);
    expect(r.notices).toEqual([expect.objectContaining({ level: 'info', code: 'api_key_unused', key: 'api_key:bi', message: expect.stringContaining(expected) })]);
  });

  it('recent use says nothing', () => {
    expect(audit({}, { scopes: SPEC.scopes, lastUsedAt: '2026-10-01T00:00:00Z' }).notices).toEqual([]);
  });

  it('an unset variable is a warning naming it', () => {
    const r = audit({}, { env: 'POSTHOG_KEY_BI', found: false });
    expect(r.steps).toEqual([]);
    expect(r.notices).toEqual([expect.objectContaining({ level: 'warning', code: 'api_key_env_missing', key: 'api_key:bi', message: expect.stringContaining('$POSTHOG_KEY_BI is not set') })]);
  });

  it('a key PostHog rejects is a warning with the reason', () => {
    const r = audit({}, { env: 'POSTHOG_KEY_BI', found: true, error: 'PostHog rejected the API key (401): check $POSTHOG_KEY_BI' });
    expect(r.notices).toEqual([expect.objectContaining({ level: 'warning', code: 'api_key_unreadable', message: expect.stringContaining('401') })]);
  });

  it('no audit read (a matrix without api_keys) says nothing', () => {
    const a = actual();
    a.key!.scopes = ['organization:read'];
    const ctx = { desired: desired({ apiKeys: { bi: SPEC } }), actual: a, now: NOW, changes: [], notices: [] as Notice[], manualSteps: [] as ManualStep[] };
    auditNotices(ctx);
    expect([...ctx.notices, ...ctx.manualSteps]).toEqual([]);
  });
});

describe('running key', () => {
  it('flags * as broader than what the plan needs, listing what it needs', () => {
    const change: Change = { id: 'secret_key:P / s', kind: 'secret_key', action: 'create', key: 'P / s', subject: { project: 'P', label: 's' }, after: { scopes: [], roll: false }, reason: '', destructive: false, dependsOn: [] };
    const r = audit({}, { scopes: SPEC.scopes, lastUsedAt: '2026-11-01T00:00:00Z' }, { changes: [change], runningScopes: ['*'] });
    const notice = r.notices.find((n) => n.code === 'running_key');
    expect(notice?.message).toContain('has every scope (*), broader than needed');
    expect(notice?.message).toContain('project:write');
  });

  it('flags explicit scopes posthog-access never uses', () => {
    // insight:read is no example any more: offboarding reads insights.
    const r = audit({}, { scopes: SPEC.scopes, lastUsedAt: '2026-11-01T00:00:00Z' }, { runningScopes: ['organization:write', 'person:write', 'cohort:read'] });
    const notice = r.notices.find((n) => n.code === 'running_key');
    expect(notice?.message).toContain('has scopes posthog-access never uses: cohort:read, person:write');
  });

  it('says nothing of a key with explicit scopes (missing ones are the preflight\'s warning)', () => {
    const r = audit({}, { scopes: SPEC.scopes, lastUsedAt: '2026-11-01T00:00:00Z' }, { runningScopes: ['organization:read'] });
    expect(r.notices.filter((n) => n.code === 'running_key')).toEqual([]);
  });

  it('buildPlan puts the audit into the plan', () => {
    const a = actual();
    a.apiKeys = { bi: { env: 'POSTHOG_KEY_BI', found: true, key: personalKey({ label: 'bi', scopes: ['*'] }) } };
    const plan = buildPlan({
      desired: desired({ apiKeys: { bi: SPEC } }), actual: a, at: NOW, createdAt: NOW, host: 'http://x',
      matrix: { file: 'm.yaml', sha256: '0' }, read: { organization: '@current', projects: [], secretKeys: [], domains: false },
    });
    expect(plan.organizations[0]!.manualSteps.map((s) => s.key)).toEqual(['api_key:bi']);
    expect(plan.organizations[0]!.notices.map((n) => n.code)).toContain('running_key');
    expect(plan.organizations[0]!.changes).toEqual([]);
  });
});
