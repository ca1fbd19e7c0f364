// docs/review.md stays true: its review of the sample organization is what `review` writes (on the
// day the page shows), its excerpts with the example matrix, CSV rows, JSON fields, record and the
// plan's notice are what the commands give, in the calls it says.
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { sampleSnapshot } from '../../src/emulator/sample.ts';
import { cli, emulator, type Emulator } from './harness.ts';

const doc = readFileSync('docs/review.md', 'utf8');
const blocks = [...doc.matchAll(/```(\w*)\n([\s\S]*?)```/g)].map((m) => ({ lang: m[1] ?? '', body: m[2] ?? '' }));
const NOW = new Date('2026-11-30T09:00:00Z');
const EXAMPLE = 'access-matrix.example.yaml';

let emu: Emulator;
beforeEach(async () => {
  vi.useFakeTimers({ toFake: ['Date'], now: NOW });
  emu = await emulator({ state: sampleSnapshot(NOW), now: () => NOW });
});
afterEach(async () => {
  await emu.close();
  vi.useRealTimers();
});

/** Every key of `shown`, at every depth, is a key of `real` (a list's items: of some item of the real list). */
function keysAreReal(shown: unknown, real: unknown, path = '$'): string[] {
  if (Array.isArray(shown)) {
    if (!Array.isArray(real)) return [path];
    return shown.flatMap((item, i) => (real.some((r) => !keysAreReal(item, r).length) ? [] : [`${path}[${i}]`]));
  }
  if (!shown || typeof shown !== 'object') return [];
  if (!real || typeof real !== 'object') return [path];
  return Object.entries(shown).flatMap(([k, v]) => (k === '…' ? [] : k in real ? keysAreReal(v, (real as Record<string, unknown>)[k], `${path}.${k}`) : [`${path}.${k}`]));
}

describe('docs/review.md', () => {
  it('shows the review of the sample organization exactly, in 7 calls plus 3 per project', async () => {
    const shown = blocks.find((b) => b.lang === 'markdown' && b.body.startsWith('# Access review'))!.body;
    const run = await cli(emu, ['review']);
    expect(run.stdout).toBe(shown);
    expect(emu.requests.filter((r) => r.path.startsWith('/api/'))).toHaveLength(7 + 3 * 3);
  });

  it('shows what the review with the example matrix finds, in Markdown, CSV and JSON', async () => {
    const markdown = (await cli(emu, ['review', '--matrix', EXAMPLE])).stdout;
    const findings = blocks.find((b) => b.lang === 'markdown' && b.body.startsWith('### Findings'))!.body;
    const tail = blocks.find((b) => b.lang === 'markdown' && b.body.startsWith('### Temporary grants'))!.body;
    expect(markdown).toContain(findings);
    expect(markdown.endsWith(tail)).toBe(true);

    const csv = (await cli(emu, ['review', '--matrix', EXAMPLE, '--format', 'csv'])).stdout.split('\r\n');
    const shownCsv = blocks.find((b) => b.lang === 'csv')!.body.trimEnd().split('\n');
    expect(shownCsv[0]).toBe(csv[0]);
    expect(shownCsv.length).toBe(4);
    for (const line of shownCsv) expect(csv).toContain(line);

    const json = JSON.parse((await cli(emu, ['review', '--matrix', EXAMPLE, '--format', 'json'])).stdout);
    const shownJson = JSON.parse(blocks.find((b) => b.lang === 'json' && b.body.includes('"temporary_grants"'))!.body);
    expect(keysAreReal(shownJson, json)).toEqual([]);
    expect(shownJson.organizations[0].counts).toEqual(json.organizations[0].counts);
    expect(Object.keys(shownJson.organizations[0]).sort()).toEqual(Object.keys(json.organizations[0]).sort());
    for (const list of ['findings', 'members', 'invites', 'teams', 'temporary_grants', 'not_in_matrix', 'not_in_posthog', 'secret_keys', 'personal_keys', 'notes']) {
      for (const item of shownJson.organizations[0][list]) expect(json.organizations[0][list]).toContainEqual(item);
    }
    const production = json.organizations[0].projects.find((p: { project: string }) => p.project === 'Production');
    expect(production.people).toContainEqual(shownJson.organizations[0].projects[0].people[0]);
  });

  it('shows the record and the notice plan gives until one exists', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'posthog-access-review-docs-'));
    const file = join(dir, 'access-matrix.yaml');
    const stanza = blocks.find((b) => b.lang === 'yaml' && b.body.startsWith('review:'))!.body;
    await writeFile(file, `${(await readFile(EXAMPLE, 'utf8')).replace(/\nprune:/, `\n${stanza}\nprune:`)}`);
    const notice = blocks.find((b) => b.body.startsWith('Notices\n'))!.body.split('\n')[1]!;
    const plan = (await cli(emu, ['plan', '--matrix', file])).stdout.replaceAll(`${dir}/`, '');
    expect(plan.split('\n')).toContain(notice);

    const run = await cli(emu, ['review', '--matrix', file, '--record', join(dir, 'reviews'), '--reviewer', 'Rita Reviewer <rita@example.com>']);
    expect(run.code).toBe(0);
    const record = JSON.parse(await readFile(join(dir, 'reviews', 'access-review-2026-11-30.json'), 'utf8'));
    const shown = JSON.parse(blocks.find((b) => b.lang === 'json' && b.body.includes('"posthog-access review record"'))!.body);
    expect(keysAreReal(shown, record)).toEqual([]);
    expect(Object.keys(shown).sort()).toEqual(Object.keys(record).sort());
    expect({ ...record, organizations: undefined }).toEqual({ ...shown, organizations: undefined });
    expect((await cli(emu, ['plan', '--matrix', file])).stdout).not.toContain('review_due');
  });
});
