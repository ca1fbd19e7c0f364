// `export`: write the live organization as an access matrix (docs/adopt.md). Never overwrites a
// file unless asked.
import { writeFile } from 'node:fs/promises';
import { ConfigError } from '../errors.ts';
import { exportMatrix } from '../export/matrix.ts';
import type { Io } from './commands.ts';
import { EXIT } from './exit.ts';
import { readLive } from './live.ts';
import type { Session } from './pipeline.ts';
import { count as english } from '../util/english.ts';

export async function exportCommand(flags: { out?: string; force?: boolean }, session: Session, io: Io): Promise<number> {
  const actual = await readLive(session, { domains: true, secretKeys: true });
  const { yaml, unexpressed } = exportMatrix(actual);
  if (!flags.out) {
    io.stdout.write(yaml);
    return EXIT.ok;
  }
  try {
    await writeFile(flags.out, yaml, { flag: flags.force ? 'w' : 'wx' });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new ConfigError(`${flags.out} exists: export never overwrites a file; pass --force to replace it, or choose another --out`);
    throw new ConfigError(`cannot write ${flags.out}: ${(e as Error).message}`);
  }
  const count = (o: object) => Object.keys(o).length;
  session.logger.info({ stage: 'export', out: flags.out }, `wrote ${flags.out}`);
  io.stdout.write(`Wrote ${flags.out}: ${english(count(actual.members), 'member')}, ${english(count(actual.teams), 'team')}, ${english(count(actual.projects), 'project')}${unexpressed.length ? `; ${english(unexpressed.length, 'thing')} the matrix cannot express ${unexpressed.length === 1 ? 'is a comment' : 'are comments'} in it` : ''}.\n`);
  return EXIT.ok;
}
