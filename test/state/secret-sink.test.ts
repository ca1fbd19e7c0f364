// What plan and drift read from --secrets-file: a verdict per declared key, never a value.
import { mkdtemp, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { maskKey as emulatorMask, newSecretKeyValue } from '../../src/emulator/state.ts';
import { postHogMask, readSecretKeySink } from '../../src/state/secret-sink.ts';
import { actual, desired, project, secretKey } from '../plan/builders.ts';

const CURRENT = 'phs_0123456789abcdefghijklmnopqrstuvwxyzCURR';
const DEAD = 'phs_0123456789abcdefghijklmnopqrstuvwxyzDEAD';

describe('postHogMask', () => {
  it('is PostHog\'s: the first 4 and last 4 characters around "...", "********" under 16 characters', () => {
    expect(postHogMask(CURRENT)).toBe('phs_...CURR');
    expect(postHogMask('phs_0123456789ab')).toBe('phs_...89ab');
    expect(postHogMask('phs_0123456789a')).toBe('********');
    // Python counts code points, not UTF-16 units.
    expect(postHogMask('phs_0123456789a😀')).toBe('phs_...89a😀');
  });

  it('matches the emulator\'s masks of the values it makes', () => {
    for (let i = 0; i < 20; i++) {
      const value = newSecretKeyValue();
      expect(postHogMask(value)).toBe(emulatorMask(value));
    }
  });
});

describe('readSecretKeySink', () => {
  const matrix = desired({ projects: { Production: project({ secretKeys: { a: { scopes: ['query:read'] }, b: { scopes: ['query:read'] }, c: { scopes: ['query:read'] }, d: { scopes: ['query:read'] }, new: { scopes: ['query:read'] } } }) } });
  const state = actual((s) => s.project('Production', { secretKeys: {
    a: { ...secretKey('a', ['query:read']), mask: 'phs_...CURR' },
    b: { ...secretKey('b', ['query:read']), mask: 'phs_...CURR' },
    c: { ...secretKey('c', ['query:read']), mask: 'phs_...CURR' },
    d: { ...secretKey('d', ['query:read']), mask: null },
  } }));

  it('per declared key PostHog has: the current value, another (dead) one, none, or no mask to compare with', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'sink-')), 'secrets.json');
    await writeFile(file, JSON.stringify({ Production: { a: CURRENT, b: DEAD, d: DEAD, new: DEAD } }), { mode: 0o644 });
    const sink = await readSecretKeySink(file, matrix, state);
    expect(sink).toEqual({ file, exists: true, keys: { 'Production / a': 'current', 'Production / b': 'other', 'Production / c': 'none', 'Production / d': 'unknown' } });
    expect(JSON.stringify(sink)).not.toMatch(/CURR|DEAD|phs_/);
    expect((await stat(file)).mode & 0o777).toBe(0o600); // read as apply reads it: made owner-only first
  });

  it('a file that is not there: every key held by none, and said so; without --secrets-file, nothing', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'sink-')), 'missing.json');
    expect(await readSecretKeySink(file, matrix, state)).toEqual({ file, exists: false, keys: { 'Production / a': 'none', 'Production / b': 'none', 'Production / c': 'none', 'Production / d': 'none' } });
    expect(await readSecretKeySink(undefined, matrix, state)).toBeUndefined();
  });
});
