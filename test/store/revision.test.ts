/** The store's revision (schema 5): moves with what findings are made of, stays when a run changes nothing. */
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS, openStore } from '../../src/main/store';
import { migrate } from '../../src/main/store/migrations';
import { tempDir } from './helpers';

describe('revision', () => {
  it('counts changes to tags, roles and notes, not to jobs or a model written again as it was', () => {
    const store = openStore(path.join(tempDir(), 'audit.db'));
    try {
      const dataset = store.upsertDataset('/data/ward');
      const start = store.revision();
      const model = { hash: 'h1', path: '/m/model.json', kind: 'layers' as const, classes: ['a', 'b'], config: '{}' };
      store.upsertModel(model);
      store.upsertModel(model);
      const job = store.createJob({ datasetId: dataset.id, modelId: 1, layer: 'conv', methods: ['gradcam'], targets: 'label', total: 0 });
      store.updateJob(job, { status: 'done' });
      expect(store.revision()).toBe(start);
      store.setNotes(dataset.id, 'look at the badges');
      const noted = store.revision();
      expect(noted).toBeGreaterThan(start);
      store.setSpuriousRules(dataset.id, { spurious: ['badge'], evidence: [], threshold: 0.4 });
      expect(store.revision()).toBeGreaterThan(noted);
    } finally {
      store.close();
    }
  });

  it('is added to a schema-4 file at 0, with its triggers', () => {
    const file = path.join(tempDir(), 'audit.db');
    const db = new Database(file);
    migrate(db, file, MIGRATIONS.slice(0, 4));
    db.prepare("INSERT INTO datasets (root, name, created_at) VALUES ('/d', 'd', 'now')").run();
    db.close();
    const store = openStore(file);
    try {
      expect(store.revision()).toBe(0);
      store.setNotes(1, 'x');
      expect(store.revision()).toBe(1);
    } finally {
      store.close();
    }
  });
});
