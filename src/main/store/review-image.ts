/** One image in full for the detail view: file, labels, regions, every stored map of an audit, tags, problems. */
import type Database from 'better-sqlite3';
import type { RegionBox } from '../library/types';
import { decodeTop } from './json';
import { STAT_COLUMNS_SQL, statsOf, type StatColumns } from './stat-columns';
import type { MapStats, StoredPrediction } from './types';

export interface ImageRecord {
  id: number;
  contentId: number;
  path: string;
  label: string;
  width: number | null;
  height: number | null;
  attributes: Record<string, string>;
  regions: RegionBox[];
  tags: string[];
  prediction: StoredPrediction | null;
  maps: { target: number; width: number; height: number; max: number; map: Uint8Array; stats: MapStats }[];
  problem: { stage: string; reason: string } | null;
}

interface ResultRow extends StatColumns {
  id: number;
  target: number;
  width: number;
  height: number;
  map: Uint8Array;
}

function statements(db: Database.Database) {
  return {
    image: db.prepare<[number, number], Omit<ImageRecord, 'attributes' | 'regions' | 'tags' | 'prediction' | 'maps' | 'problem'>>(
      `SELECT i.id, i.content_id AS contentId, i.path, i.label, c.width, c.height
       FROM images i JOIN contents c ON c.id = i.content_id WHERE i.id = ? AND i.dataset_id = ?`,
    ),
    attributes: db.prepare<[number], { name: string; value: string }>('SELECT name, value FROM image_attributes WHERE image_id = ? ORDER BY name'),
    regions: db.prepare<[number], RegionBox>('SELECT name, x0, y0, x1, y1 FROM regions WHERE image_id = ? ORDER BY ord'),
    tags: db.prepare<[number, number], string>('SELECT tag FROM tags WHERE dataset_id = ? AND content_id = ? ORDER BY tag'),
    prediction: db.prepare<[number, number], { predicted: number; prob: number; logit: number; top: string }>(
      'SELECT predicted, prob, logit, top FROM predictions WHERE content_id = ? AND model_id = ?',
    ),
    results: db.prepare<[number, number], ResultRow>(
      `SELECT r.id, r.target, r.width, r.height, r.map, ${STAT_COLUMNS_SQL}
       FROM results r WHERE r.set_id = ? AND r.content_id = ? ORDER BY r.target`,
    ),
    regionStats: db.prepare<[number], { name: string; mass: number; boxIou: number }>(
      'SELECT region AS name, mass, box_iou AS boxIou FROM region_stats WHERE result_id = ? ORDER BY region',
    ),
    problem: db.prepare<[number, string], { stage: string; reason: string }>(
      `SELECT stage, reason FROM errors WHERE dataset_id = ? AND path = ?
       ORDER BY CASE stage WHEN 'scan' THEN 0 WHEN 'decode' THEN 1 ELSE 2 END LIMIT 1`,
    ),
  };
}

export class ReviewImage {
  private readonly sql: ReturnType<typeof statements>;

  constructor(db: Database.Database) {
    this.sql = statements(db);
  }

  /** Undefined when the image is not in the dataset. setId -1: nothing computed for the set yet. */
  get(datasetId: number, imageId: number, modelId: number, setId: number): ImageRecord | undefined {
    const image = this.sql.image.get(imageId, datasetId);
    if (!image) return undefined;
    const stored = this.sql.prediction.get(image.contentId, modelId);
    const prediction: StoredPrediction | null = stored
      ? { predicted: stored.predicted, prob: stored.prob, logit: stored.logit, top: decodeTop(stored.top, `top classes of content ${image.contentId}`) }
      : null;
    return {
      ...image,
      attributes: Object.fromEntries(this.sql.attributes.all(imageId).map((a) => [a.name, a.value])),
      regions: this.sql.regions.all(imageId),
      tags: this.sql.tags.pluck().all(datasetId, image.contentId) as unknown as string[],
      prediction,
      maps: this.sql.results.all(setId, image.contentId).map((row) => ({
        target: row.target,
        width: row.width,
        height: row.height,
        max: row.max,
        map: row.map,
        stats: statsOf(row, this.sql.regionStats.all(row.id)),
      })),
      problem: this.sql.problem.get(datasetId, image.path) ?? null,
    };
  }
}
