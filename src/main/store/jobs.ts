/** Audit jobs: progress the runner reports, and what a killed process left behind. */
import type Database from 'better-sqlite3';
import { StoreError } from './errors';
import { decodeStrings, encodeStrings } from './json';
import type { JobPatch, JobRow, NewJob } from './rows';
import { now } from './transaction';
import type { JobStatus } from './types';

const STATUSES: readonly JobStatus[] = ['running', 'paused', 'done', 'cancelled', 'failed', 'interrupted'];
/** Statuses after which a job never runs again. */
const FINAL: readonly JobStatus[] = ['done', 'cancelled', 'failed'];

type StoredJob = Omit<JobRow, 'methods' | 'status'> & { methods: string; status: string };

interface UpdateParams {
  id: number;
  status: JobStatus | null;
  done: number | null;
  failed: number | null;
  total: number | null;
  setError: 0 | 1;
  error: string | null;
  finishedAt: string | null;
  backend: string | null;
}

function statements(db: Database.Database) {
  return {
    insert: db.prepare<[number, number, string, string, string, number, string], { id: number }>(
      `INSERT INTO jobs (dataset_id, model_id, layer, methods, targets, status, total, started_at)
       VALUES (?, ?, ?, ?, ?, 'running', ?, ?) RETURNING id`,
    ),
    // One statement for every patch: null leaves a column as it is. finished_at is set
    // by a final status and cleared by a job resuming.
    update: db.prepare<UpdateParams>(
      `UPDATE jobs SET
         status = coalesce(@status, status),
         done = coalesce(@done, done),
         failed = coalesce(@failed, failed),
         total = coalesce(@total, total),
         backend = coalesce(@backend, backend),
         error = CASE WHEN @setError THEN @error ELSE error END,
         finished_at = CASE
           WHEN @finishedAt IS NOT NULL THEN @finishedAt
           WHEN @status IS NOT NULL THEN NULL
           ELSE finished_at END
       WHERE id = @id`,
    ),
    byId: db.prepare<[number], StoredJob>(
      `SELECT id, dataset_id AS datasetId, model_id AS modelId, layer, methods, targets, status, total, done, failed, error,
              started_at AS startedAt, finished_at AS finishedAt, backend
       FROM jobs WHERE id = ?`,
    ),
    backendOf: db.prepare<[number, number, string], string>(
      `SELECT backend FROM jobs WHERE dataset_id = ? AND model_id = ? AND layer = ? AND backend IS NOT NULL
       ORDER BY id DESC LIMIT 1`,
    ).pluck(),
    latest: db.prepare<[], { id: number }>('SELECT id FROM jobs ORDER BY id DESC LIMIT 1'),
    latestOf: db.prepare<[number], { id: number }>('SELECT id FROM jobs WHERE dataset_id = ? ORDER BY id DESC LIMIT 1'),
    interruptStale: db.prepare("UPDATE jobs SET status = 'interrupted' WHERE status IN ('running', 'paused')"),
  };
}

function isStatus(value: string): value is JobStatus {
  return (STATUSES as readonly string[]).includes(value);
}

export class Jobs {
  private readonly sql: ReturnType<typeof statements>;

  constructor(db: Database.Database) {
    this.sql = statements(db);
  }

  create(job: NewJob): number {
    return this.sql.insert.get(job.datasetId, job.modelId, job.layer, encodeStrings(job.methods), job.targets, job.total, now())!.id;
  }

  update(id: number, patch: JobPatch): void {
    const status = patch.status ?? null;
    const result = this.sql.update.run({
      id,
      status,
      done: patch.done ?? null,
      failed: patch.failed ?? null,
      total: patch.total ?? null,
      setError: patch.error === undefined ? 0 : 1,
      error: patch.error ?? null,
      finishedAt: status !== null && FINAL.includes(status) ? now() : null,
      backend: patch.backend ?? null,
    });
    if (result.changes === 0) throw new StoreError('invalid', `job ${id} does not exist`);
  }

  get(id: number): JobRow | undefined {
    const row = this.sql.byId.get(id);
    if (!row) return undefined;
    if (!isStatus(row.status)) throw new StoreError('invalid', `job ${id} has an unknown status ${row.status}`);
    return { ...row, status: row.status, methods: decodeStrings(row.methods, `methods of job ${id}`) };
  }

  /** The job started last, whatever its status. */
  latest(): JobRow | undefined {
    const row = this.sql.latest.get();
    return row && this.get(row.id);
  }

  /** The job of a dataset started last, whatever its status. */
  latestOf(datasetId: number): JobRow | undefined {
    const row = this.sql.latestOf.get(datasetId);
    return row && this.get(row.id);
  }

  /** The backend of the latest job of an audit that computed maps, if any did. */
  backendOf(datasetId: number, modelId: number, layer: string): string | undefined {
    return this.sql.backendOf.get(datasetId, modelId, layer);
  }

  interruptStale(): number {
    return this.sql.interruptStale.run().changes;
  }
}
