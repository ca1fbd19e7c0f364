// A key whose user is not an organization admin sees part of the organization only: PostHog lists to
// it the projects it can reach, and, with members_can_see_org_members off, only the members and role
// members it shares a project with (docs/cli.md). What it reads is then partial: a project, team,
// membership or rule it does not see may well exist, and what it does not list is not gone. So from
// such a view the plan keeps only changes to things it sees (updates), and never plans a create (it
// could make a second one) or a removal. Pure.
import type { ActualState } from '../model/actual.ts';
import { ORG_LEVELS, orgLevelName } from '../model/levels.ts';
import type { Change, Notice } from './types.ts';
import { withDependents } from './dependents.ts';
import { count } from '../util/english.ts';

/** The notice code that says the view is partial (renderers show it first). */
export const PARTIAL_VIEW = 'partial_view';

/** Whether the key's user sees only part of the organization (not an admin or owner). */
export function partialView(actual: ActualState): boolean {
  return actual.organization.membershipLevel < ORG_LEVELS.admin;
}

/** The changes a partial view may plan (updates of what it sees, and what needs only those), and the notice that says so. */
export function limitToVisible(changes: Change[], actual: ActualState): { changes: Change[]; notice: Notice } {
  const left = withDependents(changes, changes.filter((c) => c.action !== 'update').map((c) => c.id));
  const dropped = changes.filter((c) => left.has(c.id));
  const creates = dropped.filter((c) => c.action === 'create').length;
  const removals = dropped.filter((c) => c.action === 'delete').length;
  const hidden = actual.organization.settings.members_can_see_org_members === false ? ' (members_can_see_org_members is off: members too)' : '';
  const outOf = dropped.length
    ? ` Left out: ${[creates && count(creates, 'create'), removals && count(removals, 'removal'), dropped.length - creates - removals && count(dropped.length - creates - removals, 'change that needs them', 'changes that need them')].filter(Boolean).join(', ')}.`
    : '';
  return {
    changes: changes.filter((c) => !left.has(c.id)),
    notice: {
      level: 'warning', code: PARTIAL_VIEW,
      message: `${actual.me.email} (the key's user) is a ${orgLevelName(actual.organization.membershipLevel)} of ${actual.organization.name}, not an admin: PostHog shows it only part of the organization${hidden}, so this plan is made from a partial view and plans no create and no removal.${outOf} Plan with an organization admin's key to see the whole plan`,
    },
  };
}
