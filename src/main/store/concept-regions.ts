/**
 * Concepts named as regions (schema 8). The name and where it came from sit in
 * `concept_regions`; the boxes are ordinary `regions` rows at ord CONCEPT_ORD_BASE + the
 * concept's id, one per image containing the concept, so everything that reads regions
 * reads them, and a concept's rows are found without looking at any other's.
 * The scan owns rows below DRAWN_ORD_BASE, drawn regions the rows between, concepts
 * the rows from CONCEPT_ORD_BASE: none touches another's.
 */
import type Database from 'better-sqlite3';
import type { RegionBox } from '../library/types';
import { CONCEPT_ORD_BASE } from './drawn-regions';
import { now } from './transaction';

export { CONCEPT_ORD_BASE };

/** Which concept of which fit: the audit, the class, the concept's index, the fit's k (0: silhouette's) and seed. */
export interface ConceptSource {
  datasetId: number;
  modelId: number;
  layer: string;
  method: string;
  label: string;
  concept: number;
  k: number;
  seed: number;
}

export interface ConceptRegionRow extends ConceptSource {
  name: string;
  role: 'spurious' | 'evidence';
  createdAt: string;
}

/** A box of the concept on one image, in the image's pixels. */
export interface ConceptBox extends Omit<RegionBox, 'name'> {
  imageId: number;
}

function statements(db: Database.Database) {
  const base = CONCEPT_ORD_BASE;
  return {
    list: db.prepare<[number], ConceptRegionRow>(
      `SELECT dataset_id AS datasetId, name, model_id AS modelId, layer, method, label, concept, k, seed, role, created_at AS createdAt
       FROM concept_regions WHERE dataset_id = ? ORDER BY label, concept, name`,
    ),
    bySource: db.prepare<ConceptSource, { id: number; name: string }>(
      `SELECT id, name FROM concept_regions
       WHERE dataset_id = @datasetId AND model_id = @modelId AND layer = @layer AND method = @method
         AND label = @label AND concept = @concept AND k = @k AND seed = @seed`,
    ),
    insert: db.prepare<ConceptSource & { name: string; role: string; createdAt: string }, never>(
      `INSERT INTO concept_regions (dataset_id, name, model_id, layer, method, label, concept, k, seed, role, created_at)
       VALUES (@datasetId, @name, @modelId, @layer, @method, @label, @concept, @k, @seed, @role, @createdAt)`,
    ),
    remove: db.prepare<[number]>('DELETE FROM concept_regions WHERE id = ?'),
    // A name has one role: the region roles hold names, not concepts.
    setRole: db.prepare<[string, number, string]>('UPDATE concept_regions SET role = ? WHERE dataset_id = ? AND name = ?'),
    deleteRows: db.prepare<[number, number]>(`DELETE FROM regions WHERE ord = ${base} + ? AND image_id IN (SELECT id FROM images WHERE dataset_id = ?)`),
    insertRow: db.prepare<[number, number, string, number, number, number, number]>(
      'INSERT INTO regions (image_id, ord, name, x0, y0, x1, y1) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ),
    otherNames: db
      .prepare<{ datasetId: number }, string>(
        `SELECT DISTINCT r.name FROM regions r JOIN images i ON i.id = r.image_id
         WHERE i.dataset_id = @datasetId AND r.ord < ${base}
         UNION SELECT name FROM drawn_regions WHERE dataset_id = @datasetId`,
      )
      .pluck(),
  };
}

export class ConceptRegions {
  private readonly sql: ReturnType<typeof statements>;

  constructor(db: Database.Database) {
    this.sql = statements(db);
  }

  list(datasetId: number): ConceptRegionRow[] {
    return this.sql.list.all(datasetId);
  }

  /** Names of the dataset's annotated and drawn regions, which a concept may not take. */
  otherRegionNames(datasetId: number): string[] {
    return this.sql.otherNames.all({ datasetId });
  }

  /** The body of Store.nameConcept: the concept's earlier name and rows give way to one row per box. Returns the name it had. */
  put(source: ConceptSource, name: string, role: 'spurious' | 'evidence', boxes: readonly ConceptBox[]): string | null {
    const before = this.remove(source);
    const id = Number(this.sql.insert.run({ ...source, name, role, createdAt: now() }).lastInsertRowid);
    this.sql.setRole.run(role, source.datasetId, name);
    const ord = CONCEPT_ORD_BASE + id;
    for (const box of boxes) this.sql.insertRow.run(box.imageId, ord, name, box.x0, box.y0, box.x1, box.y1);
    return before;
  }

  /** The body of Store.unnameConcept: its name and rows go; the name it had, or null when it had none. */
  remove(source: ConceptSource): string | null {
    const named = this.sql.bySource.get(source);
    if (!named) return null;
    this.sql.deleteRows.run(named.id, source.datasetId);
    this.sql.remove.run(named.id);
    return named.name;
  }
}
