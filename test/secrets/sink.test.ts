import { chmod, mkdtemp, readFile, readdir, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { commandSink, fileSink } from '../../src/secrets/sink.ts';

const VALUE = 'phs_fake0123456789abcdefSECRET';
let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'posthog-access-sink-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const mode = async (path: string) => (await stat(path)).mode & 0o777;

describe('fileSink', () => {
  it('creates the file with mode 0600 and writes {project: {label: value}}', async () => {
    const path = join(dir, 'secrets.json');
    const sink = fileSink(path);
    await sink.prepare();
    expect(await mode(path)).toBe(0o600);
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual({});
    await sink.deliver({ project: 'Production', label: 'flag-service', value: VALUE });
    expect(await mode(path)).toBe(0o600);
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual({ Production: { 'flag-service': VALUE } });
  });

  it('merges with existing content, also when deliveries run in parallel, and leaves no temp files', async () => {
    const path = join(dir, 'secrets.json');
    await writeFile(path, JSON.stringify({ Production: { old: 'keep-me' }, Other: { x: 'y' } }), { mode: 0o600 });
    const sink = fileSink(path);
    await Promise.all([
      sink.deliver({ project: 'Production', label: 'a', value: 'va' }),
      sink.deliver({ project: 'Production', label: 'b', value: 'vb' }),
      sink.deliver({ project: 'Staging', label: 'a', value: 'vs' }),
      sink.deliver({ project: 'Production', label: 'old', value: 'rolled' }),
    ]);
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual({
      Production: { old: 'rolled', a: 'va', b: 'vb' }, Staging: { a: 'vs' }, Other: { x: 'y' },
    });
    expect(await readdir(dir)).toEqual(['secrets.json']);
  });

  it('tightens a file that others can read to 0600', async () => {
    const path = join(dir, 'secrets.json');
    await writeFile(path, '{}', { mode: 0o644 });
    const sink = fileSink(path);
    await sink.prepare();
    expect(await mode(path)).toBe(0o600);
    await chmod(path, 0o664);
    await sink.deliver({ project: 'P', label: 'l', value: VALUE });
    expect(await mode(path)).toBe(0o600);
  });

  it('refuses a path that is a symbolic link, and leaves its target alone', async () => {
    const target = join(dir, 'target.json');
    await writeFile(target, '{}', { mode: 0o644 });
    const link = join(dir, 'secrets.json');
    await symlink(target, link);
    const sink = fileSink(link);
    await expect(sink.prepare()).rejects.toThrow(/symbolic link/);
    await expect(sink.deliver({ project: 'P', label: 'l', value: VALUE })).rejects.toThrow(/symbolic link/);
    expect(await readFile(target, 'utf8')).toBe('{}');
    expect(await mode(target)).toBe(0o644);
  });

  it('refuses a file that is not the expected JSON, without quoting its content', async () => {
    const path = join(dir, 'secrets.json');
    await writeFile(path, `${VALUE} not json`, { mode: 0o600 });
    const error = await fileSink(path).deliver({ project: 'P', label: 'l', value: 'new' }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toContain('not a JSON object');
    expect((error as Error).message).not.toContain('phs_');
    expect(await readFile(path, 'utf8')).toBe(`${VALUE} not json`);
  });
});

describe('commandSink', () => {
  it('runs the command once per key with the value on stdin and the project and label in its environment', async () => {
    const out = join(dir, 'out');
    const sink = commandSink(`cat > "${out}.$POSTHOG_PROJECT.$POSTHOG_SECRET_KEY_LABEL"; echo "$POSTHOG_PROJECT" >> "${out}.log"`);
    await sink.prepare();
    await sink.deliver({ project: 'Production', label: 'flag-service', value: VALUE });
    await sink.deliver({ project: 'Staging', label: 'ci', value: 'second' });
    expect(await readFile(`${out}.Production.flag-service`, 'utf8')).toBe(VALUE);
    expect(await readFile(`${out}.Staging.ci`, 'utf8')).toBe('second');
    expect(await readFile(`${out}.log`, 'utf8')).toBe('Production\nStaging\n');
  });

  it('uses the given environment as the base', async () => {
    const out = join(dir, 'env');
    await commandSink(`cat >/dev/null; echo "$BASE_VAR" > "${out}"`, { env: { PATH: process.env.PATH, BASE_VAR: 'from-session' } })
      .deliver({ project: 'P', label: 'l', value: VALUE });
    expect((await readFile(out, 'utf8')).trim()).toBe('from-session');
  });

  it('withholds PostHog credentials from the command, and scrubs them from its stderr', async () => {
    const out = join(dir, 'env');
    const env = {
      PATH: process.env.PATH, CI_TOKEN: 'kept',
      POSTHOG_PERSONAL_API_KEY: 'phx_fakeRunningKey000000000001', POSTHOG_KEY_BI: 'phx_fakeServiceKey0000000000002',
    };
    await commandSink(`cat >/dev/null; echo "$CI_TOKEN|$POSTHOG_PERSONAL_API_KEY|$POSTHOG_KEY_BI" > "${out}"`, { env }).deliver({ project: 'P', label: 'l', value: VALUE });
    expect((await readFile(out, 'utf8')).trim()).toBe('kept||');

    // Even a command given the values some other way cannot echo them into our errors.
    const leaky = commandSink(`echo "${env.POSTHOG_PERSONAL_API_KEY} ${env.POSTHOG_KEY_BI}" >&2; exit 1`, { env });
    const message = ((await leaky.deliver({ project: 'P', label: 'l', value: VALUE }).catch((e: Error) => e)) as Error).message;
    expect(message).toContain('exited with code 1');
    expect(message).not.toContain(env.POSTHOG_PERSONAL_API_KEY);
    expect(message).not.toContain(env.POSTHOG_KEY_BI);
  });

  it('fails with the exit code and the stderr tail, the value scrubbed', async () => {
    const sink = commandSink('v=$(cat); echo "cannot store $v for $POSTHOG_SECRET_KEY_LABEL" >&2; echo "$v"; exit 3');
    const error = await sink.deliver({ project: 'Production', label: 'flag-service', value: VALUE }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    const message = (error as Error).message;
    expect(message).toContain('exited with code 3');
    expect(message).toContain('Production/flag-service');
    expect(message).toContain('cannot store phs_…CRET for flag-service');
    expect(message).not.toContain(VALUE);
  });

  it('fails cleanly when the command does not read its stdin', async () => {
    await expect(commandSink('exit 7').deliver({ project: 'P', label: 'l', value: 'x'.repeat(1 << 20) })).rejects.toThrow(/exited with code 7 for P\/l \(no stderr\)/);
  });

  it.each([
    ['exits 0 without reading', 'exit 0'],
    ['reads only part of the value', 'head -c 3 >/dev/null'],
    ['exits 0 from inside', 'echo stored; exit 0'],
  ])('a command that %s has not delivered it', async (_what, command) => {
    const error = await commandSink(command).deliver({ project: 'P', label: 'l', value: VALUE }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe('--secrets-command exited 0 without reading all of its stdin (the value), so it stored nothing for P/l (no stderr)');
  });

  it('a command that reads it all in pieces has delivered it', async () => {
    const out = join(dir, 'pieces');
    await commandSink(`head -c 5 > "${out}"; cat >> "${out}"`).deliver({ project: 'P', label: 'l', value: VALUE });
    expect(await readFile(out, 'utf8')).toBe(VALUE);
  });

  it('a command that hangs is killed at its timeout, with whatever it started', async () => {
    const error = await commandSink('cat >/dev/null; sleep 30 & sleep 30', { timeoutMs: 300 }).deliver({ project: 'P', label: 'l', value: VALUE }).catch((e: Error) => e);
    expect((error as Error).message).toBe('--secrets-command did not finish within 0.3 s and was killed for P/l (no stderr)');
  });

  it('a stopped run kills the command', async () => {
    const controller = new AbortController();
    const pending = commandSink('sleep 30', { signal: controller.signal }).deliver({ project: 'P', label: 'l', value: VALUE }).catch((e: Error) => e);
    setTimeout(() => controller.abort(), 100);
    expect(((await pending) as Error).message).toContain('--secrets-command was killed: the run was stopped for P/l');
  });

  it('refuses an empty command before apply starts', async () => {
    await expect(commandSink('  ').prepare()).rejects.toThrow(/empty/);
  });
});
