// Operator logs: pino to stderr (stdout carries only the plan or the report). Readable on a
// terminal, JSON lines elsewhere. Secrets are redacted wherever a field could carry one.
import { createRequire } from 'node:module';
import pino, { type Logger } from 'pino';

// pino-pretty (and its dependencies) only loads on a terminal: CI runs and benchmarks skip it.
const require = createRequire(import.meta.url);

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const REDACT = ['key', 'value', 'token', 'authorization', 'headers', '*.key', '*.value', '*.token', '*.authorization', '*.headers'];

export function createLogger(level: LogLevel = 'info', stream: NodeJS.WritableStream & { isTTY?: boolean } = process.stderr): Logger {
  const options = { level, redact: { paths: REDACT, censor: '[redacted]' }, base: undefined };
  if (stream.isTTY) {
    const pretty = require('pino-pretty') as typeof import('pino-pretty').PinoPretty;
    return pino(options, pretty({ destination: 2, sync: true, ignore: 'stage', messageFormat: '{if stage}[{stage}] {end}{msg}', translateTime: 'HH:MM:ss' }));
  }
  return pino(options, stream === process.stderr ? pino.destination({ fd: 2, sync: true }) : stream);
}
