// The Action's messages in pull requests and job summaries quote the CLI's errors and validation
// problems, which quote names from PostHog and the matrix: shown as text, never as markup.
import { describe, expect, it, vi } from 'vitest';
import * as core from '@actions/core';
import { annotate } from '../../src/action/context.ts';
import { failureLine } from '../../src/action/drift.ts';
import { outcomeLine } from '../../src/action/merge.ts';

// The annotations GitHub draws on files, recorded instead of printed.
vi.mock('@actions/core', async (original) => ({ ...(await original<typeof import('@actions/core')>()), error: vi.fn() }));

const NASTY = 'team "@admins <b>x</b> | y" not found\nsecond line';

describe('the Action quotes errors as text', () => {
  it('merge: a plan not applied says why, escaped, on one line', () => {
    expect(outcomeLine({ matrix: '`access.yaml`', ok: false, text: `error: ${NASTY}` })).toBe(
      '- `access.yaml`: **not applied**: team "@&#8203;admins &lt;b&gt;x&lt;/b&gt; \\| y" not found second line');
    expect(outcomeLine({ matrix: '`access.yaml`', ok: true, text: 'applied as reviewed' })).toBe('- `access.yaml`: applied as reviewed');
  });

  it('drift: a failed check names the matrices as code and the error as text', () => {
    expect(failureLine({ matrices: ['a.yaml', 'b`c.yaml'], text: NASTY })).toBe(
      '- `a.yaml`, ``b`c.yaml``: team "@&#8203;admins &lt;b&gt;x&lt;/b&gt; \\| y" not found second line');
  });

  it('validation problems in the summary: the message escaped, the place as code', () => {
    const summary = annotate([{ file: 'access.yaml', line: 3, col: 5, message: NASTY }]);
    expect(summary.split('\n')[2]).toBe('- `access.yaml:3:5` team "@&#8203;admins &lt;b&gt;x&lt;/b&gt; \\| y" not found second line');
    // The annotation on the file is plain text (GitHub shows it as such).
    expect(core.error).toHaveBeenCalledWith(NASTY, expect.objectContaining({ file: 'access.yaml', startLine: 3 }));
  });
});
