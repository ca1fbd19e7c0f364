// Turning a change into short, format-neutral words: which fields move, and from what to what.
// Text and Markdown renderers both build on these so they never disagree.
import { removalCount } from '../safety.ts';
import type { Change, OrganizationPlan, Refusal } from '../types.ts';
import type { Counts } from './sections.ts';

export const NONE = '(none)';
const MAX_VALUE_CHARS = 120;

/** One field of a change, e.g. `level: admin → member` (before or after absent on create/delete). */
export interface FieldChange {
  path: string;
  before?: string;
  after?: string;
}

export function formatValue(value: unknown): string {
  const text = formatRaw(value);
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS - 1)}…` : text;
}

function formatRaw(value: unknown): string {
  if (value === undefined || value === null) return NONE;
  if (typeof value === 'string') return value === '' ? '""' : value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[${value.map(formatRaw).join(', ')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    return `{${entries.map(([k, v]) => `${k}: ${formatRaw(v)}`).join(', ')}}`;
  }
  return String(value);
}

function decodeSegment(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}

function parsePointer(pointer: string): string[] {
  if (pointer === '' || pointer === '/') return [];
  return pointer.split('/').slice(1).map(decodeSegment);
}

function isIndex(segment: string): boolean {
  return segment === '-' || /^\d+$/.test(segment);
}

/** Array elements are shown as the whole array: "domains: [a] → [a, b]" reads better than indexes. */
function fieldSegments(pointer: string): string[] {
  const segments = parsePointer(pointer);
  const firstIndex = segments.findIndex(isIndex);
  return firstIndex === -1 ? segments : segments.slice(0, firstIndex);
}

function lookup(value: unknown, segments: readonly string[]): unknown {
  let current: unknown = value;
  for (const segment of segments) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function pathLabel(segments: readonly string[]): string {
  return segments.length === 0 ? 'value' : segments.join('.');
}

/** Fields that differ between before and after, from the patch when there is one. */
export function fieldChanges(change: Change): FieldChange[] {
  if (change.action === 'create') return valueFields(change.after, change.key, 'after');
  if (change.action === 'delete') return valueFields(change.before, change.key, 'before');

  const paths: string[][] = [];
  const seen = new Set<string>();
  const addPath = (segments: string[]): void => {
    const id = JSON.stringify(segments);
    if (seen.has(id)) return;
    seen.add(id);
    paths.push(segments);
  };
  const before: Record<string, unknown> = { ...change.before };
  const after: Record<string, unknown> = { ...change.after };
  if (change.patch.length > 0) {
    for (const op of change.patch) {
      if ('from' in op && typeof op.from === 'string' && op.op === 'move') addPath(fieldSegments(op.from));
      if (op.op !== 'test') addPath(fieldSegments(op.path));
    }
  } else {
    for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
      if (!same(before[key], after[key])) addPath([key]);
    }
  }
  // In the value's own field order (the kind's), not the patch's: fast-json-patch lists replaced
  // fields last-first.
  const order = [...Object.keys(after), ...Object.keys(before)];
  const rank = (segments: string[]) => {
    const i = order.indexOf(segments[0] ?? '');
    return i === -1 ? order.length : i;
  };
  paths.sort((a, b) => rank(a) - rank(b));
  const fields: FieldChange[] = [];
  for (const segments of paths) {
    const was = lookup(before, segments);
    const now = lookup(after, segments);
    if (was !== undefined && now !== undefined && same(was, now)) continue;
    fields.push({ path: pathLabel(segments), before: formatValue(was), after: formatValue(now) });
  }
  return fields;
}
function isEmpty(value: unknown): boolean {
  if (value === undefined || value === null || value === false || value === '') return true;
  if (Array.isArray(value)) return value.length === 0;
  return typeof value === 'object' && Object.keys(value).length === 0;
}

/**
 * The fields of a created or deleted value, leaving out empty ones ("projects: {}", "expired:
 * false") and a name that merely repeats the key.
 */
function valueFields(value: object, key: string, side: 'before' | 'after'): FieldChange[] {
  const fields: FieldChange[] = [];
  for (const [field, v] of Object.entries(value)) {
    if (isEmpty(v) || v === key) continue;
    fields.push({ path: field, [side]: formatValue(v) });
  }
  return fields;
}

export function formatField(field: FieldChange, arrow = '→'): string {
  if (field.before !== undefined && field.after !== undefined) {
    return `${field.path}: ${field.before} ${arrow} ${field.after}`;
  }
  return `${field.path}: ${field.after ?? field.before ?? NONE}`;
}

/** The closing count: `Plan: …` for plan, `Drift: …` for drift (what apply would change to end the drift). */
export function summaryLine(counts: Counts, manualSteps = 0, where: 'above' | 'below' = 'above', command: 'plan' | 'drift' = 'plan'): string {
  const manual = manualSteps ? ` ${manualSteps} manual step${manualSteps === 1 ? '' : 's'} left to you (${where}).` : '';
  if (counts.create + counts.update + counts.delete === 0) {
    if (manualSteps) return `No changes to apply.${manual}`;
    return command === 'drift' ? 'No drift. PostHog matches the matrix.' : 'No changes. PostHog matches the matrix.';
  }
  return `${command === 'drift' ? 'Drift' : 'Plan'}: ${counts.create} to create, ${counts.update} to update, ${counts.delete} to delete.${manual}`;
}

/** The way around a refusal, when there is one (only max_deletes can be lifted for one run), with the gate's own count. */
export function overrideHint(plan: Pick<OrganizationPlan, 'changes'>, refusal: Refusal): string | undefined {
  // The guard's own message may already say it.
  if (refusal.guard !== 'max_deletes' || refusal.message.includes('--allow-deletes')) return undefined;
  return `--allow-deletes ${removalCount(plan.changes).total}`;
}

export function noticeOrder<T extends { level: string }>(notices: readonly T[]): T[] {
  // Warnings first; otherwise the plan's order.
  return [...notices.filter((n) => n.level === 'warning'), ...notices.filter((n) => n.level !== 'warning')];
}
