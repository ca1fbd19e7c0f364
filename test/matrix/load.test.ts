// loadMatrix: reads the file, hashes its bytes, reports unreadable files cleanly.
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.ts';
import { loadMatrix } from '../../src/matrix/load.ts';

const dir = mkdtempSync(join(tmpdir(), 'matrix-'));

describe('loadMatrix', () => {
  it('returns the desired state, the file and the sha256 of its bytes', async () => {
    const file = join(dir, 'ok.yaml');
    const text = 'version: 1\nmembers:\n  alice@example.com: owner\n';
    writeFileSync(file, text);
    const m = await loadMatrix(file, { env: {} });
    expect(m.file).toBe(file);
    expect(m.sha256).toBe(createHash('sha256').update(text).digest('hex'));
    expect(m.desired.members).toEqual({ 'alice@example.com': { level: 'owner' } });
  });

  it('reports problems with the file name as given', async () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'version: 1\nmembers:\n  alice@example.com: boss\n');
    await expect(loadMatrix(file, { env: {} })).rejects.toThrow(`${file}:3:22: members."alice@example.com": "boss" is not an organization level`);
  });

  it('reports a missing file as a ConfigError', async () => {
    const file = join(dir, 'missing.yaml');
    const err = await loadMatrix(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).message).toBe(`${file}: cannot read the access matrix (no such file); pass the right path, or start from access-matrix.example.yaml`);
  });

  it('uses process.env by default', async () => {
    const file = join(dir, 'env.yaml');
    writeFileSync(file, 'version: 1\norganization:\n  id: ${MATRIX_TEST_ORG:-@current}\n');
    const m = await loadMatrix(file);
    expect(m.desired.organization.id).toBe(process.env.MATRIX_TEST_ORG ?? '@current');
  });
});
