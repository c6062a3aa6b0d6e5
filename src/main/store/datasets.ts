/** Datasets: one row per root folder. */
import path from 'node:path';
import type Database from 'better-sqlite3';
import { now } from './transaction';
import type { DatasetRow } from './types';

function statements(db: Database.Database) {
  return {
    byRoot: db.prepare<[string], DatasetRow>('SELECT id, root, name FROM datasets WHERE root = ?'),
    byId: db.prepare<[number], DatasetRow>('SELECT id, root, name FROM datasets WHERE id = ?'),
    all: db.prepare<[], DatasetRow>('SELECT id, root, name FROM datasets ORDER BY id'),
    insert: db.prepare<[string, string, string], DatasetRow>(
      'INSERT INTO datasets (root, name, created_at) VALUES (?, ?, ?) RETURNING id, root, name',
    ),
    rename: db.prepare<[string, number]>('UPDATE datasets SET name = ? WHERE id = ?'),
  };
}

export class Datasets {
  private readonly sql: ReturnType<typeof statements>;

  constructor(db: Database.Database) {
    this.sql = statements(db);
  }

  /** A new dataset is named after its folder; an existing one keeps its name unless one is given. */
  upsert(root: string, name?: string): DatasetRow {
    const existing = this.sql.byRoot.get(root);
    if (!existing) return this.sql.insert.get(root, name ?? path.basename(root), now())!;
    if (name === undefined || name === existing.name) return existing;
    this.sql.rename.run(name, existing.id);
    return { ...existing, name };
  }

  byRoot(root: string): DatasetRow | undefined {
    return this.sql.byRoot.get(root);
  }

  byId(id: number): DatasetRow | undefined {
    return this.sql.byId.get(id);
  }

  all(): DatasetRow[] {
    return this.sql.all.all();
  }
}
