/**
 * A process killed mid-write (SIGKILL: no handlers, no close) must leave a file that
 * opens, passes SQLite's integrity check and holds every batch it reported committed.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/main/store';
import { tempDir } from './helpers';

const ROOT = path.resolve(import.meta.dirname, '../..');
const WRITER = path.join(import.meta.dirname, 'crash-writer.ts');
const BATCH = 50;
/** Enough batches that the WAL has been checkpointed into the file at least once. */
const KILL_AFTER = 40;

/** Runs the writer until it reports `batches` commits, kills it, and returns the last count it printed. */
function writeUntilKilled(file: string, batches: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', WRITER, file], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let committed = 0;
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      const lines = chunk.trim().split('\n');
      committed = Number(lines[lines.length - 1]);
      if (committed >= batches) child.kill('SIGKILL');
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('exit', (_code, signal) => {
      if (signal === 'SIGKILL') resolve(committed);
      else reject(new Error(`the writer exited by itself: ${stderr}`));
    });
  });
}

describe('crash durability', () => {
  it('survives SIGKILL during writes: opens, integrity ok, committed batches kept', async () => {
    const file = path.join(tempDir(), 'audit.db');
    const committed = await writeUntilKilled(file, KILL_AFTER);
    expect(committed).toBeGreaterThanOrEqual(KILL_AFTER);

    const store = openStore(file);
    const report = store.sizeReport();
    expect(report.results).toBeGreaterThanOrEqual(committed * BATCH);
    expect(report.images).toBe(report.results);
    store.close();

    const db = new Database(file, { readonly: true });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(db.pragma('foreign_key_check')).toEqual([]);
    db.close();
  });
});
