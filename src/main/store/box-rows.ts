/**
 * The weakly-supervised box of every image's map for one target rule: the predicted
 * class, the true label, or a fixed class. Images whose map for that target was not
 * stored are absent (explain labels or all classes in the audit to have them).
 */
import type Database from 'better-sqlite3';
import { CLASSES_CTE } from './review-grid';

export type BoxTarget = { kind: 'predicted' } | { kind: 'label' } | { kind: 'class'; index: number };

export interface BoxRow {
  imageId: number;
  path: string;
  label: string;
  /** Class index the map explains. */
  target: number;
  /** Oriented image size. */
  width: number;
  height: number;
  /** Fractions of the map, i.e. of its frame (the whole image without a crop); null for an empty map. */
  box: { x0: number; y0: number; x1: number; y1: number } | null;
  map: { width: number; height: number; max: number; bytes: Uint8Array };
}

interface Row {
  imageId: number;
  path: string;
  label: string;
  target: number;
  width: number;
  height: number;
  x0: number | null;
  y0: number | null;
  x1: number | null;
  y1: number | null;
  mapWidth: number;
  mapHeight: number;
  max: number;
  bytes: Uint8Array;
}

const TARGET_SQL: Readonly<Record<BoxTarget['kind'], string>> = {
  predicted: 'r.target = p.predicted',
  label: 'r.target = c.idx',
  class: 'r.target = @targetIndex',
};

export class BoxRows {
  private readonly statements = new Map<BoxTarget['kind'], Database.Statement<Record<string, unknown>, Row>>();

  constructor(private readonly db: Database.Database) {}

  all(datasetId: number, modelId: number, setId: number, classes: readonly string[], target: BoxTarget): BoxRow[] {
    let statement = this.statements.get(target.kind);
    if (!statement) {
      statement = this.db.prepare(
        `${CLASSES_CTE}
         SELECT i.id AS imageId, i.path, i.label, r.target, ct.width, ct.height,
                r.box_x0 AS x0, r.box_y0 AS y0, r.box_x1 AS x1, r.box_y1 AS y1,
                r.width AS mapWidth, r.height AS mapHeight, r.max, r.map AS bytes
         FROM images i
         JOIN contents ct ON ct.id = i.content_id
         JOIN predictions p ON p.content_id = i.content_id AND p.model_id = @modelId
         LEFT JOIN cls c ON c.name = i.label
         JOIN results r ON r.set_id = @setId AND r.content_id = i.content_id AND ${TARGET_SQL[target.kind]}
         WHERE i.dataset_id = @datasetId AND i.present = 1 AND ct.width IS NOT NULL
         ORDER BY i.path`,
      );
      this.statements.set(target.kind, statement);
    }
    const params = { datasetId, modelId, setId, classes: JSON.stringify(classes), ...(target.kind === 'class' ? { targetIndex: target.index } : {}) };
    return statement.all(params).map((row) => ({
      imageId: row.imageId,
      path: row.path,
      label: row.label,
      target: row.target,
      width: row.width,
      height: row.height,
      box: row.x0 === null || row.y0 === null || row.x1 === null || row.y1 === null ? null : { x0: row.x0, y0: row.y0, x1: row.x1, y1: row.y1 },
      map: { width: row.mapWidth, height: row.mapHeight, max: row.max, bytes: row.bytes },
    }));
  }
}
