/**
 * Images of a dataset: the scan's view (knownFiles, sync) and the planner's (list).
 * A sync only writes what differs, so re-scanning an unchanged dataset of 100k files
 * reads the database and writes nothing.
 */
import type Database from 'better-sqlite3';
import type { HashedFile, KnownFile, RegionBox } from '../library/types';
import { DRAWN_ORD_BASE } from './drawn-regions';
import { StoreError } from './errors';
import type { SyncCounts } from './rows';
import type { ImageRow } from './types';

interface StoredImage {
  id: number;
  contentId: number;
  size: number;
  mtimeMs: number;
  label: string;
  present: number;
}

interface AttributeRow {
  imageId: number;
  name: string;
  value: string;
}

type RegionRow = RegionBox & { imageId: number };

function statements(db: Database.Database) {
  return {
    contentByHash: db.prepare<[string], { id: number }>('SELECT id FROM contents WHERE hash = ?'),
    insertContent: db.prepare<[string, number], { id: number }>('INSERT INTO contents (hash, bytes) VALUES (?, ?) RETURNING id'),
    imageByPath: db.prepare<[number, string], StoredImage>(
      `SELECT id, content_id AS contentId, size, mtime_ms AS mtimeMs, label, present
       FROM images WHERE dataset_id = ? AND path = ?`,
    ),
    insertImage: db.prepare<[number, string, number, number, number, string], { id: number }>(
      `INSERT INTO images (dataset_id, path, content_id, size, mtime_ms, label, present)
       VALUES (?, ?, ?, ?, ?, ?, 1) RETURNING id`,
    ),
    updateImage: db.prepare<[number, number, number, string, number]>(
      'UPDATE images SET content_id = ?, size = ?, mtime_ms = ?, label = ?, present = 1 WHERE id = ?',
    ),
    presentPaths: db.prepare<[number], { id: number; path: string }>('SELECT id, path FROM images WHERE dataset_id = ? AND present = 1'),
    markAbsent: db.prepare<[number]>('UPDATE images SET present = 0 WHERE id = ?'),
    attributesOf: db.prepare<[number], { name: string; value: string }>('SELECT name, value FROM image_attributes WHERE image_id = ?'),
    deleteAttributes: db.prepare<[number]>('DELETE FROM image_attributes WHERE image_id = ?'),
    insertAttribute: db.prepare<[number, string, string]>('INSERT INTO image_attributes (image_id, name, value) VALUES (?, ?, ?)'),
    // Annotated rows only: drawn ones (ord >= DRAWN_ORD_BASE) are the user's and outlive every scan.
    regionsOf: db.prepare<[number], RegionBox>(`SELECT name, x0, y0, x1, y1 FROM regions WHERE image_id = ? AND ord < ${DRAWN_ORD_BASE} ORDER BY ord`),
    deleteRegions: db.prepare<[number]>(`DELETE FROM regions WHERE image_id = ? AND ord < ${DRAWN_ORD_BASE}`),
    insertRegion: db.prepare<[number, number, string, number, number, number, number]>(
      'INSERT INTO regions (image_id, ord, name, x0, y0, x1, y1) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ),
    known: db.prepare<[number], { path: string; size: number; mtimeMs: number; hash: string }>(
      `SELECT i.path, i.size, i.mtime_ms AS mtimeMs, c.hash
       FROM images i JOIN contents c ON c.id = i.content_id
       WHERE i.dataset_id = ? AND i.present = 1`,
    ),
    listImages: db.prepare<[number], { id: number; path: string; contentId: number; hash: string; label: string }>(
      `SELECT i.id, i.path, i.content_id AS contentId, c.hash, i.label
       FROM images i JOIN contents c ON c.id = i.content_id
       WHERE i.dataset_id = ? AND i.present = 1 ORDER BY i.path`,
    ),
    listAttributes: db.prepare<[number], AttributeRow>(
      `SELECT a.image_id AS imageId, a.name, a.value
       FROM image_attributes a JOIN images i ON i.id = a.image_id
       WHERE i.dataset_id = ? AND i.present = 1`,
    ),
    listRegions: db.prepare<[number], RegionRow>(
      `SELECT r.image_id AS imageId, r.name, r.x0, r.y0, r.x1, r.y1
       FROM regions r JOIN images i ON i.id = r.image_id
       WHERE i.dataset_id = ? AND i.present = 1 ORDER BY r.image_id, r.ord`,
    ),
  };
}

function sameAttributes(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => Object.hasOwn(b, key) && a[key] === b[key]);
}

function sameRegions(a: readonly RegionBox[], b: readonly RegionBox[]): boolean {
  return (
    a.length === b.length &&
    a.every((r, i) => r.name === b[i].name && r.x0 === b[i].x0 && r.y0 === b[i].y0 && r.x1 === b[i].x1 && r.y1 === b[i].y1)
  );
}

/**
 * An image's attributes with no prototype: a lookup by a name the caller chose
 * (`groupBy: "constructor"`, "toString") finds only the dataset's own attributes, never
 * Object's methods, and a column named __proto__ stays an ordinary key.
 */
