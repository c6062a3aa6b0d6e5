/** Errors the store raises for a database it cannot use: each names the file and what to do. */
import path from 'node:path';
import Database from 'better-sqlite3';

export type StoreErrorKind = 'newer-schema' | 'not-a-database' | 'locked' | 'invalid' | 'disk-full' | 'io';

export class StoreError extends Error {
  readonly kind: StoreErrorKind;

  constructor(kind: StoreErrorKind, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreError';
    this.kind = kind;
  }
}

function sqliteCode(error: unknown): string | undefined {
  return error instanceof Database.SqliteError ? error.code : undefined;
}

/**
 * Turns the SQLite errors a user can act on into StoreErrors naming the file;
 * anything else (a bug, a constraint) is returned unchanged.
 */
export function explainSqliteError(error: unknown, file: string): unknown {
  const code = sqliteCode(error);
  if (code === undefined) return error;
  if (code === 'SQLITE_NOTADB') {
    return new StoreError('not-a-database', `${file} is not a biascope database (it is not an SQLite file)`, { cause: error });
  }
  if (code.startsWith('SQLITE_CORRUPT')) {
    return new StoreError('invalid', `${file} is damaged (${(error as Error).message}): restore it from a backup or delete it to start over`, {
      cause: error,
    });
  }
  if (code === 'SQLITE_FULL') {
    return new StoreError('disk-full', `disk full at ${path.dirname(file)}: ${path.basename(file)} cannot grow; free some space and run again (what was stored before is kept)`, { cause: error });
  }
  if (code.startsWith('SQLITE_IOERR')) {
    return new StoreError('io', `cannot write ${file}: the disk or its file system failed (${code})`, { cause: error });
  }
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new StoreError('locked', `${file} is locked by another process (is another biascope writing to it?): try again when it has finished`, {
      cause: error,
    });
  }
  return error;
}
