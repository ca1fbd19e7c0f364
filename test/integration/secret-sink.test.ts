// plan and drift read the secrets file (issue 8, "unknown outcomes are never silent"): a value the
// file holds that is not the key's current one (two runs rolling one key, a roll made elsewhere),
// or no value at all, is found by PostHog's mask and planned as a roll; never "No changes". No
// output ever holds a value, nor any part of one beyond PostHog's own mask of the current value.
import { mkdtemp, readFile, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { api, cli, emulator, type CliRun, type Emulator } from './harness.ts';

let emu: Emulator;
let dir: string;
let outputs: string[];

beforeEach(async () => {
  emu = await emulator();
  dir = await mkdtemp(join(tmpdir(), 'posthog-access-secret-sink-'));
  outputs = [];
});
afterEach(async () => {
  await emu.close();
});

const KEYS = `version: 1
organization:
  id: \${POSTHOG_ORG_ID}
projects:
  Production:
    secret_keys:
      new-service:
        scopes: [feature_flag:read]
`;

const journal = () => ['--journal', join(dir, 'journal.jsonl')];

/** Every run's output is kept, to check at the end that no value reached any of it. */
async function run(args: string[]): Promise<CliRun> {
  const result = await cli(emu, args);
  outputs.push(result.stdout, result.stderr);
  return result;
}

async function matrix(): Promise<string> {
  const file = join(dir, 'access-matrix.yaml');
  await writeFile(file, KEYS);
  return file;
}

const held = async (file: string) => JSON.parse(await readFile(file, 'utf8')).Production?.['new-service'] as string | undefined;

async function productionKey(): Promise<{ pid: number; id: string; mask: string }> {
  const projects = (await api(emu, 'GET', `/api/organizations/${emu.organization}/projects/`)).json.results as { id: number; name: string }[];
  const pid = projects.find((p) => p.name === 'Production')!.id;
  const keys = (await api(emu, 'GET', `/api/projects/${pid}/project_secret_api_keys/`)).json.results as { id: string; label: string; mask_value: string }[];
  const key = keys.find((k) => k.label === 'new-service')!;
  return { pid, id: key.id, mask: key.mask_value };
}

/** Whether the value works against PostHog (the emulator), as the service using it would find. */
async function works(value: string): Promise<boolean> {
  const { pid } = await productionKey();
  return (await api(emu, 'GET', `/api/projects/${pid}/feature_flags/local_evaluation/`, undefined, value)).status === 200;
}

/** No output holds a value, nor its last four characters in a mask (PostHog's `...` or the tool's `…`). */
function expectNoValueIn(values: readonly string[]): void {
  const text = outputs.join('\n');
  for (const value of values) {
    expect(text).not.toContain(value);
    expect(text).not.toContain(`...${value.slice(-4)}`);
    expect(text).not.toContain(`…${value.slice(-4)}`);
  }
}

describe('plan and drift --secrets-file: the sink is compared with PostHog', () => {
  it('two applies rolling one key left the file with the dead value: drift exits 2 naming it; apply rolls; the next plan is clean', async () => {
    const file = await matrix();
    const secrets = join(dir, 'secrets.json');
    expect((await run(['apply', '-m', file, '--yes', '--secrets-file', secrets, ...journal()])).code).toBe(0);
    const created = (await held(secrets))!;

    // Run A and run B each roll the key; A's delivery lands last, so the file ends with A's value,
    // which B's roll killed. Both journal lines say delivered: the journal alone sees nothing wrong.
    const roll = ['--yes', '--roll-secret-keys', 'Production/new-service', ...journal()];
    expect((await run(['apply', '-m', file, ...roll, '--secrets-file', secrets])).code).toBe(0);
    const runA = (await held(secrets))!;
    const elsewhere = join(dir, 'run-b.json');
    expect((await run(['apply', '-m', file, ...roll, '--secrets-file', elsewhere])).code).toBe(0);
    const runB = (await held(elsewhere))!;
    expect(await held(secrets)).toBe(runA);
    expect(await works(runA)).toBe(false);
    expect(await works(runB)).toBe(true);

    const { mask } = await productionKey();
    expect(mask).toBe(`${runB.slice(0, 4)}...${runB.slice(-4)}`);

    // Without the file, nothing is known of it: as before.
    const blind = await run(['drift', '-m', file, ...journal()]);
    expect(blind.stdout).toContain('No drift');
    expect(blind.code).toBe(0);

    const drift = await run(['drift', '-m', file, '--secrets-file', secrets, ...journal()]);
    expect(drift.code).toBe(2);
    expect(drift.stdout).not.toContain('No drift');
    expect(drift.stdout).toContain('No changes to apply. 1 manual step left to you (above).');
    // Told, not rolled: the file may be a stale copy while the service holds a working value.
    expect(drift.stdout).not.toContain('roll: false → true');
    expect(drift.stdout).toContain(`Production / new-service: the secrets file holds a value that is not the key's current one (--secrets-file ${secrets}). If the service's value is lost, roll the key so that the file holds one that works: posthog-access apply --roll-secret-keys "Production/new-service" --secrets-file ${secrets}`);
    expect(drift.stdout).not.toContain(mask);
    for (const format of ['json', 'markdown']) {
      const other = await run(['drift', '-m', file, '--secrets-file', secrets, '--format', format, ...journal()]);
      expect(other.code).toBe(2);
      expect(other.stdout).toContain('not the key\'s current one');
    }
    // The file was only read.
    expect(await held(secrets)).toBe(runA);

    // apply without asking rolls nothing; asked, it rolls into the file.
    const unasked = await run(['apply', '-m', file, '--yes', '--secrets-file', secrets, ...journal()]);
    expect(unasked.code).toBe(0);
    expect(await held(secrets)).toBe(runA);
    const fixed = await run(['apply', '-m', file, '--yes', '--roll-secret-keys', 'Production/new-service', '--secrets-file', secrets, ...journal()]);
    expect(fixed.code).toBe(0);
    expect(fixed.stdout).toContain('✓ update secret_key Production / new-service');
    const now = (await held(secrets))!;
    expect(now).not.toBe(runA);
    expect(await works(now)).toBe(true);

    const after = await run(['plan', '-m', file, '--detailed-exitcode', '--secrets-file', secrets, ...journal()]);
    expect(after.stdout).toContain('No changes');
    expect(after.code).toBe(0);
    expect((await run(['drift', '-m', file, '--secrets-file', secrets, ...journal()])).code).toBe(0);

    // Nothing of any value is shown, not even PostHog's mask (a value sharing runB's last four
    // characters, one chance in millions, is left out of this check).
    expect(outputs.join('\n')).not.toContain(mask);
    expectNoValueIn([created, runA, now].filter((v) => !mask.endsWith(v.slice(-4))));
    expect(outputs.join('\n')).not.toContain(runB);
  });

  it('a roll made on another machine, with no journal here: found by the file, told as a manual step; a saved plan of the roll asked for applies', async () => {
    const file = await matrix();
    const secrets = join(dir, 'secrets.json');
    expect((await run(['apply', '-m', file, '--yes', '--secrets-file', secrets, ...journal()])).code).toBe(0);
    const old = (await held(secrets))!;
    const { pid, id } = await productionKey();
    const rolled = await api(emu, 'POST', `/api/projects/${pid}/project_secret_api_keys/${id}/roll/`);
    expect(rolled.status).toBe(200);
    const lost = rolled.json.value as string;

    const noJournal = ['--journal', join(dir, 'no-journal-here.jsonl')];
    const told = await run(['plan', '-m', file, '--secrets-file', secrets, ...noJournal]);
    expect(told.code).toBe(0);
    expect(told.stdout).not.toContain('roll: false → true');
    expect(told.stdout).toContain('Production / new-service: the secrets file holds a value that is not the key\'s current one');

    const saved = join(dir, 'plan.json');
    const planned = await run(['plan', '-m', file, '--detailed-exitcode', '--roll-secret-keys', 'Production/new-service', '--secrets-file', secrets, '--out', saved, ...noJournal]);
    expect(planned.code).toBe(2);
    expect(planned.stdout).toContain('~ Production / new-service  roll: false → true');
    const applied = await run(['apply', saved, '--secrets-file', secrets, ...noJournal]);
    expect(applied.stderr).toBe('');
    expect(applied.code).toBe(0);
    const now = (await held(secrets))!;
    expect(await works(now)).toBe(true);
    expect((await run(['drift', '-m', file, '--secrets-file', secrets, ...noJournal])).code).toBe(0);
    expectNoValueIn([old]);
    expect(outputs.join('\n')).not.toContain(lost);
    expect(outputs.join('\n')).not.toContain(now);
    expect(await readFile(saved, 'utf8')).not.toContain(old);
  });

  it('a file with no entry for the key, or a file that is not there: a manual step, nothing rolled', async () => {
    const file = await matrix();
    const first = join(dir, 'first.json');
    expect((await run(['apply', '-m', file, '--yes', '--secrets-file', first, ...journal()])).code).toBe(0);
    const value = (await held(first))!;

    const empty = join(dir, 'secrets.json');
    await writeFile(empty, JSON.stringify({ Production: { 'other-service': 'phs_not_this_one_0123456789' } }), { mode: 0o600 });
    const drift = await run(['drift', '-m', file, '--secrets-file', empty, ...journal()]);
    expect(drift.code).toBe(2);
    expect(drift.stdout).not.toContain('roll: false → true');
    expect(drift.stdout).toContain(`Production / new-service: the secrets file holds no value for it (--secrets-file ${empty}). If the service's value is lost, roll the key`);

    const missing = join(dir, 'typo.json');
    const told = await run(['drift', '-m', file, '--secrets-file', missing, ...journal()]);
    expect(told.code).toBe(2);
    expect(told.stdout).not.toContain('roll: false → true');
    expect(told.stdout).toContain(`--secrets-file ${missing} does not exist, so it holds no value for Production / new-service, which PostHog has`);
    expect(told.stdout).toContain(`posthog-access apply --roll-secret-keys "Production/new-service" --secrets-file ${missing}`);
    expectNoValueIn([value]);
  });

  it('refuses a secrets file that is a symbolic link or not the JSON apply writes, quoting none of it', async () => {
    const file = await matrix();
    expect((await run(['apply', '-m', file, '--yes', '--secrets-file', join(dir, 'secrets.json'), ...journal()])).code).toBe(0);
    const link = join(dir, 'link.json');
    await symlink(join(dir, 'secrets.json'), link);
    const refused = await run(['plan', '-m', file, '--secrets-file', link, ...journal()]);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toBe(`error: --secrets-file ${link} is a symbolic link: refusing to read or write secrets through it; give the real path\n`);

    const broken = join(dir, 'broken.json');
    await writeFile(broken, 'phs_this_is_a_secret_value_not_json', { mode: 0o600 });
    const bad = await run(['drift', '-m', file, '--secrets-file', broken, ...journal()]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('is not a JSON object');
    expectNoValueIn(['phs_this_is_a_secret_value_not_json']);
  });
});
