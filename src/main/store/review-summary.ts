/**
 * Summaries the app's sidebar and start screen read: a dataset's classes, attributes
 * and regions; per class, accuracy, flags and region focus of one audit; the audits
 * stored for a dataset; tag counts. Each is one or two grouped queries.
 */
import type Database from 'better-sqlite3';
import { FOCUS_THRESHOLD, OK_TAGS } from '../../shared/views';
import { CLASSES_CTE, JOINS, scopeParams, type GridScope } from './review-grid';

export interface DatasetOverview {
  images: number;
  classes: { name: string; images: number }[];
  attributes: { name: string; values: string[] }[];
  regions: string[];
  problems: number;
}

export interface ClassRow {
  name: string;
  images: number;
  audited: number;
  correct: number;
  flagged: number;
  focus: { region: string; images: number }[];
}

export interface StoredAuditRow {
  modelId: number;
  modelPath: string;
  layer: string;
  method: string;
  results: number;
}

function statements(db: Database.Database) {
  return {
    classes: db.prepare<[number], { name: string; images: number }>(
      'SELECT label AS name, COUNT(*) AS images FROM images WHERE dataset_id = ? AND present = 1 GROUP BY label ORDER BY label',
    ),
    attributes: db.prepare<[number], { name: string; value: string }>(
      `SELECT DISTINCT a.name, a.value FROM image_attributes a JOIN images i ON i.id = a.image_id
       WHERE i.dataset_id = ? AND i.present = 1 ORDER BY a.name, a.value`,
    ),
    regions: db.prepare<[number], string>(
      `SELECT DISTINCT r.name FROM regions r JOIN images i ON i.id = r.image_id
       WHERE i.dataset_id = ? AND i.present = 1 ORDER BY r.name`,
    ),
    problems: db.prepare<[number], number>('SELECT COUNT(*) FROM errors WHERE dataset_id = ?'),
    perClass: db.prepare<Record<string, unknown>, Omit<ClassRow, 'focus'>>(
      `${CLASSES_CTE}
       SELECT i.label AS name, COUNT(*) AS images, COUNT(r.id) AS audited,
              COALESCE(SUM(r.id IS NOT NULL AND c.name = i.label), 0) AS correct,
              COALESCE(SUM(EXISTS (SELECT 1 FROM tags t WHERE t.dataset_id = i.dataset_id AND t.content_id = i.content_id
                                   AND t.tag NOT IN (SELECT value FROM json_each(@okTags)))), 0) AS flagged
       ${JOINS}
       WHERE i.dataset_id = @datasetId AND i.present = 1
       GROUP BY i.label ORDER BY i.label`,
    ),
    focus: db.prepare<Record<string, unknown>, { name: string; region: string; images: number }>(
      `${CLASSES_CTE}
       SELECT i.label AS name, s.region, COUNT(DISTINCT i.id) AS images
       ${JOINS}
       JOIN region_stats s ON s.result_id = r.id
       WHERE i.dataset_id = @datasetId AND i.present = 1 AND s.mass >= @threshold
       GROUP BY i.label, s.region`,
    ),
    storedAudits: db.prepare<[number], StoredAuditRow>(
      `SELECT s.model_id AS modelId, m.path AS modelPath, s.layer, s.method, COUNT(DISTINCT r.content_id) AS results
       FROM result_sets s
       JOIN models m ON m.id = s.model_id
       JOIN results r ON r.set_id = s.id
       WHERE r.content_id IN (SELECT content_id FROM images WHERE dataset_id = ? AND present = 1)
       GROUP BY s.id ORDER BY s.id DESC`,
    ),
    tagCounts: db.prepare<[number], { tag: string; images: number }>(
      `SELECT t.tag, COUNT(*) AS images FROM tags t
       WHERE t.dataset_id = ? AND EXISTS (SELECT 1 FROM images i WHERE i.dataset_id = t.dataset_id AND i.content_id = t.content_id AND i.present = 1)
       GROUP BY t.tag ORDER BY images DESC, t.tag`,
    ),
  };
}

export class ReviewSummary {
  private readonly sql: ReturnType<typeof statements>;

  constructor(db: Database.Database) {
    this.sql = statements(db);
  }

  overview(datasetId: number): DatasetOverview {
    const classes = this.sql.classes.all(datasetId);
    const attributes = new Map<string, string[]>();
    for (const { name, value } of this.sql.attributes.iterate(datasetId)) {
      const values = attributes.get(name) ?? [];
      values.push(value);
      attributes.set(name, values);
    }
    return {
      images: classes.reduce((sum, c) => sum + c.images, 0),
      classes,
      attributes: [...attributes].map(([name, values]) => ({ name, values })),
      regions: this.sql.regions.pluck().all(datasetId) as unknown as string[],
      problems: this.sql.problems.pluck().get(datasetId) as unknown as number,
    };
  }

  classes(scope: GridScope, regions: readonly string[]): ClassRow[] {
    const params = { ...scopeParams(scope), okTags: JSON.stringify(OK_TAGS), threshold: FOCUS_THRESHOLD };
    const focus = new Map<string, Map<string, number>>();
    for (const { name, region, images } of this.sql.focus.iterate(params)) {
      const perRegion = focus.get(name) ?? new Map<string, number>();
      perRegion.set(region, images);
      focus.set(name, perRegion);
    }
    return this.sql.perClass.all(params).map((row) => ({
      ...row,
      focus: regions.map((region) => ({ region, images: focus.get(row.name)?.get(region) ?? 0 })),
    }));
  }

  storedAudits(datasetId: number): StoredAuditRow[] {
    return this.sql.storedAudits.all(datasetId);
  }

  tagCounts(datasetId: number): { tag: string; images: number }[] {
    return this.sql.tagCounts.all(datasetId);
  }
}
