// Temporary grants (the matrix's `expires` and `then`) in the plan: every kind that can be
// temporary says on its change when the grant ends and what follows, as the change's own fields
// (`expires`, `then`; an invite's project grants in `temporaryProjects`) and in its reason, which the
// text and Markdown plans show.
import { describe, expect, it } from 'vitest';
import { buildPlan } from '../../src/plan/plan.ts';
import { parsePlan } from '../../src/plan/read.ts';
import { render } from '../../src/plan/render/index.ts';
import type { Change, Plan } from '../../src/plan/types.ts';
import { actual, desired, project } from './builders.ts';

const NOW = new Date('2026-11-22T12:00:00Z');
const READ = { organization: '@current', projects: ['Prod'], secretKeys: [], domains: false };

function planOf(d: ReturnType<typeof desired>, a: ReturnType<typeof actual>, at = NOW): Plan {
  return buildPlan({ desired: d, actual: a, at, createdAt: at, host: 'https://us.posthog.com', matrix: { file: 'm.yaml', sha256: 'x'.repeat(64) }, read: READ });
}

const a = actual((b) => b.member('bob@x.io', 'member').member('carol@x.io', 'member').member('dave@x.io', 'admin').team('Eng').project('Prod'));
const d = desired({
  members: {
    'bob@x.io': { level: 'admin', expires: '2026-12-31', then: 'member' },
    'carol@x.io': { level: 'member' },
    'dave@x.io': { level: 'admin', expires: '2026-11-01', then: 'member' }, // over: back to member
    'erin@x.io': { level: 'admin', expires: '2027-01-31' }, // not in the organization yet: invited
    'frank@x.io': { level: 'admin', expires: '2026-11-01', then: 'member' }, // invited as what follows
  },
  teams: { Eng: { members: [{ email: 'carol@x.io', expires: '2026-12-15' }] } },
  projects: {
    Prod: project({
      default: { level: 'none' },
      teams: { Eng: { level: 'admin', expires: '2027-02-01', then: 'member' } },
      members: {
        'carol@x.io': { level: 'admin', expires: '2026-12-10' },
        'erin@x.io': { level: 'admin', expires: '2027-01-15', then: 'member' },
      },
      resources: { feature_flag: { teams: {}, members: { 'carol@x.io': { level: 'editor', expires: '2026-12-20', then: 'viewer' } } } },
    }),
  },
});

const byId = (p: Plan, id: string): Change => {
  const changes = p.organizations.flatMap((o) => o.changes);
  const change = changes.find((c) => c.id === id);
  if (!change) throw new Error(`no change ${id} in ${changes.map((c) => c.id).join(', ')}`);
  return change;
};

describe('temporary grants in the plan', () => {
  const p = planOf(d, a);

  it('each kind carries expires and then as fields, and says them in its reason', () => {
    const expected: [string, string, string | null, string][] = [
      ['member:bob@x.io', '2026-12-31', 'member', 'until 2026-12-31, then member'],
      ['member:dave@x.io', '2026-11-01', 'member', 'expired 2026-11-01, then member'],
      ['invite:erin@x.io', '2027-01-31', null, 'until 2027-01-31, then removed from the organization'],
      ['invite:frank@x.io', '2026-11-01', 'member', 'expired 2026-11-01, then member'],
      ['team_member:Eng / carol@x.io', '2026-12-15', null, 'until 2026-12-15, then out of Eng'],
      ['project_access:Prod / team:Eng', '2027-02-01', 'member', 'until 2027-02-01, then member'],
      ['project_access:Prod / member:carol@x.io', '2026-12-10', null, 'until 2026-12-10, then the rule is removed'],
      ['resource_access:Prod / feature_flag / member:carol@x.io', '2026-12-20', 'viewer', 'until 2026-12-20, then viewer'],
    ];
    for (const [id, expires, then, words] of expected) {
      const change = byId(p, id);
      expect({ id, expires: change.expires, then: change.then }).toEqual({ id, expires, then });
      expect(change.reason).toContain(words);
    }
    // A permanent grant has neither field.
    expect(byId(p, 'project_access:Prod / default')).not.toHaveProperty('expires');
    expect(byId(p, 'project_access:Prod / default')).not.toHaveProperty('then');
  });

  it("an invite's temporary project grants: by project, with their end in the reason", () => {
    const invite = byId(p, 'invite:erin@x.io');
    expect(invite.temporaryProjects).toEqual({ Prod: { expires: '2027-01-15', then: 'member' } });
    expect(invite.reason).toContain('Prod until 2027-01-15, then member');
  });

  it('text and Markdown show each end date and what follows; JSON has the fields', () => {
    const text = render(p, 'text');
    const markdown = render(p, 'markdown');
    for (const words of ['until 2026-12-31, then member', 'until 2026-12-15, then out of Eng', 'until 2026-12-10, then the rule is removed', 'until 2026-12-20, then viewer', 'Prod until 2027-01-15, then member']) {
      expect(text).toContain(words);
      expect(markdown).toContain(words);
    }
    const json = JSON.parse(render(p, 'json')) as Plan;
    expect(byId(json, 'member:bob@x.io')).toMatchObject({ expires: '2026-12-31', then: 'member' });
    expect(byId(json, 'team_member:Eng / carol@x.io')).toMatchObject({ expires: '2026-12-15', then: null });
    // The order docs/plan-json.md gives: after note, before destructive.
    const keys = Object.keys(byId(json, 'member:bob@x.io'));
    expect(keys.slice(keys.indexOf('reason'), keys.indexOf('destructive') + 1)).toEqual(['reason', 'expires', 'then', 'destructive']);
  });

  it('grants ending within two weeks are named in notices, with what follows', () => {
    const later = planOf(d, a, new Date('2026-12-05T00:00:00Z'));
    const expiring = later.organizations[0]!.notices.filter((n) => n.code === 'expiring').map((n) => n.message);
    expect(expiring).toEqual(expect.arrayContaining([
      'Eng / carol@x.io: the membership ends after 2026-12-15, then out of Eng',
      'Prod / member:carol@x.io: admin ends after 2026-12-10, then the rule is removed',
    ]));
  });

  it('a saved plan keeps them: read back as written', () => {
    const read = parsePlan(JSON.parse(render(p, 'json')));
    expect(read.organizations[0]!.changes).toEqual(p.organizations[0]!.changes);
    const edited = JSON.parse(render(p, 'json'));
    edited.organizations[0].changes.find((c: Change) => c.id === 'member:bob@x.io').expires = 'next week';
    expect(() => parsePlan(edited)).toThrow(/expires/);
  });
});
