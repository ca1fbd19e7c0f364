#!/usr/bin/env node
// Plain JavaScript that any Node can parse: the version check runs before anything that needs a
// newer Node is loaded, so an old Node gets one line saying what to install instead of a crash.
import { existsSync, readFileSync } from 'node:fs';
import module from 'node:module';
import { join } from 'node:path';

const root = new URL('../', import.meta.url);
const engines = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')).engines.node; // ">=22.20"
const [needMajor, needMinor] = engines.match(/(\d+)\.(\d+)/).slice(1).map(Number);
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < needMajor || (major === needMajor && minor < needMinor)) {
  process.stderr.write(`posthog-access needs Node.js ${needMajor}.${needMinor} or newer; this is Node.js ${process.versions.node}.\n`);
  process.exit(1);
}

// A git checkout (sources present) runs the TypeScript it is being edited in; the installed package
// ships only the compiled dist/ (Node does not strip types under node_modules).
const sources = new URL('src/cli/main.ts', root);
const installed = !existsSync(sources);
const entry = installed ? new URL('dist/cli/main.js', root) : sources;
if (installed) enableCompileCache(process.env);
const { main } = await import(entry.href);
await main();

/**
 * Node's compile cache: V8's code for the CLI's modules kept between runs, so a command starts
 * faster from its second run on. It lives in the user's own cache folder, as the call log does
 * (src/posthog/call-log.ts): $XDG_CACHE_HOME, else $HOME/.cache, else %LOCALAPPDATA%; never in a
 * folder other users can write (they could plant code). Node checks each entry against its source.
 * NODE_DISABLE_COMPILE_CACHE=1 turns it off; a folder that cannot be written only means no cache.
 */
function enableCompileCache(env) {
  const xdg = env.XDG_CACHE_HOME?.trim();
  const home = env.HOME?.trim();
  const local = env.LOCALAPPDATA?.trim();
  const dir = xdg ? join(xdg, 'posthog-access') : home ? join(home, '.cache', 'posthog-access') : local ? join(local, 'posthog-access', 'cache') : undefined;
  if (!dir || !module.enableCompileCache) return;
  try {
    module.enableCompileCache(join(dir, 'compile-cache'));
  } catch {
    // No cache: the same run, started a little slower.
  }
}
