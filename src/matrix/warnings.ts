// Matrices that are valid but say something their author probably does not mean: warned about by
// `validate`, never refused.
import type { DesiredState } from '../model/desired.ts';
import { count } from '../util/english.ts';

export interface MatrixWarning {
  /** The YAML key the warning is about, e.g. `default_team` (to place it in the file). */
  key: string;
  message: string;
}

const LISTED = 5;

/** `a, b, c, d, e and 2 more`. */
export const listedPeople = (emails: string[]) => emails.slice(0, LISTED).join(', ') + (emails.length > LISTED ? ` and ${emails.length - LISTED} more` : '');

/**
 * The default team and the people in `members` it does not list, when `default_team` and
 * `prune.teams` are both on (and SCIM does not keep the team): whoever of them joins is put in
 * that team by PostHog and taken out by the next apply. Which of them will still join only
 * PostHog knows (the plan's `default_team_pruned` notice, src/plan/kinds/team-member.ts, narrows
 * it to the people to invite).
 */
export function unlistedInDefaultTeam(desired: DesiredState): { team: string; emails: string[] } | undefined {
  const team = desired.organization.defaultTeam;
  const spec = team !== undefined ? desired.teams[team] : undefined;
  if (team === undefined || !spec || spec.managedBy === 'scim' || !desired.prune.teams) return undefined;
  const listed = new Set(spec.members.map((m) => m.email));
  return { team, emails: Object.keys(desired.members).filter((email) => !listed.has(email)).sort() };
}

export function matrixWarnings(desired: DesiredState): MatrixWarning[] {
  const warnings: MatrixWarning[] = [];
  // PostHog puts everyone who joins in the default team; with prune.teams the next apply takes out
  // whoever the matrix does not list in it: access given, then removed. People already in the
  // organization never join again, but the matrix alone cannot tell who they are: a possibility.
  const unlisted = unlistedInDefaultTeam(desired);
  if (unlisted?.emails.length) {
    const { team, emails } = unlisted;
    warnings.push({
      key: 'default_team',
      message: `default_team: ${team} puts everyone who joins in ${team}, and prune.teams takes out on the next apply whoever teams.${team}.members does not list: `
        + `of the ${count(emails.length, 'person', 'people')} it does not list (${listedPeople(emails)}), whoever is not in the organization yet would get ${team}'s access when they join and then lose it `
        + `(\`plan\` names them; people already in it are not concerned). `
        + `Say which you mean: list them under teams.${team}.members to keep them in it; set prune.teams: false to let ${team} be where joiners start; or remove default_team (see docs/matrix.md, "default_team with prune.teams")`,
    });
  }
  return warnings;
}
