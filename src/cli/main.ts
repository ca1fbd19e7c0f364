#!/usr/bin/env node
// The entry point: parses the command line, runs a command, maps errors to exit codes. The only
// place that sets the process's exit code; user errors print their message, never a stack.
// Each command loads its own modules when it runs (import() in its action): `--help` and
// `validate` start without the HTTP client, the planner or the emulator.
import { setFlagsFromString } from 'node:v8';
import { Command, InvalidArgumentError, Option } from 'commander';
import { isUserError, ConfigError } from '../errors.ts';
import { createLogger, LOG_LEVELS, type LogLevel } from '../log.ts';
import { RENDER_FORMATS } from '../plan/render/formats.ts';
import { TOOL_VERSION } from '../util/version.ts';
import type { Io } from './commands.ts';
import { EXIT } from './exit.ts';
import { ACCESS_FORMATS } from '../access/formats.ts';
import { LOG_FORMATS } from '../log/formats.ts';
import { REVIEW_FORMATS } from '../review/formats.ts';
import { ACCESS_CONTROL_RESOURCES } from '../model/levels.ts';
import type { Session } from './pipeline.ts';
import { createProgress } from './progress.ts';

const DEFAULT_MATRIX = 'access-matrix.yaml';

function count(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a whole number, 0 or more');
  return n;
}

/** `--concurrency`: 0 would apply nothing and report success; more than 32 only meets the rate limit sooner. */
export const MAX_CONCURRENCY = 32;
function concurrency(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > MAX_CONCURRENCY) throw new InvalidArgumentError(`expected a whole number from 1 to ${MAX_CONCURRENCY}`);
  return n;
}

/** `--timeout`: seconds, or a number with s, m or h (90, 90s, 15m, 1h). */
export function duration(value: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(s|m|h)?\s*$/.exec(value);
  const seconds = m ? Number(m[1]) * ({ s: 1, m: 60, h: 3600 }[m[2] as 's' | 'm' | 'h'] ?? 1) : NaN;
  if (!(seconds > 0) || seconds > 7 * 24 * 3600) throw new InvalidArgumentError('expected a duration such as 90, 90s, 15m or 1h (at most a week)');
  return seconds;
}

/**
 * The run's signal: Ctrl-C (the caller's signal) or `--timeout` elapsed, whichever first. The
 * timeout's reason is a TimeoutError whose message names the limit, so whatever was still waiting
 * can say so (the client names its requests in flight).
 */
function runSignal(signal: AbortSignal | undefined, timeout: number | undefined): { signal?: AbortSignal; done(): void } {
  if (timeout === undefined) return { ...(signal && { signal }), done: () => {} };
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new DOMException(`--timeout ${timeout} s reached`, 'TimeoutError')), timeout * 1000);
  timer.unref();
  return { signal: signal ? AbortSignal.any([signal, controller.signal]) : controller.signal, done: () => clearTimeout(timer) };
}

/**
 * Colour on stdout: FORCE_COLOR (any value but 0 or false) turns it on even off a terminal and
 * wins over NO_COLOR, as Node does; NO_COLOR (non-empty) turns it off; else only on a terminal.
 */
export function colorWanted(env: Record<string, string | undefined>, terminal: boolean): boolean {
  if (env.FORCE_COLOR !== undefined) return !['0', 'false'].includes(env.FORCE_COLOR.trim().toLowerCase());
  if (env.NO_COLOR) return false;
  return terminal;
}

