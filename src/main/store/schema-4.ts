/**
 * Schema 4: models may be ONNX files (`kind = 'onnx'`).
 *
 * SQLite cannot alter a CHECK constraint, so the models table is rebuilt the way
 * SQLite's documentation prescribes: a new table, the rows copied, the old one
 * dropped and the new one renamed into its place, with foreign keys off while the
 * name is briefly missing (migrate() turns them off around every migration) and
 * checked before the transaction commits.
 */
import type Database from 'better-sqlite3';
import { StoreError } from './errors';

const REBUILD = `
CREATE TABLE models_next (
  id INTEGER PRIMARY KEY,
  hash TEXT NOT NULL UNIQUE,
  path TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('layers', 'graph', 'onnx')),
  classes TEXT NOT NULL,
  config TEXT NOT NULL,
  default_layer TEXT,
  added_at TEXT NOT NULL
) STRICT;
INSERT INTO models_next (id, hash, path, kind, classes, config, default_layer, added_at)
  SELECT id, hash, path, kind, classes, config, default_layer, added_at FROM models;
DROP TABLE models;
ALTER TABLE models_next RENAME TO models;
`;

export function schema4(db: Database.Database): void {
  db.exec(REBUILD);
  const broken = db.prepare('PRAGMA foreign_key_check').all();
  if (broken.length > 0) throw new StoreError('invalid', `rebuilding the models table broke ${broken.length} references; nothing was changed`);
}
