// `posthog-access emulator [--port N] [--state F]`: run the emulator until SIGINT/SIGTERM.
import { EmulatorStartError, startEmulator } from './server.ts';
import type { Emulator } from './server.ts';

export interface EmulatorCommandOptions {
  port?: number;
  /** Snapshot file: loaded at start when it exists, written on exit. */
  state?: string;
  host?: string;
  quiet?: boolean;
}

/**
 * Starts the emulator, prints `{"url","key","organization"}` as the first stdout line, resolves with
 * the exit code on exit: 0, or 1 after a one-line `error: …` on stderr when it cannot start (port in
 * use, an unreadable or invalid --state, a state folder it cannot write to).
 */
export async function runEmulatorCommand(opts: EmulatorCommandOptions = {}): Promise<number> {
  let emulator: Emulator;
  try {
    emulator = await startEmulator({
      port: opts.port ?? 0,
      host: opts.host ?? '127.0.0.1',
      quiet: opts.quiet ?? false,
      ...(opts.state ? { statePath: opts.state } : {}),
    });
  } catch (e) {
    const message = e instanceof EmulatorStartError ? e.message : `could not start the emulator: ${(e as Error).message}`;
    process.stderr.write(`error: ${message.split('\n')[0]}\n`);
    return 1;
  }
  process.stdout.write(JSON.stringify({ url: emulator.url, key: emulator.key, organization: emulator.organization }) + '\n');
  return await new Promise<number>((resolve) => {
    let stopping = false;
    let code = 0;
    const stop = (): void => {
      if (stopping) return;
      stopping = true;
      void (async () => {
        try {
          await emulator.save();
        } catch (e) {
          process.stderr.write(`error: could not save the state to ${opts.state}: ${(e as Error).message}\n`);
          code = 1;
        }
        await emulator.close();
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        resolve(code);
      })();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
