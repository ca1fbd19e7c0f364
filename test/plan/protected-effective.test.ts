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
});
