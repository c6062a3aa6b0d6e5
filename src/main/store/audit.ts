/**
 * The audit table: every present image with its prediction and the map explaining
 * the predicted class, in one ordered query (plus one for attributes and one point
 * lookup per map for its region statistics).
 */
import type Database from 'better-sqlite3';
import type { Images } from './images';
import { decodeTop } from './json';
import { STAT_COLUMNS_SQL, statsOf, type StatColumns } from './stat-columns';
import type { AuditRow } from './rows';
import type { MapStats, StoredPrediction } from './types';
import { NO_ATTRIBUTES } from './images';

interface Joined extends StatColumns {
  imageId: number;
  path: string;
  label: string;
  contentId: number;
  predicted: number | null;
  prob: number;
  logit: number;
  top: string;
  resultId: number | null;
  width: number;
  height: number;
  map: Uint8Array;
}

function statements(db: Database.Database) {
  return {
    rows: db.prepare<{ datasetId: number; modelId: number; setId: number }, Joined>(
      `SELECT i.id AS imageId, i.path, i.label, i.content_id AS contentId,
              p.predicted, p.prob, p.logit, p.top,
              r.id AS resultId, r.width, r.height, r.map, ${STAT_COLUMNS_SQL}
       FROM images i
       LEFT JOIN predictions p ON p.content_id = i.content_id AND p.model_id = @modelId
       LEFT JOIN results r ON r.set_id = @setId AND r.content_id = i.content_id AND r.target = p.predicted
       WHERE i.dataset_id = @datasetId AND i.present = 1
       ORDER BY i.path`,
    ),
    regionStats: db.prepare<[number], { name: string; mass: number; boxIou: number }>(
      'SELECT region AS name, mass, box_iou AS boxIou FROM region_stats WHERE result_id = ? ORDER BY region',
    ),
  };
}

function prediction(row: Joined): StoredPrediction | null {
  if (row.predicted === null) return null;
  const top = decodeTop(row.top, `top classes of content ${row.contentId}`);
  return { predicted: row.predicted, prob: row.prob, logit: row.logit, top };
}

export class Audit {
  private readonly sql: ReturnType<typeof statements>;

  constructor(
    db: Database.Database,
    private readonly images: Images,
  ) {
    this.sql = statements(db);
  }

  /** setId undefined (nothing computed yet for this layer and method) gives rows without maps. */
  rows(datasetId: number, modelId: number, setId: number | undefined): AuditRow[] {
    const attributes = this.images.attributes(datasetId);
    const joined = this.sql.rows.all({ datasetId, modelId, setId: setId ?? -1 });
    return joined.map((row) => ({
      path: row.path,
      label: row.label,
      attributes: attributes.get(row.imageId) ?? NO_ATTRIBUTES,
      contentId: row.contentId,
      prediction: prediction(row),
      stats: row.resultId === null ? null : this.stats(row.resultId, row),
      map: row.resultId === null ? null : { width: row.width, height: row.height, max: row.max, bytes: row.map },
    }));
  }

  private stats(resultId: number, row: Joined): MapStats {
    return statsOf(row, this.sql.regionStats.all(resultId));
  }
}
