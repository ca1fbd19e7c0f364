// Runs `posthog-access plan` as a user would, then reports the process's peak memory on stderr
// (last line, JSON), so the benchmark measures the tool alone.
import { Writable } from 'node:stream';
import { runCli } from '../src/cli/main.ts';

const sink = new Writable({ write(_chunk, _enc, done) { done(); } });
const started = performance.now();
const code = await runCli(['plan', '--format', 'json', ...process.argv.slice(2)], { io: { stdout: sink } });
process.stderr.write(`\n${JSON.stringify({ code, seconds: (performance.now() - started) / 1000, maxRssMb: process.resourceUsage().maxRSS / 1024 })}\n`);
