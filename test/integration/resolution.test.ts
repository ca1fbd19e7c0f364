// The organization's access resolution mode against the emulator's sample organization (legacy):
// shown in the plan's headers and JSON, a member none rule that a team grant beats is a warning,
// plan --resolution most-specific agrees with the emulator's preview, and after the switch the
// plan reads the new mode.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { api, cli, emulator, type Emulator } from './harness.ts';

let emu: Emulator;
let file: string;
let dir: string;
beforeEach(async () => {
  emu = await emulator();
  dir = await mkdtemp(join(tmpdir(), 'posthog-access-resolution-'));
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
    expect(JSON.parse((await cli(emu, ['plan', '-m', file, '--format', 'json'])).stdout).organizations[0].organization.resolution).toBe('legacy');
  });

  it('plan --resolution most-specific: who would lose what, and PostHog\'s preview agreeing', async () => {
    expect((await cli(emu, ['apply', '-m', file, '--yes', '--journal', join(dir, 'journal.jsonl')])).code).toBe(0);
    const plan = await cli(emu, ['plan', '-m', file, '--resolution', 'most-specific']);
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain('If the organization switched from legacy (highest wins) to most specific wins resolution');
    expect(plan.stdout).toContain('frank@example.com loses Staging: admin (team Engineering) → none (own rule)');
    expect(plan.stdout).toContain('PostHog\'s preview agrees for the projects the matrix names');
    const json = JSON.parse((await cli(emu, ['plan', '-m', file, '--resolution', 'most-specific', '--format', 'json'])).stdout);
    expect(json.organizations[0].resolutionSwitch.posthog).toMatchObject({ compared: true, onlyModel: [], onlyPostHog: [] });
  });

  it('most specific: read on every plan, and the same deny now works', async () => {
    await api(emu, 'POST', '/api/projects/1/access_control_resolution_accept/');
    const text = await cli(emu, ['plan', '-m', file]);
    expect(text.stdout.split('\n')[1]).toContain('access resolution: most specific wins');
    expect(text.stdout).not.toContain('deny_without_effect');
  });
});
