/**
 * Regions drawn by the user, per class, as fractions of the image. They become
 * ordinary `regions` rows of every image of the class whose size is known, so the
 * planner, grids, summaries and suggestions read them like annotated ones. Their rows
 * sit at ord >= DRAWN_ORD_BASE: the scan owns the rows below and never touches these.
 *
 * Results already stored get the region's statistics from their stored maps, through
 * a measure the caller passes in (the store computes no statistics itself).
 */
import type Database from 'better-sqlite3';
import type { EncodedMap } from '../../shared/map-codec';
import type { RegionBox } from '../library/types';
import { StoreError } from './errors';
import { now } from './transaction';

/** First ord of drawn rows; annotations would need a million boxes on one image to reach it. */
export const DRAWN_ORD_BASE = 1_000_000;
/** First ord of the rows of named concepts (concept-regions.ts), which drawn regions leave alone. */
export const CONCEPT_ORD_BASE = 2_000_000;

export interface Fractions {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export interface DrawnRegionRow {
  label: string;
  name: string;
  box: Fractions;
  createdAt: string;
}

/** Mass and box IoU of one stored map on boxes sharing one name, as an audit would compute them. */
export type RegionMeasure = (map: EncodedMap, image: { width: number; height: number }, boxes: readonly RegionBox[]) => { mass: number; boxIou: number };

export interface DrawnApplied {
  /** Images of the class carrying the region. */
  images: number;
  /** Images of the class whose size is not known yet. */
  skipped: number;
}

interface ImageSize {
  id: number;
  contentId: number;
  label: string;
  width: number | null;
  height: number | null;
}

interface RegionRow extends RegionBox {
  imageId: number;
  ord: number;
}

/** A box in whole pixels covering the fractions, x1/y1 exclusive; the epsilon keeps 0.3 * 100 from growing a pixel. */
export function pixelBox(box: Fractions, width: number, height: number): Omit<RegionBox, 'name'> {
  const clip = (v: number, max: number) => Math.min(max, Math.max(0, v));
  const EPSILON = 1e-9;
  const x0 = clip(Math.floor(box.x0 * width + EPSILON), width - 1);
  const y0 = clip(Math.floor(box.y0 * height + EPSILON), height - 1);
  return {
    x0,
    y0,
    x1: clip(Math.max(x0 + 1, Math.ceil(box.x1 * width - EPSILON)), width),
    y1: clip(Math.max(y0 + 1, Math.ceil(box.y1 * height - EPSILON)), height),
  };
}

function statements(db: Database.Database) {
  const base = DRAWN_ORD_BASE;
  const end = CONCEPT_ORD_BASE;
  return {
    list: db.prepare<[number], { label: string; name: string; x0: number; y0: number; x1: number; y1: number; createdAt: string }>(
      'SELECT label, name, x0, y0, x1, y1, created_at AS createdAt FROM drawn_regions WHERE dataset_id = ? ORDER BY label, name',
    ),
    upsert: db.prepare<[number, string, string, number, number, number, number, string]>(
      `INSERT INTO drawn_regions (dataset_id, label, name, x0, y0, x1, y1, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (dataset_id, label, name) DO UPDATE SET x0 = excluded.x0, y0 = excluded.y0, x1 = excluded.x1, y1 = excluded.y1`,
    ),
    remove: db.prepare<[number, string, string]>('DELETE FROM drawn_regions WHERE dataset_id = ? AND label = ? AND name = ?'),
    annotatedNames: db
      .prepare<[number], string>(
        `SELECT DISTINCT r.name FROM regions r JOIN images i ON i.id = r.image_id
         WHERE i.dataset_id = ? AND i.present = 1 AND r.ord < ${base} ORDER BY r.name`,
      )
      .pluck(),
    images: db.prepare<[number], ImageSize>(
      `SELECT i.id, i.content_id AS contentId, i.label, c.width, c.height
       FROM images i JOIN contents c ON c.id = i.content_id
       WHERE i.dataset_id = ? AND i.present = 1 ORDER BY i.path`,
    ),
    // Annotated and drawn rows: a named concept's rows are another's.
    regionRows: db.prepare<[number], RegionRow>(
      `SELECT r.image_id AS imageId, r.ord, r.name, r.x0, r.y0, r.x1, r.y1
       FROM regions r JOIN images i ON i.id = r.image_id
       WHERE i.dataset_id = ? AND i.present = 1 AND r.ord < ${end} ORDER BY r.image_id, r.ord`,
    ),
    deleteDrawnRows: db.prepare<[number]>(`DELETE FROM regions WHERE image_id = ? AND ord >= ${base} AND ord < ${end}`),
    insertRow: db.prepare<[number, number, string, number, number, number, number]>(
      'INSERT INTO regions (image_id, ord, name, x0, y0, x1, y1) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ),
    // Drawn rows whose content has a stored map without statistics for them: maps an
    // audit wrote before the row existed (the image had no known size, or the region
    // was drawn while the audit ran).
    missingStats: db.prepare<[number], { contentId: number; name: string }>(
      `SELECT DISTINCT i.content_id AS contentId, g.name
       FROM regions g JOIN images i ON i.id = g.image_id JOIN results r ON r.content_id = i.content_id
       WHERE g.ord >= ${base} AND g.ord < ${end} AND i.dataset_id = ? AND i.present = 1
         AND NOT EXISTS (SELECT 1 FROM region_stats s WHERE s.result_id = r.id AND s.region = g.name)`,
    ),
    results: db.prepare<[number], { id: number; width: number; height: number; max: number; bytes: Uint8Array }>(
      'SELECT id, width, height, max, map AS bytes FROM results WHERE content_id = ?',
    ),
    upsertStat: db.prepare<[number, string, number, number]>(
      `INSERT INTO region_stats (result_id, region, mass, box_iou) VALUES (?, ?, ?, ?)
       ON CONFLICT (result_id, region) DO UPDATE SET mass = excluded.mass, box_iou = excluded.box_iou`,
    ),
    deleteStats: db.prepare<[string, number]>('DELETE FROM region_stats WHERE region = ? AND result_id IN (SELECT id FROM results WHERE content_id = ?)'),
    // Another present image (of any dataset) still naming the region for this content keeps its statistics.
    stillNamed: db
      .prepare<[number, string], number>(
        `SELECT 1 FROM regions g JOIN images i ON i.id = g.image_id
         WHERE i.content_id = ? AND g.name = ? AND i.present = 1 LIMIT 1`,
      )
      .pluck(),
  };
}

const sameBox = (a: Omit<RegionBox, 'name'>, b: Omit<RegionBox, 'name'>) => a.x0 === b.x0 && a.y0 === b.y0 && a.x1 === b.x1 && a.y1 === b.y1;

export class DrawnRegions {
  private readonly sql: ReturnType<typeof statements>;

  constructor(db: Database.Database) {
    this.sql = statements(db);
  }

  list(datasetId: number): DrawnRegionRow[] {
    return this.sql.list.all(datasetId).map(({ label, name, x0, y0, x1, y1, createdAt }) => ({ label, name, box: { x0, y0, x1, y1 }, createdAt }));
  }

  /** Region names of the dataset's annotations (regions.csv, COCO), which a drawn region may not reuse. */
  annotatedNames(datasetId: number): string[] {
    return this.sql.annotatedNames.all(datasetId);
  }

  /** The body of Store.putDrawnRegion: a new region, or a new box for an existing one; then applied. */
  put(datasetId: number, label: string, name: string, box: Fractions, measure: RegionMeasure): DrawnApplied {
    if (this.annotatedNames(datasetId).includes(name)) {
      throw new StoreError('invalid', `the dataset's annotations already have a region named ${JSON.stringify(name)}: draw it under another name`);
    }
    this.sql.upsert.run(datasetId, label, name, box.x0, box.y0, box.x1, box.y1, now());
    this.apply(datasetId, measure);
    let images = 0;
    let skipped = 0;
    for (const image of this.sql.images.all(datasetId)) {
      if (image.label !== label) continue;
      if (image.width && image.height) images++;
      else skipped++;
    }
    return { images, skipped };
  }

  /** The body of Store.deleteDrawnRegion: how many images lost the region; undefined when there was no such region. */
  remove(datasetId: number, label: string, name: string, measure: RegionMeasure): number | undefined {
    if (this.sql.remove.run(datasetId, label, name).changes === 0) return undefined;
    return this.apply(datasetId, measure).removed.get(name) ?? 0;
  }

  /**
   * Brings the drawn rows of every present image in line with the drawn regions of its
   * class, and the statistics of stored maps in line with the rows. Rows that already
   * match are left alone, so a re-run on an unchanged dataset writes nothing.
   */
  apply(datasetId: number, measure: RegionMeasure): { removed: Map<string, number> } {
    const byLabel = new Map<string, DrawnRegionRow[]>();
    for (const region of this.list(datasetId)) byLabel.set(region.label, [...(byLabel.get(region.label) ?? []), region]);
    const annotated = new Map<number, Set<string>>();
    const drawnRows = new Map<number, RegionRow[]>();
    for (const row of this.sql.regionRows.all(datasetId)) {
      if (row.ord < DRAWN_ORD_BASE) annotated.set(row.imageId, (annotated.get(row.imageId) ?? new Set()).add(row.name));
      else drawnRows.set(row.imageId, [...(drawnRows.get(row.imageId) ?? []), row]);
    }

    const stale = new Map<number, Set<string>>();
    const markStale = (contentId: number, name: string) => stale.set(contentId, (stale.get(contentId) ?? new Set()).add(name));
    // Per content and name, the box of its first image by path naming it: the image an audit would plan it from.
    const boxesOf = new Map<number, Map<string, { size: { width: number; height: number }; box: RegionBox }>>();
    const removed = new Map<string, number>();

    for (const image of this.sql.images.all(datasetId)) {
      const size = image.width && image.height ? { width: image.width, height: image.height } : null;
      // An annotated box of the same name (regions.csv grew one later) is the better one: the drawn box steps aside.
      const wanted: RegionBox[] = size
        ? (byLabel.get(image.label) ?? [])
            .filter((region) => !annotated.get(image.id)?.has(region.name))
            .map((region) => ({ name: region.name, ...pixelBox(region.box, size.width, size.height) }))
        : [];
      const have = drawnRows.get(image.id) ?? [];
      const haveByName = new Map(have.map((row) => [row.name, row]));
      const wantedByName = new Map(wanted.map((box) => [box.name, box]));
      const changed = [...new Set([...haveByName.keys(), ...wantedByName.keys()])].filter((name) => {
        const before = haveByName.get(name);
        const after = wantedByName.get(name);
        return !before || !after || !sameBox(before, after);
      });
      if (changed.length > 0 || have.length !== haveByName.size) {
        this.sql.deleteDrawnRows.run(image.id);
        wanted.forEach((box, k) => this.sql.insertRow.run(image.id, DRAWN_ORD_BASE + k, box.name, box.x0, box.y0, box.x1, box.y1));
        for (const name of changed) {
          markStale(image.contentId, name);
          if (!wantedByName.has(name)) removed.set(name, (removed.get(name) ?? 0) + 1);
        }
      }
      if (!size) continue;
      const named = boxesOf.get(image.contentId) ?? new Map();
      for (const box of wanted) if (!named.has(box.name)) named.set(box.name, { size, box });
      boxesOf.set(image.contentId, named);
    }
    for (const { contentId, name } of this.sql.missingStats.all(datasetId)) markStale(contentId, name);

    for (const [contentId, names] of stale) {
      for (const name of names) {
        const first = boxesOf.get(contentId)?.get(name);
        if (first) this.measure(contentId, first.size, first.box, measure);
        else if (this.sql.stillNamed.get(contentId, name) === undefined) this.sql.deleteStats.run(name, contentId);
      }
    }
    return { removed };
  }

  private measure(contentId: number, size: { width: number; height: number }, box: RegionBox, measure: RegionMeasure): void {
    for (const result of this.sql.results.all(contentId)) {
      const stat = measure({ width: result.width, height: result.height, max: result.max, bytes: result.bytes }, size, [box]);
      this.sql.upsertStat.run(result.id, box.name, stat.mass, stat.boxIou);
    }
  }
}