export async function runCli(
  argv: string[],
  options: { env?: Record<string, string | undefined>; io?: Partial<Io> & { stderr?: NodeJS.WritableStream; progress?: boolean }; signal?: AbortSignal } = {},
): Promise<number> {
  const env = options.env ?? process.env;
  const stdout = options.io?.stdout ?? process.stdout;
  const stderr = options.io?.stderr ?? process.stderr;
  const io: Io = {
    stdout,
    stdin: options.io?.stdin ?? process.stdin,
    color: options.io?.color ?? colorWanted(env, Boolean(stdout.isTTY)),
  };
  let exitCode: number = EXIT.ok;
  let finish = () => {};
  const session = (opts: { logLevel: LogLevel }, timeout?: number): Session => {
    const run = runSignal(options.signal, timeout);
    const progress = options.io?.progress === false ? undefined : createProgress(stderr);
    finish = () => { progress?.done(); run.done(); };
    return { env, logger: createLogger(opts.logLevel, stderr), ...(progress && { progress }), ...(run.signal && { signal: run.signal }) };
  };

  const program = new Command('posthog-access')
    .description('Declarative access-as-code for PostHog: a YAML access matrix, planned and applied.')
    .version(TOOL_VERSION)
    .addOption(new Option('--log-level <level>', 'log detail on stderr').choices(LOG_LEVELS).default('warn'))
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ writeOut: (s) => stdout.write(s), writeErr: (s) => stderr.write(s) })
    .addHelpText('after', `
Environment: POSTHOG_PERSONAL_API_KEY (required to plan and apply), POSTHOG_HOST (default https://us.posthog.com), POSTHOG_ORG_ID.
Exit codes: 0 success or nothing to do, 1 error or refused, 2 changes present (plan --detailed-exitcode, drift).

Examples:
  posthog-access validate
  posthog-access plan --format markdown > plan.md
  posthog-access plan --out plan.json && posthog-access apply plan.json
  posthog-access drift                      # scheduled job: exit 2 when PostHog drifted
  posthog-access review --record reviews    # the quarterly access review, kept in the repository
  posthog-access demo                       # try it against the embedded emulator`);

  const collectMatrix = (value: string, previous: string[]) => [...previous, value];
  // Several organizations in one run: one matrix each, or a directory of them (docs/cli.md).
  const matricesOption = () => new Option('-m, --matrix <file>', 'the access matrix; repeat it, or name a directory (its *.yaml files), for several organizations in one run')
    .argParser(collectMatrix).default([], DEFAULT_MATRIX);
  const planOptions = (cmd: Command, at = true) =>
    (at ? cmd.option('--at <date>', 'plan as of another day (what will have expired by then); for review, never applied') : cmd)
      .addOption(matricesOption())
      .addOption(new Option('-f, --format <format>', 'output format').choices(RENDER_FORMATS).default('text'))
      .option('--allow-deletes <n>', 'allow up to N removals and demotions this run (over safety.max_deletes)', count)
      .option('--roll-secret-keys [labels...]', 'roll project secret keys now (all declared ones, or these labels)')
      .option('--allow-sso-without-idp', 'enforce SSO on a domain even where no identity provider is configured')
      .option('--strict', 'a declared API key whose environment variable is unset is an error')
      .option('--timeout <duration>', 'stop the whole run after this long (90, 90s, 15m, 1h), naming what was still waiting', duration);
  const global = () => program.opts<{ logLevel: LogLevel }>();

  program.command('validate').description('check the matrices offline; every error with file:line:column')
    .addOption(matricesOption())
    .addOption(new Option('-f, --format <format>', 'text; json (one document); github (annotations: ::error file=…,line=…,col=…::)').choices(['text', 'json', 'github']).default('text'))
    .action(async (flags) => {
      const { validateCommand } = await import('./validate.ts');
      exitCode = await validateCommand(flags, session(global()), io);
    });

  planOptions(program.command('plan').description('read PostHog and show what apply would change'))
    .addOption(new Option('--resolution <mode>', 'also show what switching the organization to this access resolution mode would change for people')
      .choices(['most-specific', 'legacy']).argParser((v: string) => {
        if (v !== 'most-specific' && v !== 'legacy') throw new InvalidArgumentError('use most-specific or legacy');
        return v === 'most-specific' ? 'most_specific' : 'legacy';
      }))
    .option('-o, --out <file>', 'save the plan (JSON, with the fingerprint of the state it was made from)')
    .option('--journal <file>', "apply's journal, read to find secret key values PostHog made that reached no sink", '.posthog-access/journal.jsonl')
    .option('--secrets-file <file>', "apply's secrets file, compared with PostHog: a key whose value it does not hold is a manual step")
    .option('--detailed-exitcode', 'exit 2 when there are changes')
    .action(async (flags) => {
      const { planCommand } = await import('./commands.ts');
      exitCode = await planCommand(flags, session(global(), flags.timeout), io);
    });

  planOptions(program.command('apply [plan-file]').description('apply a saved plan (refused if PostHog moved since), or plan and apply'), false)
    .option('-y, --yes', 'do not ask for confirmation')
    .option('--journal <file>', 'append each step to this JSON-lines journal', '.posthog-access/journal.jsonl')
    .option('--concurrency <n>', `steps run in parallel (1 to ${MAX_CONCURRENCY})`, concurrency, 4)
    .option('--secrets-file <file>', 'write new and rolled secret key values to this JSON file (mode 0600); a declared key whose value it does not hold is a manual step')
    .option('--secrets-command <cmd>', 'run this command once per new or rolled secret key, the value on stdin')
    .option('--lock-wait <duration>', 'wait this long for another apply to the same organization on this machine (default 5m; 0 refuses at once)', (v: string) => (/^\s*0+\s*[smh]?\s*$/.test(v) ? 0 : duration(v)))
    .option('--secrets-command-timeout <duration>', 'kill --secrets-command after this long (default 60s); the key then counts as not delivered', duration)
    .action(async (planFile: string | undefined, flags, cmd: Command) => {
      // A saved plan is applied as reviewed: options that would change it are refused, not ignored.
      const changing = ['matrix', 'rollSecretKeys', 'strict'].filter((o) => cmd.getOptionValueSource(o) === 'cli');
      if (planFile && changing.length) {
        throw new ConfigError(`${changing.map((o) => `--${o.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`).join(', ')} cannot change a saved plan: pass ${changing.length === 1 ? 'it' : 'them'} to \`plan --out\`, review, then apply that plan`);
      }
      const { applyCommand } = await import('./commands.ts');
      exitCode = await applyCommand(planFile, flags, session(global(), flags.timeout), io);
    });

  planOptions(program.command('drift').description('plan for scheduled jobs: exit 2 when PostHog differs from the matrix'))
    .option('--journal <file>', "apply's journal, read to find secret key values PostHog made that reached no sink", '.posthog-access/journal.jsonl')
    .option('--secrets-file <file>', "apply's secrets file, compared with PostHog: a key whose value it does not hold is a manual step")
    .action(async (flags) => {
      const { planCommand } = await import('./commands.ts');
      exitCode = await planCommand(flags, session(global(), flags.timeout), io, 'drift');
    });

  program.command('export').description('write the live organization as an access matrix (stdout, or --out FILE)')
    .option('-o, --out <file>', 'write to this file instead of stdout (never overwritten without --force)')
    .option('--force', 'overwrite --out if it exists')
    .action(async (flags) => {
      const { exportCommand } = await import('./export.ts');
      exitCode = await exportCommand(flags, session(global()), io);
    });

  const collect = (value: string, previous: string[]) => [...previous, value];
  const accessOptions = (cmd: Command) => cmd
    .option('-m, --matrix <file>', 'answer for what apply of this matrix would leave (repeatable: one answer per organization)', collect, [])
    .addOption(new Option('-f, --format <format>', 'output format').choices(ACCESS_FORMATS).default('text'))
    .option('--verify', "compare with PostHog's own effective access (live only); exit 2 when they differ");

  accessOptions(program.command('explain <email>').description("a person's effective access: organization level, teams, each project and resource type, and why"))
    .option('--offboarding', 'also list what they created that others rely on (feature flags, dashboards, insights), in every project the key can read')
    .action(async (email: string, flags) => {
      const { explainCommand } = await import('./access.ts');
      exitCode = await explainCommand(email, flags, session(global()), io);
    });

  accessOptions(program.command('who-can <project> [resource]').description('everyone who can reach a project (or a resource type in it), and why'))
    .action(async (project: string, resource: string | undefined, flags) => {
      if (resource !== undefined && !(ACCESS_CONTROL_RESOURCES as readonly string[]).includes(resource)) {
        throw new ConfigError(`"${resource}" is not a resource type PostHog has rules for; use one of: ${ACCESS_CONTROL_RESOURCES.join(', ')}`);
      }
      const { whoCanCommand } = await import('./access.ts');
      exitCode = await whoCanCommand(project, resource, flags, session(global()), io);
    });

  program.command('review').description('the periodic access review: members, who can reach what, teams, temporary grants, invites, keys, notes')
    .option('-m, --matrix <file>', "review this matrix's organization and compare it with the matrix (repeatable)", collect, [])
    .addOption(new Option('-f, --format <format>', 'output format').choices(REVIEW_FORMATS).default('markdown'))
    .option('--record [dir]', "write a dated review record into this folder (default: the matrix's review.records)")
    .option('--reviewer <who>', 'who reviewed, for the record (default: git user.name and user.email)')
    .option('--force', 'replace a record of the same date')
    .option('--rotation-days <n>', 'rotation age of project secret keys the matrix gives none (default 90)', (v: string) => {
      const n = count(v);
      if (n < 1) throw new InvalidArgumentError('expected a whole number of days, 1 or more');
      return n;
    })
    .action(async (flags) => {
      const { reviewCommand } = await import('./review.ts');
      exitCode = await reviewCommand(flags, session(global()), io);
    });

  program.command('log').description('recent access changes from the activity log: when, who, what, before and after')
    .option('-m, --matrix <file>', "read this matrix's organization (repeatable)", collect, [])
    .addOption(new Option('-f, --format <format>', 'output format').choices(LOG_FORMATS).default('text'))
    .option('--since <when>', 'oldest change to show: a date (2026-11-01), an ISO time, or a span back from now (7d, 12h)')
    .option('--limit <n>', 'at most this many changes, newest first', count, 100)
    .action(async (flags) => {
      const { logCommand } = await import('./log.ts');
      exitCode = await logCommand(flags, session(global()), io);
    });

  program.command('demo').description('start the embedded emulator, then plan and apply the example matrix against it')
    .option('-m, --matrix <file>', 'the access matrix (default: the access-matrix.example.yaml shipped with posthog-access)')
    .action(async (flags) => {
      const { demoCommand } = await import('./demo.ts');
      exitCode = await demoCommand(flags, session(global()), io);
    });

  program.command('emulator').description('run the embedded PostHog API emulator (first stdout line: {"url","key","organization"})')
    .option('-p, --port <n>', 'port (0 picks a free one)', count, 8010)
    .option('--state <file>', 'load the snapshot from, and save it to, this file')
    .option('-q, --quiet', 'no request log on stderr')
    .action(async (flags: { port: number; state?: string; quiet?: boolean }) => {
      const { runEmulatorCommand } = await import('../emulator/command.ts');
      exitCode = await runEmulatorCommand(flags);
    });

  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (e) {
    return report(e, stderr);
  } finally {
    finish();
  }
}

