// The one place that talks HTTP to PostHog: auth, timeouts, pacing, retries, pagination, errors.
// Retries are an explicit loop rather than undici's retry interceptor because the rules differ by
// cause: a 429 was not processed, so every method retries it; a 5xx or a dropped connection may
// have been applied, so only idempotent methods (GET, PUT, DELETE) retry those.
import { Agent, request } from 'undici';
import type { Logger } from 'pino';
import { ApiError, ConfigError } from '../errors.ts';
import type { Paginated } from './types.ts';
import { RateLimiter, defaultSleep } from './rate-limiter.ts';
import { canonicalHost, DEFAULT_HOST, parseHost } from '../model/host.ts';
export { canonicalHost, DEFAULT_HOST, parseHost };
import type { Sleep } from './rate-limiter.ts';
import { callLogFile, readCallLog, writeCallLog } from './call-log.ts';
import { maskKey, parseErrorBody, parsePostHogJson, responseError, scrub, unknownOutcomeError } from './errors.ts';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
export type Query = Record<string, string | number | boolean | undefined>;


export interface PostHogClientOptions {
  /** Personal API key (phx_…). Sent only in the Authorization header, never logged. */
  key: string;
  /** Base URL, e.g. https://eu.posthog.com (default https://us.posthog.com). */
  host?: string;
  logger?: Pick<Logger, 'debug' | 'warn'>;
  /** Cancels in-flight requests and waits (Ctrl-C). */
  signal?: AbortSignal;
  /** Max sockets to the host (default 16: the fetcher's parallel reads). */
  connections?: number;
  /** Overall limit per attempt, headers and body included (default 60 s). */
  timeoutMs?: number;
  connectTimeoutMs?: number; // default 10 s
  headersTimeoutMs?: number; // default 30 s
  bodyTimeoutMs?: number; // default 30 s between body chunks
  /** Attempts for GET/PUT/DELETE on 5xx or connection errors (default 4). */
  maxAttempts?: number;
  /** Retries after 429, any method (default 5). */
  max429Retries?: number;
  /** A Retry-After longer than this fails at once instead of stalling the run (default 5 min). */
  maxRetryAfterMs?: number;
  /** Backoff for 5xx / connection errors: random(0, min(maxDelayMs, baseDelayMs * 2^n)). */
  baseDelayMs?: number; // default 500
  maxDelayMs?: number; // default 10 s
  /** Client-side pacing; default PostHog's 480/min + 4,800/h. null disables it. */
  rateLimiter?: RateLimiter | null;
  /**
   * A directory for the times of recent calls with this host and key (src/posthog/call-log.ts):
   * the limiter starts from what earlier processes sent, and close() adds this one's calls.
   */
  callLogDir?: string;
  /**
   * Injectable for tests; the default limiter uses the same sleep and clock, so inject both: a sleep
   * that does not advance `now` would make the limiter spin while it waits out a 429.
   */
  sleep?: Sleep;
  now?: () => number;
  random?: () => number;
  userAgent?: string;
  /** The largest response body read (default 64 MB): past it the call fails instead of filling memory. */
  maxBodyBytes?: number;
}

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

const RETRYABLE_STATUS = new Set([500, 502, 503, 504]);
const MAX_BODY_BYTES = 64 * 1024 * 1024;
const IDEMPOTENT = new Set<HttpMethod>(['GET', 'PUT', 'DELETE']);
/** Transient network failures worth another attempt (for idempotent methods). */
const RETRYABLE_CODES = new Set([
  'ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH',
  'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT', 'TIMEOUT',
]);


function withQuery(path: string, query?: Query): string {
  const p = path.startsWith('/') ? path : `/${path}`;
  if (!query) return p;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined) params.append(k, String(v));
  const qs = params.toString();
  if (!qs) return p;
  return `${p}${p.includes('?') ? '&' : '?'}${qs}`;
}

function errorCode(err: unknown): string {
  if (err && typeof err === 'object') {
    const e = err as { code?: unknown; name?: unknown; cause?: { code?: unknown } };
    if (typeof e.code === 'string') return e.code;
    if (e.cause && typeof e.cause.code === 'string') return e.cause.code;
    if (e.name === 'TimeoutError') return 'TIMEOUT';
  }
  return 'UNKNOWN';
}

