import { describe, expect, it } from 'vitest';
import { renderText } from '../../src/plan/render/text.ts';
import { change, plan, samplePlan } from './builders.ts';

const ANSI = /\u001b\[/;

function lines(text: string): string[] {
  return text.split('\n');
}

describe('renderText', () => {
  it('starts with a header naming the organization, the day and the matrix file', () => {
    const [first] = lines(renderText(plan(), { color: false }));
    expect(first).toContain('organization Acme');
    expect(first).toContain('at 2026-03-20');
    expect(first).toContain('matrix access-matrix.yaml');
  });

  it('renders a plan with more lines than push() takes arguments (70,000 changes)', () => {
    const one = change({ kind: 'member', action: 'update', key: 'bob@example.com' });
    const many = Array.from({ length: 70_000 }, (_, i) => ({ ...one, id: `member:p${i}@example.com`, key: `p${i}@example.com`, subject: { email: `p${i}@example.com` } }) as typeof one);
    const text = renderText(plan({ changes: many }), { color: false });
    expect(text).toContain('Members (70000 to update)');
    expect(text).toContain('  ~ p69999@example.com  level: admin → member');
  });

  it('marks creates, updates and deletes with + ~ -', () => {
    const text = renderText(
      plan({
        changes: [
          change({ kind: 'member', action: 'update', key: 'bob@example.com' }),
          change({ kind: 'member', action: 'delete', key: 'dave@example.com' }),
          change({ kind: 'invite', action: 'create', key: 'erin@example.com', after: { level: 'member', projects: {}, expired: false } }),
        ],
      }),
      { color: false },
    );
    expect(text).toContain('  ~ bob@example.com  level: admin → member');
    expect(text).toContain('  - dave@example.com  level: admin');
    expect(text).toContain('  + erin@example.com  level: member');
  });

  it('groups by section in the fixed order, keeping the plan order inside a section', () => {
    const text = renderText(
      plan({
        changes: [
          change({ kind: 'secret_key', action: 'delete', key: 'Production / ci-key', subject: { project: 'Production', label: 'ci-key' }, before: { scopes: ['query:read'], roll: false } }),
          change({ kind: 'member', key: 'zed@example.com' }),
          change({ kind: 'project', action: 'create', key: 'Data Warehouse' }),
          change({ kind: 'member', key: 'amy@example.com' }),
          change({ kind: 'domain', action: 'create', key: 'example.com', after: { domain: 'example.com', verified: false } }),
          change({ kind: 'team_member', action: 'create', key: 'Engineering / carol@example.com', subject: { team: 'Engineering', email: 'carol@example.com' }, after: {} }),
          change({ kind: 'team', action: 'create', key: 'Engineering' }),
        ],
      }),
      { color: false },
    );
    const headings = ['Projects', 'Teams', 'Organization', 'Members', 'Team memberships', 'Secret keys'];
    const positions = headings.map((h) => text.indexOf(`\n${h} (`));
    expect(positions.every((p) => p > 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(text.indexOf('zed@example.com')).toBeLessThan(text.indexOf('amy@example.com'));
    // Organization mixes kinds: the line says which.
    expect(text).toContain('+ domain example.com');
  });

  it('shows update fields from the patch, arrays as a whole', () => {
    const text = renderText(
      plan({
        changes: [
          change({
            kind: 'org_settings',
            key: 'settings',
            before: { enforce_2fa: false, domains: ['a.com'] },
            after: { enforce_2fa: true, domains: ['a.com', 'b.com'] },
            patch: [
              { op: 'replace', path: '/enforce_2fa', value: true },
              { op: 'add', path: '/domains/1', value: 'b.com' },
            ],
          }),
        ],
      }),
      { color: false },
    );
    expect(text).toContain('enforce_2fa: false → true, domains: [a.com] → [a.com, b.com]');
  });

  it('falls back to comparing before and after when there is no patch', () => {
    const text = renderText(
      plan({ changes: [change({ before: { level: 'member' }, after: { level: 'admin' }, patch: [] })] }),
      { color: false },
    );
    expect(text).toContain('~ bob@example.com  level: member → admin\n');
  });

  it('says why, with the note, under each change', () => {
    const text = renderText(
      plan({ changes: [change({ reason: 'expired 2026-03-16', note: 'incident follow-up', destructive: true })] }),
      { color: false },
    );
    expect(text).toContain('(lowers access)');
    expect(text).toContain('      expired 2026-03-16 · note: incident follow-up');
  });

  it('says who gains or loses what, per person, each change\'s reason once', () => {
    const text = renderText(samplePlan(), { color: false });
    const section = text.slice(text.indexOf('Who gains or loses what'), text.indexOf('Plan:'));
    expect(section).toContain([
      '  dave@example.com',
      '    loses organization: admin → member  expired 2026-01-31 · note: Pricing experiment, approved by the CTO (OPS-123)',
      '    loses Production: admin (organization admin) → member (default rule)',
      '    gains Data Warehouse: admin (PostHog\'s default)  declared in the matrix',
    ].join('\n'));
    expect(section.indexOf('  alice@example.com')).toBeLessThan(section.indexOf('  carol@example.com'));
  });

  it('ends with the summary line', () => {
    const text = renderText(samplePlan(), { color: false });
    expect(lines(text.trimEnd()).at(-1)).toBe('Plan: 4 to create, 1 to update, 2 to delete.');
    expect(text.endsWith('\n')).toBe(true);
  });

  it('says so when there is nothing to do', () => {
    const text = renderText(plan(), { color: false });
    expect(lines(text.trimEnd()).at(-1)).toBe('No changes. PostHog matches the matrix.');
    expect(text).not.toMatch(/^[+~-] /m);
  });

  it('lists notices warnings first, then manual steps', () => {
    const text = renderText(
      plan({
        notices: [
          { level: 'info', code: 'pending_invite', message: 'henry has not answered', key: 'henry@example.com' },
          { level: 'warning', code: 'unmanaged', message: 'Sandbox is not in the matrix' },
        ],
        manualSteps: [{ key: 'example.com', message: 'verify the domain with a TXT record' }],
      }),
      { color: false },
    );
    expect(text.indexOf('[unmanaged]')).toBeLessThan(text.indexOf('[pending_invite]'));
    expect(text).toContain('i info [pending_invite] henry has not answered (henry@example.com)');
    expect(text).toContain('1. example.com: verify the domain with a TXT record');
    expect(text.indexOf('Notices')).toBeLessThan(text.indexOf('Manual steps'));
  });

  it('shows refusals, saying the plan will not be applied and how to lift max_deletes', () => {
    const changes = [
      change({ key: 'a@example.com', action: 'delete' }),
      change({ key: 'b@example.com', action: 'delete' }),
      change({ key: 'c@example.com', destructive: true }),
    ];
    const text = renderText(
      plan({
        changes,
        refusals: [
          { guard: 'max_deletes', message: '3 removals exceed safety.max_deletes (2)', changeIds: changes.map((c) => c.id) },
          { guard: 'protected', message: 'alice@example.com is protected', changeIds: [] },
        ],
      }),
      { color: false },
    );
    expect(text).toContain('Refused: this plan will not be applied.');
    expect(text).toContain('max_deletes: 3 removals exceed safety.max_deletes (2)');
    expect(text).toContain('--allow-deletes 3');
    expect(text).toContain('protected: alice@example.com is protected');
    expect(text.match(/--allow-deletes/g)).toHaveLength(1);
    // Still the whole plan, and the summary last.
    expect(text).toContain('- a@example.com');
    expect(lines(text.trimEnd()).at(-1)).toBe('Plan: 0 to create, 1 to update, 2 to delete.');
  });

  it('has no ANSI codes without colour, and colours markers with it', () => {
    const p = samplePlan({ refusals: [{ guard: 'self', message: 'no', changeIds: [] }] });
    expect(renderText(p, { color: false })).not.toMatch(ANSI);
    const colored = renderText(p, { color: true });
    expect(colored).toContain('\u001b[32m+\u001b[39m');
    expect(colored).toContain('\u001b[33m~\u001b[39m');
    expect(colored).toContain('\u001b[31m-\u001b[39m');
    expect(colored.replace(/\u001b\[\d+m/g, '')).toBe(renderText(p, { color: false }));
  });

  it("strips control characters from users' strings", () => {
    const text = renderText(plan({ changes: [change({ note: 'evil\u001b[2Jnote\nnext' })] }), { color: false });
    expect(text).not.toMatch(ANSI);
    expect(text).toContain('note: evil[2Jnote next');
  });

  it('renders the sample plan (snapshot, in addition to the assertions above)', () => {
    expect(renderText(samplePlan(), { color: false })).toMatchSnapshot();
  });
});

describe('renderText, with the shapes the differ produces', () => {
  it('leaves empty fields out of created values', () => {
    const text = renderText(
      plan({
        changes: [
          change({ kind: 'invite', action: 'create', key: 'erin@example.com', after: { level: 'member', projects: {}, expired: false } }),
        ],
      }),
      { color: false },
    );
    expect(text).toContain('+ erin@example.com  level: member\n');
  });

  it('does not repeat an --allow-deletes the guard already gave', () => {
    const text = renderText(
      plan({
        changes: [change({ action: 'delete' })],
        refusals: [{ guard: 'max_deletes', message: 'too many: run with --allow-deletes 1', changeIds: [] }],
      }),
      { color: false },
    );
    expect(text.match(/--allow-deletes/g)).toHaveLength(1);
  });
});

describe('renderText: manual steps left', () => {
  it('does not claim PostHog matches the matrix while manual steps remain', () => {
    const text = renderText(plan({ manualSteps: [{ key: 'example.org', message: 'publish a TXT record' }] }), { color: false });
    expect(text).toContain('No changes to apply. 1 manual step left to you (above).');
    expect(text).not.toContain('PostHog matches the matrix');
  });
});

describe('renderText: a create that lowers access', () => {
  it('says so, as for a demotion', () => {
    const text = renderText(plan({ changes: [change({ kind: 'project_access', action: 'create', key: 'Staging / default', subject: { project: 'Staging' }, after: { level: 'none' }, destructive: true })] }), { color: false });
    expect(text).toContain('+ Staging / default  level: none (lowers access)');
  });
});
