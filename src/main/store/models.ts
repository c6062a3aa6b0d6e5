/** Models, known by the hash over their files: a moved model keeps its cache. */
import type Database from 'better-sqlite3';
import { StoreError } from './errors';
import { decodeStrings, encodeStrings } from './json';
import { now } from './transaction';
import type { ModelRow } from './types';

interface StoredModel {
  id: number;
  hash: string;
  path: string;
  kind: ModelRow['kind'];
  classes: string;
  config: string;
}

function statements(db: Database.Database) {
  return {
    upsert: db.prepare<[string, string, string, string, string, string], StoredModel>(
      `INSERT INTO models (hash, path, kind, classes, config, added_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (hash) DO UPDATE SET path = excluded.path, kind = excluded.kind, classes = excluded.classes, config = excluded.config
       RETURNING id, hash, path, kind, classes, config`,
    ),
    classes: db.prepare<[number], { classes: string }>('SELECT classes FROM models WHERE id = ?'),
    byId: db.prepare<[number], StoredModel>('SELECT id, hash, path, kind, classes, config FROM models WHERE id = ?'),
    latestByPath: db.prepare<[string], StoredModel>(
      'SELECT id, hash, path, kind, classes, config FROM models WHERE path = ? ORDER BY added_at DESC, id DESC LIMIT 1',
    ),
    defaultLayer: db.prepare<[number], { layer: string | null }>('SELECT default_layer AS layer FROM models WHERE id = ?'),
    setDefaultLayer: db.prepare<[string, number]>('UPDATE models SET default_layer = ? WHERE id = ?'),
  };
}

function unknownModel(modelId: number): StoreError {
  return new StoreError('invalid', `model ${modelId} does not exist`);
}

export class Models {
  private readonly sql: ReturnType<typeof statements>;

  constructor(db: Database.Database) {
    this.sql = statements(db);
  }

  /** By hash: the same model found at a new path updates the path and keeps the id. */
  upsert(model: Omit<ModelRow, 'id'>): ModelRow {
    const row = this.sql.upsert.get(model.hash, model.path, model.kind, encodeStrings(model.classes), model.config, now())!;
    return { ...row, classes: decodeStrings(row.classes, `classes of model ${row.id}`) };
  }

  byId(modelId: number): ModelRow | undefined {
    const row = this.sql.byId.get(modelId);
    return row && { ...row, classes: decodeStrings(row.classes, `classes of model ${row.id}`) };
  }

  /** The model last registered from this path (a changed file registers a new one). */
  latestByPath(modelPath: string): ModelRow | undefined {
    const row = this.sql.latestByPath.get(modelPath);
    return row && { ...row, classes: decodeStrings(row.classes, `classes of model ${row.id}`) };
  }

  classes(modelId: number): string[] {
    const row = this.sql.classes.get(modelId);
    if (!row) throw unknownModel(modelId);
    return decodeStrings(row.classes, `classes of model ${modelId}`);
  }

  /** null until an audit has resolved the model's default layer. */
  defaultLayer(modelId: number): string | null {
    const row = this.sql.defaultLayer.get(modelId);
    if (!row) throw unknownModel(modelId);
    return row.layer;
  }

  /** The body of Store.setModelDefaultLayer; the caller runs it in a transaction. */
  setDefaultLayer(modelId: number, layer: string): void {
    if (this.sql.setDefaultLayer.run(layer, modelId).changes === 0) throw unknownModel(modelId);
  }
}
