// `validate`: the matrix checked offline. Its own module, so that it loads the loader and nothing
// of the HTTP client, the planner or the logger.
import { readFile } from 'node:fs/promises';
import { ConfigError } from '../errors.ts';
import { loadMatrix } from '../matrix/read.ts';
import { matrixWarnings } from '../matrix/warnings.ts';
import { DEFAULT_HOST } from '../model/host.ts';
import { duplicateOrganizations, matrixFiles } from './matrix-files.ts';
import { count } from '../util/english.ts';
import { githubAnnotation, locate, type Located } from './annotations.ts';
import type { Io } from './commands.ts';
import { EXIT } from './exit.ts';
import type { Session } from './pipeline.ts';

export type ValidateFormat = 'text' | 'json' | 'github';

/** Where in the file a key such as `default_team:` is (to place a warning's annotation). */
async function locateKey(file: string, key: string): Promise<{ line: number; col: number } | undefined> {
  const lines = (await readFile(file, 'utf8')).split('\n');
  const i = lines.findIndex((l) => new RegExp(`^\\s*${key}\\s*:`).test(l));
  return i < 0 ? undefined : { line: i + 1, col: lines[i]!.search(/\S/) + 1 };
}

/** The matrix's warnings (src/matrix/warnings.ts), each at the key it is about. */
export async function locatedWarnings(file: string, desired: Parameters<typeof matrixWarnings>[0]): Promise<Located[]> {
  const warnings: Located[] = [];
  for (const w of matrixWarnings(desired)) warnings.push({ file, ...(await locateKey(file, w.key)), message: w.message });
  return warnings;
}

interface Checked {
  file: string;
  loaded?: Awaited<ReturnType<typeof loadMatrix>>;
  problems: Located[];
  /** The problems as the loader words them (`file:line:col: …`), for text. */
  errors: string[];
  warnings: Located[];
}

async function check(file: string, session: Session): Promise<Checked> {
  try {
    const loaded = await loadMatrix(file, { env: session.env });
    session.logger.debug({ stage: 'load', file: loaded.file }, 'matrix is valid');
    return { file, loaded, problems: [], errors: [], warnings: await locatedWarnings(file, loaded.desired) };
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    return { file, problems: e.problems.map(locate), errors: e.problems, warnings: [] };
  }
}

/**
 * The host a matrix's organization is on, as `plan` will use it: `organization.host`, else
 * POSTHOG_HOST, else PostHog's US cloud (offline, a blank POSTHOG_HOST is `plan`'s to refuse).
 */
function hostOfMatrix(desired: NonNullable<Checked['loaded']>['desired'], env: Session['env']): string {
  return desired.organization.host ?? (env.POSTHOG_HOST?.trim() ? env.POSTHOG_HOST : DEFAULT_HOST);
}

/**
 * `validate`: every matrix given (`--matrix` repeated, or a directory), each checked on its own and
 * all problems reported at once; with several, two naming one organization on one host is a problem
 * too, as `plan` would refuse them before any call.
 */
export async function validateCommand(flags: { matrix: string | string[]; format?: ValidateFormat }, session: Session, io: Io): Promise<number> {
  const format = flags.format ?? 'text';
  const files = await matrixFiles(flags.matrix);
  const checked: Checked[] = [];
  for (const file of files) checked.push(await check(file, session));
  const valid = checked.filter((c) => c.loaded);
  const duplicates = duplicateOrganizations(valid.map((c) => ({
    file: c.file, host: hostOfMatrix(c.loaded!.desired, session.env), organization: c.loaded!.desired.organization.id, apiKeyEnv: c.loaded!.desired.organization.apiKeyEnv,
  })));
  for (const { file, message } of duplicates) {
    const later = checked.find((c) => c.file === file)!;
    later.problems.push({ file, ...(await locateKey(file, 'organization')), message });
    later.errors.push(message);
  }
  const invalid = checked.some((c) => c.problems.length > 0);
  const n = (o: object) => Object.keys(o).length;
  const documentOf = (c: Checked) => {
    const d = c.loaded?.desired;
    const counts = d && { members: n(d.members), teams: n(d.teams), projects: n(d.projects) };
    return { file: c.file, valid: c.problems.length === 0, ...(counts && { counts }), problems: c.problems, warnings: c.warnings };
  };
  if (format === 'json') {
    // One matrix: its document, as before several were accepted; several: one document listing them.
    const document = checked.length === 1 ? documentOf(checked[0]!) : { valid: !invalid, matrices: checked.map(documentOf) };
    io.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
  } else if (format === 'github') {
    for (const c of checked) for (const p of c.problems) io.stdout.write(`${githubAnnotation('error', p)}\n`);
    for (const c of checked) for (const w of c.warnings) io.stdout.write(`${githubAnnotation('warning', w)}\n`);
  } else {
    for (const c of checked) {
      for (const w of c.warnings) session.logger.warn({ stage: 'validate' }, `${w.file}${w.line ? `:${w.line}:${w.col}` : ''}: ${w.message}`);
      const d = c.loaded?.desired;
      if (d && c.problems.length === 0) {
        io.stdout.write(`${c.loaded!.file} is valid: ${count(n(d.members), 'member')}, ${count(n(d.teams), 'team')}, ${count(n(d.projects), 'project')}${c.warnings.length ? ` (${count(c.warnings.length, 'warning')} on stderr)` : ''}.\n`);
      }
    }
    // Problems go to stderr as errors (main.ts), every file's at once.
    if (invalid) throw new ConfigError(checked.flatMap((c) => c.errors));
  }
  return invalid ? EXIT.error : EXIT.ok;
}
