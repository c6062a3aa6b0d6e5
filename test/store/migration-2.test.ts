/** A schema-1 file with the user's work in it opens at schema 2 with that work intact. */
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { LATEST_VERSION, MIGRATIONS, openStore } from '../../src/main/store';
import { migrate } from '../../src/main/store/migrations';
import { tempDir } from './helpers';

describe('migration 2', () => {
  it('keeps datasets and tags of a schema-1 file and adds the findings tables', () => {
    const file = path.join(tempDir(), 'audit.db');
    const db = new Database(file);
    migrate(db, file, MIGRATIONS.slice(0, 1));
    db.prepare("INSERT INTO datasets (id, root, name, created_at) VALUES (1, '/data', 'data', '2026-01-01')").run();
    db.prepare("INSERT INTO contents (id, hash, bytes) VALUES (1, 'abc', 10)").run();
    db.prepare("INSERT INTO tags (dataset_id, content_id, tag, created_at) VALUES (1, 1, 'mislabeled', '2026-01-01')").run();
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    db.close();

    const store = openStore(file);
    expect(store.schemaVersion()).toBe(LATEST_VERSION);
    expect(LATEST_VERSION).toBeGreaterThanOrEqual(2);
    expect(store.dataset(1)?.root).toBe('/data');
    expect(store.tagsOf(1, [1]).get(1)).toEqual(['mislabeled']);
    expect(store.spuriousRules(1)).toEqual({ spurious: [], evidence: [], threshold: 0.5 });
    store.setSpuriousRules(1, { spurious: ['face'], evidence: ['object'], threshold: 0.4 });
    store.close();

    const again = openStore(file);
    expect(again.spuriousRules(1)).toEqual({ spurious: ['face'], evidence: ['object'], threshold: 0.4 });
    again.close();
  });
});
