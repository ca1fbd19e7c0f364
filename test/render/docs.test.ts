// docs/plan-json.md promises a format; its example must be a plan this code accepts and writes.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderJson, renderMarkdown, renderText } from '../../src/plan/render/index.ts';
import { parseChange, parsePlan } from '../../src/plan/read.ts';
import type { Plan } from '../../src/plan/types.ts';

const doc = readFileSync(new URL('../../docs/plan-json.md', import.meta.url), 'utf8');
const blocks = [...doc.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => m[1]!);
const REQUIRED = ['id', 'kind', 'action', 'key', 'subject', 'reason', 'destructive', 'dependsOn'];
const KINDS = [
  'project', 'team', 'org_settings', 'domain', 'invite', 'member',
  'team_member', 'project_access', 'resource_access', 'secret_key',
];

describe('docs/plan-json.md', () => {
  it('has JSON blocks that all parse', () => {
    expect(blocks.length).toBeGreaterThan(0);
    for (const block of blocks) expect(() => JSON.parse(block)).not.toThrow();
  });

  const example = blocks.map((b) => JSON.parse(b) as Plan).find((p) => 'formatVersion' in p);

  it('has a full example of format version 2 whose changes have every required field', () => {
    expect(example).toBeDefined();
    expect(example!.formatVersion).toBe(2);
    expect(example!.organizations.length).toBeGreaterThan(0);
    const changes = example!.organizations.flatMap((o) => o.changes);
    expect(changes.length).toBeGreaterThan(0);
    for (const change of changes) {
      for (const field of REQUIRED) expect(change, `${change.id} lacks ${field}`).toHaveProperty(field);
      expect(KINDS).toContain(change.kind);
      expect(['create', 'update', 'delete']).toContain(change.action);
      expect(change.id).toBe(`${change.kind}:${change.key}`);
      if (change.action === 'create') expect(change).not.toHaveProperty('before');
      if (change.action === 'delete') expect(change).not.toHaveProperty('after');
      expect(parseChange(change)).toEqual(change); // a change its kind can make
    }
  });

  it('has an example consistent with itself: summary, refusal ids, dependencies', () => {
    expect(example!.summary).toEqual({
      create: example!.organizations.reduce((n, o) => n + o.summary.create, 0),
      update: example!.organizations.reduce((n, o) => n + o.summary.update, 0),
      delete: example!.organizations.reduce((n, o) => n + o.summary.delete, 0),
      destructive: example!.organizations.reduce((n, o) => n + o.summary.destructive, 0),
    });
    for (const p of example!.organizations) {
    const ids = new Set(p.changes.map((c) => c.id));
    expect(p.summary).toEqual({
      create: p.changes.filter((c) => c.action === 'create').length,
      update: p.changes.filter((c) => c.action === 'update').length,
      delete: p.changes.filter((c) => c.action === 'delete').length,
      destructive: p.changes.filter((c) => c.destructive).length,
    });
    for (const r of p.refusals) for (const id of r.changeIds) expect(ids).toContain(id);
    p.changes.forEach((c, i) => {
      for (const dep of c.dependsOn) expect(p.changes.slice(0, i).map((d) => d.id)).toContain(dep);
    });
    }
  });

  it('shows exactly what renderJson writes (key order, indentation)', () => {
    const block = blocks.find((b) => b.includes('"formatVersion"'))!;
    expect(renderJson(example!)).toBe(block);
  });

  it('has an example a saved plan can be: it reads back, checksum and all', () => {
    expect(parsePlan(example)).toEqual(example);
  });

  it('has an example the other renderers accept', () => {
    expect(renderText(example!, { color: false })).toContain('Plan: 2 to create, 1 to update, 1 to delete.');
    expect(renderMarkdown(example!)).toContain('> **Refused: this plan will not be applied.**');
  });

  it('documents every field of the example', () => {
    const fields = new Set([
      ...Object.keys(example!),
      ...example!.organizations.flatMap((o) => [
        ...Object.keys(o),
        ...o.changes.flatMap((c) => Object.keys(c)),
        ...o.notices.flatMap((n) => Object.keys(n)),
        ...o.refusals.flatMap((r) => Object.keys(r)),
        ...Object.keys(o.fingerprint),
      ]),
    ]);
    for (const field of fields) expect(doc, field).toContain(`| \`${field}\` |`);
  });
});
