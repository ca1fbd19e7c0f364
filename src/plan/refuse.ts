// A refusal of some changes by a named rule (see safety.ts for the rules).
import type { Refusal } from './types.ts';

export const refuse = (guard: string, message: string, changes: readonly { id: string }[]): Refusal => ({ guard, message, changeIds: changes.map((c) => c.id) });
