// The organization's resolution mode in every plan (header, JSON), member `none` rules that deny
// nothing in it, and `plan --resolution`: who would gain or lose what, held against PostHog's preview.
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../src/errors.ts';
import type { ActualState } from '../../src/model/actual.ts';
import type { DesiredState } from '../../src/model/desired.ts';
import { accessList, assemblePlan, buildPlan, draftOrganizationPlan, withReview } from '../../src/plan/plan.ts';
import { parsePlan } from '../../src/plan/read.ts';
import { renderJson } from '../../src/plan/render/json.ts';
import { renderMarkdown } from '../../src/plan/render/markdown.ts';
import { renderText } from '../../src/plan/render/text.ts';
import type { PreviewRead } from '../../src/plan/resolution.ts';
import type { PostHogApi, ResolutionPreviewChange } from '../../src/posthog/types.ts';
import { readResolutionPreview } from '../../src/state/preview.ts';
import { actual, desired } from './builders.ts';

const NOW = new Date('2026-11-30T12:00:00Z');
const U = 'u@example.com';

/** U is in team R, which has admin on Prod; the matrix denies U there. */
function setup(mode: 'legacy' | 'most_specific'): { d: DesiredState; a: ActualState } {
  const a = actual((b) => {
    b.member(U, 'member').team('R', [U]).project('Prod', { teams: { R: { level: 'admin' } }, members: { [U]: { level: 'none' } } });
    b.state.organization.resolutionMode = mode;
  });
  const d = desired({
    members: { [U]: { level: 'member' } }, teams: { R: { members: [{ email: U }] } },
    projects: { Prod: { teams: { R: { level: 'admin' } }, members: { [U]: { level: 'none' } }, resources: {}, secretKeys: {} } },
  });
  return { d, a };
}

const plan = (mode: 'legacy' | 'most_specific', options: { resolution?: 'legacy' | 'most_specific'; preview?: PreviewRead } = {}) => {
  const { d, a } = setup(mode);
  return buildPlan({
    desired: d, actual: a, at: NOW, createdAt: NOW, host: 'https://emulator', matrix: { file: 'm.yaml', sha256: 'x'.repeat(64) },
    read: { organization: '@current', projects: ['Prod'], secretKeys: [], domains: false },
    options: options.resolution ? { resolution: options.resolution } : {}, ...(options.preview && { preview: options.preview }),
  });
};

const record = (direction: 'gains' | 'loses'): ResolutionPreviewChange => ({
  subject: { type: 'member', id: 'm', name: U }, scope: 'object', resource: 'project', current: { access_level: 'admin' }, proposed: { access_level: 'none' },
  direction, project_id: 1, project_name: 'Prod',
});

describe('the resolution mode in every plan', () => {
  it.each([['legacy', 'legacy (highest wins)'], ['most_specific', 'most specific wins']] as const)('%s: in the JSON plan, the text header and the Markdown header', (mode, words) => {
    const p = plan(mode);
    expect(p.organizations[0]!.organization.resolution).toBe(mode);
    expect(JSON.parse(renderJson(p)).organizations[0].organization).toEqual({ id: 'org-1', name: 'Example Co', resolution: mode });
    expect(parsePlan(JSON.parse(renderJson(p))).organizations[0]!.organization.resolution).toBe(mode);
    expect(renderText(p, { color: false }).split('\n')[1]).toContain(`access resolution: ${words}`);
    expect(renderMarkdown(p)).toContain(`access resolution: **${words}**`);
  });

  it('warns about a member none rule that denies nothing in legacy mode, not in most-specific mode', () => {
    expect(plan('legacy').organizations[0]!.notices).toContainEqual({
      level: 'warning', code: 'deny_without_effect', key: 'Prod / member:u@example.com',
      message: 'u@example.com: none on Prod has no effect: team R gives admin, and the organization resolves access in legacy ("highest wins") mode; it would deny in most-specific mode',
    });
    expect(plan('most_specific').organizations[0]!.notices.map((n) => n.code)).not.toContain('deny_without_effect');
  });
});

