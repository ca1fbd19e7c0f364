// The Action runs posthog-access's own command line in-process: the same commands, flags, guards
// and messages a user gets from `npx posthog-access`, with stdout and stderr captured.
import { PassThrough, Writable } from 'node:stream';
import { runCli } from '../cli/main.ts';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function cli(args: string[], env: Record<string, string | undefined>): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const out = new Writable({ write(chunk, _enc, done) { stdout += chunk.toString(); done(); } });
  const err = new Writable({ write(chunk, _enc, done) { stderr += chunk.toString(); done(); } });
  const stdin = Object.assign(new PassThrough(), { isTTY: false });
  stdin.end();
  // No progress lines: stderr is read for the error message, and the run's log is not a terminal.
  const code = await runCli(args, { env, io: { stdout: out, stderr: err, stdin, color: false, progress: false } });
  return { code, stdout, stderr };
}

/** What the CLI said on stderr: its message from the first `error:` line on, else its last log messages. */
export function errorText(result: CliResult): string {
  const lines = result.stderr.split('\n').filter((l) => l.trim());
  const plain = lines.filter((l) => !l.startsWith('{'));
  const first = plain.findIndex((l) => l.startsWith('error:'));
  if (first >= 0) return plain.slice(first).join('\n');
  const logged = lines.map((l) => {
    try { return String((JSON.parse(l) as { msg?: unknown }).msg ?? ''); } catch { return l; }
  }).filter(Boolean);
  return logged.slice(-5).join('\n');
}
