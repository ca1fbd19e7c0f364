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
import type { ChangeKind } from './types.ts';

export const KINDS: readonly Kind[] = [
  projectKind,
  teamKind,
  orgSettingsKind,
  domainKind,
  inviteKind,
  memberKind,
  teamMemberKind,
  projectAccessKind,
  resourceAccessKind,
  secretKeyKind,
];

export function kindOf(kind: ChangeKind): Kind {
  const found = KINDS.find((k) => k.kind === kind);
  if (!found) throw new Error(`no kind "${kind}" in the registry`);
  return found;
}
