// `--help` and `validate` start without the HTTP client, the logger, the planner or the read-side
// renderers (src/cli/main.ts imports each command's modules when it runs), and a valid matrix loads
// without the yaml package (src/matrix/read.ts: the fast path): what a fresh process
// loads is listed by a module hook and checked here. Start-up time itself is measured by
// `npm run bench`, never here.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
// Prints every module the process resolved, one per line, on stderr at exit.
const hook = `data:text/javascript,${encodeURIComponent(`
import { registerHooks } from 'node:module';
const seen = new Set();
registerHooks({ resolve(s, c, next) { const r = next(s, c); seen.add(r.url); return r; } });
process.on('exit', () => process.stderr.write('\\n#modules\\n' + [...seen].join('\\n') + '\\n'));
`)}`;

function loaded(args: string[]): string[] {
  const run = spawnSync(process.execPath, ['--import', hook, 'src/cli/main.ts', ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  expect(run.status, run.stderr).toBe(0);
  return run.stderr.split('\n#modules\n')[1]!.trim().split('\n');
}

const HEAVY = [/node_modules\/undici\//, /node_modules\/pino/, /src\/posthog\//, /src\/plan\/plan\.ts$/, /src\/state\//, /src\/emulator\//, /src\/review\/render\.ts$/, /src\/access\/(report|effective)\.ts$/, /src\/log\/render\.ts$/, /node_modules\/yaml\//, /src\/matrix\/positioned\.ts$/];

describe('what a command loads', () => {
  // validate: a valid matrix with no warning (a warning goes through the logger, which then loads).
  it.each([[['--help']], [['validate', '-m', 'test/fixtures/lazy-load-matrix.yaml']]])('%j loads no HTTP client, logger, planner, renderer or yaml package', (args) => {
    const modules = loaded(args);
    expect(modules.some((m) => m.endsWith('src/cli/main.ts'))).toBe(true); // the hook saw the run
    expect(modules.filter((m) => HEAVY.some((h) => h.test(m)))).toEqual([]);
  });
});
