// Preloaded into a measured CLI run (node --import): on exit, reports to stderr (last line, JSON)
// the CPU time and peak memory of the whole process, and the npm packages it loaded (to check that
// a command loads only what it uses).
import { registerHooks } from 'node:module';

const packages = new Set();
registerHooks({
  resolve(specifier, context, nextResolve) {
    const resolved = nextResolve(specifier, context);
    const url = resolved.url ?? '';
    const pkg = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
    if (pkg) packages.add(pkg[1]);
    // The project's own modules by folder (posthog/ is the HTTP client, emulator/ the emulator); a
    // file of the bundled CLI by name (bench/lib.ts says what it holds, from esbuild's metafile).
    const chunk = /\/dist\/cli\/([^/]+\.js)$/.exec(url);
    const own = /\/src\/([a-z]+)\//.exec(url);
    if (!pkg && chunk) packages.add(`chunk:${chunk[1]}`);
    else if (!pkg && own) packages.add(`posthog-access/${own[1]}`);
    return resolved;
  },
});

process.on('exit', (code) => {
  const usage = process.resourceUsage();
  const report = {
    code,
    cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000,
    maxRssMb: usage.maxRSS / 1024,
    packages: [...packages].sort(),
  };
  process.stderr.write(`\n${JSON.stringify(report)}\n`);
});