describe('plan --resolution', () => {
  it('lists who gains or loses what, and PostHog\'s preview agreeing', () => {
    const p = plan('legacy', { resolution: 'most_specific', preview: { preview: { changes: [record('loses'), { ...record('gains'), resource: 'dashboard' }] } } });
    expect(p.organizations[0]!.resolutionSwitch).toEqual({
      from: 'legacy', to: 'most_specific',
      changes: [{ email: U, project: 'Prod', direction: 'loses', from: { level: 'admin', source: 'team R' }, to: { level: 'none', source: 'own rule' } }],
      posthog: { compared: true, onlyModel: [], onlyPostHog: [], objectRecords: 1 },
    });
    const text = renderText(p, { color: false });
    expect(text).toContain('If the organization switched from legacy (highest wins) to most specific wins resolution (1 change for people)');
    expect(text).toContain('  u@example.com loses Prod: admin (team R) → none (own rule)');
    expect(text).toContain('PostHog\'s preview agrees for the projects the matrix names (as they are now); 1 record about single objects, which the matrix does not manage, not compared');
    expect(renderMarkdown(p)).toContain('- u@example.com loses Prod: admin (team R) → none (own rule)');
    expect(parsePlan(JSON.parse(renderJson(p))).organizations[0]!.resolutionSwitch).toEqual(p.organizations[0]!.resolutionSwitch);
  });

  it('names a disagreement with PostHog\'s preview, and a preview it could not read', () => {
    const differs = plan('legacy', { resolution: 'most_specific', preview: { preview: { changes: [] } } });
    expect(differs.organizations[0]!.resolutionSwitch?.posthog).toEqual({ compared: true, onlyModel: ['Prod loses'], onlyPostHog: [], objectRecords: 0 });
    expect(renderText(differs, { color: false })).toContain('PostHog\'s preview differs (as the rules are now): only posthog-access finds Prod loses; trust PostHog\'s answer');
    const unread = plan('legacy', { resolution: 'most_specific', preview: { unavailable: 'the running key lacks access_control:read' } });
    expect(unread.organizations[0]!.resolutionSwitch?.posthog).toEqual({ compared: false, reason: 'the running key lacks access_control:read' });
  });

  it('switching back to legacy is shown too (PostHog previews only the other way); the same mode shows nothing', () => {
    const back = plan('most_specific', { resolution: 'legacy' });
    expect(back.organizations[0]!.resolutionSwitch?.changes.map((c) => `${c.direction} ${c.to.level}`)).toEqual(['gains admin']);
    expect(back.organizations[0]!.resolutionSwitch?.posthog).toEqual({ compared: false, reason: 'PostHog previews only the switch to most-specific' });
    expect(plan('legacy', { resolution: 'legacy' }).organizations[0]!.resolutionSwitch).toBeUndefined();
  });
});

describe('reading PostHog\'s preview', () => {
  const fake = (answer: () => Promise<unknown>) => {
    const calls: number[] = [];
    const api = { resolutionPreview: async (id: number) => { calls.push(id); return answer(); } } as unknown as Pick<PostHogApi, 'resolutionPreview'>;
    return { api, calls };
  };

  it('asks through the organization\'s first project when the key may read it', async () => {
    const { a } = setup('legacy');
    const { api, calls } = fake(async () => ({ changes: [] }));
    expect(await readResolutionPreview(api, a)).toEqual({ preview: { changes: [] } });
    expect(calls).toEqual([a.projects.Prod!.id]);
  });

  it('says why it could not: not an admin, a key without access_control:read, PostHog refusing', async () => {
    const { a } = setup('legacy');
    const { api, calls } = fake(async () => { throw new ApiError('not found: GET /x', { status: 404, method: 'GET', path: '/x' }); });
    expect(await readResolutionPreview(api, a)).toEqual({ unavailable: 'PostHog did not answer it (not found: GET /x)' });
    expect(await readResolutionPreview(api, { ...a, key: { ...a.key!, scopes: ['organization:read'] } })).toEqual({ unavailable: 'the running key lacks access_control:read' });
    expect(await readResolutionPreview(api, { ...a, organization: { ...a.organization, membershipLevel: 1 } })).toEqual({ unavailable: 'PostHog shows it to organization admins only, and the key\'s user is not one' });
    expect(calls).toHaveLength(1);
  });
});

describe('who gains or loses what, past the most a plan resolves', () => {
  it('is not listed, and the plan says so; the changes are all there', () => {
    const { d, a } = setup('most_specific');
    // The matrix now gives U admin in Prod, where PostHog has U's own rule at none.
    d.projects.Prod!.members[U] = { level: 'admin' };
    const draft = () => draftOrganizationPlan({
      desired: d, actual: a, at: NOW, createdAt: NOW, host: 'https://emulator', matrix: { file: 'm.yaml', sha256: 'x'.repeat(64) },
      read: { organization: '@current', projects: ['Prod'], secretKeys: [], domains: false }, options: {},
    });
    const review = (limit?: number) => {
      const plan = draft();
      return withReview(plan, a, accessList(a, plan.changes, limit));
    };
    const listed = review();
    expect(listed.access?.length).toBeGreaterThan(0);
    expect(listed.notices.map((n) => n.code)).not.toContain('access_not_listed');
    const bounded = review(0);
    expect(bounded.access).toBeUndefined();
    expect(bounded.changes).toEqual(listed.changes);
    expect(bounded.notices.find((n) => n.code === 'access_not_listed')?.message).toBe(
      'who gains or loses what is not listed: the changes reach more than 0 person × place pairs, more than a plan resolves (the changes themselves are all listed); '
      + '`posthog-access explain EMAIL` and `posthog-access who-can PROJECT` show anyone\'s access',
    );
    expect(renderText(assemblePlan({ createdAt: NOW, at: NOW, organizations: [bounded] }), { color: false })).toContain('who gains or loses what is not listed');
  });
});
