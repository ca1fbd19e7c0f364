// `explain --verify` and `who-can --verify` against the emulator, which serves PostHog's
// effective-access endpoint (access_control_members): they agree on the sample organization, and
// a difference (the state changed behind the model's back, or a PostHog that answers otherwise)
// is reported with person, place and both levels, exit 2.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { viewOfActual } from '../../src/access/view.ts';
import { verificationText, verify } from '../../src/access/verify.ts';
import { createApiFromEnv } from '../../src/posthog/api.ts';
import { fetchActual } from '../../src/state/fetch.ts';
import { sampleSnapshot } from '../../src/emulator/sample.ts';
import { api, cli, control, emulator, type Emulator } from './harness.ts';
import { addSecondOrganization, SECOND } from './second-organization.ts';

const RESOURCE_KINDS = 34;

async function idsOf(emu: Emulator, email: string, project: string): Promise<{ member: string; project: number }> {
  const state = (await control(emu, 'GET', '/_emulator/state')).json;
  const user = state.users.find((u: { email: string }) => u.email === email);
  const member = state.memberships.find((m: { user_uuid: string; organization_id: string }) => m.user_uuid === user.uuid && m.organization_id === emu.organization);
  return { member: member.id, project: state.projects.find((p: { name: string }) => p.name === project).id };
}

/**
 * A PostHog in front of the emulator whose effective-access answer says `posthog` for one member's
 * project level: everything else passes through unchanged.
 */
async function disagreeing(emu: Emulator, email: string, posthog: string): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const upstream = await fetch(`${emu.url}${req.url}`, {
      method: req.method, headers: { authorization: req.headers.authorization ?? '', 'content-type': 'application/json' },
      ...(chunks.length && { body: Buffer.concat(chunks) }),
    });
    let body = await upstream.text();
    if (req.url!.includes('/access_control_members/')) {
      const json = JSON.parse(body);
      for (const row of json.results) if (row.user.email === email) row.project.effective_access_level = posthog;
      body = JSON.stringify(json);
    }
    res.writeHead(upstream.status, { 'content-type': 'application/json' });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe('--verify against the emulator', () => {
  it('explain and who-can agree with what the emulator enforces, in text and JSON', async () => {
    const emu = await emulator();
    try {
      const explained = await cli(emu, ['explain', 'frank@example.com', '--verify']);
      expect(explained.stderr).toBe('');
      expect(explained.code).toBe(0);
      // 3 projects, each the project level and every resource kind.
      expect(explained.stdout).toContain(`Verify: PostHog agrees on all ${3 * (1 + RESOURCE_KINDS)} levels compared.\n`);
      const calls = emu.requests.filter((r) => r.path.includes('/access_control_members/'));
      expect(calls).toHaveLength(3);
      expect(calls.every((c) => c.query?.includes('member_id='))).toBe(true);

      const who = await cli(emu, ['who-can', 'Production', 'feature_flag', '--verify', '--format', 'json']);
      expect(who.code).toBe(0);
      // The sample's 6 members; pending invites are not members PostHog resolves.
      expect(JSON.parse(who.stdout).verify).toEqual([{ served: true, compared: 6, differences: [] }]);
    } finally {
      await emu.close();
    }
  });

  it('reports what changed behind the model\'s back (the model read before, PostHog asked after)', async () => {
    const emu = await emulator();
    const client = createApiFromEnv({ key: emu.key, host: emu.url, rateLimit: 'off' });
    try {
      const actual = await fetchActual(client, { organization: emu.organization, projects: [], secretKeys: [], domains: false, allProjects: true, allSecretKeys: false });
      const view = viewOfActual(actual);
      const frank = await idsOf(emu, 'frank@example.com', 'Sandbox');
      // Someone removes frank's admin rule on Sandbox (default none) and gives Engineering viewer on dashboards there.
      expect((await api(emu, 'PUT', `/api/projects/${frank.project}/access_controls/`, { organization_member: frank.member, access_level: null })).status).toBe(204);
      expect((await api(emu, 'PUT', `/api/projects/${frank.project}/resource_access_controls/`, { resource: 'dashboard', access_level: 'viewer' })).status).toBe(200);
      const result = await verify(client, view, [{ name: 'Sandbox', id: frank.project }], { email: 'frank@example.com', membershipId: frank.member });
      expect(result.differences).toEqual([
        { project: 'Sandbox', email: 'frank@example.com', model: 'admin', posthog: 'none' },
        { project: 'Sandbox', email: 'frank@example.com', resource: 'dashboard', model: 'editor', posthog: 'viewer' },
      ]);
      expect(verificationText(result)).toContain('frank@example.com on Sandbox: PostHog enforces none, the model says admin');
    } finally {
      await client.close();
      await emu.close();
    }
  });

  it('exits 2 and names the difference when PostHog answers otherwise than the model', async () => {
    const emu = await emulator();
    const proxy = await disagreeing(emu, 'carol@example.com', 'none');
    try {
      const explained = await cli(emu, ['explain', 'carol@example.com', '--verify'], { POSTHOG_HOST: proxy.url });
      expect(explained.code).toBe(2);
      expect(explained.stdout).toContain([
        `Verify: PostHog differs on 2 of ${3 * (1 + RESOURCE_KINDS)} levels compared:`,
        '  carol@example.com on Production: PostHog enforces none, the model says admin',
        '  carol@example.com on Staging: PostHog enforces none, the model says admin',
      ].join('\n'));
      // carol's Sandbox level is none already (default none): no difference there.
      const who = await cli(emu, ['who-can', 'Production', '--verify', '--format', 'json'], { POSTHOG_HOST: proxy.url });
      expect(who.code).toBe(2);
      expect(JSON.parse(who.stdout).verify).toEqual([{
        // who-can PROJECT checks every level in the project: 6 members × (the project and each resource kind).
        served: true, compared: 6 * (1 + RESOURCE_KINDS), differences: [{ project: 'Production', email: 'carol@example.com', model: 'admin', posthog: 'none' }],
      }]);
    } finally {
      await proxy.close();
      await emu.close();
    }
  });

  it('checks the organization POSTHOG_ORG_ID names, when the emulator serves two', async () => {
    const state = addSecondOrganization(sampleSnapshot(), { analytics: 'private', mostSpecific: true });
    const emu = await emulator({ state });
    try {
      const run = await cli(emu, ['explain', 'carol@example.com', '--verify', '--format', 'json'], { POSTHOG_ORG_ID: SECOND });
      expect(run.code).toBe(0);
      const json = JSON.parse(run.stdout);
      expect(json.organizations[0]).toMatchObject({ organization: 'Second Co', mode: 'most_specific', projects: [{ project: 'Analytics', level: 'none', source: 'default' }] });
      expect(json.verify).toEqual([{ served: true, compared: 1 + RESOURCE_KINDS, differences: [] }]);
      // Only Second Co's project was asked about.
      expect(emu.requests.filter((r) => r.path.includes('/access_control_members/')).map((r) => r.path)).toEqual(['/api/projects/901/access_control_members/']);
    } finally {
      await emu.close();
    }
  });
});
