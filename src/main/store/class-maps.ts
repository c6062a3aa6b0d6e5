/**
 * The maps SpRAy clusters per class: each image's map explaining its own class (its true
 * label), and, with `misclassified`, each image predicted as a class it is not labelled
 * with, by its map of that class (the prediction's map), so a class's clusters never
 * silently leave out the errors that land in it. The map of the true label is stored
 * when an audit explains labels (targets label or all), and for every correctly
 * predicted image; the prediction's map is stored by every audit.
 */
import type Database from 'better-sqlite3';
import { CLASSES_CTE } from './review-grid';

/** Why an image is among a class's maps: labelled with it, or predicted as it while labelled otherwise. */
export type ClassMapRole = 'label' | 'predicted';

export interface ClassMapRow {
  imageId: number;
  /** Tags belong to content: the cluster view tags a whole cluster by these. */
  contentId: number;
  path: string;
  /** The image's true label. */
  label: string;
  /** The class the map explains, and so whose clusters the image joins. */
  explained: string;
  role: ClassMapRole;
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

const COLUMNS = 'i.id AS imageId, i.content_id AS contentId, i.path, i.label, c.name AS explained, r.width, r.height, r.max, r.map';

const query = (where: string, misclassified: boolean) =>
  `${CLASSES_CTE}
   SELECT * FROM (
     SELECT ${COLUMNS}, 'label' AS role, p.predicted = c.idx AS correct
     FROM images i
     JOIN cls c ON c.name = i.label
     JOIN results r ON r.set_id = @setId AND r.content_id = i.content_id AND r.target = c.idx
     JOIN predictions p ON p.content_id = i.content_id AND p.model_id = @modelId
     WHERE i.dataset_id = @datasetId AND i.present = 1
     ${
       misclassified
         ? `UNION ALL
     SELECT ${COLUMNS}, 'predicted' AS role, 0 AS correct
     FROM images i
     JOIN predictions p ON p.content_id = i.content_id AND p.model_id = @modelId
     JOIN cls c ON c.idx = p.predicted AND c.name <> i.label
     JOIN results r ON r.set_id = @setId AND r.content_id = i.content_id AND r.target = c.idx
     WHERE i.dataset_id = @datasetId AND i.present = 1`
         : ''
     }
   ) m
   WHERE 1 ${where}
   ORDER BY m.explained, m.role, m.path`;

export interface ClassMapQuery {
  /** One class only: the app clusters the class on screen, and reads no other class's maps for it. */
  label?: string | undefined;
  /** Also the images predicted as each class while labelled otherwise, by the prediction's map. */
  misclassified?: boolean | undefined;
}

export class ClassMaps {
  private readonly statements = new Map<string, Database.Statement<Record<string, unknown>, Row>>();

  constructor(private readonly db: Database.Database) {}

  /** Prepared once per shape (4 at most). */
  private statement(oneClass: boolean, misclassified: boolean): Database.Statement<Record<string, unknown>, Row> {
    const shape = `${oneClass}:${misclassified}`;
    let statement = this.statements.get(shape);
    if (!statement) {
      statement = this.db.prepare(query(oneClass ? 'AND m.explained = @label' : '', misclassified));
      this.statements.set(shape, statement);
    }
    return statement;
  }

  all(datasetId: number, modelId: number, setId: number, classes: readonly string[], { label, misclassified = false }: ClassMapQuery = {}): ClassMapRow[] {
    const params = { datasetId, modelId, setId, classes: JSON.stringify(classes), ...(label === undefined ? {} : { label }) };
    return this.statement(label !== undefined, misclassified)
      .all(params)
      .map((row) => ({ ...row, correct: row.correct === 1 }));
  }
}
