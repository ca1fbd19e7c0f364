import { describe, expect, it } from 'vitest';
import { renderJson, renderJsonChunks } from '../../src/plan/render/json.ts';
import type { Plan } from '../../src/plan/types.ts';
import { change, organizationPlan, plan, plans, samplePlan } from './builders.ts';

describe('renderJson', () => {
  it('round-trips: the JSON is the plan itself', () => {
    const p = samplePlan({
      notices: [{ level: 'warning', code: 'unmanaged', message: 'Sandbox', key: 'Sandbox' }],
      manualSteps: [{ key: 'example.com', message: 'verify' }],
      refusals: [{ guard: 'max_deletes', message: 'too many', changeIds: ['member:dave@example.com'] }],
    });
    expect(JSON.parse(renderJson(p))).toEqual(p);
    expect(JSON.parse(renderJson(p)).formatVersion).toBe(2);
  });

  it('is pretty-printed with two spaces and ends with a newline', () => {
    const json = renderJson(plan());
    expect(json.startsWith('{\n  "formatVersion": 2,\n  "tool": {\n    "name": "posthog-access",')).toBe(true);
    expect(json.endsWith('}\n')).toBe(true);
  });

  it("orders keys as the Plan declares them, whatever order the plan was built in", () => {
    const p = samplePlan();
    const shuffled = Object.fromEntries(Object.entries(p).reverse()) as unknown as Plan;
    shuffled.organizations = p.organizations.map((o) => {
      const org = Object.fromEntries(Object.entries(o).reverse()) as unknown as typeof o;
      org.changes = o.changes.map((c) => Object.fromEntries(Object.entries(c).reverse()) as unknown as typeof c);
      return org;
    });
    expect(renderJson(shuffled)).toBe(renderJson(p));
    expect(Object.keys(JSON.parse(renderJson(shuffled)))).toEqual([
      'formatVersion',
      'tool',
      'createdAt',
      'at',
      'validUntil',
      'organizations',
      'summary',
      'checksum',
    ]);
    expect(Object.keys(JSON.parse(renderJson(shuffled)).organizations[0])).toEqual([
      'host',
      'organization',
      'matrix',
      'validUntil',
      'fingerprint',
      'read',
      'safety',
      'changes',
      'access',
      'notices',
      'manualSteps',
      'refusals',
      'summary',
    ]);
    // Who gains or loses what, as the effective-access model says it.
    expect(JSON.parse(renderJson(shuffled)).organizations[0].access).toContainEqual({
      email: 'carol@example.com', direction: 'loses',
      before: { level: 'admin', source: 'own rule' }, after: { level: 'member', source: 'default rule' },
      because: ['project_access:Production / member:carol@example.com'], places: [{ project: 'Production' }],
    });
    const withPatch = change({ patch: [{ op: 'replace', path: '/level', value: 'member' }], note: 'n' });
    expect(Object.keys(JSON.parse(renderJson(plan({ changes: [withPatch] }))).organizations[0].changes[0])).toEqual([
      'id',
      'kind',
      'action',
      'key',
      'subject',
      'before',
      'after',
      'patch',
      'reason',
      'note',
      'destructive',
      'dependsOn',
    ]);
  });

  it('sorts the keys of free-form values and keeps unknown fields, after the known ones', () => {
    const c = change({ kind: 'invite', action: 'create', key: 'e', after: { projects: { b: 'member', a: 'admin' }, level: 'member', expired: false } });
    const m = change({ kind: 'team_member', action: 'create', key: 'T / e', subject: { team: 'T', email: 'e' }, after: {} });
    const p = { ...plan({ changes: [c, m] }), futureField: true } as Plan;
    const out = JSON.parse(renderJson(p));
    const [first, second] = out.organizations[0].changes;
    expect(Object.keys(first.after)).toEqual(['expired', 'level', 'projects']);
    expect(Object.keys(first.after.projects)).toEqual(['a', 'b']);
    expect(Object.keys(second.subject)).toEqual(['email', 'team']);
    expect(Object.keys(out).at(-1)).toBe('futureField');
  });

  it('writes the plan one level into a larger document as JSON.stringify would (apply --format json: { plan, apply })', () => {
    const p = samplePlan({ notices: [{ level: 'warning', code: 'unmanaged', message: 'Sandbox', key: 'Sandbox' }] });
    const nested = `{\n  "plan": ${[...renderJsonChunks(p, { indent: '  ', last: '' })].join('')},\n  "apply": {\n    "status": "applied"\n  }\n}\n`;
    expect(nested).toBe(`${JSON.stringify({ plan: JSON.parse(renderJson(p)), apply: { status: 'applied' } }, null, 2)}\n`);
  });

  it('writes keys that are numbers as JSON.stringify does: first, by number (projects named "10" and "9")', () => {
    const c = change({ kind: 'invite', action: 'create', key: 'e', after: { level: 'member', expired: false, projects: { Alpha: 'member', 9: 'admin', '-x': 'member', 10: 'member' } } });
    const p = plan({ changes: [c] });
    const json = renderJson(p);
    expect(json).toBe(`${JSON.stringify(JSON.parse(json), null, 2)}\n`);
    // In the text (parsing would put them in this order whatever the text said).
    const at = ['"9": "admin"', '"10": "member"', '"-x": "member"', '"Alpha": "member"'].map((k) => json.indexOf(k));
    expect(at.every((i) => i > 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
  });

  it('leaves out absent optional fields rather than writing null', () => {
    const out = JSON.parse(renderJson(plan({ changes: [change({ action: 'create' })] })));
    expect('note' in out.organizations[0].changes[0]).toBe(false);
    expect('patch' in out.organizations[0].changes[0]).toBe(false);
  });

  it('writes a large plan in pieces of about 64 KB: two spaces, keys in order, the plan itself', () => {
    const invites = Array.from({ length: 1_500 }, (_, i) => change({ kind: 'invite', action: 'create', key: `p${i}@x.io`, after: { level: 'member', projects: { b: 'member', a: 'admin' }, expired: false } }));
    const access = invites.map((c) => ({
      email: c.key, direction: 'gains' as const, before: null, after: { level: 'member', source: 'invite' }, because: [c.id], places: [{ project: 'Alpha' }, { project: 'Beta', resource: 'dashboard' }],
    }));
    const p = { ...plans([organizationPlan({ changes: invites, access }), organizationPlan({ changes: [] })]), futureField: { z: 1, a: [] } } as Plan;
    const chunks = [...renderJsonChunks(p)];
    expect(chunks.length).toBeGreaterThan(5);
    // Each piece is handed on once it passes 64 KB: one change or entry past it at most.
    for (const chunk of chunks) expect(chunk.length).toBeLessThan(70_000);
    const json = chunks.join('');
    expect(json).toBe(renderJson(p));
    // The layout is JSON.stringify's own, with the keys in the declared order.
    expect(json).toBe(`${JSON.stringify(JSON.parse(json), null, 2)}\n`);
    expect(JSON.parse(json)).toEqual(JSON.parse(JSON.stringify(p)));
    expect(Object.keys(JSON.parse(json).organizations[0].changes[7])).toEqual(['id', 'kind', 'action', 'key', 'subject', 'after', 'reason', 'destructive', 'dependsOn']);
    expect(json).toContain('\n      "changes": [\n        {\n          "id": "invite:p0@x.io",');
    expect(json).toContain('"changes": [],');
    expect(json.endsWith('  "futureField": {\n    "a": [],\n    "z": 1\n  }\n}\n')).toBe(true);
  });
});
