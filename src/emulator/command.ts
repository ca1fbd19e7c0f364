// `posthog-access emulator [--port N] [--state F]`: run the emulator until SIGINT/SIGTERM.
import { startEmulator } from './server.ts';

export interface EmulatorCommandOptions {
  port?: number;
  /** Snapshot file: loaded at start when it exists, written on exit. */
  state?: string;
  host?: string;
  quiet?: boolean;
}

/** Starts the emulator, prints `{"url","key","organization"}` as the first stdout line, resolves on exit. */
export async function runEmulatorCommand(opts: EmulatorCommandOptions = {}): Promise<void> {
  const emulator = await startEmulator({
    port: opts.port ?? 0,
    host: opts.host ?? '127.0.0.1',
    quiet: opts.quiet ?? false,
    ...(opts.state ? { statePath: opts.state } : {}),
  });
  process.stdout.write(JSON.stringify({ url: emulator.url, key: emulator.key, organization: emulator.organization }) + '\n');
  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (): void => {
      if (stopping) return;
      stopping = true;
      void (async () => {
        try {
          await emulator.save();
        } catch (e) {
          process.stderr.write(`[emulator] could not save state: ${(e as Error).message}\n`);
        }
        await emulator.close();
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        resolve();
      })();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
