// The protected guard sees effective access (src/access/): a protected person who would lose access
// through a team, a team's rule or a project's default is protected too, not only changes naming them.
import { describe, expect, it } from 'vitest';
import { diff } from '../../src/plan/diff.ts';
import { actual, desired, gate, project } from './builders.ts';

const NOW = new Date('2026-11-22T12:00:00Z');
const guards = (d: ReturnType<typeof desired>, a: ReturnType<typeof actual>) =>
  gate({ changes: diff(d, a, NOW).changes, actual: a, safety: d.safety, allowDeletes: 1000 });
const safety = { maxDeletes: 1000, protected: ['carol@x.io'] };
const members = { 'carol@x.io': { level: 'member' as const } };

describe('protected people, by effective access', () => {
  it('refuses removing the team that gives a protected person access', () => {
    const a = actual((b) => b.member('carol@x.io', 'member').team('Eng', ['carol@x.io']).project('Prod', { default: { level: 'none' }, teams: { Eng: { level: 'admin' } } }));
    const d = desired({ members, projects: { Prod: project({ default: { level: 'none' } }) }, prune: { teams: true }, safety });
    const refusal = guards(d, a).find((r) => r.guard === 'protected' && r.message.includes('carol@x.io on Prod (admin → none)'));
    expect(refusal?.changeIds).toContain('team:Eng');
  });

  it("refuses making a project private when that is what lets a protected person in", () => {
    const a = actual((b) => b.member('carol@x.io', 'member').project('Prod'));
    const d = desired({ members, projects: { Prod: project({ default: { level: 'none' } }) }, safety });
    expect(guards(d, a).filter((r) => r.guard === 'protected').map((r) => r.message).join('')).toContain('carol@x.io on Prod (admin → none)');
  });

  it('lets it through for a protected organization admin, who keeps full access', () => {
    const admin = actual((b) => b.member('carol@x.io', 'admin').project('Prod'));
    expect(guards(desired({ members: { 'carol@x.io': { level: 'admin' } }, projects: { Prod: project({ default: { level: 'none' } }) }, safety }), admin).filter((r) => r.guard === 'protected')).toEqual([]);
  });

  const refusal = (d: ReturnType<typeof desired>, a: ReturnType<typeof actual>) => guards(d, a).find((r) => r.guard === 'protected');

  it('refuses taking a protected person out of their team, though the team has no rule the plan reads', () => {
    const a = actual((b) => b.member('carol@x.io', 'member').team('Eng', ['carol@x.io']));
    const r = refusal(desired({ members, teams: { Eng: { members: [] } }, prune: { teams: true }, safety }), a);
    expect(r?.message).toContain('carol@x.io on team Eng (member → not a member)');
    expect(r?.changeIds).toEqual(['team_member:Eng / carol@x.io']);
  });

  it('refuses lowering a resource default below what a protected person has there', () => {
    const a = actual((b) => b.member('carol@x.io', 'member').project('Prod', { resources: { feature_flag: { default: { level: 'editor' }, teams: {}, members: {} } } }));
    const d = desired({ members, projects: { Prod: project({ resources: { feature_flag: { default: { level: 'viewer' }, teams: {}, members: {} } } }) }, safety });
    const r = refusal(d, a);
    expect(r?.message).toContain('carol@x.io on Prod / feature_flag (editor → viewer)');
    expect(r?.changeIds).toEqual(['resource_access:Prod / feature_flag / default']);
  });

  it('refuses deleting the rule that lets a protected person into a private project', () => {
    const a = actual((b) => b.member('carol@x.io', 'member').project('Prod', { default: { level: 'none' }, members: { 'carol@x.io': { level: 'member' } } }));
    const d = desired({ members, projects: { Prod: project({ default: { level: 'none' } }) }, prune: { projectAccess: true }, safety });
    const r = refusal(d, a);
    expect(r?.message).toContain('carol@x.io on Prod (member → none)');
    expect(r?.changeIds).toEqual(['project_access:Prod / member:carol@x.io']);
  });

  it('refuses removing a team of a protected admin (its rules elsewhere are theirs too), and names each loss once', () => {
    const a = actual((b) => b.member('carol@x.io', 'admin').team('Eng', ['carol@x.io']));
    const r = refusal(desired({ members: { 'carol@x.io': { level: 'admin' } }, prune: { teams: true }, safety }), a);
    expect(r?.message).toContain('(carol@x.io): carol@x.io on team Eng (member → removed).');
    expect(r?.changeIds).toEqual(['team:Eng']);
  });

  it('is one refusal, whichever way the access goes', () => {
    const a = actual((b) => b.member('carol@x.io', 'member').team('Eng', ['carol@x.io']).project('Prod', { default: { level: 'member' }, teams: { Eng: { level: 'admin' } } }));
    const d = desired({ members: { 'carol@x.io': { level: 'member' } }, projects: { Prod: project({ default: { level: 'none' } }) }, prune: { teams: true, projectAccess: true }, safety });
    expect(guards(d, a).filter((r) => r.guard === 'protected')).toHaveLength(1);
  });
});
