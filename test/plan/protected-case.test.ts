// The protected guard when the matrix spells a team in another case than PostHog (PostHog compares
// role names ignoring case): the loss is still seen.
import { describe, expect, it } from 'vitest';
import { diff } from '../../src/plan/diff.ts';
import { actual, desired, gate, project } from './builders.ts';

const NOW = new Date('2026-11-22T12:00:00Z');
const safety = { maxDeletes: 1000, protected: ['carol@x.io'] };

describe('protected people, team named in another case', () => {
  it('refuses taking a protected person out of "eng" when PostHog calls it "Eng"', () => {
    const a = actual((b) => b.member('carol@x.io', 'member').team('Eng', ['carol@x.io']).project('Prod', { default: { level: 'none' }, teams: { Eng: { level: 'admin' } } }));
    const d = desired({ members: { 'carol@x.io': { level: 'member' } }, teams: { eng: { members: [] } }, projects: { Prod: project({ default: { level: 'none' }, teams: { eng: { level: 'admin' } } }) }, prune: { teams: true }, safety });
    const changes = diff(d, a, NOW).changes;
    const refusals = gate({ changes, actual: a, safety: d.safety, allowDeletes: 1000 }).filter((r) => r.guard === 'protected');
    // The change names the matrix's spelling; the guard still refuses it.
    expect(changes.map((c) => c.id)).toContain('team_member:eng / carol@x.io');
    expect(refusals).toEqual([expect.objectContaining({ changeIds: ['team_member:eng / carol@x.io'], message: expect.stringContaining('protected people (carol@x.io)') })]);
  });
});
