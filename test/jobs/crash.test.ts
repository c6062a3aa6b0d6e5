/**
 * A real `biascope audit` process killed with SIGKILL mid-run: the database must
 * open intact, the user's tags must still be there, and the next run must compute
 * only what the killed one had not written.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { startAudit } from '../../src/main/jobs/audit';
import { openDataset } from '../../src/main/jobs/open-dataset';
import { openStore } from '../../src/main/store';
import { tempDir } from '../fixtures/models';
import { BIN } from '../cli/run-cli';
import { demoSubset, DEMO_MODEL } from './demo-subset';

function storedResults(db: string): number {
  try {
    const reader = new Database(db, { readonly: true, fileMustExist: true });
    try {
      return (reader.prepare('SELECT count(*) AS n FROM results').get() as { n: number }).n;
    } finally {
      reader.close();
    }
  } catch {
    return 0; // not created yet
  }
}

describe('an audit killed with SIGKILL', () => {
  it('leaves an intact database and tags, and the next run computes only the rest', async () => {
    const dataset = demoSubset(60);
    const out = tempDir('biascope-out-');
    const db = path.join(out, 'audit.db');
    // The user's work before the audit: three tagged images.
    const before = openStore(db);
    const opened = await openDataset(before, dataset);
    const tagged = before.listImages(opened.dataset.id).slice(0, 3).map((i) => i.contentId);
    before.addTag(opened.dataset.id, tagged, 'spurious:face');
    before.close();

    const child = spawn(process.execPath, [BIN, 'audit', dataset, '--model', DEMO_MODEL, '--out', out, '--workers', '1', '--batch', '2', '--targets', 'predicted'], {
      stdio: 'ignore',
    });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    let atKill = 0;
    for (let waited = 0; waited < 60_000; waited += 25) {
      atKill = storedResults(db);
      if (atKill >= 10) break;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    expect(atKill).toBeGreaterThanOrEqual(10);

    const store = openStore(db);
    try {
      const check = new Database(db, { readonly: true });
      expect(check.pragma('integrity_check', { simple: true })).toBe('ok');
      check.close();
      const written = storedResults(db);
      expect(written).toBeGreaterThanOrEqual(atKill);
      expect(written).toBeLessThan(120);
      const tags = store.tags(opened.dataset.id);
      for (const id of tagged) expect(tags.get(id)).toEqual(['spurious:face']);

      const resumed = await startAudit(store, {
        dataset,
        model: DEMO_MODEL,
        methods: ['gradcam'],
        targets: 'predicted',
        workers: 2,
      }).finished;
      expect(resumed.reused).toBe(written);
      expect(resumed.computed).toBe(120 - written);
      expect(storedResults(db)).toBe(120);
      expect(store.tags(opened.dataset.id).get(tagged[0]!)).toEqual(['spurious:face']);
    } finally {
      store.close();
    }
  });
});