function header(headers: RawResponse['headers'], name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Retry-After is seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const secs = Number(value);
  if (Number.isFinite(secs)) return Math.max(0, secs * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

export class PostHogClient {
  readonly baseUrl: URL;
  readonly keyMask: string;
  private readonly key: string;
  private readonly agent: Agent;
  private readonly logger: PostHogClientOptions['logger'];
  private readonly signal: AbortSignal | undefined;
  private readonly limiter: RateLimiter | null;
  private readonly sleep: Sleep;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly timeoutMs: number;
  private readonly maxAttempts: number;
  private readonly max429Retries: number;
  private readonly maxRetryAfterMs: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly userAgent: string;
  private readonly maxBodyBytes: number;
  private sent = 0;
  /** Calls under way (`GET /api/…`), to name what was still waiting when the run is stopped. */
  private readonly inFlight = new Map<number, string>();
  private calls = 0;
  private closing: Promise<void> | undefined;
  private readonly callLog: { dir: string; file: string } | undefined;

  constructor(options: PostHogClientOptions) {
    const key = options.key?.trim() ?? '';
    if (!key) throw new ConfigError('POSTHOG_PERSONAL_API_KEY is empty: set it to a PostHog personal API key (phx_…)');
    if (/[\s\0]/.test(key)) throw new ConfigError('POSTHOG_PERSONAL_API_KEY contains whitespace or control characters: copy the key again');
    this.key = key;
    this.keyMask = maskKey(key);
    this.baseUrl = parseHost(canonicalHost(options.host));
    this.logger = options.logger;
    this.signal = options.signal;
    this.sleep = options.sleep ?? defaultSleep;
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
    this.limiter =
      options.rateLimiter === undefined ? new RateLimiter({ sleep: this.sleep, now: this.now }) : options.rateLimiter;
    if (this.limiter && options.callLogDir) {
      this.callLog = { dir: options.callLogDir, file: callLogFile(options.callLogDir, this.baseUrl.origin, key) };
      this.limiter.seed(readCallLog(this.callLog.file, this.now()));
    }
    this.timeoutMs = options.timeoutMs ?? 60_000;
    this.maxAttempts = Math.max(1, options.maxAttempts ?? 4);
    this.max429Retries = Math.max(0, options.max429Retries ?? 5);
    this.maxRetryAfterMs = options.maxRetryAfterMs ?? 300_000;
    this.baseDelayMs = options.baseDelayMs ?? 500;
    this.maxDelayMs = options.maxDelayMs ?? 10_000;
    this.userAgent = options.userAgent ?? 'posthog-access';
    this.maxBodyBytes = options.maxBodyBytes ?? MAX_BODY_BYTES;
    // undici's timeouts default to 300 s: set them all; keep-alive reuses the few sockets we allow.
    this.agent = new Agent({
      connections: options.connections ?? 16,
      connectTimeout: options.connectTimeoutMs ?? 10_000,
      headersTimeout: options.headersTimeoutMs ?? 30_000,
      bodyTimeout: options.bodyTimeoutMs ?? 30_000,
      keepAliveTimeout: 10_000,
    });
  }

  /** HTTP requests sent so far, retries included. */
  get requestCount(): number {
    return this.sent;
  }

  get<T>(path: string, query?: Query): Promise<T> {
    return this.request<T>('GET', withQuery(path, query));
  }
  post<T>(path: string, body?: unknown): Promise<T> {
    return this.request<T>('POST', path, body);
  }
  patch<T>(path: string, body?: unknown): Promise<T> {
    return this.request<T>('PATCH', path, body);
  }
  put<T>(path: string, body?: unknown): Promise<T> {
    return this.request<T>('PUT', path, body);
  }
  delete<T = void>(path: string): Promise<T> {
    return this.request<T>('DELETE', path);
  }

  /** GET every page of a limit/offset list, following PostHog's absolute `next` links. */
  async paginate<T>(path: string, query?: Query): Promise<T[]> {
    const out: T[] = [];
    const seen = new Set<string>();
    let next: string | null = withQuery(path, query);
    while (next !== null) {
      if (seen.has(next)) throw this.protocolError('GET', next, `pagination loops back to ${next}`);
      seen.add(next);
      const page: Paginated<T> | T[] = await this.request<Paginated<T> | T[]>('GET', next);
      if (Array.isArray(page)) {
        // Some PostHog lists are not paginated at all.
        for (const item of page) out.push(item);
        break;
      }
      if (!page || !Array.isArray(page.results)) throw this.protocolError('GET', next, 'expected a paginated list');
      for (const item of page.results) out.push(item);
      next = page.next && page.results.length > 0 ? this.followLink(page.next, next) : null;
    }
    return out;
  }

  /** Turn an absolute `next` link into a path on our host; never send the key elsewhere. */
  private followLink(link: string, from: string): string {
    let url: URL;
    try {
      url = new URL(link, this.baseUrl);
    } catch {
      throw this.protocolError('GET', from, `invalid pagination link '${link}'`);
    }
    if (url.host !== this.baseUrl.host) {
      throw this.protocolError(
        'GET',
        from,
        `refusing to follow a pagination link to another host (${url.host}): the API key would be sent there`,
      );
    }
    return url.pathname + url.search;
  }

  /** One logical call: paced, retried per the rules at the top of this file. */
  async request<T>(method: HttpMethod, path: string, body?: unknown): Promise<T> {
    const target = withQuery(path);
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const idempotent = IDEMPOTENT.has(method);
    let failures = 0; // 5xx and connection errors
    let throttled = 0; // 429s
    const call = `${method} ${target}`;
    const callId = ++this.calls;
    this.inFlight.set(callId, call);
    try {
      for (;;) {
        const answered = this.limiter ? await this.limiter.begin(this.signal) : undefined;
        if (!answered) this.signal?.throwIfAborted();

        let res: RawResponse;
        const started = performance.now();
        try {
          res = await this.send(method, target, payload);
        } catch (err) {
          answered?.();
          if (this.signal?.aborted || err instanceof ApiError) throw err;
          const code = errorCode(err);
          const why = this.describe(err, code);
          this.logger?.debug({ method, path: target, error: code, ms: Math.round(performance.now() - started) }, 'posthog request failed');
          if (!idempotent) throw unknownOutcomeError(method, target, 0, why);
          failures++;
          if (!RETRYABLE_CODES.has(code) || failures >= this.maxAttempts) {
            const tries = failures > 1 ? ` after ${failures} attempts` : '';
            throw new ApiError(`could not complete ${method} ${target} against ${this.baseUrl.host}${tries}: ${why}`, {
              status: 0, code, method, path: target,
            });
          }
          await this.backoff(method, target, failures, code, undefined);
          continue;
        }
        answered?.();
        this.logger?.debug({ method, path: target, status: res.status, ms: Math.round(performance.now() - started) }, 'posthog request');

        if (res.status >= 200 && res.status < 300) return this.parse<T>(res, method, target);

        const retryAfter = parseRetryAfter(header(res.headers, 'retry-after'), this.now());
        if (res.status === 429) {
          // Not processed by PostHog, so safe to repeat whatever the method.
          throttled++;
          const delay = retryAfter ?? this.jitter(throttled);
          if (throttled > this.max429Retries) {
            throw responseError(429, res.text, method, target, { key: this.key, retries: throttled - 1 });
          }
          if (delay > this.maxRetryAfterMs) {
            throw new ApiError(
              `rate limited by PostHog (429) on ${method} ${target}: it asks to wait ${Math.ceil(delay / 1000)} s; run again later`,
              { status: 429, method, path: target },
            );
          }
          this.logger?.warn({ method, path: target, status: 429, delayMs: Math.round(delay), retry: throttled }, 'rate limited by PostHog; waiting');
          if (this.limiter) this.limiter.pauseFor(delay); // holds every caller; acquire() does the waiting
          else await this.sleep(delay, this.signal);
          continue;
        }
        if (RETRYABLE_STATUS.has(res.status)) {
          if (!idempotent) {
            const detail = parseErrorBody(scrub(res.text, this.key)).detail;
            throw unknownOutcomeError(method, target, res.status, `PostHog answered ${res.status}${detail ? `: ${detail}` : ''}`);
          }
          failures++;
          if (failures < this.maxAttempts) {
            await this.backoff(method, target, failures, res.status, retryAfter);
            continue;
          }
          throw responseError(res.status, res.text, method, target, { key: this.key, retries: failures - 1 });
        }
        // A DELETE retried after a failure PostHog had in fact carried out finds nothing: it is done.
        if (method === 'DELETE' && res.status === 404 && failures > 0) {
          this.logger?.debug({ method, path: target }, 'retried DELETE found nothing: the first attempt had deleted it');
          return undefined as T;
        }
        throw responseError(res.status, res.text, method, target, { key: this.key });
      }
    } catch (err) {
      if (this.signal?.aborted && !(err instanceof ApiError)) {
        const unsure = idempotent ? '' : ': it may or may not have been applied; run plan again before re-applying';
        const reason = this.signal.reason as { name?: string; message?: string } | undefined;
        if (reason?.name === 'TimeoutError') {
          const others = [...this.inFlight].filter(([id]) => id !== callId).map(([, c]) => c);
          const also = others.length ? ` (also waiting: ${others.slice(0, 5).join(', ')}${others.length > 5 ? ` and ${others.length - 5} more` : ''})` : '';
          throw new ApiError(`${reason.message}: ${call} was still waiting for PostHog${also}${unsure}`, { status: 0, code: 'timeout', method, path: target });
        }
        throw new ApiError(`interrupted: ${call} was cancelled${unsure}`, { status: 0, code: 'aborted', method, path: target });
      }
      throw err;
    } finally {
      this.inFlight.delete(callId);
    }
  }

  private async send(method: HttpMethod, path: string, payload: string | undefined): Promise<RawResponse> {
    const headers: Record<string, string> = {
      authorization: `Bearer ${this.key}`,
      accept: 'application/json',
      'user-agent': this.userAgent,
    };
    if (payload !== undefined) headers['content-type'] = 'application/json';
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const signal = this.signal ? AbortSignal.any([timeout, this.signal]) : timeout;
    this.sent++;
    // Concatenate rather than resolve: a path like //evil.example must not change the host.
    const res = await request(`${this.baseUrl.origin}${path}`, {
      dispatcher: this.agent,
      method,
      headers,
      body: payload,
      signal,
    });
    // Read the body to the end, so the socket goes back to the pool; past the cap, drop the socket.
    const tooLarge = () => {
      res.body.destroy();
      return new ApiError(
        `PostHog's answer to ${method} ${path} is larger than ${Math.round(this.maxBodyBytes / 1024 / 1024)} MB: refusing to read it (is POSTHOG_HOST a PostHog?)`,
        { status: res.statusCode, code: 'too_large', method, path },
      );
    };
    if (Number(header(res.headers, 'content-length') ?? 0) > this.maxBodyBytes) throw tooLarge();
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of res.body as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > this.maxBodyBytes) throw tooLarge();
      chunks.push(chunk);
    }
    return { status: res.statusCode, headers: res.headers, text: Buffer.concat(chunks, size).toString('utf8') };
  }

  private parse<T>(res: RawResponse, method: HttpMethod, path: string): T {
    if (res.status === 204 || res.text.trim() === '') return undefined as T;
    try {
      return parsePostHogJson(res.text) as T;
    } catch {
      throw this.protocolError(method, path, `the ${res.status} answer is not PostHog's JSON: is POSTHOG_HOST a PostHog instance?`);
    }
  }

  /** Full jitter: spreads retries from concurrent callers instead of syncing them. */
  private jitter(n: number): number {
    return this.random() * Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** (n - 1));
  }

  private async backoff(method: HttpMethod, path: string, n: number, cause: string | number, retryAfter: number | undefined): Promise<void> {
    const delay = retryAfter !== undefined ? Math.min(retryAfter, this.maxRetryAfterMs) : this.jitter(n);
    this.logger?.warn({ method, path, cause, attempt: n + 1, delayMs: Math.round(delay) }, 'posthog request failed; retrying');
    await this.sleep(delay, this.signal);
  }

  /** A readable, key-free description of a network error (undici messages are scrubbed too). */
  private describe(err: unknown, code: string): string {
    if (code === 'TIMEOUT') return `no complete answer within ${Math.round(this.timeoutMs / 1000)} s`;
    if (code === 'ENOTFOUND') return `cannot resolve ${this.baseUrl.hostname}: check POSTHOG_HOST`;
    const message = err instanceof Error ? err.message : String(err);
    return scrub(`${code}${message && message !== code ? ` (${message})` : ''}`, this.key);
  }

  private protocolError(method: HttpMethod, path: string, why: string): ApiError {
    return new ApiError(`unexpected answer from PostHog to ${method} ${path}: ${why}`, { status: 0, code: 'protocol', method, path });
  }

  /**
   * Close the sockets so the CLI exits promptly. Safe to call more than once. With `abandon`, calls
   * still in flight are dropped rather than waited for: the run failed, and their answers would be
   * read by nobody. The calls' times are kept for the next run's pacing either way.
   */
  close(abandon = false): Promise<void> {
    if (!this.closing && this.callLog && this.limiter) writeCallLog(this.callLog.file, this.callLog.dir, this.limiter.recentCalls(), this.now());
    this.closing ??= abandon ? this.agent.destroy() : this.agent.close();
    return this.closing;
  }
}
