// Access rules PostHog marks as owned by another tool (Terraform): shown as managed elsewhere and
// left alone, neither changed nor pruned, whatever the matrix says.
import { describe, expect, it } from 'vitest';
import { diff } from '../../src/plan/diff.ts';
import type { Change } from '../../src/plan/types.ts';
import { actual, desired } from './builders.ts';

const NOW = new Date('2026-11-30T12:00:00Z');
const U = 'u@example.com';
const brief = (c: Change) => `${c.action} ${c.key}`;

const posthog = () => actual((b) => {
  b.member(U, 'member').team('R', [U]).team('S').project('Prod', {
    default: { level: 'member', managedBy: 'terraform' },
    teams: { R: { level: 'admin', managedBy: 'terraform' }, S: { level: 'member' } },
    members: { [U]: { level: 'admin', managedBy: 'terraform' } },
    resources: { dashboard: { teams: {}, members: {}, default: { level: 'viewer', managedBy: 'terraform' } } },
  });
});

describe('rules managed elsewhere', () => {
  it('are neither changed nor pruned; the others are, and the plan names them', () => {
    const matrix = desired({
      members: { [U]: { level: 'member' } }, teams: { R: { members: [{ email: U }] }, S: { members: [] } },
      projects: { Prod: { default: { level: 'none' }, teams: { R: { level: 'member' } }, members: {}, resources: { dashboard: { teams: {}, members: {}, default: { level: 'editor' } } }, secretKeys: {} } },
      prune: { projectAccess: true },
    });
    const result = diff(matrix, posthog(), NOW);
    // Only S's unmanaged rule goes (pruned); the Terraform-owned ones stay as they are.
    expect(result.changes.map(brief)).toEqual(['delete Prod / team:S']);
    expect(result.notices).toContainEqual({
      level: 'info', code: 'managed_elsewhere', key: 'Prod',
      message: '4 access rules in Prod are managed by another tool, as PostHog marks them, and left alone (change them where they are managed): Prod / default (terraform), Prod / team:R (terraform), Prod / member:u@example.com (terraform), Prod / dashboard / default (terraform)',
    });
  });

  it('without the mark, the same rules are the matrix\'s to change', () => {
    const a = posthog();
    const prod = a.projects.Prod!;
    delete prod.default!.managedBy;
    const matrix = desired({ members: { [U]: { level: 'member' } }, projects: { Prod: { default: { level: 'none' }, teams: {}, members: {}, resources: {}, secretKeys: {} } } });
    expect(diff(matrix, a, NOW).changes.map(brief)).toEqual(['update Prod / default']);
  });

  it('one such rule reads as one', () => {
    const a = actual((b) => b.project('Prod', { default: { level: 'member', managedBy: 'terraform' } }));
    const matrix = desired({ projects: { Prod: { default: { level: 'none' }, teams: {}, members: {}, resources: {}, secretKeys: {} } } });
    expect(diff(matrix, a, NOW).notices.find((n) => n.code === 'managed_elsewhere')?.message).toMatch(/^1 access rule in Prod is managed by another tool/);
  });
});
