// The organization's access resolution mode against the emulator's sample organization (legacy):
// shown in the plan's headers and JSON, and a member none rule that a team grant beats is a warning.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cli, emulator, type Emulator } from './harness.ts';

let emu: Emulator;
let file: string;
beforeEach(async () => {
  emu = await emulator();
  const dir = await mkdtemp(join(tmpdir(), 'posthog-access-resolution-'));
  file = join(dir, 'access-matrix.yaml');
  // frank is a member in Engineering; Engineering gets admin on Staging, frank is denied there.
  await writeFile(file, `version: 1
organization:
  id: \${POSTHOG_ORG_ID}
members:
  alice@example.com: owner
  frank@example.com: member
teams:
  Engineering:
    members: [frank@example.com]
projects:
  Staging:
    teams: { Engineering: admin }
    members: { frank@example.com: none }
`);
});
afterEach(async () => { await emu.close(); });

describe('resolution mode', () => {
  it('legacy: in the headers and the JSON plan, and the deny that does nothing is a warning', async () => {
    const text = await cli(emu, ['plan', '-m', file]);
    expect(text.stdout.split('\n')[1]).toContain('access resolution: legacy (highest wins)');
    expect(text.stdout).toContain('frank@example.com: none on Staging has no effect: team Engineering gives admin, and the organization resolves access in legacy ("highest wins") mode; it would deny in most-specific mode');
    expect((await cli(emu, ['plan', '-m', file, '--format', 'markdown'])).stdout).toContain('access resolution: **legacy (highest wins)**');
    expect(JSON.parse((await cli(emu, ['plan', '-m', file, '--format', 'json'])).stdout).organization.resolution).toBe('legacy');
  });
});
