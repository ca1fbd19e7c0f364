// Integration harness: the emulator on 127.0.0.1 and the CLI run in-process, output captured.
import { PassThrough, Writable } from 'node:stream';
import { startEmulator } from '../../src/emulator/server.ts';
import { matchOperation } from '../../src/emulator/routes.ts';
import { runCli } from '../../src/cli/main.ts';

export type Emulator = Awaited<ReturnType<typeof startEmulator>>;

/**
 * The emulator on 127.0.0.1. Closing it also checks the contract: every request sent to /api is an
 * operation PostHog has (its OpenAPI schema, or docs/emulator.md for what the schema leaves out).
 */
export async function emulator(options: Parameters<typeof startEmulator>[0] = {}): Promise<Emulator> {
  const emu = await startEmulator({ port: 0, quiet: true, ...options });
  const close = emu.close.bind(emu);
  emu.close = async () => {
    const unknown = emu.requests.filter((r) => r.path.startsWith('/api/') && !matchOperation(r.method, r.path));
    await close();
    if (unknown.length) throw new Error(`requests PostHog has no operation for: ${unknown.map((r) => `${r.method} ${r.path}`).join(', ')}`);
  };
  return emu;
}

/** Call the emulator's control API (no auth). */
export async function control(emu: Emulator, method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(`${emu.url}${path}`, {
    method, headers: { 'content-type': 'application/json' }, ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : null };
}

/** Call PostHog's API on the emulator with a key. */
export async function api(emu: Emulator, method: string, path: string, body?: unknown, key = emu.key): Promise<{ status: number; json: any }> {
  const res = await fetch(`${emu.url}${path}`, {
    method, headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : null };
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run `posthog-access <args>` in-process against the emulator, capturing stdout and stderr. */
export async function cli(
  emu: Emulator | null, args: string[], env: Record<string, string | undefined> = {}, terminal?: { answer: string },
): Promise<CliRun> {
  let stdout = '';
  const out = new Writable({ write(chunk, _enc, done) { stdout += chunk.toString(); done(); } });
  // A terminal that types `answer` at the prompt; otherwise stdin is not a terminal.
  const stdin = Object.assign(new PassThrough(), { isTTY: Boolean(terminal) });
  if (terminal) stdin.end(`${terminal.answer}\n`);
  let stderr = '';
  const err = new Writable({ write(chunk, _enc, done) { stderr += chunk.toString(); done(); } });
  const code = await runCli(args, {
    env: { PATH: process.env.PATH, ...(emu && { POSTHOG_HOST: emu.url, POSTHOG_PERSONAL_API_KEY: emu.key, POSTHOG_ORG_ID: emu.organization }), ...env },
    io: { stdout: out, stderr: err, stdin, color: false, progress: false }, // progress lines depend on time: off here, tested in test/cli/progress.test.ts
  });
  return { code, stdout, stderr };
}
