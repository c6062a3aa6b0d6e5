/**
 * A full disk is said as such, with where, and loses nothing: SQLite's own SQLITE_FULL
 * (a page budget on the real file, as a full disk gives), through the store and through
 * the contract's dispatch.
 */
import path from 'node:path';
import type Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { dispatch } from '../../src/main/api';
import { StoreError } from '../../src/main/store';
import type { BiascopeApi } from '../../src/shared/api';
import { file, freshStore } from './helpers';

describe('a full disk', () => {
  it('is a StoreError naming the folder, and the tags written before stay', () => {
    const store = freshStore();
    try {
      const datasetId = store.upsertDataset('/data/set').id;
      store.syncImages(datasetId, [file('cat/a.png', 'a')], new Map());
      const contentId = store.listImages(datasetId)[0]!.contentId;
      store.changeTags(datasetId, [contentId], ['kept'], []);
      // The file may not grow past its current pages: what a full disk does to SQLite.
      const db = (store as unknown as { db: Database.Database }).db;
      db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true }) as number}`);
      const long = 'x'.repeat(3000);
      let thrown: unknown = null;
      try {
        for (let i = 0; i < 200; i++) store.changeTags(datasetId, [contentId], [`${long}${i}`], []);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(StoreError);
      expect((thrown as StoreError).kind).toBe('disk-full');
      expect((thrown as Error).message).toBe(`disk full at ${path.dirname(store.file)}: audit.db cannot grow; free some space and run again (what was stored before is kept)`);
      expect(store.tagsOf(datasetId, [contentId]).get(contentId)).toContain('kept');
    } finally {
      store.close();
    }
  });

  it('comes back from a call as a resource failure in words, not an internal error', async () => {
    const full = new StoreError('disk-full', 'disk full at /data: audit.db cannot grow; free some space and run again (what was stored before is kept)');
    const api = { tagCounts: async () => Promise.reject(full) } as unknown as BiascopeApi;
    expect(await dispatch(api, 'tagCounts', [{ datasetId: 1 }])).toEqual({ ok: false, error: { kind: 'resource', message: full.message } });
    const enospc = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', path: '/exports/report.html' });
    const writer = { tagCounts: async () => Promise.reject(enospc) } as unknown as BiascopeApi;
    expect(await dispatch(writer, 'tagCounts', [{ datasetId: 1 }])).toEqual({
      ok: false,
      error: { kind: 'resource', message: 'disk full at /exports/report.html: free some space and try again' },
    });
  });
});

describe('the user work', () => {
  it('is committed with a full sync, and results with a normal one', () => {
    const store = freshStore();
    try {
      const db = (store as unknown as { db: Database.Database }).db;
      const datasetId = store.upsertDataset('/data/set').id;
      store.syncImages(datasetId, [file('cat/a.png', 'a')], new Map());
      const contentId = store.listImages(datasetId)[0]!.contentId;
      // The settings each write runs under, as SQLite is told them.
      const told: string[] = [];
      const pragma = db.pragma.bind(db);
      (db as unknown as { pragma: typeof pragma }).pragma = ((source: string, options?: Database.PragmaOptions) => {
        told.push(source);
        return pragma(source, options);
      }) as typeof pragma;
      store.changeTags(datasetId, [contentId], ['face'], []);
      store.setNotes(datasetId, 'checked the nurses');
      store.recordErrors(datasetId, null, [{ path: 'cat/a.png', contentId, stage: 'decode', reason: 'broken' }]);
      (db as unknown as { pragma: typeof pragma }).pragma = pragma;
      expect(told).toEqual(['synchronous = FULL', 'synchronous = NORMAL', 'synchronous = FULL', 'synchronous = NORMAL']);
      expect(db.pragma('synchronous', { simple: true })).toBe(1);
      expect(store.tagsOf(datasetId, [contentId]).get(contentId)).toEqual(['face']);
      expect(store.notes(datasetId)).toBe('checked the nurses');
    } finally {
      store.close();
    }
  });
});
