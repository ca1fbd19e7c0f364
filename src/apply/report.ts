// The apply report for stdout: one line per step, then a summary.
import { styleText } from 'node:util';
import type { ApplyReport } from './apply.ts';

const MARK = { ok: ['✓', 'green'], failed: ['✗', 'red'], skipped: ['-', 'yellow'] } as const;

export function renderReport(report: ApplyReport, color: boolean): string {
  // validateStream off: whether to colour is decided by the caller (a terminal, FORCE_COLOR, NO_COLOR).
  const paint = (style: 'green' | 'red' | 'yellow' | 'bold', text: string) => (color ? styleText(style, text, { validateStream: false }) : text);
  const lines = report.results.map((r) => {
    const [mark, style] = MARK[r.status];
    const line = `${paint(style, mark)} ${r.action} ${r.kind} ${r.key}`;
    return r.error ? `${line}: ${r.error}` : line;
  });
  const summary = `Apply: ${report.ok} done, ${report.failed} failed, ${report.skipped} skipped.`;
  lines.push('', paint(report.failed ? 'red' : 'bold', summary));
  if (report.stopped) lines.push(paint('red', `Apply stopped: ${report.stopped}.`));
  else if (report.failed) lines.push('Fix the cause and run apply again: it plans from where PostHog is now.');
  return `${lines.join('\n')}\n`;
}

export function reportJson(report: ApplyReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
