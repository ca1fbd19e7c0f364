// "Who gains or loses what" grows with distinct outcomes, not people × places: many invitees
// gaining the default in many projects are one entry each, with every place counted; a large plan
// renders in every format.
import { describe, expect, it } from 'vitest';
import { accessChanges, describeAccessChange } from '../../src/access/changes.ts';
import type { AccessView, ProjectRules } from '../../src/access/effective.ts';
import { parsePlan } from '../../src/plan/read.ts';
import { renderJson } from '../../src/plan/render/json.ts';
import { renderMarkdown } from '../../src/plan/render/markdown.ts';
import { renderText } from '../../src/plan/render/text.ts';
import type { Change } from '../../src/plan/types.ts';
import { assemblePlan } from '../../src/plan/plan.ts';
import { change, organizationPlan } from '../render/builders.ts';

const name = (i: number) => `P${String(i).padStart(4, '0')}`;

/** An organization with one member and `projects` projects open to members by default, the last with a dashboard rule. */
function organization(projects: number): AccessView {
  return {
    mode: 'legacy', accessControl: true, roleBasedAccess: true,
    people: { 'u@x.io': { email: 'u@x.io', level: 'member', pending: false, invited: {} } },
    teams: {},
    projects: Object.fromEntries(Array.from({ length: projects }, (_, i) => [name(i), {
      default: 'member' as const, teams: {}, members: {}, known: true,
      resources: i === projects - 1 ? { dashboard: { default: 'viewer' as const, teams: {}, members: {} } } : {} as ProjectRules['resources'],
    }])),
  };
}

const saved = (org: ReturnType<typeof organizationPlan>) => assemblePlan({ createdAt: new Date('2026-11-22T12:00:00Z'), at: new Date('2026-11-22T12:00:00Z'), organizations: [org] });

const invite = (i: number): Change => change({ kind: 'invite', action: 'create', key: `p${String(i).padStart(4, '0')}@x.io` });

describe('grouped access changes', () => {
  it('many invitees gaining the default in many projects: one entry per outcome, places counted exactly', () => {
    const view = organization(40);
    const invites = Array.from({ length: 30 }, (_, i) => invite(i));
    // The first project's default goes up to admin: for everyone there, a second outcome with its own cause.
    const raise = change({ kind: 'project_access', key: `${name(0)} / default`, before: { level: 'member' }, after: { level: 'admin' }, subject: { project: name(0) } });
    const access = accessChanges(view, [...invites, raise]);
    const invitee = access.filter((a) => a.email === 'p0007@x.io');
    expect(invitee).toEqual([
      { email: 'p0007@x.io', direction: 'gains', before: null, after: { level: 'member', source: 'invite' }, because: [invites[7]!.id], places: [] },
      {
        email: 'p0007@x.io', direction: 'gains', before: null, after: { level: 'admin', source: 'default rule' }, because: [invites[7]!.id, raise.id],
        places: [{ project: name(0) }],
      },
      {
        email: 'p0007@x.io', direction: 'gains', before: null, after: { level: 'member', source: 'default rule' }, because: [invites[7]!.id],
        places: Array.from({ length: 39 }, (_, i) => ({ project: name(i + 1) })),
      },
      {
        email: 'p0007@x.io', direction: 'gains', before: null, after: expect.objectContaining({ level: 'viewer' }), because: [invites[7]!.id],
        places: [{ project: name(39), resource: 'dashboard' }],
      },
    ]);
    // 30 invitees × 4 outcomes, and the member's one: not 30 × 41 entries.
    expect(access).toHaveLength(30 * 4 + 1);
    expect(access.filter((a) => a.email === 'u@x.io')).toEqual([{
      email: 'u@x.io', direction: 'gains', before: { level: 'member', source: 'default rule' }, after: { level: 'admin', source: 'default rule' }, because: [raise.id], places: [{ project: name(0) }],
    }]);
    const places = access.reduce((n, a) => n + a.places.length, 0);
    expect(places).toBe(30 * 41 + 1);
    expect(describeAccessChange(invitee[2]!)).toBe(`39 projects (${[1, 2, 3, 4, 5].map(name).join(', ')} and 34 more): member (default rule)`);
    expect(describeAccessChange(invitee[1]!)).toBe(`${name(0)}: admin (default rule)`);
    expect(describeAccessChange(invitee[0]!)).toBe('organization: member (invite)');
  });

  it('a plan of 500 invitees gaining the default in 250 projects stays compact and renders in every format', () => {
    const invites = Array.from({ length: 500 }, (_, i) => invite(i));
    const org = organizationPlan({ changes: invites, access: accessChanges(organization(250), invites) });
    // Per invitee: the organization, 250 projects, the last one's dashboard.
    expect(org.access).toHaveLength(500 * 3);
    expect(org.access!.reduce((n, a) => n + a.places.length, 0)).toBe(500 * 251);
    const p = saved(org);
    const json = renderJson(p);
    expect(parsePlan(JSON.parse(json)).organizations[0]!.access).toEqual(org.access);
    const text = renderText(p, { color: false });
    expect(text).toContain(`gains 250 projects (${[0, 1, 2, 3, 4].map(name).join(', ')} and 245 more): member (default rule)`);
    expect(renderMarkdown(p).split('\n')).toContain(
      `- **p0007@x.io** — gains: organization: member (invite), 250 projects (${[0, 1, 2, 3, 4].map(name).join(', ')} and 245 more): member (default rule), ${name(249)} / dashboard: viewer (default rule) (declared in the matrix)`,
    );
  });

  it('reads a plan saved with one entry per place as groups of one place', () => {
    const org = organizationPlan({ changes: [invite(0)], access: accessChanges(organization(2), [invite(0)]) });
    const json = JSON.parse(renderJson(saved(org)));
    json.organizations[0].access = [
      { email: 'p0000@x.io', direction: 'gains', before: null, after: { level: 'member', source: 'invite' }, because: ['invite:p0000@x.io'] },
      { email: 'p0000@x.io', project: 'P0001', direction: 'gains', before: null, after: { level: 'member', source: 'default rule' }, because: ['invite:p0000@x.io'] },
      { email: 'p0000@x.io', project: 'P0001', resource: 'dashboard', direction: 'gains', before: null, after: { level: 'viewer', source: 'default rule' }, because: ['invite:p0000@x.io'] },
    ];
    expect(parsePlan(json).organizations[0]!.access!.map((a) => a.places)).toEqual([[], [{ project: 'P0001' }], [{ project: 'P0001', resource: 'dashboard' }]]);
  });
});
