// Load the access matrix from its file: read it (a regular file, bounded), then the fast path for a
// valid matrix (src/matrix/fast.ts: js-yaml, no positions); only a matrix with a problem loads the
// positioned path (src/matrix/positioned.ts, the yaml package), which words every problem as
// `file:line:col: message` in one ConfigError. `validate` and the other commands import this module,
// so a valid matrix never loads the yaml package.
import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { lstat, open, realpath } from 'node:fs/promises';
import { ConfigError } from '../errors.ts';
import type { DesiredState } from '../model/desired.ts';
import { parseFast } from './fast.ts';
import type { Env } from './interpolate.ts';
import { normalize } from './normalize.ts';

export interface LoadedMatrix {
  desired: DesiredState;
  /** The path the matrix was read from, as given. */
  file: string;
  /** sha256 (hex) of the file's bytes, so a saved plan can tell whether the matrix changed. */
  sha256: string;
}

export interface LoadOptions {
  /** Variables for ${VAR} interpolation; default process.env. */
  env?: Env;
}

/** The largest matrix read (10 MB: a matrix for 100,000 people is a tenth of that). */
export const MAX_MATRIX_BYTES = 10 * 1024 * 1024;

/** Read and validate the matrix file. Throws ConfigError listing every problem. Never uses the network. */
export async function loadMatrix(file: string, options: LoadOptions = {}): Promise<LoadedMatrix> {
  const bytes = await readMatrixFile(file);
  const source = bytes.toString('utf8');
  const env = options.env ?? process.env;
  const input = parseFast(source, env) ?? (await import('./positioned.ts')).parsePositioned(source, file, env);
  return { desired: normalize(input), file, sha256: sha256(bytes) };
}

const cannotRead = (file: string, why: string) =>
  new ConfigError(`${file}: cannot read the access matrix (${why}); pass the right path, or start from access-matrix.example.yaml`);

function kindOfFile(st: { isDirectory(): boolean; isFIFO(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean; isSocket(): boolean }): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a named pipe (FIFO)';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

/**
 * The matrix's bytes, only from a regular file of at most MAX_MATRIX_BYTES, checked before reading:
 * a FIFO would wait forever, /dev/zero never ends, and /proc files (the environment!) would be
 * quoted back in error messages. Opened without blocking, then checked on the open file itself.
 */
async function readMatrixFile(file: string): Promise<Buffer> {
  let link = '';
  try {
    if ((await lstat(file)).isSymbolicLink()) link = ` (a symbolic link to ${await realpath(file)})`;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw cannotRead(file, code === 'ENOENT' ? 'no such file' : code === 'ELOOP' ? 'a loop of symbolic links' : code ?? 'unknown error');
  }
  const real = await realpath(file).catch(() => file);
  if (/^\/(proc|sys|dev)(\/|$)/.test(real)) throw cannotRead(file, `it is ${real}${link ? ', through a symbolic link' : ''}, a system file, not an access matrix`);
  let handle;
  try {
    handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw cannotRead(file, code === 'ENOENT' ? `no such file${link}` : code === 'EACCES' ? 'permission denied' : code ?? 'unknown error');
  }
  try {
    const st = await handle.stat();
    if (!st.isFile()) throw cannotRead(file, `it is ${kindOfFile(st)}${link}; the matrix must be a regular file`);
    if (st.size > MAX_MATRIX_BYTES) throw cannotRead(file, `it is ${st.size} bytes, over the limit of ${MAX_MATRIX_BYTES} (10 MB)`);
    // Read at most one byte past the limit: the size stat reports can be wrong (files that grow).
    const chunks: Buffer[] = [];
    let length = 0;
    for (;;) {
      const chunk = Buffer.alloc(Math.min(1024 * 1024, MAX_MATRIX_BYTES + 1 - length));
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) break;
      chunks.push(chunk.subarray(0, bytesRead));
      length += bytesRead;
      if (length > MAX_MATRIX_BYTES) throw cannotRead(file, `it holds more than ${MAX_MATRIX_BYTES} bytes (10 MB), the limit`);
    }
    const bytes = Buffer.concat(chunks, length);
    // A NUL byte: not text. Said without quoting any of it.
    if (bytes.includes(0)) throw cannotRead(file, 'it holds binary data (NUL bytes), not YAML text');
    return bytes;
  } finally {
    await handle.close();
  }
}

export function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