export function attributeRecord(entries: Iterable<readonly [string, string]>): Record<string, string> {
  const record = Object.create(null) as Record<string, string>;
  for (const [name, value] of entries) record[name] = value;
  return record;
}

/** An image with no attributes. */
export const NO_ATTRIBUTES: Readonly<Record<string, string>> = Object.freeze(attributeRecord([]));

/** Groups rows by image id. */
function attributesByImage(rows: readonly AttributeRow[]): Map<number, Record<string, string>> {
  const entries = new Map<number, [string, string][]>();
  for (const row of rows) {
    const list = entries.get(row.imageId) ?? [];
    list.push([row.name, row.value]);
    entries.set(row.imageId, list);
  }
  return new Map([...entries].map(([id, list]) => [id, attributeRecord(list)]));
}

export class Images {
  private readonly sql: ReturnType<typeof statements>;

  constructor(db: Database.Database) {
    this.sql = statements(db);
  }

  knownFiles(datasetId: number): Map<string, KnownFile> {
    const known = new Map<string, KnownFile>();
    for (const row of this.sql.known.iterate(datasetId)) known.set(row.path, { size: row.size, mtimeMs: row.mtimeMs, hash: row.hash });
    return known;
  }

  /** The body of Store.syncImages; the caller runs it in a transaction. */
  sync(datasetId: number, files: readonly HashedFile[], regions: ReadonlyMap<string, readonly RegionBox[]>): SyncCounts {
    const counts: SyncCounts = { added: 0, changed: 0, removed: 0 };
    const listed = new Set<string>();
    for (const file of files) {
      if (listed.has(file.path)) throw new StoreError('invalid', `${file.path} is listed twice in the scan`);
      listed.add(file.path);
      const outcome = this.syncFile(datasetId, file, regions.get(file.path) ?? []);
      if (outcome !== 'same') counts[outcome]++;
    }
    for (const image of this.sql.presentPaths.all(datasetId)) {
      if (listed.has(image.path)) continue;
      this.sql.markAbsent.run(image.id);
      counts.removed++;
    }
    return counts;
  }

  private contentId(file: HashedFile): number {
    return (this.sql.contentByHash.get(file.hash) ?? this.sql.insertContent.get(file.hash, file.size)!).id;
  }

  private syncFile(datasetId: number, file: HashedFile, regions: readonly RegionBox[]): 'added' | 'changed' | 'same' {
    const contentId = this.contentId(file);
    const stored = this.sql.imageByPath.get(datasetId, file.path);
    if (!stored) {
      const { id } = this.sql.insertImage.get(datasetId, file.path, contentId, file.size, file.mtimeMs, file.label)!;
      this.writeAttributes(id, file.attributes);
      this.writeRegions(id, regions);
      return 'added';
    }
    const attributes = Object.fromEntries(this.sql.attributesOf.all(stored.id).map((row) => [row.name, row.value]));
    const sameAttrs = sameAttributes(attributes, file.attributes);
    const changed = stored.contentId !== contentId || stored.label !== file.label || stored.size !== file.size || !sameAttrs;
    if (changed || stored.present !== 1 || stored.mtimeMs !== file.mtimeMs) {
      this.sql.updateImage.run(contentId, file.size, file.mtimeMs, file.label, stored.id);
    }
    if (!sameAttrs) {
      this.sql.deleteAttributes.run(stored.id);
      this.writeAttributes(stored.id, file.attributes);
    }
    if (!sameRegions(this.sql.regionsOf.all(stored.id), regions)) {
      this.sql.deleteRegions.run(stored.id);
      this.writeRegions(stored.id, regions);
    }
    if (stored.present !== 1) return 'added';
    return changed ? 'changed' : 'same';
  }

  private writeAttributes(imageId: number, attributes: Readonly<Record<string, string>>): void {
    for (const [name, value] of Object.entries(attributes)) this.sql.insertAttribute.run(imageId, name, value);
  }

  private writeRegions(imageId: number, regions: readonly RegionBox[]): void {
    regions.forEach((r, ord) => this.sql.insertRegion.run(imageId, ord, r.name, r.x0, r.y0, r.x1, r.y1));
  }

  /** Attributes of every present image of a dataset, by image id. */
  attributes(datasetId: number): Map<number, Record<string, string>> {
    return attributesByImage(this.sql.listAttributes.all(datasetId));
  }

  /** Present images sorted by path, with attributes and regions: three queries, not 3N. */
  list(datasetId: number): ImageRow[] {
    const attributes = this.attributes(datasetId);
    const regions = new Map<number, RegionBox[]>();
    for (const { imageId, ...box } of this.sql.listRegions.iterate(datasetId)) {
      const list = regions.get(imageId) ?? [];
      list.push(box);
      regions.set(imageId, list);
    }
    return this.sql.listImages.all(datasetId).map((row) => ({
      ...row,
      attributes: attributes.get(row.id) ?? NO_ATTRIBUTES,
      regions: regions.get(row.id) ?? [],
    }));
  }
}
