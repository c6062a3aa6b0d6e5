/**
 * What an audit keeps true of its database. One audit at a time per file: a second one
 * (another connection, as another process has) is refused with who holds the lock, and
 * the first finishes untouched; a lock left by a process that is gone is taken over.
 * And the errors it lists: an image explained keeps its scan problems.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startAudit } from '../../src/main/jobs/audit';
import { openStore, type Store } from '../../src/main/store';
import type { AuditSettings } from '../../src/shared/audit';
import { tempDir } from '../fixtures/temp';
import { DEMO_MODEL, demoSubset } from './demo-subset';

let stores: Store[] = [];
afterEach(() => {
  for (const store of stores) store.close();
  stores = [];
});

const open = (file: string) => {
  const store = openStore(file);
  stores.push(store);
  return store;
};

const settings = (dataset: string): AuditSettings => ({ dataset, model: DEMO_MODEL, methods: ['gradcam'], targets: 'predicted', workers: 1, batchSize: 4 });

describe('the audit lock', () => {
  it('refuses a second audit of the same database while the first runs, and the first finishes untouched', async () => {
    const file = path.join(tempDir('biascope-lock-'), 'audit.db');
    const dataset = demoSubset(6);
    const [first, second] = [open(file), open(file)];
    const running = startAudit(first, settings(dataset));
    // The first holds the lock from its start: wait until it is explaining.
    await new Promise<void>((resolve) => running.on('progress', (p) => p.phase === 'explaining' && resolve()));
    await expect(startAudit(second, settings(dataset)).finished).rejects.toThrow(
      new RegExp(`another audit is writing to ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(process ${process.pid} on .*\\): wait for it to finish`),
    );
    const summary = await running.finished;
    expect(summary).toMatchObject({ outcome: 'done', computed: 12, failed: 0 });
    expect(first.latestJob()?.status).toBe('done');
    expect(existsSync(`${file}.audit-lock`)).toBe(false);
  }, 120_000);

  it('takes over a lock left by a process that is gone', async () => {
    const file = path.join(tempDir('biascope-lock-'), 'audit.db');
    writeFileSync(`${file}.audit-lock`, JSON.stringify({ pid: 2 ** 22 + 12_345, host: (await import('node:os')).hostname(), since: '2026-01-01T00:00:00Z' }));
    const summary = await startAudit(open(file), settings(demoSubset(2))).finished;
    expect(summary).toMatchObject({ outcome: 'done', computed: 4 });
    expect(existsSync(`${file}.audit-lock`)).toBe(false);
  }, 120_000);
});

describe('the errors of an audit', () => {
  it('keep the scan problem of an image that is then explained (a bad region box of it)', async () => {
    const dataset = demoSubset(2);
    const regions = path.join(dataset, 'regions.csv');
    const first = readFileSync(regions, 'utf8').trim().split('\n')[1]!.split(',')[0]!;
    writeFileSync(regions, `${readFileSync(regions, 'utf8')}${first},badge,5,5,1e308,9\n`);
    const store = open(path.join(tempDir('biascope-errors-'), 'audit.db'));
    const summary = await startAudit(store, settings(dataset)).finished;
    expect(summary).toMatchObject({ outcome: 'done', computed: 4 });
    expect(store.errors(summary.datasetId).map((e) => [e.path, e.stage, e.reason])).toEqual([
      [first, 'scan', expect.stringMatching(/x1 \(1e\+308\) is beyond any image/)],
    ]);
  }, 120_000);
});

