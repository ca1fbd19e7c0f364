// Property-style: for generated organizations and matrices that differ from them at random,
// apply converges (planning again shows no changes), also after every invite is accepted.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateMatrix, generateOrganization, type OrgSize } from '../../bench/generate.ts';
import { cli, control, emulator } from './harness.ts';

const SEEDS = [1, 2, 3, 4, 5, 6];

describe('generated organizations and matrices', () => {
  it.each(SEEDS)('seed %i: apply, then plan shows no changes', async (seed) => {
    const size: OrgSize = { members: 25 + seed * 3, projects: 2 + (seed % 4), teams: 2 + (seed % 3), rulesPerProject: 10, seed };
    const emu = await emulator({ state: generateOrganization(size), rateLimit: false });
    try {
      const dir = await mkdtemp(join(tmpdir(), 'posthog-access-gen-'));
      const matrix = join(dir, 'matrix.yaml');
      await writeFile(matrix, generateMatrix(size, seed * 7919));
      const journal = ['--journal', join(dir, 'journal.jsonl')];

      const applied = await cli(emu, ['apply', '-m', matrix, '--yes', ...journal]);
      expect(applied.stderr).toBe('');
      expect(applied.stdout).toContain('0 failed, 0 skipped');
      const again = await cli(emu, ['plan', '-m', matrix, '--format', 'json', '--detailed-exitcode']);
      expect(JSON.parse(again.stdout).organizations[0].changes).toEqual([]);
      expect(again.code).toBe(0);

      // Everyone invited joins; what waited for them follows, and the result converges too.
      const invites = (await control(emu, 'GET', '/_emulator/state')).json.invites as { target_email: string }[];
      for (const invite of invites) await control(emu, 'POST', '/_emulator/invites/accept', { email: invite.target_email });
      expect((await cli(emu, ['apply', '-m', matrix, '--yes', ...journal])).code).toBe(0);
      const last = await cli(emu, ['plan', '-m', matrix, '--format', 'json', '--detailed-exitcode']);
      expect(JSON.parse(last.stdout).organizations[0].changes).toEqual([]);

    } finally {
      await emu.close(); // checks every request is a known PostHog operation
    }
  });
});
