// A large matrix (≈5,000+ lines) validates well under a second, errors included (no quadratic work).
import { describe, expect, it } from 'vitest';
import { parseMatrix } from '../../src/matrix/load.ts';
import { problemsOf } from './helpers.ts';

function bigMatrix(people: number, projects: number, broken = false): string {
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

describe('performance', () => {
  it('validates a 5,000-line matrix in well under a second', () => {
    const src = bigMatrix(2000, 60);
    expect(src.split('\n').length).toBeGreaterThan(5000);
    parseMatrix(src, 'big.yaml', {}); // warm up
    const started = performance.now();
    const m = parseMatrix(src, 'big.yaml', {});
    const ms = performance.now() - started;
    expect(Object.keys(m.desired.members)).toHaveLength(2000);
    expect(ms).toBeLessThan(800); // typically ~200 ms; headroom for parallel test runs
  });

  it('reports thousands of problems quickly', () => {
    const src = bigMatrix(2000, 20, true);
    problemsOf(src); // warm up
    const started = performance.now();
    const problems = problemsOf(src);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(problems.length).toBe(4000);
  });
});
