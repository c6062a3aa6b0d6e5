/**
 * Numbered schema migrations, tracked in PRAGMA user_version. Each runs in its own
 * immediate transaction together with the version bump, so a crash mid-migration
 * leaves the previous version intact, and two processes opening the same new file
 * cannot both apply it.
 */
import path from 'node:path';
import type Database from 'better-sqlite3';
import { StoreError } from './errors';
import { SCHEMA_1 } from './schema-1';
import { SCHEMA_2 } from './schema-2';
import { SCHEMA_3 } from './schema-3';
import { schema4 } from './schema-4';
import { schema5 } from './schema-5';
import { schema6 } from './schema-6';
import { schema7 } from './schema-7';
import { schema8 } from './schema-8';

export interface Migration {
  version: number;
  up(db: Database.Database): void;
}

export const MIGRATIONS: readonly Migration[] = [
  { version: 1, up: (db) => db.exec(SCHEMA_1) },
  { version: 2, up: (db) => db.exec(SCHEMA_2) },
  { version: 3, up: (db) => db.exec(SCHEMA_3) },
  { version: 4, up: schema4 },
  { version: 5, up: schema5 },
  { version: 6, up: schema6 },
  { version: 7, up: schema7 },
  { version: 8, up: schema8 },
];

export const LATEST_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;

export function userVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/** Refuses a file a newer biascope wrote: reading it could misread, writing could damage. */
export function refuseNewerSchema(db: Database.Database, file: string, latest = LATEST_VERSION): void {
  const version = userVersion(db);
  if (version > latest) {
    throw new StoreError(
      'newer-schema',
      `${path.basename(file)} was written by a newer biascope (schema ${version}; this version reads up to ${latest}): update biascope`,
    );
  }
}

/** Version 0 with tables in it is someone else's SQLite file: never add ours to it. */
function refuseForeignDatabase(db: Database.Database, file: string): void {
  if (userVersion(db) !== 0) return;
  const tables = db.prepare<[], { n: number }>("SELECT count(*) AS n FROM sqlite_schema WHERE type = 'table'").get();
  if (tables && tables.n > 0) {
    throw new StoreError('not-a-database', `${file} is an SQLite file but not a biascope database`);
  }
}

/** Brings the file up to the latest version; returns how many migrations ran. */
export function migrate(db: Database.Database, file: string, migrations: readonly Migration[] = MIGRATIONS): number {
  const latest = migrations[migrations.length - 1].version;
  let applied = 0;
  if (userVersion(db) >= latest) return 0;
  // A table rebuild must not cascade or fail on the references to it (SQLite's
  // documented procedure); each rebuilding migration runs foreign_key_check itself.
  const foreignKeys = db.pragma('foreign_keys', { simple: true }) as number;
  db.pragma('foreign_keys = OFF');
  try {
    applied = runMigrations(db, file, migrations, latest);
  } finally {
    if (foreignKeys) db.pragma('foreign_keys = ON');
  }
  return applied;
}

function runMigrations(db: Database.Database, file: string, migrations: readonly Migration[], latest: number): number {
  let applied = 0;
  for (const migration of migrations) {
    const step = db.transaction(() => {
      // Re-read inside the lock: another process may have migrated meanwhile.
      if (userVersion(db) >= migration.version) return;
      refuseNewerSchema(db, file, latest);
      refuseForeignDatabase(db, file);
      migration.up(db);
      db.pragma(`user_version = ${migration.version}`);
      applied++;
    });
    step.immediate();
  }
  return applied;
}
