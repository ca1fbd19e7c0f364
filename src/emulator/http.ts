// HTTP plumbing of the emulator: JSON answers, request bodies, JSON parsing.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError } from './errors.ts';

export function send(res: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  if (status === 204 || body === undefined) {
    res.writeHead(status, headers);
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** A request body over the cap: answered 413, never buffered. */
export class BodyTooLarge extends Error {
  limit: number;
  constructor(limit: number) {
    super(`Request body larger than ${limit} bytes.`);
    this.limit = limit;
  }
}

/**
 * Reads a request body of at most `limit` bytes. A declared Content-Length over the cap is refused
 * before a byte is read; a streamed body is refused as soon as it passes the cap (what arrived so
 * far is dropped).
 */
export function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      reject(new BodyTooLarge(limit));
      return;
    }
    let chunks: Buffer[] = [];
    let size = 0;
    const onData = (c: Buffer): void => {
      size += c.length;
      if (size > limit) {
        chunks = [];
        req.off('data', onData);
        req.off('end', onEnd);
        reject(new BodyTooLarge(limit));
        return;
      }
      chunks.push(c);
    };
    const onEnd = (): void => resolve(Buffer.concat(chunks).toString('utf8'));
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', reject);
  });
}

/** Bytes a refused body may still send after the 413 before the connection is cut. */
const LINGER_BYTES = 8 * 1024 * 1024;
const LINGER_MS = 2000;

/**
 * Answers 413 and cuts the connection early: the rest of the body is discarded while the client
 * reads the answer, and the socket is destroyed after a few more megabytes or seconds (closing at
 * once could reset the connection before the client has read the 413).
 */
export function refuseTooLarge(req: IncomingMessage, res: ServerResponse, limit: number): void {
  send(res, 413, { type: 'invalid_request', code: 'request_too_large', detail: `Request body larger than ${limit} bytes.`, attr: null });
  let extra = 0;
  const cut = (): void => {
    clearTimeout(timer);
    req.socket.destroy();
  };
  const timer = setTimeout(cut, LINGER_MS);
  timer.unref();
  req.on('data', (c: Buffer) => {
    extra += c.length;
    if (extra > LINGER_BYTES) cut();
  });
  req.on('end', () => clearTimeout(timer));
  req.on('error', () => clearTimeout(timer));
  req.resume();
}

/** Host names the control API answers to (with or without a port): never a foreign name (DNS rebinding). */
export function isLoopbackHost(host: string | undefined): boolean {
  if (!host) return false;
  const m = /^(\[::1\]|127\.0\.0\.1|localhost)(:\d{1,5})?$/i.exec(host.trim());
  return m !== null;
}

/** An Origin header, when a browser sends one, must be a loopback origin too. */
export function isLoopbackOrigin(origin: string | undefined): boolean {
  if (origin === undefined) return true;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  return (url.protocol === 'http:' || url.protocol === 'https:') && isLoopbackHost(url.host);
}

/** `application/json`, parameters (charset) allowed. */
export function isJsonContentType(value: string | undefined): boolean {
  return value !== undefined && value.split(';')[0]!.trim().toLowerCase() === 'application/json';
}

export function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ApiError(400, 'validation_error', 'parse_error', `JSON parse error - ${(e as Error).message}`);
  }
}
