/**
 * Region statistics that follow the boxes. Each result remembers the key of the
 * geometry its region_stats rows were measured on (schema 3); a refresh finds, for a
 * dataset, every result whose content's boxes (or size) no longer have that key and
 * measures it again from the stored map, through callbacks: the store computes no
 * statistics itself. Names a content no longer has lose their rows.
 *
 * A content is represented by its first present image by path, the image the audit's
 * planner explains it with, so a refresh measures exactly what a fresh audit would.
 */
import type Database from 'better-sqlite3';
import type { EncodedMap } from '../../shared/map-codec';
import type { RegionBox } from '../library/types';

export interface RegionGeometry {
  /** The original image, oriented. */
  image: { width: number; height: number };
  regions: RegionBox[];
}

export interface RegionRefreshMeasures {
  /** The key of a geometry (analysis/region-key). */
  keyOf(geometry: RegionGeometry): string;
  /** Mass and box IoU per region name of a stored map; `modelConfig` is the models row's config JSON. */
  measure(map: EncodedMap, geometry: RegionGeometry, modelConfig: string): { name: string; mass: number; boxIou: number }[];
}

interface ContentRow {
  imageId: number;
  contentId: number;
  width: number | null;
  height: number | null;
}

function statements(db: Database.Database) {
  return {
    contents: db.prepare<[number], ContentRow>(
      `SELECT i.id AS imageId, i.content_id AS contentId, c.width, c.height
       FROM images i JOIN contents c ON c.id = i.content_id
       WHERE i.dataset_id = ? AND i.present = 1 ORDER BY i.path`,
    ),
    regions: db.prepare<[number], RegionBox & { imageId: number }>(
      `SELECT r.image_id AS imageId, r.name, r.x0, r.y0, r.x1, r.y1
       FROM regions r JOIN images i ON i.id = r.image_id
       WHERE i.dataset_id = ? AND i.present = 1 ORDER BY r.image_id, r.ord`,
    ),
    results: db.prepare<[number], { id: number; contentId: number; regionsKey: string | null; modelId: number }>(
      `SELECT r.id, r.content_id AS contentId, r.regions_key AS regionsKey, s.model_id AS modelId
       FROM results r JOIN result_sets s ON s.id = r.set_id
       WHERE r.content_id IN (SELECT content_id FROM images WHERE dataset_id = ? AND present = 1)`,
    ),
    map: db.prepare<[number], { width: number; height: number; max: number; bytes: Uint8Array }>(
      'SELECT width, height, max, map AS bytes FROM results WHERE id = ?',
    ),
    modelConfig: db.prepare<[number], string>('SELECT config FROM models WHERE id = ?').pluck(),
    deleteStats: db.prepare<[number]>('DELETE FROM region_stats WHERE result_id = ?'),
    insertStat: db.prepare<[number, string, number, number]>('INSERT INTO region_stats (result_id, region, mass, box_iou) VALUES (?, ?, ?, ?)'),
    setKey: db.prepare<[string, number]>('UPDATE results SET regions_key = ? WHERE id = ?'),
  };
}

export class RegionRefresh {
  private readonly sql: ReturnType<typeof statements>;

  constructor(db: Database.Database) {
    this.sql = statements(db);
  }

  /** The body of Store.refreshRegionStats; the caller runs it in a transaction. Returns how many results were measured again. */
  refresh(datasetId: number, measures: RegionRefreshMeasures): number {
    const geometry = this.currentGeometry(datasetId, measures);
    const configs = new Map<number, string>();
    let updated = 0;
    for (const result of this.sql.results.all(datasetId)) {
      const current = geometry.get(result.contentId);
      if (!current || current.key === result.regionsKey) continue;
      const map = this.sql.map.get(result.id)!;
      let config = configs.get(result.modelId);
      if (config === undefined) configs.set(result.modelId, (config = this.sql.modelConfig.get(result.modelId)!));
      this.sql.deleteStats.run(result.id);
      for (const stat of measures.measure(map, current, config)) this.sql.insertStat.run(result.id, stat.name, stat.mass, stat.boxIou);
      this.sql.setKey.run(current.key, result.id);
      updated++;
    }
    return updated;
  }

  /** Content id -> the geometry of its first present image by path, and its key; contents never decoded have no size and are left out. */
  private currentGeometry(datasetId: number, measures: RegionRefreshMeasures): Map<number, RegionGeometry & { key: string }> {
    const boxes = new Map<number, RegionBox[]>();
    for (const { imageId, ...box } of this.sql.regions.iterate(datasetId)) {
      const list = boxes.get(imageId);
      if (list) list.push(box);
      else boxes.set(imageId, [box]);
    }
    const geometry = new Map<number, RegionGeometry & { key: string }>();
    for (const row of this.sql.contents.iterate(datasetId)) {
      if (geometry.has(row.contentId) || row.width === null || row.height === null) continue;
      const current = { image: { width: row.width, height: row.height }, regions: boxes.get(row.imageId) ?? [] };
      geometry.set(row.contentId, { ...current, key: measures.keyOf(current) });
    }
    return geometry;
  }
}
