// PostHog counts calls per key across every process that uses it, so `plan --out` followed at once
// by `apply plan.json` shares one rate-limit window (docs/cli.md, POSTHOG_RATE_LIMIT). Each
// process therefore leaves the times of its recent calls in a small file under the user's cache
// directory, one file per host and key, named by a hash (the key itself is never written), and the
// next process starts its limiter from them. Best effort: a missing, unreadable or damaged file
// only means starting from an empty window, as before.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Longest window PostHog throttles on (an hour): older calls no longer matter. */
const KEEP_MS = 3_600_000;
const FORMAT = 1;

/**
 * The cache directory the environment names: $XDG_CACHE_HOME, else $HOME/.cache, else
 * %LOCALAPPDATA% (Windows). None of them set: no call log.
 */
export function cacheDirOf(env: Record<string, string | undefined>): string | undefined {
  const xdg = env.XDG_CACHE_HOME?.trim();
  if (xdg) return join(xdg, 'posthog-access');
  const home = env.HOME?.trim();
  if (home) return join(home, '.cache', 'posthog-access');
  const local = env.LOCALAPPDATA?.trim();
  if (local) return join(local, 'posthog-access', 'cache');
  return undefined;
}

/** The file of one host and key: a hash of both, so the file name reveals neither. */
export function callLogFile(dir: string, host: string, key: string): string {
  const id = createHash('sha256').update(`${host}\n${key}`).digest('hex').slice(0, 32);
  return join(dir, `calls-${id}.json`);
}

/** The recorded call times (epoch ms, ascending) of the last hour before `now`; [] when there are none. */
export function readCallLog(file: string, now: number): number[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return [];
  }
  // Anything but the object this module writes (null, a number, another format) is an empty window.
  const log = typeof parsed === 'object' && parsed !== null ? parsed as { format?: unknown; calls?: unknown } : undefined;
  const calls = log?.calls;
  if (log?.format !== FORMAT || !Array.isArray(calls)) return [];
  const since = now - KEEP_MS;
  // A time in the future (a clock that stepped back) still counts: it is kept as now.
  return calls.filter((t): t is number => typeof t === 'number' && Number.isFinite(t) && t > since)
    .map((t) => Math.min(t, now)).sort((a, b) => a - b);
}

/**
 * Merge `ours` (this process's view: the times it started from plus its own calls) into the file.
 * A time counts as often as the side that holds it most often, so the times this process read from
 * the file are not counted twice, and calls another process recorded meanwhile are kept.
 */
export function writeCallLog(file: string, dir: string, ours: readonly number[], now: number): void {
  const theirs = readCallLog(file, now);
  const since = now - KEEP_MS;
  const mine = ours.filter((t) => t > since);
  const merged: number[] = [];
  let i = 0;
  let j = 0;
  while (i < theirs.length || j < mine.length) {
    const a = theirs[i];
    const b = mine[j];
    if (b === undefined || (a !== undefined && a < b)) { merged.push(a as number); i++; }
    else if (a === undefined || b < a) { merged.push(b); j++; }
    else { merged.push(a); i++; j++; }
  }
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    writeFileSync(tmp, JSON.stringify({ format: FORMAT, calls: merged }), { mode: 0o600 });
    renameSync(tmp, file);
  } catch {
    rmSync(tmp, { force: true });
  }
}
