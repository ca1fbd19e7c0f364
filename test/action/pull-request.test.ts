// The pull-request comment's table: an organization's name and a failed plan's error come from
// PostHog and the CLI, and are shown as text in the comment.
import { describe, expect, it } from 'vitest';
import { plansTable } from '../../src/action/pull-request.ts';

describe('the plans table of the pull-request comment', () => {
  it('escapes the organization name and the error: no HTML, table cells or mentions', () => {
    const table = plansTable([
      { matrix: 'access.yaml', organization: 'Acme | <img src=x>', changes: 2, summary: { create: 1, update: 1, delete: 0 }, refused: true },
      { matrix: 'other.yaml', changes: 0, refused: false, error: 'error: @admins <b>cannot</b> | read\nsecond line' },
    ]);
    expect(table.split('\n')).toEqual([
      '| matrix | organization | plan |',
      '|---|---|---|',
      '| `access.yaml` | Acme \\| &lt;img src=x&gt; | 1 to create, 1 to update · **refused** (see below) |',
      '| `other.yaml` |  | failed: error: @&#8203;admins &lt;b&gt;cannot&lt;/b&gt; \\| read |',
    ]);
  });
});
