// Which matrices a run covers (--matrix repeated, or a directory), and that one organization on one
// host has one matrix.
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.ts';
import { matrixFiles, refuseDuplicates } from '../../src/cli/pipeline.ts';

describe('matrixFiles', () => {
  it('keeps files as given, expands a directory to its *.yaml files in name order, and drops repeats', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'posthog-access-matrices-'));
    await mkdir(join(dir, 'orgs'));
    for (const name of ['b.yaml', 'a.yaml', 'c.yml', 'notes.md']) await writeFile(join(dir, 'orgs', name), 'version: 1\n');
    expect(await matrixFiles([join(dir, 'orgs'), 'x.yaml', join(dir, 'orgs', 'a.yaml')])).toEqual([join(dir, 'orgs', 'a.yaml'), join(dir, 'orgs', 'b.yaml'), 'x.yaml']);
    expect(await matrixFiles([])).toEqual(['access-matrix.yaml']);
    expect(await matrixFiles('one.yaml')).toEqual(['one.yaml']);
  });

  it('refuses a directory with no matrix in it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'posthog-access-matrices-'));
    await expect(matrixFiles([dir])).rejects.toThrow(`--matrix ${dir}: a directory with no *.yaml file in it`);
  });
});

describe('refuseDuplicates', () => {
  const org = '0190c3a1-2b4c-7d5e-8f60-718293a4b5c6';
  it('refuses one organization on one host twice, however the host is written', () => {
    const run = () => refuseDuplicates([
      { file: 'a.yaml', host: 'https://eu.posthog.com', organization: org },
      { file: 'b.yaml', host: 'HTTPS://EU.posthog.com/', organization: org },
    ]);
    expect(run).toThrow(ConfigError);
    expect(run).toThrow(`a.yaml and b.yaml both name organization ${org} on https://eu.posthog.com: one organization is managed by one matrix`);
  });

  it('allows one organization id on two hosts, and two organizations on one host', () => {
    expect(() => refuseDuplicates([
      { file: 'a.yaml', host: 'https://eu.posthog.com', organization: org },
      { file: 'b.yaml', host: 'https://us.posthog.com', organization: org },
      { file: 'c.yaml', host: 'https://us.posthog.com', organization: '@current' },
    ])).not.toThrow();
  });

  it('@current is the key\'s organization: the same key variable twice is one organization', () => {
    expect(() => refuseDuplicates([
      { file: 'a.yaml', host: 'https://us.posthog.com', organization: '@current' },
      { file: 'b.yaml', host: 'https://us.posthog.com', organization: '@current', apiKeyEnv: 'POSTHOG_PERSONAL_API_KEY' },
    ])).toThrow("both name organization @current (the organization of $POSTHOG_PERSONAL_API_KEY's key)");
    expect(() => refuseDuplicates([
      { file: 'a.yaml', host: 'https://us.posthog.com', organization: '@current' },
      { file: 'b.yaml', host: 'https://us.posthog.com', organization: '@current', apiKeyEnv: 'OTHER_KEY' },
    ])).not.toThrow();
  });
});
