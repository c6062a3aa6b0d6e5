import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { LATEST_VERSION, MIGRATIONS, StoreError, openStore } from '../../src/main/store';
import { migrate } from '../../src/main/store/migrations';
import { tempDir } from './helpers';

function storeErrorOf(action: () => unknown): StoreError {
  try {
    action();
  } catch (error) {
    if (error instanceof StoreError) return error;
    throw error;
  }
  throw new Error('expected a StoreError');
}

describe('opening a store', () => {
  it('creates and migrates a new file to the latest schema', () => {
    const file = path.join(tempDir(), 'audit.db');
    const store = openStore(file);
    expect(store.file).toBe(file);
    expect(store.schemaVersion()).toBe(LATEST_VERSION);
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
    store.close();
    // Reopening applies nothing twice.
    const again = openStore(file);
    expect(again.schemaVersion()).toBe(LATEST_VERSION);
    again.close();
  });

  it('runs WAL, NORMAL sync, foreign keys and a busy timeout', () => {
    const file = path.join(tempDir(), 'audit.db');
    openStore(file).close();
    const store = openStore(file);
    // The settings are per connection except journal_mode: read them through a raw one
    // for the file and through the store's own for the rest.
    const raw = new Database(file);
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    raw.close();
    const db = (store as unknown as { db: Database.Database }).db;
    expect(db.pragma('synchronous', { simple: true })).toBe(1);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('busy_timeout', { simple: true })).toBeGreaterThan(0);
    store.close();
  });

  it('makes every table STRICT and rejects a wrong type', () => {
    const file = path.join(tempDir(), 'audit.db');
    openStore(file).close();
    const db = new Database(file);
    const tables = db.prepare<[], { name: string; strict: number }>("SELECT name, strict FROM pragma_table_list WHERE schema = 'main' AND name NOT LIKE 'sqlite_%'").all();
    expect(tables.map((t) => t.name).sort()).toEqual(
      [
        ...['components', 'concept_regions', 'concept_tests', 'contents', 'dataset_notes', 'datasets', 'described', 'drawn_regions', 'errors', 'focus_thresholds', 'image_attributes', 'images', 'jobs', 'models'],
        ...['predictions', 'region_roles', 'region_stats', 'regions', 'result_sets', 'results', 'revision', 'suggestion_decisions', 'tags'],
      ],
    );
    expect(tables.filter((t) => t.strict !== 1)).toEqual([]);
    db.prepare("INSERT INTO datasets (root, name, created_at) VALUES ('/data', 'data', 'now')").run();
    expect(() =>
      db.prepare("INSERT INTO contents (hash, bytes) VALUES ('abc', 'twelve')").run(),
    ).toThrow(/cannot store TEXT value in INTEGER column contents.bytes/);
    expect(() =>
      db.prepare("INSERT INTO images (dataset_id, path, content_id, size, mtime_ms, label) VALUES (1, 'a.png', 1, 1.5, 0, 'a')").run(),
    ).toThrow(/cannot store REAL value in INTEGER column/);
    db.close();
  });

  it('refuses a file written by a newer schema, naming both versions', () => {
    const file = path.join(tempDir(), 'audit.db');
    openStore(file).close();
    const db = new Database(file);
    db.pragma(`user_version = ${LATEST_VERSION + 1}`);
    db.close();
    const error = storeErrorOf(() => openStore(file));
    expect(error.kind).toBe('newer-schema');
    expect(error.message).toBe(`audit.db was written by a newer biascope (schema ${LATEST_VERSION + 1}; this version reads up to ${LATEST_VERSION}): update biascope`);
  });

  it('refuses a text file, naming it, and leaves it untouched', () => {
    const file = path.join(tempDir(), 'notes.db');
    const text = 'these are notes, not a database\n'.repeat(20);
    writeFileSync(file, text);
    const error = storeErrorOf(() => openStore(file));
    expect(error.kind).toBe('not-a-database');
    expect(error.message).toContain(file);
    expect(existsSync(`${file}-wal`)).toBe(false);
  });

  it("refuses someone else's SQLite file instead of adding tables to it", () => {
    const file = path.join(tempDir(), 'other.db');
    const db = new Database(file);
    db.exec('CREATE TABLE notes (body TEXT)');
    db.close();
    const error = storeErrorOf(() => openStore(file));
    expect(error.kind).toBe('not-a-database');
    expect(error.message).toContain('not a biascope database');
  });

  it('needs the parent folder to exist', () => {
    const error = storeErrorOf(() => openStore(path.join(tempDir(), 'missing', 'audit.db')));
    expect(error.kind).toBe('invalid');
    expect(error.message).toContain('does not exist');
  });

  it('opens read-only only an existing, current file, and writes fail there', () => {
    const file = path.join(tempDir(), 'audit.db');
    expect(storeErrorOf(() => openStore(file, { readonly: true })).kind).toBe('invalid');
    openStore(file).close();
    const store = openStore(file, { readonly: true });
    expect(store.schemaVersion()).toBe(LATEST_VERSION);
    expect(() => store.upsertDataset('/data')).toThrow(/readonly/);
    store.close();
  });

  it('reports a file locked by another writer as locked', () => {
    const file = path.join(tempDir(), 'audit.db');
    const store = openStore(file);
    const other = new Database(file);
    other.pragma('busy_timeout = 0');
    other.exec('BEGIN IMMEDIATE');
    (store as unknown as { db: Database.Database }).db.pragma('busy_timeout = 50');
    const error = storeErrorOf(() => store.upsertDataset('/data'));
    expect(error.kind).toBe('locked');
    other.exec('ROLLBACK');
    other.close();
    expect(store.upsertDataset('/data').name).toBe('data');
    store.close();
  });

  it('applies each migration in a transaction: a failing step leaves the previous version', () => {
    const db = new Database(path.join(tempDir(), 'steps.db'));
    const steps = [
      { version: 1, up: (d: Database.Database) => d.exec('CREATE TABLE one (x INTEGER) STRICT') },
      {
        version: 2,
        up: (d: Database.Database) => {
          d.exec('CREATE TABLE two (x INTEGER) STRICT');
          throw new Error('step 2 broke');
        },
      },
    ];
    expect(() => migrate(db, 'steps.db', steps)).toThrow('step 2 broke');
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    const tables = db.prepare<[], string>("SELECT name FROM sqlite_schema WHERE type = 'table'").pluck().all();
    expect(tables).toEqual(['one']);
    db.close();
  });
});
