// `validate`: the matrix checked offline. Its own module, so that it loads the loader and nothing
// of the HTTP client, the planner or the logger.
import { readFile } from 'node:fs/promises';
import { ConfigError } from '../errors.ts';
import { loadMatrix } from '../matrix/load.ts';
import { matrixWarnings } from '../matrix/warnings.ts';
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

export async function validateCommand(flags: { matrix: string; format?: ValidateFormat }, session: Session, io: Io): Promise<number> {
  const format = flags.format ?? 'text';
  let loaded;
  let problems: Located[] = [];
  try {
    loaded = await loadMatrix(flags.matrix, { env: session.env });
    session.logger.debug({ stage: 'load', file: loaded.file }, 'matrix is valid');
  } catch (e) {
    // Text reports problems as errors on stderr (main.ts); the other formats are for machines, on stdout.
    if (!(e instanceof ConfigError) || format === 'text') throw e;
    problems = e.problems.map(locate);
  }
  const warnings = loaded ? await locatedWarnings(flags.matrix, loaded.desired) : [];
  const n = (o: object) => Object.keys(o).length;
  if (format === 'json') {
    const counts = loaded && { members: n(loaded.desired.members), teams: n(loaded.desired.teams), projects: n(loaded.desired.projects) };
    io.stdout.write(`${JSON.stringify({ file: flags.matrix, valid: problems.length === 0, ...(counts && { counts }), problems, warnings }, null, 2)}\n`);
  } else if (format === 'github') {
    for (const p of problems) io.stdout.write(`${githubAnnotation('error', p)}\n`);
    for (const w of warnings) io.stdout.write(`${githubAnnotation('warning', w)}\n`);
  } else {
    for (const w of warnings) session.logger.warn({ stage: 'validate' }, `${w.file}${w.line ? `:${w.line}:${w.col}` : ''}: ${w.message}`);
    const d = loaded!.desired;
    io.stdout.write(`${loaded!.file} is valid: ${count(n(d.members), 'member')}, ${count(n(d.teams), 'team')}, ${count(n(d.projects), 'project')}${warnings.length ? ` (${count(warnings.length, 'warning')} on stderr)` : ''}.\n`);
  }
  return problems.length ? EXIT.error : EXIT.ok;
}
