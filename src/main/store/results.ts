/**
 * Cached results: predictions per (content, model), maps and their statistics per
 * (result set = model, layer, method; content; target).
 */
import type Database from 'better-sqlite3';
import { checkImageResult } from './checks';
import { encodeTop } from './json';
import type { StatColumns } from './stat-columns';
import type { ImageResult, MapComponents, MapToStore } from './types';

function statements(db: Database.Database) {
  return {
    findSet: db.prepare<[number, string, string], { id: number }>('SELECT id FROM result_sets WHERE model_id = ? AND layer = ? AND method = ?'),
    insertSet: db.prepare<[number, string, string], { id: number }>(
      'INSERT INTO result_sets (model_id, layer, method) VALUES (?, ?, ?) RETURNING id',
    ),
    predicted: db.prepare<[number], { contentId: number; predicted: number }>(
      'SELECT content_id AS contentId, predicted FROM predictions WHERE model_id = ?',
    ),
    targets: db.prepare<[number], { contentId: number; target: number }>('SELECT content_id AS contentId, target FROM results WHERE set_id = ?'),
    // The guard skips the write (and its WAL page) when the size is already known.
    contentSize: db.prepare<{ id: number; width: number; height: number }>(
      `UPDATE contents SET width = @width, height = @height
       WHERE id = @id AND (width IS NOT @width OR height IS NOT @height)`,
    ),
    upsertPrediction: db.prepare<[number, number, number, number, number, string]>(
      `INSERT INTO predictions (content_id, model_id, predicted, prob, logit, top) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (content_id, model_id) DO UPDATE SET
         predicted = excluded.predicted, prob = excluded.prob, logit = excluded.logit, top = excluded.top`,
    ),
    upsertResult: db.prepare<ResultParams, { id: number }>(
      `INSERT INTO results (set_id, content_id, target, width, height, map, max, entropy, peak_x, peak_y, spread,
                            box_x0, box_y0, box_x1, box_y1, regions_key)
       VALUES (@setId, @contentId, @target, @width, @height, @map, @max, @entropy, @peakX, @peakY, @spread,
               @boxX0, @boxY0, @boxX1, @boxY1, @regionsKey)
       ON CONFLICT (set_id, content_id, target) DO UPDATE SET
         width = excluded.width, height = excluded.height, map = excluded.map, max = excluded.max,
         entropy = excluded.entropy, peak_x = excluded.peak_x, peak_y = excluded.peak_y, spread = excluded.spread,
         box_x0 = excluded.box_x0, box_y0 = excluded.box_y0, box_x1 = excluded.box_x1, box_y1 = excluded.box_y1,
         regions_key = excluded.regions_key
       RETURNING id`,
    ),
    deleteRegionStats: db.prepare<[number]>('DELETE FROM region_stats WHERE result_id = ?'),
    deleteComponents: db.prepare<[number, string]>('DELETE FROM components WHERE result_id = ? AND descriptor_layer = ?'),
    insertComponent: db.prepare<[number, string, number, number, number, number, number, Uint8Array, Uint8Array]>(
      'INSERT INTO components (result_id, descriptor_layer, idx, share, mass, cx, cy, cells, descriptor) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    markDescribed: db.prepare<[number, string]>('INSERT OR IGNORE INTO described (result_id, descriptor_layer) VALUES (?, ?)'),
    described: db.prepare<[number, string], { contentId: number; target: number }>(
      `SELECT r.content_id AS contentId, r.target FROM described d JOIN results r ON r.id = d.result_id
       WHERE r.set_id = ? AND d.descriptor_layer = ?`,
    ),
    insertRegionStat: db.prepare<[number, string, number, number]>(
      'INSERT INTO region_stats (result_id, region, mass, box_iou) VALUES (?, ?, ?, ?)',
    ),
  };
}

interface ResultParams extends StatColumns {
  setId: number;
  contentId: number;
  target: number;
  width: number;
  height: number;
  map: Uint8Array;
  regionsKey: string | null;
}

function resultParams(setId: number, contentId: number, map: MapToStore, regionsKey: string | null): ResultParams {
  const { stats } = map;
  return {
    setId,
    contentId,
    target: map.target,
    width: map.width,
    height: map.height,
    map: map.blob,
    regionsKey,
    max: stats.max,
    entropy: stats.entropy,
    peakX: stats.peakX,
    peakY: stats.peakY,
    spread: stats.spread,
    boxX0: stats.box?.x0 ?? null,
    boxY0: stats.box?.y0 ?? null,
    boxX1: stats.box?.x1 ?? null,
    boxY1: stats.box?.y1 ?? null,
  };
}

export class Results {
  private readonly sql: ReturnType<typeof statements>;

  constructor(db: Database.Database) {
    this.sql = statements(db);
  }

  findSet(modelId: number, layer: string, method: string): number | undefined {
    return this.sql.findSet.get(modelId, layer, method)?.id;
  }

  /**
   * Get or create. Not cached across calls: an id created inside a transaction that
   * later rolls back would be a dangling id in any cache outliving it.
   */
  resultSet(modelId: number, layer: string, method: string): number {
    return this.findSet(modelId, layer, method) ?? this.sql.insertSet.get(modelId, layer, method)!.id;
  }

  predictedClasses(modelId: number): Map<number, number> {
    const classes = new Map<number, number>();
    for (const row of this.sql.predicted.iterate(modelId)) classes.set(row.contentId, row.predicted);
    return classes;
  }

  doneTargets(setId: number): Map<number, Set<number>> {
    const done = new Map<number, Set<number>>();
    for (const { contentId, target } of this.sql.targets.iterate(setId)) {
      const targets = done.get(contentId) ?? new Set<number>();
      targets.add(target);
      done.set(contentId, targets);
    }
    return done;
  }

  /** contentId -> targets whose maps' components for this descriptor layer are stored. */
  describedTargets(setId: number, descriptorLayer: string): Map<number, Set<number>> {
    const done = new Map<number, Set<number>>();
    for (const { contentId, target } of this.sql.described.iterate(setId, descriptorLayer)) {
      const targets = done.get(contentId) ?? new Set<number>();
      targets.add(target);
      done.set(contentId, targets);
    }
    return done;
  }

  private writeComponents(resultId: number, components: MapComponents): void {
    this.sql.deleteComponents.run(resultId, components.descriptorLayer);
    components.items.forEach((item, idx) => {
      const descriptor = new Uint8Array(item.descriptor.buffer, item.descriptor.byteOffset, item.descriptor.byteLength);
      this.sql.insertComponent.run(resultId, components.descriptorLayer, idx, item.share, item.mass, item.cx, item.cy, item.cells, descriptor);
    });
    this.sql.markDescribed.run(resultId, components.descriptorLayer);
  }

  /** The body of Store.writeResults; the caller runs it in a transaction. */
  write(modelId: number, layer: string, results: readonly ImageResult[]): void {
    const sets = new Map<string, number>();
    const setOf = (method: string): number => {
      let id = sets.get(method);
      if (id === undefined) sets.set(method, (id = this.resultSet(modelId, layer, method)));
      return id;
    };
    for (const result of results) {
      checkImageResult(result);
      const { contentId, prediction } = result;
      this.sql.contentSize.run({ id: contentId, width: result.width, height: result.height });
      this.sql.upsertPrediction.run(contentId, modelId, prediction.predicted, prediction.prob, prediction.logit, encodeTop(prediction.top));
      for (const map of result.maps) {
        const { id } = this.sql.upsertResult.get(resultParams(setOf(map.method), contentId, map, result.regionsKey ?? null))!;
        this.sql.deleteRegionStats.run(id);
        for (const region of map.stats.regions) this.sql.insertRegionStat.run(id, region.name, region.mass, region.boxIou);
        if (map.components) this.writeComponents(id, map.components);
      }
    }
  }
}
