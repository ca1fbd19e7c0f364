// Sections group changes for reading; the plan's own order (apply order) is kept inside each.
// Each kind names its section and its label (src/plan/kinds/); sections come in registry order.
import { KINDS } from '../registry.ts';
import type { Change, ChangeKind } from '../types.ts';

export interface Section {
  title: string;
  kinds: readonly ChangeKind[];
}

export const SECTIONS: readonly Section[] = [...new Set(KINDS.map((k) => k.section))].map((title) => ({
  title,
  kinds: KINDS.filter((k) => k.section === title).map((k) => k.kind),
}));

/** Kinds this renderer does not know yet (a newer plan) still get shown, last. */
const OTHER = 'Other';

export interface SectionGroup {
  title: string;
  /** More than one kind can land here (Organization, Other): lines then name the kind. */
  mixedKinds: boolean;
  changes: Change[];
}

export function groupBySection(changes: readonly Change[]): SectionGroup[] {
  const buckets = new Map<string, Change[]>();
  for (const change of changes) {
    const title = SECTIONS.find((s) => s.kinds.includes(change.kind))?.title ?? OTHER;
    const bucket = buckets.get(title);
    if (bucket) bucket.push(change);
    else buckets.set(title, [change]);
  }
  const titles = [...SECTIONS.map((s) => s.title), OTHER];
  const groups: SectionGroup[] = [];
  for (const title of titles) {
    const list = buckets.get(title);
    if (!list) continue;
    const section = SECTIONS.find((s) => s.title === title);
    groups.push({ title, mixedKinds: !section || section.kinds.length > 1, changes: list });
  }
  return groups;
}

export interface Counts {
  create: number;
  update: number;
  delete: number;
  destructive: number;
}

export function countChanges(changes: readonly Change[]): Counts {
  const counts: Counts = { create: 0, update: 0, delete: 0, destructive: 0 };
  for (const change of changes) {
    counts[change.action] += 1;
    if (change.destructive) counts.destructive += 1;
  }
  return counts;
}

export function kindLabel(kind: string): string {
  return KINDS.find((k) => k.kind === kind)?.label ?? kind;
}

/** The kind named before a change's key in mixed sections, unless the key already says it ("settings"). */
export function kindPrefix(change: { kind: string; key: string }): string {
  const label = kindLabel(change.kind);
  return label === change.key ? '' : label;
}
