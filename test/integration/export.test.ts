// `export` round trip: the exported matrix validates, and planning it against the same organization
// right after shows no changes — for the sample organization and generated ones, in both resolution
// modes, also after a generated matrix was applied (invites pending, rules with expiry).
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateMatrix, generateOrganization, type OrgSize } from '../../bench/generate.ts';
import { sampleSnapshot } from '../../src/emulator/sample.ts';
import type { SnapshotInput } from '../../src/emulator/snapshot.ts';
import { cli, emulator, type Emulator } from './harness.ts';

const MODES = [false, true];

function inMode<T extends SnapshotInput>(state: T, mostSpecific: boolean): T {
  state.organizations = state.organizations.map((o) => ({ ...o, uses_most_specific_access_resolution: mostSpecific }));
  return state;
}

/** Export to a file, validate it, plan it: exit 0 with --detailed-exitcode, no changes. */
async function roundTrip(emu: Emulator): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'posthog-access-export-'));
  const file = join(dir, 'exported.yaml');
  const exported = await cli(emu, ['export', '--out', file]);
  expect(exported.stderr).toBe('');
  expect(exported.code).toBe(0);
  const validated = await cli(null, ['validate', '-m', file]);
  expect(validated.stderr).toBe('');
  expect(validated.code).toBe(0);
  const plan = await cli(emu, ['plan', '-m', file, '--format', 'json', '--detailed-exitcode']);
  expect(JSON.parse(plan.stdout).organizations[0].changes).toEqual([]);
  expect(plan.code).toBe(0);
  return readFile(file, 'utf8');
}

describe('export', () => {
  it.each(MODES)('the sample organization round-trips (most specific: %s)', async (mostSpecific) => {
    const emu = await emulator({ state: inMode(sampleSnapshot(), mostSpecific) });
    try {
      const yaml = await roundTrip(emu);
      expect(yaml).toContain('  zoe@example.com: member # pending invite, sent ');
      expect(yaml).toContain('# Not in the matrix: henry@example.com: invite expired unanswered');
      expect(yaml).toContain('  identity_providers:\n    Okta:\n      domains: [ example.com ]\n      saml:\n');
      expect(yaml).toContain('    teams: { Engineering: member }');
      expect(yaml).toContain('    secret_keys: { flag-service: { scopes: [ feature_flag:read ] } }');
    } finally {
      await emu.close();
    }
  });

  it('writes the same bytes for the same organization, to stdout without --out, and never overwrites without --force', async () => {
    const emu = await emulator();
    try {
      const first = await cli(emu, ['export']);
      const second = await cli(emu, ['export']);
      expect(first.code).toBe(0);
      expect(second.stdout).toBe(first.stdout);
      expect(first.stdout).not.toMatch(/phs_|phx_/); // secret key values and key values never appear

      const dir = await mkdtemp(join(tmpdir(), 'posthog-access-export-'));
      const file = join(dir, 'matrix.yaml');
      await writeFile(file, 'mine\n');
      const refused = await cli(emu, ['export', '--out', file]);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain(`${file} exists: export never overwrites a file; pass --force to replace it`);
      expect(await readFile(file, 'utf8')).toBe('mine\n');
      const forced = await cli(emu, ['export', '--out', file, '--force']);
      expect(forced.code).toBe(0);
      expect(await readFile(file, 'utf8')).toBe(first.stdout);
    } finally {
      await emu.close();
    }
  });

  it.each([1, 2, 3, 4].map((seed) => [seed, seed % 2 === 0]))('generated organization %i round-trips (most specific: %s), also after a matrix was applied', async (seed, mostSpecific) => {
    const size: OrgSize = { members: 20 + seed * 4, projects: 2 + (seed % 3), teams: 2 + (seed % 2), rulesPerProject: 12, seed };
    const emu = await emulator({ state: inMode(generateOrganization(size), mostSpecific), rateLimit: false });
    try {
      await roundTrip(emu);
      const dir = await mkdtemp(join(tmpdir(), 'posthog-access-gen-'));
      const matrix = join(dir, 'matrix.yaml');
      await writeFile(matrix, generateMatrix(size, seed * 7919));
      const applied = await cli(emu, ['apply', '-m', matrix, '--yes', '--journal', join(dir, 'journal.jsonl')]);
      expect(applied.code).toBe(0);
      await roundTrip(emu);
    } finally {
      await emu.close();
    }
  });
});
