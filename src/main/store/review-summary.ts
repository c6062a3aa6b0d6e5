/**
 * Summaries the app's sidebar and start screen read: a dataset's classes, attributes
 * and regions; per class, accuracy, flags and region focus of one audit; the audits
 * stored for a dataset; tag counts. Each is one or two grouped queries.
 */
import type Database from 'better-sqlite3';
import { scaleOfSortedMaxima, type MapScales } from '../../shared/map-scale';
import { FOCUS_THRESHOLD, OK_TAGS } from '../../shared/views';
import { CLASSES_CTE, JOINS, scopeParams, type GridScope } from './review-grid';

export interface DatasetOverview {
  images: number;
  classes: { name: string; images: number }[];
  attributes: { name: string; values: string[] }[];
  regions: string[];
  problems: number;
}

/** What a class's results say; it changes only when results are written. */
export interface ClassResults {
  name: string;
  images: number;
  audited: number;
  correct: number;
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
    // Distinct values come from the index first, then each is checked once against the
    // dataset: ten times faster than joining every attribute row to its image.
    attributes: db.prepare<[number], { name: string; value: string }>(
      `SELECT d.name, d.value FROM (SELECT DISTINCT name, value FROM image_attributes) d
       WHERE EXISTS (SELECT 1 FROM image_attributes a JOIN images i ON i.id = a.image_id
                     WHERE a.name = d.name AND a.value = d.value AND i.dataset_id = ? AND i.present = 1)
       ORDER BY d.name, d.value`,
    ),
    regions: db.prepare<[number], string>(
      `SELECT d.name FROM (SELECT DISTINCT name FROM regions) d
       WHERE EXISTS (SELECT 1 FROM regions r JOIN images i ON i.id = r.image_id
                     WHERE r.name = d.name AND i.dataset_id = ? AND i.present = 1)
       ORDER BY d.name`,
    ),
    problems: db.prepare<[number], number>('SELECT COUNT(*) FROM errors WHERE dataset_id = ?'),
    perClass: db.prepare<Record<string, unknown>, Omit<ClassResults, 'focus'>>(
      `${CLASSES_CTE}
       SELECT i.label AS name, COUNT(*) AS images, COUNT(r.id) AS audited,
              COALESCE(SUM(r.id IS NOT NULL AND c.name = i.label), 0) AS correct
       ${JOINS}
       WHERE i.dataset_id = @datasetId AND i.present = 1
       GROUP BY i.label ORDER BY i.label`,
    ),
    // Tags are few next to images: CROSS JOIN keeps them the outer loop.
    flagged: db.prepare<[number, string], { name: string; flagged: number }>(
      `SELECT i.label AS name, COUNT(DISTINCT i.id) AS flagged
       FROM tags t CROSS JOIN images i
       WHERE t.dataset_id = ? AND i.dataset_id = t.dataset_id AND i.content_id = t.content_id AND i.present = 1
         AND t.tag NOT IN (SELECT value FROM json_each(?))
       GROUP BY i.label`,
    ),
    // isOnRegion (shared/region-focus) in SQL: the sidebar's "N on <region>" is the report's.
    focus: db.prepare<Record<string, unknown>, { name: string; region: string; images: number }>(
      `${CLASSES_CTE}
       SELECT i.label AS name, s.region, COUNT(DISTINCT i.id) AS images
       ${JOINS}
       JOIN region_stats s ON s.result_id = r.id
       WHERE i.dataset_id = @datasetId AND i.present = 1 AND s.mass >= @threshold
       GROUP BY i.label, s.region`,
    ),
    // The maxima of the maps the grid shows (each image's predicted class), ascending
    // from the index on (set_id, max): the scale's quantile is a rank in this list.
    maxima: db.prepare<Record<string, unknown>, { name: string | null; max: number }>(
      `${CLASSES_CTE}
       SELECT c.name, r.max
       ${JOINS}
       WHERE i.dataset_id = @datasetId AND i.present = 1 AND r.id IS NOT NULL
       ORDER BY r.max`,
    ),
    storedAudits: db.prepare<[number], StoredAuditRow>(
      `SELECT s.model_id AS modelId, m.path AS modelPath, s.layer, s.method, COUNT(DISTINCT r.content_id) AS results
       FROM result_sets s
       JOIN models m ON m.id = s.model_id
       JOIN results r ON r.set_id = s.id
       WHERE r.content_id IN (SELECT content_id FROM images WHERE dataset_id = ? AND present = 1)
       GROUP BY s.id ORDER BY s.id DESC`,
    ),
    // In order of first use, not of count: the palette's number keys follow this order and
    // must not move while the user tags.
    tagCounts: db.prepare<[number], { tag: string; images: number }>(
      `SELECT t.tag, COUNT(*) AS images FROM tags t
       WHERE t.dataset_id = ? AND EXISTS (SELECT 1 FROM images i WHERE i.dataset_id = t.dataset_id AND i.content_id = t.content_id AND i.present = 1)
       GROUP BY t.tag ORDER BY MIN(t.created_at), t.tag`,
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

  /** The heavy part of a class summary: one pass over the dataset's images and their maps. */
  classResults(scope: GridScope, regions: readonly string[]): ClassResults[] {
    const params = { ...scopeParams(scope), threshold: FOCUS_THRESHOLD };
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

  /** The shared colour scales of the maps the grid shows: over all of them, and per explained class. */
  mapScales(scope: GridScope): MapScales {
    const all: number[] = [];
    const perClass = new Map<string, number[]>();
    for (const { name, max } of this.sql.maxima.iterate(scopeParams(scope))) {
      all.push(max);
      if (name === null) continue;
      const list = perClass.get(name);
      if (list) list.push(max);
      else perClass.set(name, [max]);
    }
    return {
      dataset: scaleOfSortedMaxima(all),
      byClass: Object.fromEntries([...perClass].map(([name, maxima]) => [name, scaleOfSortedMaxima(maxima)])),
    };
  }

  /** Images per true label with a tag other than OK_TAGS: cheap, so read fresh after every tagging. */
  flaggedByClass(datasetId: number): Map<string, number> {
    return new Map(this.sql.flagged.all(datasetId, JSON.stringify(OK_TAGS)).map((row) => [row.name, row.flagged]));
  }

  storedAudits(datasetId: number): StoredAuditRow[] {
    return this.sql.storedAudits.all(datasetId);
  }

  tagCounts(datasetId: number): { tag: string; images: number }[] {
    return this.sql.tagCounts.all(datasetId);
  }
}
