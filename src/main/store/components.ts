/** The evidence components of an audit's maps, read back for its concepts (schema 6). */
import type Database from 'better-sqlite3';
import type { StoredComponent } from './types';

export interface ComponentRow extends StoredComponent {
  imageId: number;
  contentId: number;
  path: string;
  label: string;
  /** Class index the model predicted. */
  predicted: number;
  /** Class index the map explains. */
  target: number;
  /** The map's grid. */
  width: number;
  height: number;
  /** The image's oriented size in pixels; null until it was decoded. */
  imageWidth: number | null;
  imageHeight: number | null;
}

interface Row extends Omit<ComponentRow, 'descriptor'> {
  descriptor: Uint8Array;
}

export class Components {
  private readonly rows: Database.Statement<{ datasetId: number; modelId: number; setId: number; layer: string }, Row>;
  private readonly layers: Database.Statement<[number], string>;

  constructor(db: Database.Database) {
    this.rows = db.prepare(
      `SELECT i.id AS imageId, i.content_id AS contentId, i.path, i.label, p.predicted, r.target, r.width, r.height,
              ct.width AS imageWidth, ct.height AS imageHeight, k.share, k.mass, k.cx, k.cy, k.cells, k.descriptor
       FROM images i
       JOIN contents ct ON ct.id = i.content_id
       JOIN results r ON r.content_id = i.content_id AND r.set_id = @setId
       JOIN predictions p ON p.content_id = i.content_id AND p.model_id = @modelId
       JOIN components k ON k.result_id = r.id AND k.descriptor_layer = @layer
       WHERE i.dataset_id = @datasetId AND i.present = 1
       ORDER BY i.path, r.target, k.idx`,
    );
    this.layers = db.prepare<[number], string>(
      `SELECT DISTINCT d.descriptor_layer FROM described d JOIN results r ON r.id = d.result_id WHERE r.set_id = ? ORDER BY 1`,
    ).pluck();
  }

  /** Every component of the set's maps of the dataset's present images, for one descriptor layer. */
  of(datasetId: number, modelId: number, setId: number, descriptorLayer: string): ComponentRow[] {
    return this.rows.all({ datasetId, modelId, setId, layer: descriptorLayer }).map((row) => ({
      ...row,
      descriptor: new Int8Array(row.descriptor.buffer, row.descriptor.byteOffset, row.descriptor.byteLength),
    }));
  }

  /** The descriptor layers the set's maps were described by. */
  descriptorLayers(setId: number): string[] {
    return this.layers.all(setId);
  }
}
