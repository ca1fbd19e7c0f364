// exportMatrix: what the matrix cannot express becomes a comment naming it; the output loads.
import { describe, expect, it } from 'vitest';
import { exportMatrix } from '../../src/export/matrix.ts';
import { parseMatrix } from '../../src/matrix/load.ts';
import { actual } from '../plan/builders.ts';

describe('exportMatrix', () => {
  const state = actual((a) => a.member('carol@example.com', 'member').team('Eng', ['carol@example.com']).team('ENG', [])
    .settings({ enforce_2fa: null, members_can_invite: null, allow_publicly_shared_resources: false })
    .invite('erin@example.com', 'admin', { projects: { Prod: 'member', Beta: 'none' } })
    .project('Prod', {
      default: { level: 'none' }, teams: { Eng: { level: 'member' }, ENG: { level: 'admin' } }, members: {}, unresolvedRules: 2,
      resources: { feature_flag: { teams: {}, members: { 'carol@example.com': { level: 'viewer' } } }, hologram: { default: { level: 'none' }, teams: {}, members: {} } },
    })
    .project('Beta'));
  state.organization.id = '0191b2c3-0000-7000-8000-000000000001';
  const { yaml, unexpressed } = exportMatrix(state);

  it('loads as a matrix', () => {
    const { desired } = parseMatrix(yaml, 'exported.yaml', {});
    expect(desired.members).toMatchObject({ 'carol@example.com': { level: 'member' }, 'erin@example.com': { level: 'admin' } });
    expect(desired.projects.Prod).toMatchObject({ default: { level: 'none' }, teams: { ENG: { level: 'admin' } }, members: { 'erin@example.com': { level: 'member' } } });
    expect(desired.projects.Prod?.resources.feature_flag?.members).toEqual({ 'carol@example.com': { level: 'viewer' } });
    expect(desired.organization.settings).toEqual({ enforce_2fa: false, allow_publicly_shared_resources: false });
    expect(desired.safety.protected).toEqual(['root@example.com']);
    expect(desired.organization.id).toBe('0191b2c3-0000-7000-8000-000000000001');
  });

  it('names everything it leaves out', () => {
    expect(unexpressed).toEqual([
      'settings.members_can_invite: PostHog has no value for it (null); add it to manage it',
      'team "Eng" differs from "ENG" only in case (made outside the API, e.g. by SCIM): the matrix cannot name both; its members and rules are left out',
      'Beta: erin@example.com\'s invite grants "none" on it, which the matrix leaves unsaid',
      'Prod: rules on resource type "hologram", which this version of posthog-access does not know',
      'Prod: 2 access rules name a member or team that is not in this organization',
    ]);
    for (const line of unexpressed) expect(yaml).toContain(`# Not in the matrix: ${line}`);
  });

  it('one rule it cannot resolve reads as one', () => {
    const one = exportMatrix(actual((a) => a.project('Prod', { unresolvedRules: 1 })));
    expect(one.unexpressed).toContain('Prod: 1 access rule names a member or team that is not in this organization');
  });
});
