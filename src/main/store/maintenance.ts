/** Upkeep of the file itself: size for the benchmark. */
import type Database from 'better-sqlite3';
import type { SizeReport } from './rows';

function statements(db: Database.Database) {
  return {
    results: db.prepare<[], number>('SELECT count(*) FROM results').pluck(),
    images: db.prepare<[], number>('SELECT count(*) FROM images').pluck(),
  };
}

export class Maintenance {
  private readonly sql: ReturnType<typeof statements>;

  constructor(private readonly db: Database.Database) {
    this.sql = statements(db);
  }

  /** Folds the WAL into the file first, so the size is what a copy of the file would take. */
  sizeReport(): SizeReport {
    this.db.pragma('wal_checkpoint(TRUNCATE)');
    const pages = this.db.pragma('page_count', { simple: true }) as number;
    const pageSize = this.db.pragma('page_size', { simple: true }) as number;
    return { fileBytes: pages * pageSize, results: this.sql.results.get()!, images: this.sql.images.get()! };
  }
}
