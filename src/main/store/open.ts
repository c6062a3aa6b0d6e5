/**
 * Opening audit.db: refuse what we cannot read before changing anything, then WAL
 * (readers never block the writer; a crash loses at most the last transactions,
 * never the file), then migrate.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { StoreError, explainSqliteError } from './errors';
import { LATEST_VERSION, migrate, refuseNewerSchema, userVersion } from './migrations';
import { Store } from './store';

/** How long a statement waits for another process's write lock before 'locked'. */
const BUSY_TIMEOUT_MS = 5000;

export interface OpenOptions {
  /** Read only: the file must exist and be at the latest schema. */
  readonly?: boolean;
}

function connect(file: string, readonly: boolean): Database.Database {
  const folder = path.dirname(path.resolve(file));
  if (!existsSync(folder)) throw new StoreError('invalid', `cannot open ${file}: the folder ${folder} does not exist`);
  if (readonly && !existsSync(file)) throw new StoreError('invalid', `cannot open ${file} read-only: it does not exist`);
  return new Database(file, { readonly, fileMustExist: readonly, timeout: BUSY_TIMEOUT_MS });
}

function configure(db: Database.Database, file: string, readonly: boolean): void {
  db.pragma('foreign_keys = ON');
  // The first read: a file that is not SQLite fails here, before anything is written.
  refuseNewerSchema(db, file);
  if (readonly) {
    const version = userVersion(db);
    if (version !== LATEST_VERSION) {
      throw new StoreError('invalid', `${file} has schema ${version}; open it once for writing to upgrade it to ${LATEST_VERSION}`);
    }
    return;
  }
  db.pragma('journal_mode = WAL');
  // With WAL, NORMAL syncs at checkpoints only: a power cut may lose the last
  // transactions but never corrupts the file.
  db.pragma('synchronous = NORMAL');
  migrate(db, file);
}

/** Opens (creating if needed) and migrates a store. The parent folder must exist. */
export function openStore(file: string, options: OpenOptions = {}): Store {
  const readonly = options.readonly ?? false;
  let db: Database.Database;
  try {
    db = connect(file, readonly);
  } catch (error) {
    throw explainSqliteError(error, file);
  }
  try {
    configure(db, file, readonly);
    return new Store(db, file);
  } catch (error) {
    db.close();
    throw explainSqliteError(error, file);
  }
}
