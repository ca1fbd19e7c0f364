// explain and who-can against the emulator: the live organization, a matrix's desired state, both
// resolution modes, two organizations in one run, and the documented JSON.
import { readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sampleSnapshot } from '../../src/emulator/sample.ts';
import { cli, emulator } from './harness.ts';
import { addSecondOrganization, SECOND } from './second-organization.ts';

/** The sample organization, plus "Second Co" where alice is owner and carol a member of a private project. */
function twoOrganizations(mostSpecific = false) {
  const s = sampleSnapshot();
  s.organizations = s.organizations.map((o) => ({ ...o, uses_most_specific_access_resolution: mostSpecific }));
  return addSecondOrganization(s, { analytics: 'private, carol in' });
}

async function matrices(): Promise<{ first: string; second: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'posthog-access-see-'));
  const first = join(dir, 'first.yaml');
  const second = join(dir, 'second.yaml');
  await writeFile(first, [
    'version: 1',
    'organization: { id: "${POSTHOG_ORG_ID}" }',
    'members: { alice@example.com: owner, carol@example.com: member, frank@example.com: member }',
    'teams: { Engineering: { members: [frank@example.com] } }',
    'projects:',
    '  Production:',
    '    access: none',
    '    members: { carol@example.com: { level: admin, expires: 2099-12-31, then: member } }',
    '    resources: { feature_flag: { default: viewer, teams: { Engineering: manager } } }',
  ].join('\n'));
  await writeFile(second, `version: 1\norganization: { id: "${SECOND}" }\nmembers: { carol@example.com: member }\nprojects:\n  Analytics:\n    members: { carol@example.com: admin }\n`);
  return { first, second };
}

describe('explain', () => {
  it('shows the live organization: level, teams, each project and resource type with its source', async () => {
    const emu = await emulator();
    try {
      const run = await cli(emu, ['explain', 'Frank@Example.com']);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(run.stdout).toBe([
        'frank@example.com in Example Co (legacy resolution: highest wins): member',
        '  teams: Engineering',
        '  Production      member  team Engineering',
        '    feature_flag  editor  default rule',
        '  Sandbox         admin   own rule',
        "  Staging         admin   PostHog's default",
        '',
      ].join('\n'));
      const nobody = await cli(emu, ['explain', 'nobody@example.com']);
      expect(nobody.code).toBe(1);
      expect(nobody.stdout).toContain('nobody@example.com is neither a member of Example Co nor invited to it.');
    } finally {
      await emu.close();
    }
  });

  it('gives the documented JSON, for two organizations from two matrices (what apply would leave)', async () => {
    const emu = await emulator({ state: twoOrganizations() });
    try {
      const { first, second } = await matrices();
      const run = await cli(emu, ['explain', 'carol@example.com', '-m', first, '-m', second, '--format', 'json']);
      expect(run.stderr).toBe('');
      const json = JSON.parse(run.stdout);
      expect(json).toMatchObject({ formatVersion: 1, email: 'carol@example.com' });
      expect(json.organizations.map((o: { organization: string; mode: string; level: string }) => [o.organization, o.mode, o.level]))
        .toEqual([['Example Co', 'legacy', 'member'], ['Second Co', 'legacy', 'member']]);
      const production = json.organizations[0].projects.find((p: { project: string }) => p.project === 'Production');
      expect(production).toEqual({ project: 'Production', level: 'admin', source: 'member', resources: [{ resource: 'feature_flag', level: 'viewer', source: 'default' }] });
      expect(json.organizations[1].projects).toEqual([{ project: 'Analytics', level: 'admin', source: 'member', resources: [] }]);
      // Live, Second Co still has her at member on Analytics.
      const live = await cli(emu, ['explain', 'carol@example.com', '--format', 'json'], { POSTHOG_ORG_ID: SECOND });
      expect(JSON.parse(live.stdout).organizations[0].projects[0]).toMatchObject({ project: 'Analytics', level: 'member', source: 'member' });
    } finally {
      await emu.close();
    }
  });
});

