// Every resource kind, in apply order: what others refer to comes first (projects, teams), then
// invites, levels and memberships, then access rules. Removals run after all of these, in reverse.
import type { Kind } from './kind.ts';
import { projectKind } from './kinds/project.ts';
import { teamKind } from './kinds/team.ts';
import { orgSettingsKind } from './kinds/org-settings.ts';
import { domainKind } from './kinds/domain.ts';
import { inviteKind } from './kinds/invite.ts';
import { memberKind } from './kinds/member.ts';
import { teamMemberKind } from './kinds/team-member.ts';
import { projectAccessKind, resourceAccessKind } from './kinds/access.ts';
import { secretKeyKind } from './kinds/secret-key.ts';
import type { Change, ChangeKind, Subject } from './types.ts';

/** By name, in apply order (a kind missing here is a type error). */
const BY_KIND: { [K in ChangeKind]: Kind<K> } = {
  project: projectKind,
  team: teamKind,
  org_settings: orgSettingsKind,
  domain: domainKind,
  invite: inviteKind,
  member: memberKind,
  team_member: teamMemberKind,
  project_access: projectAccessKind,
  resource_access: resourceAccessKind,
  secret_key: secretKeyKind,
};

export type AnyKind = (typeof BY_KIND)[ChangeKind];

export const KINDS: readonly AnyKind[] = Object.values(BY_KIND);

export function kindOf<K extends ChangeKind>(kind: K): Kind<K> {
  return BY_KIND[kind];
}

const PHASE = new Map<string, number>(KINDS.map((k, i) => [k.kind, i]));

/** Apply order: creates and updates by kind; removals last, in reverse. */
export function phaseOf(c: Pick<Change, 'kind' | 'action'>): number {
  const p = PHASE.get(c.kind) ?? 0;
  return c.action === 'delete' ? 2 * KINDS.length - p : p;
}

/**
 * Within a phase, grants before restrictions, then by key. Each change's place (phase, then grant
 * or restriction) is worked out once, not at each of the sort's n·log n comparisons; only changes
 * of the same place compare their keys.
 */
export function orderChanges(changes: Change[]): Change[] {
  const ranked = changes.map((change) => ({ rank: 2 * phaseOf(change) + Number(change.destructive), key: change.key, change }));
  ranked.sort((a, b) => a.rank - b.rank || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return ranked.map((r) => r.change);
}

/** A change's subject with every field a subject may have (absent where its kind has none). */
export function subjectOf(change: Change): Subject {
  return change.subject;
}
