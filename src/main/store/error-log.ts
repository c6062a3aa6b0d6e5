/** Per-path errors of a dataset: the latest reason per (path, stage) replaces the last. */
import type Database from 'better-sqlite3';
import { StoreError } from './errors';
import type { StoredError } from './rows';
import { now } from './transaction';
import type { ErrorStage, ImageError } from './types';

const STAGES: readonly ErrorStage[] = ['scan', 'decode', 'explain'];

function statements(db: Database.Database) {
  return {
    upsert: db.prepare<[number, string, number | null, ErrorStage, string, number | null, string]>(
      `INSERT INTO errors (dataset_id, path, content_id, stage, reason, job_id, at) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (dataset_id, path, stage) DO UPDATE SET
         content_id = excluded.content_id, reason = excluded.reason, job_id = excluded.job_id, at = excluded.at`,
    ),
    clear: db.prepare<[number, string]>('DELETE FROM errors WHERE dataset_id = ? AND path = ?'),
    clearStage: db.prepare<[number, string, ErrorStage]>('DELETE FROM errors WHERE dataset_id = ? AND path = ? AND stage = ?'),
    clearComputed: db.prepare<[number, string]>("DELETE FROM errors WHERE dataset_id = ? AND path = ? AND stage != 'scan'"),
    clearAllOfStage: db.prepare<[number, ErrorStage]>('DELETE FROM errors WHERE dataset_id = ? AND stage = ?'),
    // A decode or explain error of a file that has since gone is no longer the user's concern.
    list: db.prepare<{ datasetId: number }, Omit<StoredError, 'stage'> & { stage: string }>(
      `SELECT e.path, e.content_id AS contentId, e.stage, e.reason, e.at FROM errors e
       WHERE e.dataset_id = @datasetId AND (e.stage = 'scan' OR EXISTS (
         SELECT 1 FROM images i WHERE i.dataset_id = @datasetId AND i.path = e.path AND i.present = 1))
       ORDER BY e.path, e.stage`,
    ),
    failed: db.prepare<[number, ErrorStage], number>(
      'SELECT DISTINCT content_id FROM errors WHERE dataset_id = ? AND stage = ? AND content_id IS NOT NULL',
    ),
  };
}

function isStage(value: string): value is ErrorStage {
  return (STAGES as readonly string[]).includes(value);
}

export class ErrorLog {
  private readonly sql: ReturnType<typeof statements>;

  constructor(db: Database.Database) {
    this.sql = statements(db);
    this.sql.failed.pluck();
  }

  /** The body of Store.recordErrors; the caller runs it in a transaction. */
  record(datasetId: number, jobId: number | null, errors: readonly ImageError[]): void {
    const at = now();
    for (const e of errors) this.sql.upsert.run(datasetId, e.path, e.contentId, e.stage, e.reason, jobId, at);
  }

  /** The body of Store.clearErrors; the caller runs it in a transaction. */
  clear(datasetId: number, paths: readonly string[], stage?: ErrorStage): void {
    for (const path of paths) {
      if (stage) this.sql.clearStage.run(datasetId, path, stage);
      else this.sql.clear.run(datasetId, path);
    }
  }

  /**
   * The body of Store.clearComputeErrors: an image explained after all has no decode or
   * explain failure left; its scan problems (a bad region box of it, say) stay until a
   * scan finds them gone.
   */
  clearComputed(datasetId: number, paths: readonly string[]): void {
    for (const path of paths) this.sql.clearComputed.run(datasetId, path);
  }

  /** The body of Store.replaceScanErrors: a scan's problems are the whole truth about scanning. */
  replaceScan(datasetId: number, errors: readonly ImageError[]): void {
    this.sql.clearAllOfStage.run(datasetId, 'scan');
    this.record(datasetId, null, errors);
  }

  list(datasetId: number): StoredError[] {
    return this.sql.list.all({ datasetId }).map((row) => {
      if (!isStage(row.stage)) throw new StoreError('invalid', `error of ${row.path} has an unknown stage ${row.stage}`);
      return { ...row, stage: row.stage };
    });
  }

  failedContents(datasetId: number, stage: ErrorStage): Set<number> {
    return new Set(this.sql.failed.all(datasetId, stage));
  }
}
