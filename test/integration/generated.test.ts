// Property-style: for generated organizations and matrices that differ from them at random,
// apply converges (planning again shows no changes), also after every invite is accepted.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
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

describe('two generated organizations on two hosts, in one run', () => {
  it.each([[1, 4], [2, 5], [3, 6]])('seeds %i and %i: apply both, then plan shows no changes in either', async (...seeds) => {
    const sizes = seeds.map((seed): OrgSize => ({ members: 20 + seed * 3, projects: 2 + (seed % 4), teams: 2 + (seed % 3), rulesPerProject: 8, seed }));
    const emus = await Promise.all(sizes.map((size) => emulator({ state: generateOrganization(size), rateLimit: false })));
    try {
      const dir = await mkdtemp(join(tmpdir(), 'posthog-access-gen2-'));
      const matrices: string[] = [];
      const env: Record<string, string | undefined> = { POSTHOG_HOST: 'http://127.0.0.1:9', POSTHOG_PERSONAL_API_KEY: 'phx_not_this_one', POSTHOG_ORG_ID: undefined };
      for (const [i, size] of sizes.entries()) {
        // Each matrix names its organization's host and the variable holding its key.
        const generated = parse(generateMatrix(size, seeds[i]! * 7919)) as { organization?: Record<string, unknown> };
        generated.organization = { ...generated.organization, host: emus[i]!.url, api_key_env: `ORG_${i}_KEY` };
        env[`ORG_${i}_KEY`] = emus[i]!.key;
        const file = join(dir, `matrix-${i}.yaml`);
        await writeFile(file, stringify(generated));
        matrices.push(file);
      }
      const args = matrices.flatMap((m) => ['-m', m]);
      const journal = ['--journal', join(dir, 'journal.jsonl')];

      const applied = await cli(null, ['apply', ...args, '--yes', ...journal], env);
      expect(applied.stderr).toBe('');
      expect(applied.code).toBe(0);
      expect(applied.stdout).toContain('All 2 organizations applied.');
      const again = await cli(null, ['plan', ...args, '--format', 'json', '--detailed-exitcode'], env);
      expect(JSON.parse(again.stdout).organizations.map((o: { host: string; changes: unknown[] }) => [o.host, o.changes])).toEqual(emus.map((e) => [e.url, []]));
      expect(again.code).toBe(0);
    } finally {
      await Promise.all(emus.map((e) => e.close())); // checks every request is a known PostHog operation
    }
  });
});
