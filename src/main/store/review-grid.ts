/**
 * The grid's queries: the ordered ids of a filtered, sorted view (one indexed scan
 * of the dataset, sorted in SQLite) and the tiles of a page of those ids. Filters and
 * sort keys are chosen from fixed fragments; values are always bound, never spliced.
 */
import type Database from 'better-sqlite3';
import type { GridFilter, GridSort } from '../../shared/views';
import { UNTAGGED } from '../../shared/views';

export interface GridScope {
  datasetId: number;
  modelId: number;
  /** The result set (model, layer, method); -1 when nothing is computed for it yet. */
  setId: number;
  /** The model's class names, in output order. */
  classes: readonly string[];
}

export interface TileRow {
  id: number;
  contentId: number;
  path: string;
  label: string;
  predicted: string | null;
  prob: number | null;
  width: number | null;
  height: number | null;
  max: number | null;
  map: Uint8Array | null;
  /** Why the file could not be used ("decode: truncated JPEG ..."), when it could not. */
  problem: string | null;
  tags: string[];
  /** The image's oriented size, once decoded: where a cropped model's map sits needs it. */
  imageWidth: number | null;
  imageHeight: number | null;
}

/** The model's class names as a table, so predicted indices join to names in SQL. */
const CLASSES_CTE = `WITH cls(idx, name) AS (SELECT CAST(key AS INTEGER), value FROM json_each(@classes))`;

/**
 * An image, its prediction, the map of the predicted class, and (when asked) the
 * predicted class's name. The name costs a lookup per row: joined only when a filter needs it.
 */
function joins(withClasses: boolean): string {
  return `
  FROM images i
  LEFT JOIN predictions p ON p.content_id = i.content_id AND p.model_id = @modelId
  ${withClasses ? 'LEFT JOIN cls c ON c.idx = p.predicted' : ''}
  LEFT JOIN results r ON r.set_id = @setId AND r.content_id = i.content_id AND r.target = p.predicted`;
}

const JOINS = joins(true);

const SORT_COLUMNS: Readonly<Record<GridSort['by'], string>> = {
  path: 'i.path',
  confidence: 'p.prob',
  max: 'r.max',
  entropy: 'r.entropy',
  spread: 'r.spread',
  peakX: 'r.peak_x',
  peakY: 'r.peak_y',
  // A map with no mass recorded for the region has none on it.
  mass: 'COALESCE(s.mass, 0)',
  iou: 'COALESCE(s.box_iou, 0)',
};

function whereClauses(filter: GridFilter): { sql: string[]; params: Record<string, unknown>; needsClasses: boolean } {
  const sql = ['i.dataset_id = @datasetId', 'i.present = 1'];
  const needsClasses = filter.predicted !== undefined || filter.correctness !== undefined;
  const params: Record<string, unknown> = {};
  if (filter.label !== undefined) {
    sql.push('i.label = @label');
    params['label'] = filter.label;
  }
  if (filter.predicted !== undefined) {
    sql.push('c.name = @predicted');
    params['predicted'] = filter.predicted;
  }
  if (filter.correctness === 'correct') sql.push('r.id IS NOT NULL AND c.name = i.label');
  if (filter.correctness === 'wrong') sql.push('r.id IS NOT NULL AND c.name IS NOT i.label');
  if (filter.tag === UNTAGGED) {
    sql.push('NOT EXISTS (SELECT 1 FROM tags t WHERE t.dataset_id = @datasetId AND t.content_id = i.content_id)');
  } else if (filter.tag !== undefined) {
    sql.push('EXISTS (SELECT 1 FROM tags t WHERE t.dataset_id = @datasetId AND t.content_id = i.content_id AND t.tag = @tag)');
    params['tag'] = filter.tag;
  }
  if (filter.attribute) {
    sql.push('EXISTS (SELECT 1 FROM image_attributes a WHERE a.image_id = i.id AND a.name = @attrName AND a.value = @attrValue)');
    params['attrName'] = filter.attribute.name;
    params['attrValue'] = filter.attribute.value;
  }
  if (filter.focus) {
    sql.push('EXISTS (SELECT 1 FROM region_stats f WHERE f.result_id = r.id AND f.region = @focusRegion AND f.mass >= @focusMin)');
    params['focusRegion'] = filter.focus.region;
    params['focusMin'] = filter.focus.min;
  }
  if (filter.images) {
    sql.push('i.content_id IN (SELECT value FROM json_each(@imageContents))');
    params['imageContents'] = JSON.stringify(filter.images.contentIds);
  }
  return { sql, params, needsClasses };
}

