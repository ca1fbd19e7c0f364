// "Second Co": a second organization beside the sample one in one emulator, for the tests of a run
// over two organizations. alice is its owner; carol (unless left out) a member; Analytics its one
// project, open to every member, or private (default `none`), with or without a rule letting carol in.
import type { Snapshot } from '../../src/emulator/snapshot.ts';

export const SECOND = '22222222-2222-4222-8222-222222222222';
export const T0 = '2026-01-01T00:00:00.000Z';
/** carol's membership of Second Co (rules name it). */
export const CAROL_IN_SECOND = '22222222-0000-4000-8000-000000000002';
export const ANALYTICS = 901;

export function addSecondOrganization(s: Snapshot, options: { carol?: boolean; analytics?: 'open' | 'private' | 'private, carol in'; mostSpecific?: boolean } = {}): Snapshot {
  const { carol = true, analytics = 'open', mostSpecific } = options;
  s.organizations.push({ ...s.organizations[0]!, id: SECOND, name: 'Second Co', slug: 'second-co', default_role_id: null, ...(mostSpecific !== undefined && { uses_most_specific_access_resolution: mostSpecific }) });
  const uuidOf = (email: string) => s.users.find((u) => u.email === email)!.uuid;
  s.memberships.push({ id: '22222222-0000-4000-8000-000000000001', organization_id: SECOND, user_uuid: uuidOf('alice@example.com'), level: 15, joined_at: T0, updated_at: T0 });
  if (carol) s.memberships.push({ id: CAROL_IN_SECOND, organization_id: SECOND, user_uuid: uuidOf('carol@example.com'), level: 1, joined_at: T0, updated_at: T0 });
  s.projects.push({ id: ANALYTICS, uuid: '22222222-0000-4000-8000-000000000003', organization_id: SECOND, name: 'Analytics', api_token: 'phc_second', timezone: 'UTC', created_at: T0, updated_at: T0 });
  const rule = { team_id: ANALYTICS, resource: 'project', resource_id: String(ANALYTICS), role: null, created_by_uuid: null, created_at: T0, updated_at: T0 };
  if (analytics !== 'open') s.access_controls.push({ ...rule, id: '22222222-0000-4000-8000-000000000004', organization_member: null, access_level: 'none' });
  if (analytics === 'private, carol in') s.access_controls.push({ ...rule, id: '22222222-0000-4000-8000-000000000005', organization_member: CAROL_IN_SECOND, access_level: 'member' });
  return s;
}