function report(e: unknown, stderr: NodeJS.WritableStream): number {
  const err = e as { code?: string; exitCode?: number };
  if (typeof err?.code === 'string' && err.code.startsWith('commander.')) {
    return err.code === 'commander.helpDisplayed' || err.code === 'commander.version' ? EXIT.ok : (err.exitCode ?? EXIT.error);
  }
  if (isUserError(e)) {
    const problems = e instanceof ConfigError ? e.problems : [e.message];
    stderr.write(`${problems.map((p) => `error: ${p}`).join('\n')}\n`);
    if (e instanceof ConfigError && problems.length > 1) stderr.write(`${problems.length} problems found.\n`);
    return EXIT.error;
  }
  stderr.write(`posthog-access hit an internal error (a bug: please report it with this output):\n${(e as Error)?.stack ?? String(e)}\n`);
  return EXIT.error;
}

/**
 * V8's garbage collector tuned for a short run that reads an organization and exits: the young
 * generation keeps its first size instead of growing to 16 MB, and the heap grows by 30 % past
 * what is alive instead of up to four times. A plan of 2,000 members and 200 projects with 800
 * changes then peaks near 140 MB instead of 190, for about 15 % more CPU (docs/cli.md, "Memory").
 * Set before any command runs: V8 reads both at each collection, so they take effect though the
 * heap exists already. POSTHOG_ACCESS_V8_FLAGS replaces them (empty: V8's own defaults).
 */
export const GC_FLAGS = '--semi-space-growth-factor=1 --heap-growing-percent=30';

/** Run as the `posthog-access` command: Ctrl-C cancels in-flight requests, the result is the exit code. */
export async function main(): Promise<void> {
  const flags = process.env.POSTHOG_ACCESS_V8_FLAGS ?? GC_FLAGS;
  if (flags.trim()) setFlagsFromString(flags);
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  // `posthog-access plan | head`: the reader left; stop quietly instead of crashing on EPIPE.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
    controller.abort();
    process.exit(process.exitCode ?? 0);
  });
  process.exitCode = await runCli(process.argv.slice(2), { signal: controller.signal });
}

if (import.meta.main) await main();