describe('who-can', () => {
  it.for([[false, 'member', 'team'], [true, 'none', 'member']] as const)('follows the resolution mode (most specific: %s)', async ([mostSpecific, level, source], ctx) => {
    const emu = await emulator({ state: twoOrganizations(mostSpecific) });
    try {
      const org = await (await fetch(`${emu.url}/api/organizations/@current/`, { headers: { authorization: `Bearer ${emu.key}` } })).json() as Record<string, unknown>;
      // The emulator serves the organization's resolution mode from its version with both modes on.
      if (mostSpecific && !('uses_most_specific_access_resolution' in org)) ctx.skip();
      // frank: his own rule "none" on Production under Engineering's "member".
      const state = (await (await fetch(`${emu.url}/_emulator/state`)).json()) as any;
      const frank = state.memberships.find((m: any) => m.user_uuid === state.users.find((u: any) => u.email === 'frank@example.com').uuid && m.organization_id === emu.organization);
      const production = state.projects.find((p: any) => p.name === 'Production');
      const put = await fetch(`${emu.url}/api/projects/${production.id}/access_controls/`, {
        method: 'PUT', headers: { 'content-type': 'application/json', authorization: `Bearer ${emu.key}` },
        body: JSON.stringify({ organization_member: frank.id, access_level: 'none' }),
      });
      expect(put.status).toBe(200);
      const run = await cli(emu, ['explain', 'frank@example.com', '--format', 'json']);
      expect(JSON.parse(run.stdout).organizations[0].projects.find((p: { project: string }) => p.project === 'Production')).toMatchObject({ level, source });
      const who = JSON.parse((await cli(emu, ['who-can', 'Production', '--format', 'json'])).stdout);
      expect(who.people.some((p: { email: string }) => p.email === 'frank@example.com')).toBe(level !== 'none');
    } finally {
      await emu.close();
    }
  });

  it('lists everyone who can reach a project or a resource type in it, with why, as text, Markdown and JSON', async () => {
    const emu = await emulator();
    try {
      const text = await cli(emu, ['who-can', 'Sandbox']);
      expect(text.stdout).toBe([
        'Who can reach Sandbox in Example Co (legacy resolution: highest wins): 5 people',
        '  alice@example.com  admin  organization admin',
        '  bob@example.com    admin  organization admin',
        '  dave@example.com   admin  organization admin',
        '  frank@example.com  admin  own rule',
        '  grace@example.com  admin  organization admin',
        '',
      ].join('\n'));
      const json = JSON.parse((await cli(emu, ['who-can', 'Production', 'feature_flag', '--format', 'json'])).stdout);
      expect(json).toMatchObject({ formatVersion: 1, project: 'Production', resource: 'feature_flag', mode: 'legacy' });
      expect(json.people).toContainEqual({ email: 'zoe@example.com', level: 'editor', source: 'default', pending: true });
      const markdown = await cli(emu, ['who-can', 'Production', '--format', 'markdown']);
      expect(markdown.stdout).toContain('| frank@example.com | member | team Engineering |');
      const unknown = await cli(emu, ['who-can', 'Nowhere']);
      expect(unknown.code).toBe(1);
      expect(unknown.stdout).toContain('Example Co has no project named Nowhere.');
      const badResource = await cli(emu, ['who-can', 'Production', 'flags']);
      expect(badResource.code).toBe(1);
      expect(badResource.stderr).toContain('"flags" is not a resource type PostHog has rules for');
    } finally {
      await emu.close();
    }
  });
});

describe('docs/cli.md', () => {
  const doc = readFileSync('docs/cli.md', 'utf8');
  /** The output block shown after a ```sh block holding exactly `command`. */
  const shownAfter = (command: string) => doc.split(`\`\`\`sh\n${command}\n\`\`\`\n\`\`\`\n`)[1]!.split('```')[0]!;
  it.each([['explain frank@example.com'], ['who-can Sandbox']])('shows what `%s` prints for the sample organization', async (command) => {
    const emu = await emulator();
    try {
      expect((await cli(emu, command.split(' '))).stdout).toBe(shownAfter(`posthog-access ${command}`));
      // 7 calls, plus 2 per project (the sample has 3): its access rules and resource-type rules, as the page says.
      const calls = emu.requests.filter((r) => r.path.startsWith('/api/')).map((r) => `${r.method} ${r.path.split('?')[0]}`);
      expect(calls).toHaveLength(7 + 2 * 3);
      expect(doc).toContain('Reads: 7 calls plus 2 per project (every project\'s access rules and resource-type rules;\nno secret keys)');
      const perProject = calls.filter((c) => c.startsWith('GET /api/projects/')).map((c) => c.replace(/\/projects\/\d+\//, '/projects/{id}/')).sort();
      expect(perProject).toEqual([...Array(3).fill('GET /api/projects/{id}/access_controls/'), ...Array(3).fill('GET /api/projects/{id}/resource_access_controls/')]);
    } finally {
      await emu.close();
    }
  });
});
