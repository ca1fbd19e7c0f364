// The access log as text, Markdown, JSON and CSV. Pure.
import { csvLines } from '../util/csv.ts';
import type { ActivityLogEntry } from '../posthog/types.ts';
import { escapeMarkdown as e } from '../util/markdown.ts';

export const LOG_FORMAT_VERSION = 1;

export interface LogRow {
  when: string;
  who: string;
  scope: string;
  activity: string;
  item: string;
  changes: { field: string; before: unknown; after: unknown }[];
}

const SYSTEM = 'PostHog (system)';

/** What the entry is about, in words: the person, invite, team or rule it names. */
function itemOf(entry: ActivityLogEntry): string {
  const context = entry.detail.context ?? {};
  const email = context['user_email'] ?? context['target_email'] ?? context['email'];
  if (typeof email === 'string' && email) return email;
  return entry.detail.name ?? entry.item_id ?? '';
}

export function logRows(entries: ActivityLogEntry[]): LogRow[] {
  return entries.map((e) => ({
    when: e.created_at, who: e.user?.email ?? SYSTEM, scope: e.scope, activity: e.activity, item: itemOf(e),
    changes: (e.detail.changes ?? []).filter((c) => c.field).map((c) => ({ field: c.field!, before: c.before, after: c.after })),
  }));
}

const value = (v: unknown) => (v === null || v === undefined ? '—' : typeof v === 'string' ? v : JSON.stringify(v));
const changesText = (row: LogRow) => row.changes.map((c) => `${c.field}: ${value(c.before)} → ${value(c.after)}`).join('; ');
const time = (iso: string) => iso.replace('T', ' ').slice(0, 16);

export function logText(organization: string, rows: LogRow[]): string {
  if (!rows.length) return `No access changes in ${organization}'s activity log for this range.\n`;
  const lines = rows.map((r) => `${time(r.when)}  ${r.who}  ${r.activity} ${r.scope} ${r.item}${r.changes.length ? `  ${changesText(r)}` : ''}`);
  return `Access changes in ${organization}, newest first (${rows.length}):\n${lines.map((l) => `  ${l}`).join('\n')}\n`;
}

export function logMarkdown(organization: string, rows: LogRow[]): string {
  const out = [`### Access changes in ${e(organization)}`, ''];
  if (!rows.length) return `${[...out, 'None in this range.'].join('\n')}\n`;
  out.push('| when (UTC) | who | what | item | before → after |', '|---|---|---|---|---|');
  for (const r of rows) out.push(`| ${time(r.when)} | ${e(r.who)} | ${e(`${r.activity} ${r.scope}`)} | ${e(r.item)} | ${e(changesText(r))} |`);
  return `${out.join('\n')}\n`;
}

export function logJson(organization: { id: string; name: string }, rows: LogRow[]): string {
  return `${JSON.stringify({ formatVersion: LOG_FORMAT_VERSION, organization: organization.name, organization_id: organization.id, entries: rows }, null, 2)}\n`;
}

/** One row per changed field (one per entry when it lists none); formula-like cells are neutralised (util/csv.ts). */
export function logCsv(rows: LogRow[]): string {
  const out = [['when', 'who', 'activity', 'scope', 'item', 'field', 'before', 'after']];
  for (const r of rows) {
    const base = [r.when, r.who, r.activity, r.scope, r.item];
    const fields = r.changes.length ? r.changes.map((c) => [c.field, value(c.before), value(c.after)]) : [['', '', '']];
    for (const f of fields) out.push([...base, ...f]);
  }
  return csvLines(out);
}
