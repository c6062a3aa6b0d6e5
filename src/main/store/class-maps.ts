/**
 * Each image's map explaining its own class (its true label), with its prediction:
 * what SpRAy clusters per class. The map of the true label is stored when an audit
 * explains labels (targets label or all), and for every correctly predicted image.
 */
import type Database from 'better-sqlite3';
import { CLASSES_CTE } from './review-grid';

export interface ClassMapRow {
  imageId: number;
  /** Tags belong to content: the cluster view tags a whole cluster by these. */
  contentId: number;
  path: string;
  label: string;
  /** Whether the model predicted the label. */
  correct: boolean;
  width: number;
  height: number;
  max: number;
  map: Uint8Array;
}

interface Row extends Omit<ClassMapRow, 'correct'> {
  correct: number;
}

const query = (where: string) =>
  `${CLASSES_CTE}
   SELECT i.id AS imageId, i.content_id AS contentId, i.path, i.label, p.predicted = c.idx AS correct, r.width, r.height, r.max, r.map
   FROM images i
   JOIN cls c ON c.name = i.label
   JOIN results r ON r.set_id = @setId AND r.content_id = i.content_id AND r.target = c.idx
   JOIN predictions p ON p.content_id = i.content_id AND p.model_id = @modelId
   WHERE i.dataset_id = @datasetId AND i.present = 1 ${where}
   ORDER BY i.label, i.path`;

export class ClassMaps {
  private readonly statement: Database.Statement<Record<string, unknown>, Row>;
  /** One class only: the app clusters the class on screen, and reads no other class's maps for it. */
  private readonly ofLabel: Database.Statement<Record<string, unknown>, Row>;

  constructor(db: Database.Database) {
    this.statement = db.prepare(query(''));
    this.ofLabel = db.prepare(query('AND i.label = @label'));
  }

  all(datasetId: number, modelId: number, setId: number, classes: readonly string[], label?: string): ClassMapRow[] {
    const params = { datasetId, modelId, setId, classes: JSON.stringify(classes) };
    const rows = label === undefined ? this.statement.all(params) : this.ofLabel.all({ ...params, label });
    return rows.map((row) => ({ ...row, correct: row.correct === 1 }));
  }
}
