// The apply journal: one JSON line per step (time, change, result), appended as steps finish, so
// an interrupted apply still leaves a record. Holds the key's mask, never the key. Before a call
// whose outcome must never be lost (one that makes a secret key value), a `started` line is
// written and flushed to disk first: if the answer never arrives, the journal still says the call
// may have been made.
import { closeSync, fsyncSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Change } from '../plan/types.ts';

export interface JournalEntry {
  time: string;
  change: Pick<Change, 'id' | 'kind' | 'action' | 'key' | 'reason' | 'note'> & { before: unknown; after: unknown };
  /** `started`: the step's call is about to be sent (written only before calls that make secrets). */
  result: 'started' | 'ok' | 'failed' | 'skipped';
  error?: string;
  ms?: number;
}

export interface Journal {
  /** Append a line; with `flush`, it is on disk (fsync) before this returns. Throws when it cannot. */
  write(entry: JournalEntry, options?: { flush?: boolean }): void;
  close?(): void;
}

export function fileJournal(path: string, context: { keyMask: string; commit?: string; organization: string }): Journal {
  mkdirSync(dirname(path), { recursive: true });
  const fd = openSync(path, 'a');
  return {
    write(entry, options) {
      const line = Buffer.from(`${JSON.stringify({ ...entry, organization: context.organization, key: context.keyMask, commit: context.commit ?? null })}\n`);
      let written = 0;
      while (written < line.length) written += writeSync(fd, line, written);
      if (options?.flush) fsyncSync(fd);
    },
    close() {
      closeSync(fd);
    },
  };
}
