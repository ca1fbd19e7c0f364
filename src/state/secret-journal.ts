// What the apply journal (src/apply/journal.ts) says about the calls that made project secret key
// values: per key, when the last such call started and when a value last reached a sink. Read by
// plan and drift so that a value PostHog made but nobody received (an answer that never arrived, a
// kill) is found, not reported as "No changes". Only this organization's lines count. Read-only.
import { open } from 'node:fs/promises';
import type { SecretKeyJournal } from '../model/actual.ts';

/** The journal's tail that is read: the last calls are what matter, and a journal only grows. */
const TAIL_BYTES = 16 * 1024 * 1024;

interface Line {
  time?: unknown;
  organization?: unknown;
  result?: unknown;
  change?: { kind?: unknown; action?: unknown; key?: unknown; after?: unknown };
}

/** Whether the journal line is a step that makes a value (a create, or an update that rolls). */
function makesValue(change: NonNullable<Line['change']>): boolean {
  if (change.kind !== 'secret_key') return false;
  if (change.action === 'create') return true;
  return change.action === 'update' && typeof change.after === 'object' && change.after !== null && (change.after as { roll?: unknown }).roll === true;
}

/** Per key ("Project / label"): the last `started` time and the last delivery (`ok`) time; undefined when there is no journal. */
export async function readSecretKeyJournal(path: string | undefined, organization: string): Promise<SecretKeyJournal | undefined> {
  if (!path) return undefined;
  let text: string;
  try {
    const handle = await open(path, 'r');
    try {
      const { size } = await handle.stat();
      const length = Math.min(size, TAIL_BYTES);
      const buffer = Buffer.alloc(length);
      await handle.read(buffer, 0, length, size - length);
      text = buffer.toString('utf8');
    } finally {
      await handle.close();
    }
  } catch {
    return undefined; // no journal (never applied from here): nothing is known, nothing is claimed
  }
  const out: SecretKeyJournal = {};
  for (const raw of text.split('\n')) {
    if (!raw.includes('"secret_key"')) continue;
    let line: Line;
    try { line = JSON.parse(raw) as Line; } catch { continue; } // a line cut by a crash, or the tail's first
    const { change, time, result } = line;
    if (!change || line.organization !== organization || typeof time !== 'string' || typeof change.key !== 'string' || !makesValue(change)) continue;
    const entry = (out[change.key] ??= {});
    if (result === 'started' && (!entry.started || time > entry.started)) entry.started = time;
    if (result === 'ok' && (!entry.delivered || time > entry.delivered)) entry.delivered = time;
  }
  return out;
}
