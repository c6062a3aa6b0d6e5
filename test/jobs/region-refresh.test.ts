/**
 * Region statistics follow the boxes: editing regions.csv (moving boxes, adding a name,
 * removing one) and re-running an audit measures every affected map again from the
 * store, with the same numbers a fresh audit of the edited dataset gives, and without
 * recomputing a single map.
 */
import { readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import type { AuditSettings } from '../../src/shared/audit';
import { startAudit } from '../../src/main/jobs/audit';
import { openStore, type Store } from '../../src/main/store';
import { tempDir } from '../fixtures/models';
import { demoSubset, DEMO_MODEL } from './demo-subset';

const made: string[] = [];
const stores: Store[] = [];
afterAll(() => {
  for (const store of stores) store.close();
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

function freshStore(): Store {
  const dir = tempDir('biascope-db-');
  made.push(dir);
  const store = openStore(path.join(dir, 'audit.db'));
  stores.push(store);
  return store;
}

const settings = (dataset: string): AuditSettings => ({
  dataset,
  model: DEMO_MODEL,
  methods: ['gradcam'],
  targets: 'label',
  workers: 1,
  batchSize: 8,
});

interface StatRow {
  hash: string;
  target: number;
  region: string;
  mass: number;
  iou: number;
}

/** Region statistics by content hash, so two stores compare row for row. */
function regionRows(store: Store): StatRow[] {
  const db = new Database(store.file, { readonly: true });
  try {
    return db
      .prepare<[], StatRow>(
        `SELECT c.hash, r.target, s.region, s.mass, s.box_iou AS iou
         FROM region_stats s JOIN results r ON r.id = s.result_id JOIN contents c ON c.id = r.content_id
         ORDER BY c.hash, r.target, s.region`,
      )
      .all();
  } finally {
    db.close();
  }
}

function storedMaps(store: Store): Map<number, string> {
  const db = new Database(store.file, { readonly: true });
  try {
    const rows = db.prepare<[], { id: number; map: Buffer }>('SELECT id, map FROM results').all();
    return new Map(rows.map((row) => [row.id, row.map.toString('base64')]));
  } finally {
    db.close();
  }
}

/** Moves every `cue` box 9 px right, drops `hair`, adds a `corner` box per image. */
function editRegions(root: string): void {
  const file = path.join(root, 'regions.csv');
  const [header, ...rows] = readFileSync(file, 'utf8').trim().split('\n');
  const images = new Set<string>();
  const edited = rows.flatMap((row) => {
    const [image, name, x0, y0, x1, y1] = row.split(',');
    images.add(image!);
    if (name === 'hair') return [];
    if (name === 'cue') return [[image, name, Number(x0) + 9, y0, Number(x1) + 9, y1].join(',')];
    return [row];
  });
  for (const image of images) edited.push(`${image},corner,0,0,24,24`);
  writeFileSync(file, [header, ...edited].join('\n') + '\n');
}

describe('region statistics after the regions change', () => {
  const dataset = demoSubset(5);
  made.push(dataset);
  const store = freshStore();

  it('are measured again from the stored maps, equal to a fresh audit of the edited dataset', async () => {
    await startAudit(store, settings(dataset)).finished;
    const before = regionRows(store);
    expect(new Set(before.map((r) => r.region))).toEqual(new Set(['cue', 'face', 'hair', 'object']));
    const maps = storedMaps(store);

    editRegions(dataset);
    const rerun = await startAudit(store, settings(dataset)).finished;
    expect(rerun.computed).toBe(0);
    // Every map of every image changed geometry: each was measured again, none recomputed.
    expect(rerun.regionStatsUpdated).toBe(maps.size);
    expect(storedMaps(store)).toEqual(maps);

    const after = regionRows(store);
    expect(after).not.toEqual(before);
    expect(after.some((r) => r.region === 'hair')).toBe(false);
    expect(after.some((r) => r.region === 'corner')).toBe(true);

    const fresh = freshStore();
    await startAudit(fresh, settings(dataset)).finished;
    expect(after).toEqual(regionRows(fresh));

    // An unchanged re-run measures nothing again.
    expect((await startAudit(store, settings(dataset)).finished).regionStatsUpdated).toBe(0);
  });

  it('are gone, and no region is offered, once the dataset has no regions', async () => {
    unlinkSync(path.join(dataset, 'regions.csv'));
    const rerun = await startAudit(store, settings(dataset)).finished;
    expect(rerun.computed).toBe(0);
    expect(rerun.regionStatsUpdated).toBeGreaterThan(0);
    expect(regionRows(store)).toEqual([]);
    expect(store.datasetOverview(rerun.datasetId).regions).toEqual([]);
  });
});
