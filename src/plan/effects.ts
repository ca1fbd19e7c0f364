// What a change means for the person it names ("Who gains or loses what" in rendered plans): each
// kind that names people says it with `effect`, mostly through accessEffect.
import type { Change, ChangeKind, ChangeOf } from './types.ts';

export interface Effect {
  side: 'gains' | 'loses';
  /** What is gained or lost, e.g. "admin on Production", "membership of Engineering". */
  what: string;
}

function levelOf(value: object): string | undefined {
  const fields: Record<string, unknown> = { ...value };
  return typeof fields.level === 'string' && fields.level !== '' ? fields.level : undefined;
}

/** A grant of a level: gained on create, lost on delete; an update's side follows `destructive`. */
export function accessEffect(change: ChangeOf<ChangeKind> | Change, stake: (level: string | undefined) => string): Effect {
  if (change.action === 'create') return { side: 'gains', what: stake(levelOf(change.after)) };
  if (change.action === 'delete') return { side: 'loses', what: stake(levelOf(change.before)) };
  const before = levelOf(change.before);
  const after = levelOf(change.after);
  if (change.destructive) return { side: 'loses', what: `${stake(before)}${after && after !== before ? ` (now ${after})` : ''}` };
  return { side: 'gains', what: `${stake(after)}${before && after !== before ? ` (was ${before})` : ''}` };
}
