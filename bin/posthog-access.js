#!/usr/bin/env node
// The published package runs the compiled dist/ (Node does not strip types under node_modules);
// a git checkout without a build runs the TypeScript sources directly (Node >= 22.18).
import { existsSync } from 'node:fs';

const compiled = new URL('../dist/cli/main.js', import.meta.url);
const { main } = await import(existsSync(compiled) ? compiled.href : new URL('../src/cli/main.ts', import.meta.url).href);
await main();
