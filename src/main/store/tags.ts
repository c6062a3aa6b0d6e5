/** Tags: the user's work, keyed by content so they survive renames and re-scans. */
import type Database from 'better-sqlite3';
import { StoreError } from './errors';
import { now } from './transaction';

function statements(db: Database.Database) {
  return {
    add: db.prepare<[number, number, string, string]>(
      'INSERT INTO tags (dataset_id, content_id, tag, created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING',
    ),
    remove: db.prepare<[number, number, string]>('DELETE FROM tags WHERE dataset_id = ? AND content_id = ? AND tag = ?'),
    of: db.prepare<[number, string], { contentId: number; tag: string }>(
      `SELECT content_id AS contentId, tag FROM tags
       WHERE dataset_id = ? AND content_id IN (SELECT value FROM json_each(?)) ORDER BY content_id, tag`,
    ),
    unknown: db.prepare<[string, number], { id: number }>(
      'SELECT DISTINCT value AS id FROM json_each(?) WHERE value NOT IN (SELECT content_id FROM images WHERE dataset_id = ?) ORDER BY value',
    ),
    list: db.prepare<[number], { contentId: number; tag: string }>(
      'SELECT content_id AS contentId, tag FROM tags WHERE dataset_id = ? ORDER BY content_id, tag',
    ),
  };
}

/** A blank or padded tag would look like another tag, or like none, in every list. */
function checkTag(tag: string): void {
  if (tag.trim() === '' || tag.trim() !== tag) throw new StoreError('invalid', `tag ${JSON.stringify(tag)} is blank or has spaces around it`);
}

export class Tags {
  private readonly sql: ReturnType<typeof statements>;

  constructor(db: Database.Database) {
    this.sql = statements(db);
  }

  /** The body of Store.addTag; the caller runs it in a transaction. Adding a tag twice keeps the first date. */
  add(datasetId: number, contentIds: readonly number[], tag: string): void {
    checkTag(tag);
    const at = now();
    for (const id of contentIds) this.sql.add.run(datasetId, id, tag, at);
  }

  /** The body of Store.removeTag; the caller runs it in a transaction. */
  remove(datasetId: number, contentIds: readonly number[], tag: string): void {
    for (const id of contentIds) this.sql.remove.run(datasetId, id, tag);
  }

  /** The body of Store.changeTags; the caller runs it in a transaction. */
  change(datasetId: number, contentIds: readonly number[], add: readonly string[], remove: readonly string[]): void {
    for (const tag of add) this.add(datasetId, contentIds, tag);
    for (const tag of remove) this.remove(datasetId, contentIds, tag);
  }

  /** The content ids no image of the dataset has: a tag on them would belong to nothing. */
  unknown(datasetId: number, contentIds: readonly number[]): number[] {
    return this.sql.unknown.all(JSON.stringify(contentIds), datasetId).map((row) => row.id);
  }

  of(datasetId: number, contentIds: readonly number[]): Map<number, string[]> {
    return group(this.sql.of.iterate(datasetId, JSON.stringify(contentIds)));
  }

  list(datasetId: number): Map<number, string[]> {
    return group(this.sql.list.iterate(datasetId));
  }
}

function group(rows: Iterable<{ contentId: number; tag: string }>): Map<number, string[]> {
  const tags = new Map<number, string[]>();
  for (const { contentId, tag } of rows) {
    const list = tags.get(contentId) ?? [];
    list.push(tag);
    tags.set(contentId, list);
  }
  return tags;
}
