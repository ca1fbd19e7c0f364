// What plan and drift read from the apply journal about calls that made secret key values.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSecretKeyJournal } from '../../src/state/secret-journal.ts';

const line = (time: string, result: string, change: Record<string, unknown>, organization = 'org-1') =>
  JSON.stringify({ time, change: { id: `secret_key:${String(change.key)}`, kind: 'secret_key', ...change }, result, organization, key: 'phx_…abcd', commit: null });

describe('readSecretKeyJournal', () => {
  it('per key: the last start and the last delivery of calls that make a value, for this organization only', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'journal-')), 'journal.jsonl');
    writeFileSync(file, [
      line('2026-11-01T00:00:00Z', 'started', { key: 'Prod / svc', action: 'create', after: { scopes: [], roll: false } }),
      line('2026-11-01T00:00:01Z', 'ok', { key: 'Prod / svc', action: 'create', after: { scopes: [], roll: false } }),
      line('2026-11-20T00:00:00Z', 'started', { key: 'Prod / svc', action: 'update', after: { scopes: [], roll: true } }),
      line('2026-11-20T00:00:09Z', 'failed', { key: 'Prod / svc', action: 'update', after: { scopes: [], roll: true } }),
      // A scope change makes no value; another organization's lines do not count; a line cut by a crash is skipped.
      line('2026-11-21T00:00:00Z', 'ok', { key: 'Prod / svc', action: 'update', after: { scopes: ['x'], roll: false } }),
      line('2026-11-22T00:00:00Z', 'started', { key: 'Prod / other', action: 'create', after: { scopes: [], roll: false } }, 'org-2'),
      '{"time":"2026-11-23T00:00:00Z","change":{"kind":"secret_key","key":"Prod / svc"',
    ].join('\n'));
    expect(await readSecretKeyJournal(file, 'org-1')).toEqual({ 'Prod / svc': { started: '2026-11-20T00:00:00Z', delivered: '2026-11-01T00:00:01Z' } });
  });

  it('no journal: nothing known, nothing claimed', async () => {
    expect(await readSecretKeyJournal(join(tmpdir(), 'no-such-journal.jsonl'), 'org-1')).toBeUndefined();
    expect(await readSecretKeyJournal(undefined, 'org-1')).toBeUndefined();
  });
});
