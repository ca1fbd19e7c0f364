// Each kind builds its natural key from its subject with one function: the table says what it
// makes, and a saved plan whose key does not match its subject is refused.
import { describe, expect, it } from 'vitest';
import { kindOf } from '../../src/plan/registry.ts';
import { parseChange } from '../../src/plan/read.ts';
import type { ChangeKind, SubjectOf } from '../../src/plan/types.ts';

type Row = { [K in ChangeKind]: [K, SubjectOf<K>, string] }[ChangeKind];

const ROWS: Row[] = [
  ['project', { project: 'Data Warehouse' }, 'Data Warehouse'],
  ['team', { team: 'Engineering' }, 'Engineering'],
  ['org_settings', {}, 'settings'],
  ['domain', { domain: 'example.com' }, 'example.com'],
  ['invite', { email: 'erin@example.com' }, 'erin@example.com'],
  ['member', { email: 'bob@example.com' }, 'bob@example.com'],
  ['team_member', { team: 'Engineering', email: 'carol@example.com' }, 'Engineering / carol@example.com'],
  ['project_access', { project: 'Production' }, 'Production / default'],
  ['project_access', { project: 'Production', team: 'Engineering' }, 'Production / team:Engineering'],
  ['project_access', { project: 'Production', email: 'carol@example.com' }, 'Production / member:carol@example.com'],
  ['resource_access', { project: 'Production', resource: 'feature_flag' }, 'Production / feature_flag / default'],
  ['resource_access', { project: 'Production', resource: 'feature_flag', team: 'Engineering' }, 'Production / feature_flag / team:Engineering'],
  ['resource_access', { project: 'Production', resource: 'insight', email: 'a@x.io' }, 'Production / insight / member:a@x.io'],
  ['secret_key', { project: 'Production', label: 'flags' }, 'Production / flags'],
];

const keyOf = <K extends ChangeKind>(kind: K, subject: SubjectOf<K>): string => kindOf(kind).key(subject);

describe('natural keys', () => {
  for (const [kind, subject, key] of ROWS) {
    it(`${kind} ${JSON.stringify(subject)} → ${key}`, () => {
      expect(keyOf(kind, subject)).toBe(key);
    });
  }

  it('every kind is in the table', () => {
    expect(new Set(ROWS.map((r) => r[0])).size).toBe(10);
  });

  it('a saved change whose key is not the one its subject builds is refused', () => {
    const change = { id: 'member:bob@example.com', kind: 'member', action: 'delete', key: 'bob@example.com', subject: { email: 'bob@example.com' }, before: { level: 'member' }, reason: 'r', destructive: true, dependsOn: [] };
    expect(parseChange(change)).toEqual(change);
    expect(() => parseChange({ ...change, subject: { email: 'eve@example.com' } })).toThrow(/do not match its subject/);
    expect(() => parseChange({ ...change, before: { level: 'root' } })).toThrow(/before.level/);
    expect(() => parseChange({ ...change, after: { level: 'admin' } })).toThrow(/after/);
  });
});
