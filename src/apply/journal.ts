// The apply journal: one JSON line per step (time, change, result), appended as steps finish, so
// an interrupted apply still leaves a record. Holds the key's mask, never the key.
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Change } from '../plan/types.ts';

export interface JournalEntry {
  time: string;
  change: Pick<Change, 'id' | 'kind' | 'action' | 'key' | 'reason' | 'note'> & { before: unknown; after: unknown };
  result: 'ok' | 'failed' | 'skipped';
  error?: string;
  ms?: number;
}

export interface Journal {
  write(entry: JournalEntry): void;
}

export function fileJournal(path: string, context: { keyMask: string; commit?: string; organization: string }): Journal {
  mkdirSync(dirname(path), { recursive: true });
  return {
    write(entry) {
      appendFileSync(path, `${JSON.stringify({ ...entry, organization: context.organization, key: context.keyMask, commit: context.commit ?? null })}\n`);
    },
  };
}