export class ReviewGrid {
  private readonly tileStatement: Database.Statement<Record<string, unknown>, Omit<TileRow, 'tags'>>;
  private readonly tagStatement: Database.Statement<Record<string, unknown>, { contentId: number; tag: string }>;
  /** Index statements by their SQL: a handful of shapes in practice, each prepared once. */
  private readonly prepared = new Map<string, Database.Statement<Record<string, unknown>, unknown>>();

  constructor(private readonly db: Database.Database) {
    this.tileStatement = db.prepare(
      `${CLASSES_CTE}
       SELECT i.id, i.content_id AS contentId, i.path, i.label, c.name AS predicted, p.prob,
              r.width, r.height, r.max, r.map,
              (SELECT e.stage || ': ' || e.reason FROM errors e WHERE e.dataset_id = i.dataset_id AND e.path = i.path
               ORDER BY CASE e.stage WHEN 'scan' THEN 0 WHEN 'decode' THEN 1 ELSE 2 END LIMIT 1) AS problem,
              co.width AS imageWidth, co.height AS imageHeight
       ${JOINS}
       LEFT JOIN contents co ON co.id = i.content_id
       WHERE i.dataset_id = @datasetId AND i.id IN (SELECT value FROM json_each(@ids))`,
    );
    this.tagStatement = db.prepare(
      `SELECT content_id AS contentId, tag FROM tags
       WHERE dataset_id = @datasetId AND content_id IN (SELECT value FROM json_each(@contents))
       ORDER BY tag`,
    );
  }

  /**
   * Image ids in display order; images without a map of this set come last. With a
   * limit, only the first ids: SQLite then keeps a top-N heap instead of sorting every
   * row, which puts a first screen up in a third of the time.
   */
  index(scope: GridScope, filter: GridFilter, sort: GridSort, limit?: number): number[] {
    const where = whereClauses(filter);
    const needsRegion = sort.by === 'mass' || sort.by === 'iou';
    const regionJoin = needsRegion ? 'LEFT JOIN region_stats s ON s.result_id = r.id AND s.region = @sortRegion' : '';
    const direction = sort.dir === 'asc' ? 'ASC' : 'DESC';
    // Ties break on the id (files are added in path order): an integer sorts faster than a path.
    const sql = `${where.needsClasses ? CLASSES_CTE : ''} SELECT i.id ${joins(where.needsClasses)} ${regionJoin}
      WHERE ${where.sql.join(' AND ')}
      ORDER BY (r.id IS NULL), ${SORT_COLUMNS[sort.by]} ${direction}, i.id
      ${limit === undefined ? '' : 'LIMIT @limit'}`;
    const params = {
      ...scopeParams(scope, where.needsClasses),
      ...where.params,
      ...(needsRegion ? { sortRegion: sort.region ?? '' } : {}),
      ...(limit === undefined ? {} : { limit }),
    };
    return this.statement(sql).pluck().all(params) as unknown as number[];
  }

  /** How many images the filter keeps. Filters on the image alone count without joining its results. */
  count(scope: GridScope, filter: GridFilter): number {
    const where = whereClauses(filter);
    const needsResults = filter.correctness !== undefined || filter.focus !== undefined || filter.predicted !== undefined;
    const from = needsResults ? joins(where.needsClasses) : 'FROM images i';
    const sql = `${where.needsClasses ? CLASSES_CTE : ''} SELECT COUNT(*) ${from} WHERE ${where.sql.join(' AND ')}`;
    return this.statement(sql).pluck().get({ ...scopeParams(scope, where.needsClasses), ...where.params }) as unknown as number;
  }

  private statement(sql: string): Database.Statement<Record<string, unknown>, unknown> {
    let statement = this.prepared.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.prepared.set(sql, statement);
    }
    return statement;
  }

  /** Tiles of these image ids, in the order asked; ids not in the dataset are left out. */
  tiles(scope: GridScope, ids: readonly number[]): TileRow[] {
    if (ids.length === 0) return [];
    const rows = this.tileStatement.all({ ...scopeParams(scope), ids: JSON.stringify(ids) });
    const tags = new Map<number, string[]>();
    const contents = JSON.stringify(rows.map((row) => row.contentId));
    for (const { contentId, tag } of this.tagStatement.iterate({ datasetId: scope.datasetId, contents })) {
      const list = tags.get(contentId) ?? [];
      list.push(tag);
      tags.set(contentId, list);
    }
    const byId = new Map(rows.map((row) => [row.id, { ...row, tags: tags.get(row.contentId) ?? [] }]));
    return ids.flatMap((id) => byId.get(id) ?? []);
  }
}

export function scopeParams(scope: GridScope, withClasses = true): Record<string, unknown> {
  const params = { datasetId: scope.datasetId, modelId: scope.modelId, setId: scope.setId };
  return withClasses ? { ...params, classes: JSON.stringify(scope.classes) } : params;
}

export { CLASSES_CTE, JOINS };
