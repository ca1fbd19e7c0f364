// The emulator is safe to run on a laptop: bodies are capped, the control API answers only this
// machine's own JSON requests, the state file is private, start-up problems are one line, and the
// clock and fault rules are bounded. Each case reproduces an attack that once worked.
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmulatorStartError, startEmulator } from '../../src/emulator/server.ts';
import { Client, start } from './helpers.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

let c: Client;
beforeAll(async () => { c = await start(); });
afterAll(async () => { await c.emulator.close(); });

interface Raw { status: number; body: string }

/** A request with headers fetch will not let a caller set (Host, Origin). */
function raw(url: string, method: string, headers: Record<string, string>, body?: string): Promise<Raw> {
  return new Promise((resolvePromise, reject) => {
    const req = request(url, { method, headers }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => { text += d.toString(); });
      res.on('end', () => resolvePromise({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * Streams up to `total` bytes as the body of `head` over a raw socket, stopping when the server
 * answers or cuts the connection. Resolves with the answer's status line and the bytes sent.
 */
function stream(head: string, total: number): Promise<{ statusLine: string; sent: number }> {
  const { port } = new URL(c.emulator.url);
  const chunk = Buffer.alloc(1024 * 1024, 'a');
  return new Promise((resolvePromise) => {
    const socket = connect(Number(port), '127.0.0.1');
    let answer = '';
    let sent = 0;
    let finished = false;
    const finish = (): void => {
      if (finished) return;
      finished = true;
      socket.destroy();
      resolvePromise({ statusLine: answer.split('\r\n')[0] ?? '', sent });
    };
    socket.on('data', (d: Buffer) => {
      answer += d.toString();
      if (answer.includes('\r\n\r\n')) finish();
    });
    socket.on('error', finish);
    socket.on('close', finish);
    const pump = (): void => {
      while (!finished && sent < total) {
        sent += chunk.length;
        if (!socket.write(chunk)) {
          socket.once('drain', pump);
          return;
        }
      }
    };
    socket.write(head, pump);
  });
}

const SIX_HUNDRED_MB = 600 * 1024 * 1024;

describe('request bodies are capped', () => {
  it('a declared 600 MB body is answered 413 before it is read, and the emulator keeps serving', async () => {
    const head = `PATCH /api/organizations/@current/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${SIX_HUNDRED_MB}\r\n\r\n`;
    const r = await stream(head, SIX_HUNDRED_MB);
    expect(r.statusLine).toMatch(/^HTTP\/1\.1 413 /);
    expect(r.sent).toBeLessThan(SIX_HUNDRED_MB);
    expect((await c.get(`/api/organizations/${c.org}/`)).status).toBe(200);
  });

  it('a streamed (chunked) 600 MB body is cut early with 413, and the state can still be saved', async () => {
    const head = 'POST /api/organizations/@current/invites/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n';
    // one huge chunk: its size line announces 600 MB, the bytes follow as they are written
    const r = await stream(`${head}${SIX_HUNDRED_MB.toString(16)}\r\n`, SIX_HUNDRED_MB);
    expect(r.statusLine).toMatch(/^HTTP\/1\.1 413 /);
    expect(r.sent).toBeLessThan(SIX_HUNDRED_MB);
    expect((await c.get(`/api/organizations/${c.org}/members/`)).status).toBe(200);
    const dir = mkdtempSync(join(tmpdir(), 'emu-413-'));
    const emu = await startEmulator({ quiet: true, statePath: join(dir, 'state.json'), maxBodyBytes: 1024 });
    try {
      const big = await fetch(`${emu.url}/api/organizations/@current/`, { method: 'PATCH', headers: { 'content-type': 'application/json', authorization: `Bearer ${emu.key}` }, body: JSON.stringify({ name: 'x'.repeat(2000) }) });
      expect(big.status).toBe(413);
      expect(await big.json()).toMatchObject({ code: 'request_too_large' });
      await emu.save();
      expect(statSync(join(dir, 'state.json')).size).toBeGreaterThan(0);
    } finally {
      await emu.close();
    }
  });

  it('the control API caps bodies too', async () => {
    const head = `PUT /_emulator/state HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${SIX_HUNDRED_MB}\r\n\r\n`;
    expect((await stream(head, SIX_HUNDRED_MB)).statusLine).toMatch(/^HTTP\/1\.1 413 /);
    expect((await c.control('GET', '/_emulator/clock')).status).toBe(200);
  });
});

describe('the control API answers only this machine', () => {
  const keys = (): number => c.emulator.state.keys.size;

  it('a foreign Host (DNS rebinding) is refused and mints nothing', async () => {
    const before = keys();
    const { port } = new URL(c.emulator.url);
    for (const host of [`evil.example:${port}`, 'evil.example', `127.0.0.1.evil.example:${port}`, `localhost.evil.example`]) {
      const minted = await raw(`${c.emulator.url}/_emulator/keys`, 'POST', { host, 'content-type': 'application/json' }, JSON.stringify({ email: 'alice@example.com' }));
      expect(minted.status, host).toBe(403);
      expect(JSON.parse(minted.body).detail).toContain('127.0.0.1, localhost or [::1]');
      expect((await raw(`${c.emulator.url}/_emulator/state`, 'GET', { host })).status, host).toBe(403);
    }
    expect(keys()).toBe(before);
  });

  it('127.0.0.1, localhost and [::1], with or without the port, are answered', async () => {
    const { port } = new URL(c.emulator.url);
    for (const host of ['127.0.0.1', `127.0.0.1:${port}`, 'localhost', `LOCALHOST:${port}`, '[::1]', `[::1]:${port}`]) {
      expect((await raw(`${c.emulator.url}/_emulator/clock`, 'GET', { host })).status, host).toBe(200);
    }
  });

  it('a cross-site text/plain POST (no preflight) is refused and mints no owner key', async () => {
    const before = keys();
    const body = JSON.stringify({ email: 'alice@example.com', scopes: ['*'] });
    for (const type of ['text/plain', 'text/plain;charset=UTF-8', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const r = await raw(`${c.emulator.url}/_emulator/keys`, 'POST', { 'content-type': type }, body);
      expect(r.status, type).toBe(415);
    }
    const noType = await raw(`${c.emulator.url}/_emulator/keys`, 'POST', {}, body);
    expect(noType.status).toBe(415);
    expect(keys()).toBe(before);
  });

  it('a foreign Origin is refused even on a loopback Host', async () => {
    const r = await raw(`${c.emulator.url}/_emulator/keys`, 'POST', { 'content-type': 'application/json', origin: 'http://evil.example' }, JSON.stringify({ email: 'alice@example.com' }));
    expect(r.status).toBe(403);
    const own = await raw(`${c.emulator.url}/_emulator/clock`, 'GET', { origin: c.emulator.url });
    expect(own.status).toBe(200);
  });
});

describe('the state file', () => {
  it('is written 0600, also over an existing 0644 file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'emu-mode-'));
    const file = join(dir, 'state.json');
    const emu = await startEmulator({ quiet: true, statePath: file });
    try {
      await emu.save();
      expect(statSync(file).mode & 0o777).toBe(0o600);
      chmodSync(file, 0o644);
      await emu.save();
      expect(statSync(file).mode & 0o777).toBe(0o600);
    } finally {
      await emu.close();
    }
  });
});

describe('start-up problems are one line', () => {
  it('an invalid or unreadable --state, or a folder that is missing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'emu-start-'));
    writeFileSync(join(dir, 'not-json.json'), 'this is not json');
    writeFileSync(join(dir, 'wrong.json'), JSON.stringify({ version: 1, organizations: 'nope' }));
    const cases: [string, RegExp][] = [
      [join(dir, 'not-json.json'), /not-json\.json: not a JSON snapshot/],
      [join(dir, 'wrong.json'), /wrong\.json: Invalid emulator snapshot: /],
      [join(dir, 'missing-folder', 'state.json'), /missing-folder does not exist/],
      [dir, /cannot be read/],
    ];
    for (const [statePath, message] of cases) {
      const started = startEmulator({ quiet: true, statePath });
      await expect(started, statePath).rejects.toBeInstanceOf(EmulatorStartError);
      await expect(started, statePath).rejects.toThrow(message);
    }
  });

  it('a port in use: `posthog-access emulator` exits 1 with one line and no stack trace', async () => {
    const { port } = new URL(c.emulator.url);
    const child = spawn(process.execPath, [join(root, 'src/cli/main.ts'), 'emulator', '--port', port, '--quiet'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let stdout = '';
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    const code = await new Promise<number | null>((done) => child.on('exit', done));
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toBe(`error: port ${port} on 127.0.0.1 is already in use: choose another with --port (0 picks a free one)\n`);
  }, 20_000);
});

describe('the clock and fault rules are bounded', () => {
  it('clock moves beyond the bounds are refused and leave the clock where it was', async () => {
    const before = (await c.control('GET', '/_emulator/clock')).body.now;
    for (const body of [{ advance_days: 1e12 }, { advance_seconds: Number.MAX_SAFE_INTEGER }, { advance_days: '5' }, { now: '+275760-09-13T00:00:00Z' }, { now: 'yesterday' }, { now: '1969-12-31T00:00:00Z' }]) {
      const r = await c.control('POST', '/_emulator/clock', body);
      expect(r.status, JSON.stringify(body)).toBe(400);
    }
    expect((await c.control('GET', '/_emulator/clock')).body.now.slice(0, 16)).toBe(before.slice(0, 16));
    expect((await c.control('POST', '/_emulator/clock', { advance_days: 4 })).status).toBe(200);
    expect((await c.control('POST', '/_emulator/clock', { advance_days: -4 })).status).toBe(200);
  });

  it('fault rules out of bounds are refused and the previous rules stay', async () => {
    await c.control('POST', '/_emulator/faults', { rules: [{ path: '/api/nothing/here/', latency_ms: 1 }] });
    const bad: unknown[] = [
      { rules: [{ latency_ms: 1e9 }] },
      { rules: [{ jitter_ms: -1 }] },
      { rules: [{ error_rate: 2 }] },
      { rules: [{ drop_rate: 'always' }] },
      { rules: [{ throttle_count: 1e12 }] },
      { rules: [{ retry_after: 1e9 }] },
      { rules: [{ error_status: 200 }] },
      { rules: [{ path: 're:(' }] },
      { rules: [{ path: 'x'.repeat(10_000) }] },
      { rules: Array.from({ length: 101 }, () => ({ latency_ms: 1 })) },
      { rules: 'all' },
      { seed: 'x', rules: [] },
    ];
    for (const body of bad) {
      const r = await c.control('POST', '/_emulator/faults', body);
      expect(r.status, JSON.stringify(body).slice(0, 80)).toBe(400);
    }
    expect((await c.control('GET', '/_emulator/faults')).body.rules).toEqual([{ path: '/api/nothing/here/', latency_ms: 1 }]);
    await c.control('DELETE', '/_emulator/faults');
  });

  it('rate limits are positive integers', async () => {
    for (const body of [{ perMinute: -1 }, { perHour: 0 }, { perMinute: 'many' }, { perMinute: 1e12 }]) {
      expect((await c.control('POST', '/_emulator/rate_limit', body)).status, JSON.stringify(body)).toBe(400);
    }
    expect((await c.control('POST', '/_emulator/rate_limit', { enabled: false })).body.rate_limit).toBe(false);
  });
});
