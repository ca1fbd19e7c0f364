import { describe, expect, it } from 'vitest';
import { GITHUB_COMMENT_LIMIT, renderMarkdown } from '../../src/plan/render/markdown.ts';
import { escapeMarkdown } from '../../src/util/markdown.ts';
import { change, plan, samplePlan } from './builders.ts';

function manyMembers(n: number) {
  return Array.from({ length: n }, (_, i) =>
    change({
      kind: 'member',
      action: 'delete',
      key: `person${String(i).padStart(5, '0')}@example.com`,
      reason: 'not in the matrix (prune.members)',
      note: 'x'.repeat(40),
    }),
  );
}

describe('renderMarkdown', () => {
  it('has a title, the summary line and a section × action table', () => {
    const md = renderMarkdown(samplePlan());
    expect(md.startsWith('### posthog-access plan for Acme\n')).toBe(true);
    expect(md).toContain('**Plan: 4 to create, 1 to update, 2 to delete.**');
    expect(md).toContain('| Section | Create | Update | Delete |');
    expect(md).toContain('| Projects | 1 | 0 | 0 |');
    expect(md).toContain('| Project access | 1 | 0 | 1 |');
    expect(md).toContain('| **Total** | **4** | **1** | **2** |');
    const rows = md.split('\n').filter((l) => /^\| [A-Z]/.test(l) && !l.startsWith('| Section'));
    expect(rows.map((r) => r.split(' | ')[0]!.slice(2))).toEqual([
      'Projects',
      'Teams',
      'Invites',
      'Members',
      'Team memberships',
      'Project access',
    ]);
  });

  it('folds the details per section', () => {
    const md = renderMarkdown(samplePlan());
    expect(md).toContain('<details><summary><b>Members</b>: 1 to update</summary>');
    expect(md).toContain('<details><summary><b>Project access</b>: 1 to create, 1 to delete</summary>');
    expect(md.match(/<details>/g)).toHaveLength(6);
    expect(md.match(/<\/details>/g)).toHaveLength(6);
    expect(md).toContain('| `~` | **dave@example.com** | level: admin → member; **lowers access** |');
  });

  it('puts refusals at the top as a warning, with the max_deletes override', () => {
    const changes = [change({ action: 'delete' }), change({ key: 'x@example.com', action: 'delete' })];
    const md = renderMarkdown(
      plan({
        changes,
        refusals: [{ guard: 'max_deletes', message: '2 removals exceed 1', changeIds: changes.map((c) => c.id) }],
      }),
    );
    const caution = md.indexOf('> [!CAUTION]');
    expect(caution).toBeGreaterThan(0);
    expect(caution).toBeLessThan(md.indexOf('| Section |'));
    expect(md).toContain('> **Refused: this plan will not be applied.**');
    expect(md).toContain('> - **max\\_deletes**: 2 removals exceed 1 — to allow this for one run, pass `--allow-deletes 2`.');
  });

  it("shows the guard's own --allow-deletes as code", () => {
    const md = renderMarkdown(
      plan({
        changes: [change({ action: 'delete' })],
        refusals: [{ guard: 'max_deletes', message: 'too many: run with --allow-deletes 1', changeIds: [] }],
      }),
    );
    expect(md).toContain('> - **max\\_deletes**: too many: run with `--allow-deletes 1`\n');
  });

  it('says who gains or loses what, per person', () => {
    const md = renderMarkdown(
      samplePlan({
        changes: [
          ...samplePlan().organizations[0]!.changes,
          change({
            kind: 'team_member',
            action: 'create',
            key: 'Product / carol@example.com',
            after: {},
            subject: { email: 'carol@example.com', team: 'Product' },
          }),
        ],
      }),
    );
    expect(md).toContain('#### Who gains or loses what');
    // What PostHog will enforce (the effective-access model), with the reason and note of the change behind it.
    expect(md).toContain(
      '- **carol@example.com** — loses: Production: admin (own rule) → member (default rule) (expired 2026-03-16; note: incident follow-up); ' +
        'gains: Data Warehouse: admin (PostHog\'s default) (declared in the matrix)',
    );
    expect(md).toContain('- **dave@example.com** — loses: organization: admin → member, Production: admin (organization admin) → member (default rule) (expired 2026-01-31;');
    // Joining decides every place at once: the invite is behind each, its reason said once.
    expect(md).toContain('- **erin@example.com** — gains: organization: member (invite), Data Warehouse: member (invite), Production: member (default rule) (declared in the matrix)');
    // frank leaves Engineering: on Production the default gives him member all the same, so only the new project shows.
    expect(md).toContain('- **frank@example.com** — gains: Data Warehouse: admin (PostHog\'s default) (declared in the matrix)');
    const people = md.split('\n').filter((l) => l.startsWith('- **'));
    expect(people.map((l) => l.slice(4, l.indexOf('**', 4)))).toEqual([
      'alice@example.com',
      'carol@example.com',
      'dave@example.com',
      'erin@example.com',
      'frank@example.com',
    ]);
  });

  it('escapes notes, names and emails so they cannot break the comment', () => {
    const evil = 'x</details><img src=x onerror=alert(1)> | *bold* [link](http://e.vil) `code`\n# heading @someone #12';
    const md = renderMarkdown(
      plan({
        organization: { id: 'o', name: 'Acme <b>' },
        changes: [
          change({ kind: 'project', action: 'create', key: 'Proj | </td>', after: { name: 'p' }, note: evil }),
          change({ key: 'a_b*c@example.com', note: evil }),
        ],
        notices: [{ level: 'warning', code: 'unmanaged', message: evil }],
      }),
    );
    expect(md).not.toContain('</details><img');
    expect(md).not.toContain('<img');
    expect(md).not.toContain('<b>Acme');
    expect(md).toContain('Acme &lt;b&gt;');
    expect(md).toContain('x&lt;/details&gt;&lt;img src=x onerror=alert(1)&gt; \\| \\*bold\\* \\[link\\](http://e.vil) \\`code\\`');
    expect(md).toContain(' \\# heading @&#8203;someone \\#12');
    expect(md).toContain('**a\\_b\\*c@example.com**');
    expect(md).toContain('**Proj \\| &lt;/td&gt;**');
    // Every table row still has its four cells: no unescaped pipe got in.
    for (const row of md.split('\n').filter((l) => l.startsWith('| `'))) {
      expect(row.replace(/\\\|/g, '').split('|')).toHaveLength(6);
    }
    // Balanced details blocks.
    expect(md.match(/<details>/g)?.length).toBe(md.match(/<\/details>/g)?.length);
  });

  it('escapeMarkdown leaves ordinary text and emails readable', () => {
    expect(escapeMarkdown('carol@example.com')).toBe('carol@example.com');
    expect(escapeMarkdown('Data Warehouse (EU)')).toBe('Data Warehouse (EU)');
    expect(escapeMarkdown('line\nbreak')).toBe('line break');
  });

  it('says so when there is nothing to do', () => {
    const md = renderMarkdown(plan());
    expect(md).toContain('**No changes. PostHog matches the matrix.**');
    expect(md).not.toContain('| Section |');
    expect(md).not.toContain('<details>');
    expect(md).not.toContain('Who gains or loses what');
  });

  it('lists notices (warnings first) and manual steps', () => {
    const md = renderMarkdown(
      plan({
        notices: [
          { level: 'info', code: 'expiring', message: 'bob loses admin in 3 days' },
          { level: 'warning', code: 'feature_missing', message: 'no access control on this plan' },
        ],
        manualSteps: [{ key: 'example.com', message: 'verify the domain' }],
      }),
    );
    expect(md.indexOf('`feature_missing`')).toBeLessThan(md.indexOf('`expiring`'));
    expect(md).toContain('- ℹ️ info `expiring`: bob loses admin in 3 days\n');
    expect(md).toContain('1. **example.com**: verify the domain');
  });

  it('stays under the comment limit, saying how many changes were left out', () => {
    const changes = manyMembers(2000);
    const full = renderMarkdown(plan({ changes }), { maxLength: Number.MAX_SAFE_INTEGER });
    expect(full.length).toBeGreaterThan(GITHUB_COMMENT_LIMIT);

    const md = renderMarkdown(plan({ changes }));
    expect(md.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
    const shown = md.split('\n').filter((l) => l.startsWith('| `-` |')).length;
    expect(shown).toBeGreaterThan(0);
    expect(md).toContain(`> ${2000 - shown} changes of 2000 omitted from the details`);
    expect(md).toContain('see the JSON plan');
    expect(md).toContain('(showing ');
    expect(md.match(/<details>/g)?.length).toBe(md.match(/<\/details>/g)?.length);
    // The summary is never cut.
    expect(md).toContain('**Plan: 0 to create, 0 to update, 2000 to delete.**');
  });

  it('shares the room between people and details, and says what each left out', () => {
    const md = renderMarkdown(plan({ changes: manyMembers(300) }), { maxLength: 8000 });
    expect(md.length).toBeLessThanOrEqual(8000);
    const people = md.split('\n').filter((l) => l.startsWith('- **person')).length;
    const rows = md.split('\n').filter((l) => l.startsWith('| `-` |')).length;
    expect(people).toBeGreaterThan(0);
    expect(rows).toBeGreaterThan(0);
    expect(md).toContain(`and ${300 - people} more people left out`);
    expect(md).toContain(`${300 - rows} changes of 300 omitted`);
  });

  it('fills the room it is given: never over the limit, and never a whole line short of it', () => {
    const p = plan({ changes: manyMembers(120) });
    const full = renderMarkdown(p, { maxLength: Number.MAX_SAFE_INTEGER });
    const least = renderMarkdown(p, { maxLength: 3000 }).length;
    let previous = 0;
    for (let limit = 3000; limit <= full.length + 10; limit += 97) {
      const md = renderMarkdown(p, { maxLength: limit });
      expect(md.length).toBeLessThanOrEqual(limit);
      expect(md.length).toBeGreaterThanOrEqual(previous);
      // One more person or row (under 250 characters each here) would have fitted otherwise.
      if (limit >= least) expect(limit - md.length).toBeLessThan(2 * 250);
      previous = md.length;
    }
    expect(renderMarkdown(p, { maxLength: full.length })).toBe(full);
  });

  it('cuts hard, and says so, when even the head does not fit', () => {
    const notices = Array.from({ length: 500 }, (_, i) => ({ level: 'warning' as const, code: 'unmanaged', message: `thing ${i}` }));
    const md = renderMarkdown(plan({ notices }), { maxLength: 2000 });
    expect(md.length).toBeLessThanOrEqual(2000);
    expect(md).toContain('output cut to fit');
  });

  it('does not truncate a plan that fits', () => {
    expect(renderMarkdown(samplePlan())).not.toContain('omitted');
  });

  it('renders the sample plan (snapshot, in addition to the assertions above)', () => {
    expect(renderMarkdown(samplePlan())).toMatchSnapshot();
  });
});

describe('renderMarkdown: manual steps', () => {
  it('points below, where the manual steps are in a comment', () => {
    const md = renderMarkdown(plan({ manualSteps: [{ key: 'example.org', message: 'publish a TXT record' }] }));
    expect(md).toContain('1 manual step left to you (below).');
    expect(md.indexOf('(below)')).toBeLessThan(md.indexOf('publish a TXT record'));
  });
});
