// The plan's last reads (src/cli/pipeline.ts withCascades): what removals take with them elsewhere
// and what removed members created, read for the removals foreseen; read all the same for one the
// forecast missed; and no further list asked for once the plan has failed.
import { describe, expect, it } from 'vitest';
import type { ClosablePostHogApi } from '../../src/posthog/api.ts';
import { withCascades } from '../../src/cli/pipeline.ts';
import { draftSteps } from '../../src/plan/plan.ts';
import { readScopeOf } from '../../src/plan/reads.ts';
import { actual, desired, ME } from '../plan/builders.ts';

const NOW = new Date('2026-11-22T12:00:00Z');

/** A member to prune who created a flag in a project the matrix does not name (rules not read yet). */
function setup(projects = 1) {
  const a = actual((b) => {
    b.member('gone@x.io', 'member');
    for (let i = 0; i < projects; i++) b.project(`P${i}`, { rulesLoaded: false });
  });
  const d = desired({ members: { [ME]: { level: 'owner' } }, prune: { members: true } });
  const gone = a.members['gone@x.io']!;
  const asked: string[] = [];
  const api = {
    projectAccessControls: async (id: number) => {
      asked.push(`access ${id}`);
      return { access_controls: [{ access_level: 'admin', resource: 'project', resource_id: String(id), organization_member: gone.membershipId, role: null }], available_access_levels: [], default_access_level: 'member' };
    },
    resourceAccessControls: async (id: number) => {
      asked.push(`resources ${id}`);
      return { access_controls: [], available_access_levels: [], default_access_level: 'editor' };
    },
    client: {
      paginate: async (path: string) => {
        asked.push(path);
        await new Promise((r) => setTimeout(r, 5));
        return path.endsWith('/feature_flags/') ? [{ id: 1, key: 'launch', created_by: { uuid: gone.userUuid } }] : [];
      },
    },
  } as unknown as ClosablePostHogApi;
  const draft = () => draftSteps({ desired: d, actual: a, at: NOW, createdAt: NOW, host: 'https://us.posthog.com', matrix: { file: 'access.yaml', sha256: '' }, read: readScopeOf(d) });
  return { a, api, asked, draft };
}

describe('the plan\'s last reads', () => {
  it('reads for a removal the forecast missed all the same: counted in its cascade, warned as offboarding', async () => {
    const { a, api, asked, draft } = setup();
    const plan = await withCascades(api, a, { teams: [], members: [] }, draft, true);
    const id = a.projects.P0!.id;
    expect(asked.sort()).toEqual([`/api/projects/${id}/dashboards/`, `/api/projects/${id}/feature_flags/`, `/api/projects/${id}/insights/`, `access ${id}`, `resources ${id}`].sort());
    const removal = plan.changes.find((c) => c.id === 'member:gone@x.io');
    expect(removal && removal.action === 'delete' && removal.cascade).toBe(1);
    expect(removal?.reason).toContain('1 in projects it does not name');
    expect(plan.notices.find((n) => n.code === 'offboarding')?.message).toContain('gone@x.io created 1 feature flag that others may rely on (P0: launch (feature flag))');
  });

  it('reads the same for a foreseen removal, without the forecast being wrong', async () => {
    const { a, api, asked, draft } = setup();
    const plan = await withCascades(api, a, { teams: [], members: ['gone@x.io'] }, draft, true);
    expect(asked).toHaveLength(5);
    expect(plan.notices.filter((n) => n.code === 'offboarding')).toHaveLength(1);
  });

  it('asks for no further offboarding list once the plan fails', async () => {
    const { a, api, asked } = setup(40);
    const failing = function* (): Generator<void, never> {
      yield;
      throw new Error('the draft failed');
    };
    await expect(withCascades(api, a, { teams: [], members: ['gone@x.io'] }, failing, true)).rejects.toThrow('the draft failed');
    const lists = () => asked.filter((x) => x.startsWith('/api/')).length;
    const when = lists();
    await new Promise((r) => setTimeout(r, 50));
    // The lists in flight when it failed, at most one batch (16 at once), of the 120 there are.
    expect(lists()).toBe(when);
    expect(when).toBeLessThanOrEqual(16);
  });
});
