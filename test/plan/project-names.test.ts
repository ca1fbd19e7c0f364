// Project names as PostHog matches them (case and surrounding spaces ignored): a project the matrix
// spells differently is that project, renamed, never created a second time.
import { describe, expect, it } from 'vitest';
import { applyChange } from '../../src/apply/apply.ts';
import type { DesiredProject } from '../../src/model/desired.ts';
import { diff } from '../../src/plan/diff.ts';
import type { PostHogApi } from '../../src/posthog/types.ts';
import type { Change } from '../../src/plan/types.ts';
import { actual, desired } from './builders.ts';

const NOW = new Date('2026-11-30T12:00:00Z');
const brief = (c: Change) => `${c.action} ${c.key}${c.action === 'update' ? ` ${JSON.stringify(c.before)} → ${JSON.stringify(c.after)}` : ''}`;
const empty: DesiredProject = { teams: {}, members: {}, resources: {}, secretKeys: {} };

describe('project names', () => {
  it.each([
    ['the same name: nothing', 'Production', undefined, []],
    ['a case-only difference: a rename', 'production', 'Production', ['update production {"name":"Production"} → {"name":"production"}']],
    ['surrounding spaces in PostHog: a rename', 'Production', 'Production ', ['update Production {"name":"Production "} → {"name":"Production"}']],
  ])('%s', (_name, matrixName, posthogName, expected) => {
    const a = actual((b) => {
      b.project(matrixName);
      if (posthogName) b.state.projects[matrixName]!.posthogName = posthogName;
    });
    const changes = diff(desired({ projects: { [matrixName]: empty } }), a, NOW).changes;
    expect(changes.map(brief)).toEqual(expected);
    expect(changes.some((c) => c.action === 'create')).toBe(false);
  });

  it('rules of a renamed project wait for the rename, and apply renames by id', async () => {
    const a = actual((b) => {
      b.project('production');
      b.state.projects.production!.posthogName = 'Production';
    });
    const changes = diff(desired({ projects: { production: { ...empty, default: { level: 'member' } } } }), a, NOW).changes;
    expect(changes.map((c) => c.id)).toEqual(['project:production', 'project_access:production / default']);
    expect(changes[1]!.dependsOn).toEqual(['project:production']);

    const calls: unknown[][] = [];
    const api = { renameProject: async (...args: unknown[]) => { calls.push(args); return {}; } } as unknown as PostHogApi;
    await applyChange(changes[0]!, { api, orgId: 'org-1', actual: a, created: new Map() });
    expect(calls).toEqual([[a.projects.production!.id, 'production']]);
  });
});
