// Hostile input to the loader: files that are not matrices (the environment through /proc, a FIFO,
// a device, a huge file, binary data), keys interpolated into the matrix, input quoted in errors.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, openSync, ftruncateSync, closeSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.ts';
import { loadMatrix, MAX_MATRIX_BYTES } from '../../src/matrix/load.ts';
import { cli } from '../integration/harness.ts';
import { BASE, problemsOf } from './helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'matrix-hostile-'));
const KEY = `phx_${'A1b2C3d4'.repeat(6)}`;

async function problem(file: string): Promise<string> {
  const err = await loadMatrix(file, { env: {} }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ConfigError);
  return (err as ConfigError).message;
}

describe('the matrix must be a regular file of at most 10 MB, checked before reading', () => {
  it('refuses a symbolic link to /proc/self/environ without printing the environment', async () => {
    const link = join(dir, 'environ.yaml');
    symlinkSync('/proc/self/environ', link);
    const run = await cli(null, ['validate', '-m', link], { SECRET_MARKER: 'do-not-print-me' });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`${link}: cannot read the access matrix (it is /proc/`);
    expect(run.stderr).toContain('a system file, not an access matrix');
    expect(run.stderr).not.toContain('PATH=');
    expect(run.stderr).not.toContain(String(process.env.PATH));
    expect(run.stderr).not.toContain('internal error');
  });

  it('refuses a FIFO at once instead of waiting for a writer', async () => {
    const fifo = join(dir, 'pipe.yaml');
    execFileSync('mkfifo', [fifo]);
    expect(await problem(fifo)).toBe(`${fifo}: cannot read the access matrix (it is a named pipe (FIFO); the matrix must be a regular file); pass the right path, or start from access-matrix.example.yaml`);
  });

  it('refuses a symbolic link to a FIFO, naming where it points', async () => {
    const fifo = join(dir, 'pipe2');
    execFileSync('mkfifo', [fifo]);
    const link = join(dir, 'pipe-link.yaml');
    symlinkSync(fifo, link);
    expect(await problem(link)).toContain(`it is a named pipe (FIFO) (a symbolic link to ${fifo}); the matrix must be a regular file`);
  });

  it('refuses a device such as /dev/zero behind a symbolic link', async () => {
    const link = join(dir, 'zero.yaml');
    symlinkSync('/dev/zero', link);
    expect(await problem(link)).toContain('it is /dev/zero, through a symbolic link, a system file, not an access matrix');
  });

  it('refuses a file over the size limit before reading it', async () => {
    const big = join(dir, 'big.yaml');
    const fd = openSync(big, 'w');
    ftruncateSync(fd, MAX_MATRIX_BYTES + 1); // sparse: costs no disk
    closeSync(fd);
    expect(await problem(big)).toContain(`it is ${MAX_MATRIX_BYTES + 1} bytes, over the limit of ${MAX_MATRIX_BYTES} (10 MB)`);
  });

  it('refuses binary data without quoting it', async () => {
    const bin = join(dir, 'bin.yaml');
    writeFileSync(bin, Buffer.from('HOME=/root\0SECRET=hunter2\0'));
    const message = await problem(bin);
    expect(message).toContain('it holds binary data (NUL bytes), not YAML text');
    expect(message).not.toContain('hunter2');
  });
});

describe('errors quote at most a short excerpt of input', () => {
  it('a long value is cut to an excerpt with its length', () => {
    const long = `x${'y'.repeat(5000)}`;
    const [p] = problemsOf(`version: 1\nmembers:\n  alice@example.com: ${long}\n`);
    expect(p).toContain('"xyyyy');
    expect(p).toContain('…" (5001 characters)');
    expect(p!.length).toBeLessThan(400);
  });

  it('a document that is one long text is not echoed whole', () => {
    const [p] = problemsOf(`${'A=B;'.repeat(3000)}\n`);
    expect(p).toContain('the matrix must be a mapping of sections');
    expect(p!.length).toBeLessThan(400);
  });

  it('control characters in quoted input are escaped', () => {
    const [p] = problemsOf('version: 1\nmembers:\n  alice@example.com: "\\e[2Jboss"\n');
    expect(p).not.toContain('\u001b');
    expect(p).toContain('\\u001b[2Jboss');
  });
});

describe('${VAR} never brings a PostHog key into the matrix', () => {
  it.each(['phx_', 'phs_', 'phc_', 'pha_', 'phr_'])('refuses a %s value, naming the variable and the field, never the value', (prefix) => {
    const value = `${prefix}${'Zz9'.repeat(15)}`;
    const problems = problemsOf(`${BASE}projects:\n  Production:\n    members:\n      bob@example.com: { level: member, note: "ticket \${LEAKY}" }\n`, { LEAKY: value });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('projects.Production.members."bob@example.com".note: ${LEAKY} holds what looks like a PostHog key');
    expect(problems[0]).not.toContain(value);
    expect(problems[0]).not.toContain(value.slice(4, 20));
  });

  it('lets ordinary values through', () => {
    expect(problemsOf(`${BASE}projects:\n  Production:\n    members:\n      bob@example.com: { level: member, note: "ticket \${T}" }\n`, { T: 'phx_short or PHX-1234' })).toEqual([]);
  });

  it('the running key interpolated into a note stops plan before any output carries it', async () => {
    const file = join(dir, 'note.yaml');
    writeFileSync(file, `${BASE}projects:\n  Production:\n    members:\n      bob@example.com: { level: member, note: "ticket \${POSTHOG_PERSONAL_API_KEY}" }\n`);
    for (const args of [['validate', '-m', file], ['plan', '-m', file, '--format', 'markdown', '--out', join(dir, 'plan.json')]]) {
      const run = await cli(null, args, { POSTHOG_PERSONAL_API_KEY: KEY });
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('${POSTHOG_PERSONAL_API_KEY} holds what looks like a PostHog key');
      expect(run.stdout + run.stderr).not.toContain(KEY.slice(4, 16));
    }
  });
});
