// Operator logs: pino to stderr (stdout carries only the plan or the report). Readable on a
// terminal, JSON lines elsewhere. Secrets are redacted wherever a field could carry one.
// pino loads on the first line actually written: a command that logs nothing at its level (a
// valid `validate`, `--help`) starts without it.
import { createRequire } from 'node:module';
import type { Logger } from 'pino';

const require = createRequire(import.meta.url);

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** pino's numeric levels. */
const VALUES: Record<LogLevel, number> = { fatal: 60, error: 50, warn: 40, info: 30, debug: 20, trace: 10, silent: Infinity };

const REDACT = ['key', 'value', 'token', 'authorization', 'headers', '*.key', '*.value', '*.token', '*.authorization', '*.headers'];

function pinoLogger(level: LogLevel, stream: NodeJS.WritableStream & { isTTY?: boolean }): Logger {
  const pino = require('pino') as typeof import('pino').default;
  const options = { level, redact: { paths: REDACT, censor: '[redacted]' }, base: undefined };
  if (stream.isTTY) {
    // pino-pretty (and its dependencies) only loads on a terminal: CI runs and benchmarks skip it.
    const pretty = require('pino-pretty') as typeof import('pino-pretty').PinoPretty;
    return pino(options, pretty({ destination: 2, sync: true, ignore: 'stage', messageFormat: '{if stage}[{stage}] {end}{msg}', translateTime: 'HH:MM:ss' }));
  }
  return pino(options, stream === process.stderr ? pino.destination({ fd: 2, sync: true }) : stream);
}

export function createLogger(level: LogLevel = 'info', stream: NodeJS.WritableStream & { isTTY?: boolean } = process.stderr): Logger {
  let real: Logger | undefined;
  const load = () => (real ??= pinoLogger(level, stream));
  const enabled = (at: LogLevel) => at !== 'silent' && VALUES[at] >= VALUES[level];
  const method = (at: Exclude<LogLevel, 'silent'>) => (...args: unknown[]) => {
    if (enabled(at)) (load()[at] as (...a: unknown[]) => void)(...args);
  };
  const logger = {
    level,
    fatal: method('fatal'),
    error: method('error'),
    warn: method('warn'),
    info: method('info'),
    debug: method('debug'),
    trace: method('trace'),
    silent: () => {},
    isLevelEnabled: (at: string) => enabled(at as LogLevel),
    child: (...args: Parameters<Logger['child']>) => load().child(...args),
    flush: () => real?.flush(),
  };
  return logger as unknown as Logger;
}
