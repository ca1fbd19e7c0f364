// Small builders for plans: defaults for everything, override what the test is about.
import type { Change, Plan } from '../../src/plan/types.ts';

export function change(overrides: Partial<Change> = {}): Change {
  const kind = overrides.kind ?? 'member';
  const key = overrides.key ?? 'bob@example.com';
  const action = overrides.action ?? 'update';
  return {
    id: `${kind}:${key}`,
    kind,
    action,
    key,
    before: action === 'create' ? null : { level: 'admin' },
    after: action === 'delete' ? null : { level: 'member' },
    reason: 'declared in the matrix',
    destructive: action === 'delete',
    dependsOn: [],
    refs: kind === 'member' || kind === 'invite' ? { email: key } : {},
    ...overrides,
  };
}

export function plan(overrides: Partial<Plan> = {}): Plan {
  const changes = overrides.changes ?? [];
  return {
    formatVersion: 1,
    tool: { name: 'posthog-access', version: '0.1.0' },
    createdAt: '2026-03-20T09:30:00.000Z',
    at: '2026-03-20',
    validUntil: null,
    checksum: 'e'.repeat(64),
    host: 'https://us.posthog.com',
    organization: { id: '0191b2c3-0000-7000-8000-000000000001', name: 'Acme' },
    matrix: { file: 'access-matrix.yaml', sha256: 'a'.repeat(64) },
    fingerprint: { digest: 'f'.repeat(64), sections: { members: 'b'.repeat(64), organization: 'c'.repeat(64) } },
    read: { organization: '0191b2c3-0000-7000-8000-000000000001', projects: ['Production'], secretKeys: [], domains: false },
    safety: { maxDeletes: 10, protected: ['alice@example.com'] },
    changes,
    notices: [],
    manualSteps: [],
    refusals: [],
    summary: {
      create: changes.filter((c) => c.action === 'create').length,
      update: changes.filter((c) => c.action === 'update').length,
      delete: changes.filter((c) => c.action === 'delete').length,
      destructive: changes.filter((c) => c.destructive).length,
    },
    ...overrides,
  };
}

/** A small plan touching most sections, in apply order. */
export function samplePlan(overrides: Partial<Plan> = {}): Plan {
  return plan({
    changes: [
      change({ kind: 'project', action: 'create', key: 'Data Warehouse', after: { name: 'Data Warehouse' }, refs: {} }),
      change({ kind: 'team', action: 'create', key: 'Product', after: { name: 'Product' }, refs: {} }),
      change({
        kind: 'invite',
        action: 'create',
        key: 'erin@example.com',
        after: { level: 'member', projects: { 'Data Warehouse': 'member' } },
        refs: { email: 'erin@example.com' },
      }),
      change({
        kind: 'member',
        key: 'dave@example.com',
        before: { level: 'admin' },
        after: { level: 'member' },
        patch: [{ op: 'replace', path: '/level', value: 'member' }],
        reason: 'expired 2026-01-31',
        note: 'Pricing experiment, approved by the CTO (OPS-123)',
        destructive: true,
      }),
      change({
        kind: 'team_member',
        action: 'delete',
        key: 'Engineering / frank@example.com',
        before: { level: 'member' },
        reason: 'not in the matrix (prune.teams)',
        refs: { email: 'frank@example.com', team: 'Engineering' },
      }),
      change({
        kind: 'project_access',
        action: 'delete',
        key: 'Production / member:carol@example.com',
        before: { level: 'admin' },
        reason: 'expired 2026-03-16',
        note: 'incident follow-up',
        refs: { email: 'carol@example.com', project: 'Production' },
      }),
      change({
        kind: 'project_access',
        action: 'create',
        key: 'Data Warehouse / team:Engineering',
        after: { level: 'member' },
        refs: { project: 'Data Warehouse', team: 'Engineering' },
      }),
    ],
    ...overrides,
  });
}
