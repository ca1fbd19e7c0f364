// Bad input: a clear error naming the file, line and field, exit 1, no stack trace, and nothing
// sent to PostHog.
import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cli, control, emulator, type Emulator } from './harness.ts';

let emu: Emulator;
let dir: string;
beforeAll(async () => { emu = await emulator(); dir = await mkdtemp(join(tmpdir(), 'posthog-access-bad-')); });
afterAll(async () => { await emu.close(); });
beforeEach(async () => { await control(emu, 'DELETE', '/_emulator/requests'); });

const apiCalls = async () => ((await control(emu, 'GET', '/_emulator/requests')).json as unknown[]).length;
const matrixFile = async (name: string, text: string) => { const f = join(dir, name); await writeFile(f, text); return f; };

describe('a bad matrix', () => {
  it.each([
    ['unknown level', 'version: 1\nmembers:\n  bob@x.io: admni\n', ':3:13:', 'use one of: member, admin, owner'],
    ['duplicate key', 'version: 1\nmembers:\n  bob@x.io: admin\n  bob@x.io: member\n', ':4:3:', 'bob@x.io'],
    ['undeclared person', 'version: 1\nmembers:\n  bob@x.io: admin\nteams:\n  Eng:\n    members: [eve@x.io]\n', ':6:15:', 'eve@x.io is not declared in members'],
    ['unset variable', 'version: 1\norganization:\n  id: ${NOT_SET_ANYWHERE}\n', ':3:7:', 'NOT_SET_ANYWHERE'],
    ['wrong version', 'version: 2\n', ':1:10:', 'version'],
  ])('%s: exit 1, located message, nothing sent', async (_name, text, location, message) => {
    const file = await matrixFile('m.yaml', text);
    for (const args of [['validate'], ['plan'], ['apply', '--yes'], ['drift']]) {
      const run = await cli(emu, [...args, '-m', file]);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(`${file}${location}`);
      expect(run.stderr).toContain(message);
      expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
      expect(run.stdout).toBe('');
    }
    expect(await apiCalls()).toBe(0);
  });

  it('a missing matrix file says which file and what to do', async () => {
    const run = await cli(emu, ['plan', '-m', join(dir, 'nope.yaml')]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('nope.yaml');
    expect(await apiCalls()).toBe(0);
  });
});

describe('bad flags and environment', () => {
  it('an invalid --at date', async () => {
    const run = await cli(emu, ['plan', '-m', 'access-matrix.example.yaml', '--at', 'tomorrow']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('--at tomorrow');
  });

  it('no API key', async () => {
    const run = await cli(emu, ['plan', '-m', 'access-matrix.example.yaml'], { POSTHOG_PERSONAL_API_KEY: undefined });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('POSTHOG_PERSONAL_API_KEY');
    expect(await apiCalls()).toBe(0);
  });

  it('an invalid API key: the key is not echoed', async () => {
    const key = 'phx_fake_invalid_key_for_tests_0000';
    const run = await cli(emu, ['plan', '-m', 'access-matrix.example.yaml'], { POSTHOG_PERSONAL_API_KEY: key });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/API key/);
    expect(run.stderr + run.stdout).not.toContain(key);
  });

  it('plain http to a non-loopback host is refused before any request', async () => {
    const run = await cli(emu, ['plan', '-m', 'access-matrix.example.yaml'], { POSTHOG_HOST: 'http://posthog.internal.example' });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('http');
  });

  it('a file that is not a plan', async () => {
    const file = await matrixFile('not-a-plan.json', '{"hello": 1}');
    const run = await cli(emu, ['apply', file]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('not a posthog-access plan');
    expect((await control(emu, 'GET', '/_emulator/requests')).json.filter((r: { method: string }) => r.method !== 'GET')).toEqual([]);
  });

  it('an unknown option', async () => {
    const run = await cli(emu, ['plan', '--frobnicate']);
    expect(run.code).toBe(1);
  });
});

describe('secrets', () => {
  it('the key never reaches stdout, stderr (even at debug level), the saved plan or the journal', async () => {
    const out = join(dir, 'plan.json');
    const journal = join(dir, 'secret-journal.jsonl');
    const runs = [
      await cli(emu, ['--log-level', 'debug', 'plan', '-m', 'access-matrix.example.yaml', '--out', out, '--format', 'json']),
      await cli(emu, ['--log-level', 'debug', 'apply', out, '--journal', journal, '--secrets-file', join(dir, 'sink.json')]),
      await cli(emu, ['--log-level', 'debug', 'drift', '-m', 'access-matrix.example.yaml', '--format', 'markdown']),
    ];
    expect(runs.map((r) => r.code)).toEqual([0, 0, 2]); // drift: example.org is still to verify by hand
    const written = [await readFile(out, 'utf8'), await readFile(journal, 'utf8')];
    for (const text of [...runs.flatMap((r) => [r.stdout, r.stderr]), ...written]) expect(text).not.toContain(emu.key);
    expect(runs[0]!.stderr).toContain('"stage"'); // debug logs were written, and searched
    expect(await readdir(dir)).toContain('secret-journal.jsonl');
  });
});
