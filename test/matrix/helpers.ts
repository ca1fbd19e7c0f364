// Helpers for the matrix loader tests.
import { ConfigError } from '../../src/errors.ts';
import { parseMatrix } from '../../src/matrix/load.ts';
import type { Env } from '../../src/matrix/interpolate.ts';

export const FILE = 'm.yaml';

/** The problems parseMatrix reports for `source` (empty when it loads). */
export function problemsOf(source: string, env: Env = {}): string[] {
  try {
    parseMatrix(source, FILE, env);
    return [];
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
}

/** A small valid matrix to build cases on: 7 lines, so a case's own lines start at line 8. */
export const BASE = `version: 1
members:
  alice@example.com: owner
  bob@example.com: member
teams:
  Eng:
    members: [bob@example.com]
`;

/** A generated matrix of `people` members and `projects` projects (5,000+ lines at 2,000 × 60); `broken` adds two problems per person. */
export function bigMatrix(people: number, projects: number, broken = false): string {
  const lines = ['version: 1', 'members:'];
  for (let i = 0; i < people; i++) lines.push(`  user${i}@example.com: ${i % 10 === 0 ? 'admin' : 'member'}`);
  lines.push('teams:');
  for (let t = 0; t < 20; t++) {
    lines.push(`  Team ${t}:`, '    members:');
    for (let i = t; i < people; i += 20) lines.push(`      - user${i}@example.com`);
  }
  lines.push('projects:');
  for (let p = 0; p < projects; p++) {
    lines.push(`  Project ${p}:`, '    access: none', '    teams:');
    for (let t = 0; t < 20; t++) lines.push(`      Team ${t}: member`);
    lines.push('    members:');
    for (let i = p; i < people; i += 50) lines.push(`      user${i}@example.com: { level: admin, expires: 2026-12-31, then: member }`);
    lines.push('    resources:', '      feature_flag:', '        default: viewer', `        teams: { Team ${p % 20}: editor }`);
  }
  if (broken) for (let i = 0; i < people; i++) lines.push(`  Broken ${i}:`, `    members: { nobody${i}@example.com: superuser }`);
  return `${lines.join('\n')}\n`;
}
