// Offboarding against the emulator: a plan that removes members says what they created that others
// rely on and that PostHog deletes their private insights; `explain EMAIL --offboarding` lists it
// all. The lists are read only when a removal is planned or asked for, and a list PostHog refuses
// is a notice, never a failed plan.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sampleSnapshot } from '../../src/emulator/sample.ts';
import { cli, control, emulator } from './harness.ts';
import { addSecondOrganization, ANALYTICS, SECOND, T0 } from './second-organization.ts';

const LISTS = /\/api\/projects\/\d+\/(feature_flags|dashboards|insights)\/$/;

async function matrix(members: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'posthog-access-offboarding-'));
  const file = join(dir, 'matrix.yaml');
  await writeFile(file, `version: 1\norganization: { id: "\${POSTHOG_ORG_ID}" }\nmembers: { ${members} }\nprune: { members: true }\nsafety: { max_deletes: 10 }\n`);
  return file;
}

/** The sample organization, plus "Second Co" where alice is owner and carol a member who made a flag and a private insight. */
function twoOrganizations() {
  const s = addSecondOrganization(sampleSnapshot());
  const carol = s.users.find((u) => u.email === 'carol@example.com')!.uuid;
  s.feature_flags.push({ id: 90, team_id: ANALYTICS, key: 'second-flag', name: '', active: true, deleted: false, created_by_uuid: carol, created_at: T0 });
  s.insights.push({ id: 90, team_id: ANALYTICS, short_id: 'secDraft', name: 'Second draft', saved: false, deleted: false, dashboards: [], created_by_uuid: carol, created_at: T0 });
  return s;
}

const EVERYONE = 'alice@example.com: owner, bob@example.com: admin, carol@example.com: member, dave@example.com: admin, frank@example.com: member, grace@example.com: admin';

