// `validate`: the matrix checked offline. Its own module, so that it loads the loader and nothing
// of the HTTP client, the planner or the logger.
import { loadMatrix } from '../matrix/load.ts';
import type { Io } from './commands.ts';
import { EXIT } from './exit.ts';
import type { Session } from './pipeline.ts';

export async function validateCommand(flags: { matrix: string }, session: Session, io: Io): Promise<number> {
  const { desired, file } = await loadMatrix(flags.matrix, { env: session.env });
  session.logger.debug({ stage: 'load', file }, 'matrix is valid');
  const count = (o: object) => Object.keys(o).length;
  io.stdout.write(`${file} is valid: ${count(desired.members)} members, ${count(desired.teams)} teams, ${count(desired.projects)} projects.\n`);
  return EXIT.ok;
}
