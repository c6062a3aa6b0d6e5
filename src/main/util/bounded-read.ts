/**
 * One way to read a file that a model, a sidecar or a manifest names: confined to a
 * folder, regular files only, and capped in size, so a hostile or broken model cannot
 * make the app read /dev/zero until memory runs out, wait forever on a FIFO, or read a
 * file outside the model's folder through `../` or a symlink.
 *
 * The file is opened non-blocking (a FIFO opens at once instead of waiting for a writer)
 * and judged by fstat of the open descriptor, so nothing can be swapped in between the
 * check and the read; it is read up to its size as stat gave it, and a file that grows
 * past its cap while being read is refused too.
 */
import { constants } from 'node:fs';
import { open, realpath } from 'node:fs/promises';
import path from 'node:path';

export type BoundedReadFailure = 'missing' | 'outside' | 'not-a-file' | 'too-large' | 'unreadable';

export class BoundedReadError extends Error {
  constructor(
    readonly failure: BoundedReadFailure,
    readonly file: string,
    message: string,
  ) {
    super(message);
    this.name = 'BoundedReadError';
  }
}

export interface BoundedReadOptions {
  /** Most bytes the file may hold. */
  maxBytes: number;
  /** The file must resolve (symlinks followed) inside this folder. */
  within?: string;
  /** What the file is, for messages: "weight file", "model file". */
  what: string;
}

const READ_CHUNK = 1 << 20;

/** "1.5 GB", "12 MB", "300 bytes". */
export function sizeInWords(bytes: number): string {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(1)} GB`;
  if (bytes >= 1e6) return `${Math.round(bytes / 1e6)} MB`;
  if (bytes >= 1e3) return `${Math.round(bytes / 1e3)} KB`;
  return `${bytes} bytes`;
}

const codeOf = (error: unknown) => (error as NodeJS.ErrnoException).code ?? String(error);

/** Where `file` really is once every symlink is followed; checked to lie inside `within`. */
async function confined(file: string, within: string, what: string): Promise<string> {
  let real: string;
  let root: string;
  try {
    root = await realpath(within);
    real = await realpath(file);
  } catch (error) {
    const code = codeOf(error);
    if (code === 'ENOENT') throw new BoundedReadError('missing', file, `${what} ${file} does not exist`);
    throw new BoundedReadError('unreadable', file, `${what} ${file} cannot be read (${code})`);
  }
  const relative = path.relative(root, real);
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) {
    throw new BoundedReadError('outside', file, `${what} ${file} is outside the folder ${within}${real === path.resolve(file) ? '' : ` (it resolves to ${real})`}`);
  }
  return real;
}

/** The file's bytes, or a BoundedReadError that says in words what is wrong with it. */
export async function readBoundedFile(file: string, options: BoundedReadOptions): Promise<Buffer> {
  const { maxBytes, what } = options;
  const target = options.within === undefined ? file : await confined(file, options.within, what);
  let handle;
  try {
    handle = await open(target, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    const code = codeOf(error);
    if (code === 'ENOENT') throw new BoundedReadError('missing', file, `${what} ${file} does not exist`);
    if (code === 'EISDIR') throw new BoundedReadError('not-a-file', file, `${what} ${file} is a folder, not a file`);
    throw new BoundedReadError('unreadable', file, `${what} ${file} cannot be read (${code})`);
  }
  try {
    const stats = await handle.stat();
    if (stats.isDirectory()) throw new BoundedReadError('not-a-file', file, `${what} ${file} is a folder, not a file`);
    if (!stats.isFile()) throw new BoundedReadError('not-a-file', file, `${what} ${file} is not a regular file (a device, FIFO or socket)`);
    if (stats.size > maxBytes) {
      throw new BoundedReadError('too-large', file, `${what} ${file} holds ${sizeInWords(stats.size)}, more than the ${sizeInWords(maxBytes)} it may`);
    }
    const buffer = Buffer.allocUnsafe(stats.size);
    let filled = 0;
    while (filled < stats.size) {
      const { bytesRead } = await handle.read(buffer, filled, Math.min(READ_CHUNK, stats.size - filled), filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    // A file still growing past its cap (or past what stat said) is not read to its end.
    const probe = Buffer.alloc(1);
    const { bytesRead: more } = await handle.read(probe, 0, 1, filled);
    if (more > 0 && filled + more > maxBytes) {
      throw new BoundedReadError('too-large', file, `${what} ${file} grew past the ${sizeInWords(maxBytes)} it may hold while being read`);
    }
    return buffer.subarray(0, filled);
  } catch (error) {
    if (error instanceof BoundedReadError) throw error;
    const code = codeOf(error);
    throw new BoundedReadError('unreadable', file, `${what} ${file} cannot be read (${code === 'EIO' ? 'an input/output error: the disk or the file system failed' : code})`);
  } finally {
    await handle.close();
  }
}
