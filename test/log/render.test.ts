// The access log's renderings: one CSV row per changed field, cells a spreadsheet would run as a
// formula neutralised, missing values shown as a dash.
import { describe, expect, it } from 'vitest';
import { logCsv, logMarkdown, logRows, logText } from '../../src/log/render.ts';
import type { ActivityLogEntry } from '../../src/posthog/types.ts';

const entry = (over: Partial<ActivityLogEntry>): ActivityLogEntry => ({
  id: '1', user: { email: 'alice@example.com' } as ActivityLogEntry['user'], activity: 'updated', scope: 'OrganizationMembership', item_id: 'm1',
  detail: { name: 'carol@example.com', changes: [{ type: 'OrganizationMembership', action: 'changed', field: 'level', before: 1, after: 8 }] },
  created_at: '2026-11-20T10:15:00.000Z', ...over,
});

describe('access log rendering', () => {
  it('CSV: a row per changed field, CRLF line ends, formula-like cells neutralised (leading = + - @ tab or CR)', () => {
    const rows = logRows([
      entry({}),
      entry({ user: null, scope: 'Role', activity: 'updated', detail: { name: '=HYPERLINK("x")', changes: [
        { type: 'Role', action: 'changed', field: 'name', before: 'A', after: '=HYPERLINK("x")' },
        { type: 'Role', action: 'changed', field: 'x', before: null, after: 'b,c' },
        { type: 'Role', action: 'changed', field: 'tab', before: '\t=1+1', after: '\r=1+1' },
      ] } }),
    ]);
    expect(logCsv(rows)).toBe([
      'when,who,activity,scope,item,field,before,after',
      '2026-11-20T10:15:00.000Z,alice@example.com,updated,OrganizationMembership,carol@example.com,level,1,8',
      `2026-11-20T10:15:00.000Z,PostHog (system),updated,Role,"'=HYPERLINK(""x"")",name,A,"'=HYPERLINK(""x"")"`,
      `2026-11-20T10:15:00.000Z,PostHog (system),updated,Role,"'=HYPERLINK(""x"")",x,—,"b,c"`,
      // A leading tab or carriage return is run as a formula too (util/csv.ts).
      `2026-11-20T10:15:00.000Z,PostHog (system),updated,Role,"'=HYPERLINK(""x"")",tab,'\t=1+1,"'\r=1+1"`,
      '',
    ].join('\r\n'));
  });

  it('text: when, who, what, before and after', () => {
    expect(logText('Acme', logRows([entry({})]))).toBe('Access changes in Acme, newest first (1):\n  2026-11-20 10:15  alice@example.com  updated OrganizationMembership carol@example.com  level: 1 → 8\n');
  });

  it('Markdown: names from PostHog are text (no HTML, table cells or GitHub mentions)', () => {
    const md = logMarkdown('Acme <b>', logRows([
      entry({ detail: { name: '<img src=x> | @admins', changes: [] } }),
      entry({ user: { email: 'x_<y>@example.com' } as ActivityLogEntry['user'], scope: 'Role', detail: { name: 'Ops', changes: [{ type: 'Role', action: 'changed', field: 'name', before: 'Ops', after: '*Ops* | @team' }] } }),
    ]));
    expect(md).toContain('### Access changes in Acme &lt;b&gt;');
    expect(md).toContain('| 2026-11-20 10:15 | alice@example.com | updated OrganizationMembership | &lt;img src=x&gt; \\| @&#8203;admins |');
    expect(md).toContain('| 2026-11-20 10:15 | x\\_&lt;y&gt;@&#8203;example.com | updated Role | Ops | name: Ops → \\*Ops\\* \\| @&#8203;team |');
    expect(md).not.toContain('<img');
  });
});