describe('offboarding', () => {
  it('a plan removing members warns what they created and that their private insights go', async () => {
    const emu = await emulator();
    try {
      const run = await cli(emu, ['plan', '-m', await matrix(EVERYONE.replace(', frank@example.com: member', '').replace(', grace@example.com: admin', '')), '--format', 'json']);
      expect(run.stderr).toBe('');
      const notices = JSON.parse(run.stdout).organizations[0].notices.filter((n: { code: string }) => n.code.startsWith('offboarding'));
      expect(notices).toEqual([
        {
          level: 'warning', code: 'offboarding', key: 'frank@example.com',
          message: 'frank@example.com created 2 feature flags that others may rely on (Production: new-onboarding (feature flag), Sandbox: sandbox-experiment (feature flag)); '
            + 'has 1 private insight, which PostHog deletes when they are removed: reassign owners before applying (`posthog-access explain frank@example.com --offboarding` lists everything)',
        },
        {
          level: 'warning', code: 'offboarding', key: 'grace@example.com',
          message: 'grace@example.com created 1 dashboard and 1 saved insight that others may rely on (Production: Marketing funnel (dashboard), Production: Signups by channel (insight)); '
            + 'has 1 private insight, which PostHog deletes when they are removed: reassign owners before applying (`posthog-access explain grace@example.com --offboarding` lists everything)',
        },
      ]);
      // Three lists per project (the sample has 3), once.
      expect(emu.requests.filter((r) => LISTS.test(r.path))).toHaveLength(9);
    } finally {
      await emu.close();
    }
  });

  it('reads nothing of the kind when no member is removed', async () => {
    const emu = await emulator();
    try {
      const run = await cli(emu, ['plan', '-m', await matrix(EVERYONE)]);
      expect(run.stderr).toBe('');
      expect(run.stdout).not.toContain('[offboarding');
      expect(emu.requests.filter((r) => LISTS.test(r.path))).toEqual([]);
    } finally {
      await emu.close();
    }
  });

  it('a saved plan removing members applies without reading the lists again: its warnings were reviewed', async () => {
    const emu = await emulator();
    try {
      const file = await matrix(EVERYONE.replace(', frank@example.com: member', ''));
      const saved = join(dirname(file), 'plan.json');
      const plan = await cli(emu, ['plan', '-m', file, '--out', saved]);
      expect(plan.code, plan.stderr).toBe(0);
      expect(emu.requests.filter((r) => LISTS.test(r.path))).toHaveLength(9);
      const before = emu.requests.length;
      const apply = await cli(emu, ['apply', saved, '--yes']);
      expect(apply.code, apply.stderr).toBe(0);
      const applied = emu.requests.slice(before);
      expect(applied.filter((r) => LISTS.test(r.path))).toEqual([]);
      expect(applied.filter((r) => r.method === 'DELETE' && /\/members\//.test(r.path))).toHaveLength(1);
    } finally {
      await emu.close();
    }
  });

  it('a key without insight:read gets a notice, and the plan is made all the same', async () => {
    const emu = await emulator();
    try {
      const scopes = ['user:read', 'organization:read', 'organization_member:read', 'access_control:read', 'project:read', 'feature_flag:read', 'dashboard:read'];
      const key = (await control(emu, 'POST', '/_emulator/keys', { email: 'alice@example.com', scopes })).json.value as string;
      const run = await cli(emu, ['plan', '-m', await matrix(EVERYONE.replace(', frank@example.com: member', '')), '--format', 'json'], { POSTHOG_PERSONAL_API_KEY: key });
      expect(run.stderr).toBe('');
      const plan = JSON.parse(run.stdout).organizations[0];
      expect(plan.changes.map((c: { id: string }) => c.id)).toEqual(['member:frank@example.com']);
      const notices = plan.notices.filter((n: { code: string }) => n.code.startsWith('offboarding'));
      expect(notices.map((n: { code: string }) => n.code)).toEqual(['offboarding', 'offboarding_unread']);
      // The flags were read; the private insight could not be.
      expect(notices[0].message).toContain('created 2 feature flags');
      expect(notices[0].message).not.toContain('private insight');
      expect(notices[1].message).toBe(
        'what removed members created could not be read in Production (saved insights), Sandbox (saved insights), Staging (saved insights): '
        + "PostHog refused (403: the API key lacks the scope 'insight:read' needed for GET /api/projects/1/insights/?limit=1000: add 'insight:read' to the personal API key's scopes in PostHog (Settings → Personal API keys)); "
        + 'the key needs feature_flag:read, dashboard:read, insight:read and access to those projects');
    } finally {
      await emu.close();
    }
  });

  it('explain --offboarding lists everything the person created, as text and JSON', async () => {
    const emu = await emulator();
    try {
      const text = await cli(emu, ['explain', 'grace@example.com', '--offboarding']);
      expect(text.code).toBe(0);
      expect(text.stdout).toContain([
        '  Created, others may rely on it (2, in 3 projects read):',
        '    Production  dashboard  Marketing funnel  (id 2)',
        '    Production  insight  Signups by channel  (id 2)',
        '  Private insights PostHog deletes when they are removed (1):',
        '    Production  insight  Campaign draft  (id 3)',
      ].join('\n'));
      const json = JSON.parse((await cli(emu, ['explain', 'frank@example.com', '--offboarding', '--format', 'json'])).stdout);
      expect(json.organizations[0].offboarding).toEqual({
        projects_read: 3,
        created: [
          { project: 'Production', kind: 'feature_flag', id: 1, name: 'new-onboarding' },
          { project: 'Sandbox', kind: 'feature_flag', id: 2, name: 'sandbox-experiment' },
        ],
        private_insights: [{ project: 'Sandbox', id: 4, name: 'frkDraft1' }],
        unread: [],
      });
      // Without the flag nothing of the kind is read.
      const before = emu.requests.filter((r) => LISTS.test(r.path)).length;
      await cli(emu, ['explain', 'frank@example.com']);
      expect(emu.requests.filter((r) => LISTS.test(r.path))).toHaveLength(before);
    } finally {
      await emu.close();
    }
  });

  it('works across two organizations: each plan part warns for its own removals, explain lists per organization', async () => {
    const emu = await emulator({ state: twoOrganizations() });
    try {
      const first = await matrix(EVERYONE.replace(', frank@example.com: member', ''));
      const dir = await mkdtemp(join(tmpdir(), 'posthog-access-offboarding-'));
      const second = join(dir, 'second.yaml');
      await writeFile(second, `version: 1\norganization: { id: "${SECOND}" }\nmembers: { alice@example.com: owner }\nprune: { members: true }\n`);
      const run = await cli(emu, ['plan', '-m', first, '-m', second, '--format', 'json']);
      expect(run.stderr).toBe('');
      const orgs = JSON.parse(run.stdout).organizations;
      const warned = orgs.map((o: { organization: { name: string }; notices: { code: string; key?: string }[] }) =>
        [o.organization.name, o.notices.filter((n) => n.code === 'offboarding').map((n) => n.key)]);
      expect(warned).toEqual([['Example Co', ['frank@example.com']], ['Second Co', ['carol@example.com']]]);
      const carol = orgs[1].notices.find((n: { code: string }) => n.code === 'offboarding').message;
      expect(carol).toContain('created 1 feature flag that others may rely on (Analytics: second-flag (feature flag))');
      expect(carol).toContain('has 1 private insight');

      const explained = JSON.parse((await cli(emu, ['explain', 'carol@example.com', '--offboarding', '-m', first, '-m', second, '--format', 'json'])).stdout);
      expect(explained.organizations.map((o: { organization: string; offboarding: { created: { name: string }[]; private_insights: { name: string }[] } }) =>
        [o.organization, o.offboarding.created.map((c) => c.name), o.offboarding.private_insights.map((c) => c.name)])).toEqual([
        ['Example Co', ['pricing-page-v2'], []],
        ['Second Co', ['second-flag'], ['Second draft']],
      ]);
    } finally {
      await emu.close();
    }
  });
});
