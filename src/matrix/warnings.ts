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

export function matrixWarnings(desired: DesiredState): MatrixWarning[] {
  const warnings: MatrixWarning[] = [];
  const team = desired.organization.defaultTeam;
  const spec = team !== undefined ? desired.teams[team] : undefined;
  // PostHog puts everyone who joins in the default team; with prune.teams the next apply takes out
  // whoever the matrix does not list in it: access given, then removed.
  if (team !== undefined && spec && spec.managedBy !== 'scim' && desired.prune.teams) {
    const listed = new Set(spec.members.map((m) => m.email));
    const outside = Object.keys(desired.members).filter((email) => !listed.has(email)).sort();
    if (outside.length) {
      const shown = outside.slice(0, LISTED).join(', ') + (outside.length > LISTED ? ` and ${outside.length - LISTED} more` : '');
      warnings.push({
        key: 'default_team',
        message: `default_team: ${team} puts everyone who joins in ${team}, and prune.teams takes out on the next apply whoever teams.${team}.members does not list: ${count(outside.length, 'person', 'people')} (${shown}) would get ${team}'s access when they join and then lose it. `
          + `Say which you mean: list them under teams.${team}.members to keep them in it; set prune.teams: false to let ${team} be where joiners start; or remove default_team (see docs/matrix.md, "default_team with prune.teams")`,
      });
    }
  }
  return warnings;
}
