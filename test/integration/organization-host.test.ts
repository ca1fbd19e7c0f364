// A matrix naming its organization's host and the variable holding its key is planned and applied
// there, with that key, whatever POSTHOG_HOST and POSTHOG_PERSONAL_API_KEY say.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, emulator, type Emulator } from './harness.ts';

describe('organization.host and organization.api_key_env', () => {
  let emu: Emulator;
  let matrix: string;
  let dir: string;
  beforeAll(async () => {
    emu = await emulator();
    dir = await mkdtemp(join(tmpdir(), 'posthog-access-host-'));
    matrix = join(dir, 'matrix.yaml');
    await writeFile(matrix, `version: 1\norganization:\n  host: ${emu.url}\n  api_key_env: EU_ADMIN_KEY\nteams:\n  Analysts: {}\n`);
  });
  afterAll(async () => { await emu.close(); });

  it('plans and applies against the matrix\'s host with the key its variable holds', async () => {
    const env = { POSTHOG_HOST: 'http://127.0.0.1:9', POSTHOG_PERSONAL_API_KEY: 'phx_not_this_one', EU_ADMIN_KEY: emu.key };
    const planned = await cli(null, ['plan', '-m', matrix, '--format', 'json'], env);
    expect(planned.stderr).toBe('');
    const plan = JSON.parse(planned.stdout);
    expect(plan.organizations[0].host).toBe(emu.url);
    expect(plan.organizations[0].changes.map((c: { id: string }) => c.id)).toContain('team:Analysts');
    const applied = await cli(null, ['apply', '-m', matrix, '--yes', '--journal', join(dir, 'journal.jsonl')], env);
    expect(applied.code).toBe(0);
    const again = await cli(null, ['plan', '-m', matrix, '--format', 'json', '--detailed-exitcode'], env);
    expect(JSON.parse(again.stdout).organizations[0].changes).toEqual([]);
    expect(again.code).toBe(0);
  });

  it('says which variable is missing, before any call', async () => {
    const run = await cli(null, ['plan', '-m', matrix], { POSTHOG_PERSONAL_API_KEY: emu.key });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('organization.api_key_env names $EU_ADMIN_KEY, which is not set');
  });
});
