/** A schema-3 file keeps its models and their results, and accepts ONNX models at schema 4. */
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { LATEST_VERSION, MIGRATIONS, openStore } from '../../src/main/store';
import { migrate } from '../../src/main/store/migrations';
import { tempDir } from './helpers';

describe('migration 4', () => {
  it('rebuilds the models table in place: ids, references and rows survive, and kind "onnx" is accepted', () => {
    const file = path.join(tempDir(), 'audit.db');
    const db = new Database(file);
    db.pragma('foreign_keys = ON');
    migrate(db, file, MIGRATIONS.slice(0, 3));
    db.prepare("INSERT INTO models (id, hash, path, kind, classes, config, default_layer, added_at) VALUES (7, 'h7', '/m/model.json', 'layers', '[\"a\",\"b\"]', '{}', 'conv', '2026-01-01')").run();
    db.prepare("INSERT INTO result_sets (id, model_id, layer, method) VALUES (3, 7, 'conv', 'gradcam')").run();
    expect(() => db.prepare("INSERT INTO models (hash, path, kind, classes, config, added_at) VALUES ('h8', '/m.onnx', 'onnx', '[]', '{}', '2026-01-01')").run()).toThrow(/CHECK/);
    db.close();

    const store = openStore(file);
    expect(store.schemaVersion()).toBe(LATEST_VERSION);
    const onnx = store.upsertModel({ hash: 'h9', path: '/m/model.onnx', kind: 'onnx', classes: ['a', 'b'], config: '{}' });
    expect(onnx.kind).toBe('onnx');
    store.close();

    const raw = new Database(file, { readonly: true });
    expect(raw.prepare('SELECT id, kind, default_layer FROM models ORDER BY id').all()).toEqual([
      { id: 7, kind: 'layers', default_layer: 'conv' },
      { id: onnx.id, kind: 'onnx', default_layer: null },
    ]);
    expect(raw.prepare('SELECT model_id FROM result_sets WHERE id = 3').get()).toEqual({ model_id: 7 });
    expect(raw.prepare('PRAGMA foreign_key_check').all()).toEqual([]);
    // The rebuilt table still refuses kinds it does not know.
    expect(raw.prepare("SELECT sql FROM sqlite_schema WHERE name = 'models'").get()).toMatchObject({ sql: expect.stringContaining("'onnx'") });
    raw.close();
  });
});
