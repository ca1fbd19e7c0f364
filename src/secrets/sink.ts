// Secret sinks: where apply hands a new or rolled project secret key value, the only place it goes.
// A JSON file only its owner can read, or a command (a CI secret store's CLI, a vault client) that
// reads the value on stdin. Neither ever logs, prints or puts the value in an error message.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, lstat, open, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { maskKey } from '../posthog/errors.ts';
import { isPostHogKey } from './credentials.ts';

/** Where apply hands a new or rolled secret key value: the only place it goes. */
export interface SecretSink {
  deliver(secret: { project: string; label: string; value: string }): Promise<void>;
}

/** A sink that can be checked before apply starts, so a bad path fails before any key is made. */
export interface PreparedSink extends SecretSink {
  /** What the sink is, for messages: never a value. */
  readonly describe: string;
  /** Check (and for a file, create) the destination; throws with what to fix. */
  prepare(): Promise<void>;
}

const OWNER_ONLY = 0o600;

/** Replace a value wherever it appears in text we did not write (a command's stderr). */
function scrubValue(text: string, value: string): string {
  return value ? text.split(value).join(maskKey(value)) : text;
}

/** The secrets file's content: `{ "<project>": { "<label>": "<value>" } }`. */
export type Secrets = Record<string, Record<string, unknown>>;

