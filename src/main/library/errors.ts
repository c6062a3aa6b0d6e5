/** Failures that stop a dataset from being opened at all. */

/**
 * The dataset cannot be opened: the root is missing or not a folder, the manifest
 * lacks a required column, or nothing in it is an image. The message names the file
 * and what is wrong with it. Problems with single files are ScanProblems instead.
 */
export class DatasetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DatasetError';
  }
}

/** A few words for a failed file-system call, as a user would want to read them. */
export function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return 'not found';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'ELOOP') return 'symbolic link loop, skipped';
  if (code === 'EISDIR') return 'not a file';
  if (code === 'EIO') return 'an input/output error (EIO): the disk or its file system failed';
  return `cannot read it (${code ?? (error as Error).message})`;
}
