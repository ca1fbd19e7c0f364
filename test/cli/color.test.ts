// FORCE_COLOR and NO_COLOR, as Node and most command-line tools read them.
import { describe, expect, it } from 'vitest';
import { colorWanted } from '../../src/cli/main.ts';
import { renderReport } from '../../src/apply/report.ts';

describe('colour on stdout', () => {
  it('a terminal has colour unless NO_COLOR; off a terminal, only with FORCE_COLOR', () => {
    expect(colorWanted({}, true)).toBe(true);
    expect(colorWanted({}, false)).toBe(false);
    expect(colorWanted({ NO_COLOR: '1' }, true)).toBe(false);
    expect(colorWanted({ NO_COLOR: '' }, true)).toBe(true); // empty: not set (no-color.org)
    expect(colorWanted({ FORCE_COLOR: '1' }, false)).toBe(true);
    expect(colorWanted({ FORCE_COLOR: '' }, false)).toBe(true);
    expect(colorWanted({ FORCE_COLOR: '0' }, true)).toBe(false);
    expect(colorWanted({ FORCE_COLOR: 'false' }, true)).toBe(false);
    expect(colorWanted({ FORCE_COLOR: '1', NO_COLOR: '1' }, false)).toBe(true); // FORCE_COLOR wins, as in Node
  });

  it('the apply report is coloured when asked, whatever stdout is', () => {
    const report = { results: [{ id: 'member:a', kind: 'member' as const, action: 'update' as const, key: 'a', status: 'ok' as const, ms: 1 }], ok: 1, failed: 0, skipped: 0 };
    expect(renderReport(report, true)).toContain('\x1b[');
    expect(renderReport(report, false)).not.toContain('\x1b[');
  });
});
