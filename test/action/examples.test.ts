// The example workflows users copy (examples/, the same as in docs/ci.md): they use this Action with
// inputs it declares, and one concurrency group per organization that queues every run.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const repo = join(import.meta.dirname, '..', '..');
const action = parse(readFileSync(join(repo, 'action.yml'), 'utf8')) as { inputs: Record<string, unknown>; runs: { using: string; main: string } };
const ciDoc = readFileSync(join(repo, 'docs', 'ci.md'), 'utf8');
const examples = readdirSync(join(repo, 'examples')).filter((f) => f.endsWith('.yml'));

interface Step { uses?: string; with?: Record<string, unknown> }
interface Workflow { concurrency?: { group?: string; 'cancel-in-progress'?: boolean; queue?: string }; jobs: Record<string, { steps: Step[] }> }

describe('example workflows', () => {
  it('are the ones docs/ci.md shows', () => {
    expect(examples.length).toBe(3);
    for (const file of examples) expect(ciDoc, file).toContain(readFileSync(join(repo, 'examples', file), 'utf8').trim());
  });

  for (const file of examples) {
    it(`${file}: uses a release of this Action with inputs it declares, one queued run per organization`, () => {
      const workflow = parse(readFileSync(join(repo, 'examples', file), 'utf8')) as Workflow;
      const steps = Object.values(workflow.jobs).flatMap((job) => job.steps).filter((s) => s.uses?.includes('/posthog-access@'));
      expect(steps).toHaveLength(1);
      expect(steps[0]!.uses).toMatch(/^OWNER\/posthog-access@v\d+$/); // a major release tag (docs/ci.md, "Which version uses: runs")
      expect(Object.keys(steps[0]!.with ?? {}).filter((input) => !(input in action.inputs))).toEqual([]);
      expect(workflow.concurrency).toEqual({ group: 'posthog-access-${{ vars.POSTHOG_ORG_ID }}', 'cancel-in-progress': false, queue: 'max' });
    });
  }

  it('the Action runs on node24 from its entry', () => {
    expect(action.runs).toEqual({ using: 'node24', main: 'action/main.js' });
  });
});
