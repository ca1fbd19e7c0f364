#!/usr/bin/env node
// Plain JavaScript that any Node can parse: the version check runs before anything that needs a
// newer Node is loaded, so an old Node gets one line saying what to install instead of a crash.
import { existsSync, readFileSync } from 'node:fs';

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
const entry = existsSync(sources) ? sources : new URL('dist/cli/main.js', root);
const { main } = await import(entry.href);
await main();