/** Undefined when the file does not exist yet; refuses anything but a regular file. */
async function inspectSecretsFile(path: string): Promise<{ mode: number } | undefined> {
  try {
    const st = await lstat(path);
    if (st.isSymbolicLink()) throw new Error(`--secrets-file ${path} is a symbolic link: refusing to read or write secrets through it; give the real path`);
    if (!st.isFile()) throw new Error(`--secrets-file ${path} is not a regular file`);
    return { mode: st.mode & 0o777 };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/**
 * What `--secrets-file` holds, undefined when it does not exist. The one reader of the file: apply
 * merges into it, plan and drift compare it with PostHog (src/state/secret-sink.ts). A symbolic
 * link or anything but a regular file is refused; a file others can read is made 0600 first. No
 * error quotes its content.
 */
export async function readSecretsFile(path: string): Promise<Secrets | undefined> {
  const existing = await inspectSecretsFile(path);
  if (!existing) return undefined;
  if (existing.mode & 0o077) await chmod(path, OWNER_ONLY); // readable by others: tighten before reading into it
  const text = await readFile(path, 'utf8');
  if (text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // JSON.parse's message quotes the text, which holds secrets: never pass it on.
    parsed = undefined;
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed) || Object.values(parsed).some((v) => !v || typeof v !== 'object' || Array.isArray(v))) {
    throw new Error(`--secrets-file ${path} exists but is not a JSON object of {"<project>": {"<label>": "<value>"}}: move it away or give another path`);
  }
  return parsed as Secrets;
}

/**
 * `--secrets-file`: `{ "<project>": { "<label>": "<value>" } }`, merged with what the file holds,
 * written to a temporary file (mode 0600) then renamed over it, so a reader never sees half a file
 * and the values are never readable by others, not even for a moment.
 */
export function fileSink(path: string): PreparedSink {
  let queue: Promise<void> = Promise.resolve();
  const inspect = () => inspectSecretsFile(path);
  const readSecrets = async (): Promise<Secrets> => (await readSecretsFile(path)) ?? {};

  async function writeSecrets(secrets: Secrets): Promise<void> {
    const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
    const handle = await open(temp, 'wx', OWNER_ONLY);
    try {
      await handle.writeFile(`${JSON.stringify(secrets, null, 2)}\n`);
      await handle.chmod(OWNER_ONLY); // in case the umask or the filesystem gave it more
      await handle.sync();
    } catch (e) {
      await handle.close();
      await rm(temp, { force: true });
      throw e;
    }
    await handle.close();
    try {
      await inspect(); // the path may have become a symlink since: never replace one silently
      await rename(temp, path);
    } catch (e) {
      await rm(temp, { force: true });
      throw e;
    }
  }

  const serial = (step: () => Promise<void>): Promise<void> => {
    // Steps run in parallel; read-merge-write must not interleave.
    const run = queue.then(step);
    queue = run.catch(() => {});
    return run;
  };

  return {
    describe: `--secrets-file ${path}`,
    prepare: () => serial(async () => {
      const existing = await inspect();
      if (existing) await readSecrets(); // checks the content and fixes the mode
      else await writeSecrets({});
    }),
    deliver: ({ project, label, value }) => serial(async () => {
      const secrets = await readSecrets();
      secrets[project] = { ...secrets[project], [label]: value };
      await writeSecrets(secrets);
    }),
  };
}

export interface CommandSinkOptions {
  /** The command's environment, before the two variables the sink adds (default: this process's). */
  env?: Record<string, string | undefined>;
  /** How long one run of the command may take before it is killed (default 60 s). */
  timeoutMs?: number;
  /** Stops a running command (Ctrl-C, --timeout). */
  signal?: AbortSignal;
}

export const DEFAULT_SECRETS_COMMAND_TIMEOUT_MS = 60_000;

const STDERR_TAIL = 500;

/**
 * The command's environment without PostHog credentials: the running key and any variable holding
 * a key (the audited service keys) stay with posthog-access. Returns the withheld values to scrub.
 */
export function withoutCredentials(env: Record<string, string | undefined>): { env: Record<string, string | undefined>; withheld: string[] } {
  const kept: Record<string, string | undefined> = {};
  const withheld: string[] = [];
  for (const [name, value] of Object.entries(env)) {
    if (name === 'POSTHOG_PERSONAL_API_KEY' || (value && isPostHogKey(value))) {
      if (value?.trim()) withheld.push(value.trim());
    } else {
      kept[name] = value;
    }
  }
  return { env: kept, withheld };
}

/**
 * The shell around the user's command: it runs the command in a subshell sharing its stdin, then,
 * if it exited 0, checks that nothing is left unread on stdin and says so on fd 3. A command that
 * exits 0 without reading the value has stored nothing, and must not count as a delivery.
 */
const WRAPPER = '( eval "$1" ) 3>&-; status=$?; [ "$status" -eq 0 ] || exit "$status"; ' +
  'if [ "$(head -c 1 | wc -c)" -ne 0 ]; then echo unread >&3; fi; exit 0';

/**
 * `--secrets-command`: runs `/bin/sh -c COMMAND` once per key, the value on stdin (no newline
 * after it), `POSTHOG_PROJECT` and `POSTHOG_SECRET_KEY_LABEL` in its environment, PostHog
 * credentials withheld from it. What the command prints is not passed on: it may echo the value.
 * It counts as delivered only when it read all of its stdin and exited 0 within the time allowed.
 */
export function commandSink(command: string, options: CommandSinkOptions = {}): PreparedSink {
  const { env, withheld } = withoutCredentials(options.env ?? process.env);
  const timeoutMs = options.timeoutMs ?? DEFAULT_SECRETS_COMMAND_TIMEOUT_MS;
  const scrub = (text: string, value: string) => withheld.reduce((t, secret) => scrubValue(t, secret), scrubValue(text, value));
  const run = (project: string, label: string, value: string) =>
    new Promise<void>((resolve, reject) => {
      if (options.signal?.aborted) return reject(new Error(`--secrets-command was not run for ${project}/${label}: the run was stopped`));
      const child = spawn('/bin/sh', ['-c', WRAPPER, 'posthog-access-sink', command], {
        env: { ...env, POSTHOG_PROJECT: project, POSTHOG_SECRET_KEY_LABEL: label },
        stdio: ['pipe', 'pipe', 'pipe', 'pipe'],
        detached: true, // its own process group: a timeout kills the command and whatever it started
      });
      let stderr = '';
      let unread = false;
      let stoppedBy: string | undefined;
      const kill = (why: string) => {
        stoppedBy ??= why;
        try {
          if (child.pid) process.kill(-child.pid, 'SIGKILL');
        } catch { /* already gone */ }
      };
      const timer = setTimeout(() => kill(`did not finish within ${Math.round(timeoutMs / 100) / 10} s and was killed`), timeoutMs);
      const onAbort = () => kill('was killed: the run was stopped');
      options.signal?.addEventListener('abort', onAbort, { once: true });
      child.stdout.resume(); // drained and dropped
      (child.stdio[3] as NodeJS.ReadableStream).on('data', () => { unread = true; });
      child.stderr.setEncoding('utf8');
      child.stderr.on('data', (chunk: string) => {
        stderr = (stderr + chunk).slice(-STDERR_TAIL * 4);
      });
      child.stdin.on('error', () => {}); // a command that exits without reading: its exit code tells
      child.on('error', (e) => reject(new Error(`--secrets-command could not be started: ${scrub(e.message, value)}`)));
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        if (code === 0 && !unread && !stoppedBy) return resolve();
        const tail = scrub(stderr, value).trim().slice(-STDERR_TAIL);
        const how = stoppedBy ?? (code === 0 ? 'exited 0 without reading all of its stdin (the value), so it stored nothing' : code === null ? `was killed by ${signal}` : `exited with code ${code}`);
        reject(new Error(`--secrets-command ${how} for ${project}/${label}${tail ? `: ${tail}` : ' (no stderr)'}`));
      });
      child.stdin.end(value);
    });

  return {
    describe: '--secrets-command',
    prepare: async () => {
      if (!command.trim()) throw new Error('--secrets-command is empty: give the command that stores a secret read on stdin');
    },
    deliver: ({ project, label, value }) => run(project, label, value),
  };
}
