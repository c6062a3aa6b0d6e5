/**
 * The causal tests of concepts end to end, on the planted-cue fixtures: audits with
 * concepts through the real pipeline, then the concepts export edits the original
 * images, runs the model on them (the model worker) and flags likely shortcuts. The cue
 * model learned the badge: both badge concepts of the cross class (the top corners) are
 * flagged, because removing the badge fixes the class's errors, and no ring concept is.
 * The control learned no badge: nothing is flagged, though pasting a real ring into a
 * cross picture turns it into a ring (an object concept, which the rule must not flag).
 * The tests are stored: a second run reads them back without running the model; run
 * again from scratch with the same seed, they give the same answer.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, describe, expect, it } from 'vitest';
import { createBackend, type Backend } from '../../../src/main/backend';
import { auditConceptFits } from '../../../src/main/analysis/concepts';
import { testConcepts } from '../../../src/main/analysis/concepts/causal';
import { startAudit } from '../../../src/main/jobs/audit';
import { ModelConfigSchema } from '../../../src/shared/model-config';
import { openStore, type Store } from '../../../src/main/store';
import { conceptFindings } from '../../../src/main/workspace/concepts';
import { ModelService } from '../../../src/main/workspace/model-service';
import type { AuditKey } from '../../../src/shared/views';
import { auditThroughApi } from '../../fixtures/backend-audit';
import { tempDir } from '../../fixtures/models';

const PLANTED = path.resolve(import.meta.dirname, '../../fixtures/planted');
const readCsv = (file: string) => parse(readFileSync(file, 'utf8'), { columns: true }) as Record<string, string>[];
/** Enough for the verdicts here, a third of the default: the e2e stays well under a minute. */
const OPTIONS = { flipCap: 30, errorCap: 40, transplantCap: 30 };

const backends: Backend[] = [];
const stores: Store[] = [];
const services: ModelService[] = [];
afterAll(async () => {
  for (const backend of backends) await backend.close();
  for (const store of stores) store.close();
  for (const service of services) await service.close();
});

async function exported(name: 'cue' | 'control'): Promise<{ rows: Record<string, string>[]; summary: string[] }> {
  const backend = createBackend({ name: 'biascope', version: '0.0.0', dataDir: tempDir('biascope-causal-'), demo: null, workers: 1, warm: false });
  backends.push(backend);
  const state = await auditThroughApi(backend, { dataset: path.join(PLANTED, name), model: path.join(PLANTED, `${name}-model`, 'model.json'), methods: ['gradcam'], targets: 'label', workers: 1, concepts: true });
  expect(state.status).toBe('done');
  const [stored] = await backend.api.storedDatasets();
  const dir = tempDir('biascope-causal-out-');
  const result = await backend.api.exportFindings({ key: stored!.latest!, kind: 'concepts', dir, options: OPTIONS });
  const json = JSON.parse(readFileSync(path.join(dir, 'concepts.json'), 'utf8')) as { tests: { caps: unknown }; classes: { concepts: { test: { shortcut: boolean } | null }[] }[] };
  expect(json.tests.caps).toEqual({ flips: 30, errors: 40, transplant: 30 });
  expect(json.classes.every((c) => c.concepts.every((k) => k.test !== null))).toBe(true);
  return { rows: readCsv(path.join(dir, 'concepts.csv')), summary: result.summary };
}

const isTopCorner = (row: Record<string, string>) => ['top-left', 'top-right'].includes(row['where']!) && Number(row['mean_y']) < 1 / 3;

describe('the causal tests of concepts', () => {
  it('flag the badge concepts the cue model learned, and no ring concept', async () => {
    const { rows, summary } = await exported('cue');
    const cross = rows.filter((row) => row['class'] === 'cross');
    const badges = cross.filter(isTopCorner);
    expect(badges.length).toBeGreaterThanOrEqual(1);
    for (const badge of badges) {
      expect(badge['shortcut'], `cross:${badge['concept']}`).toBe('1');
      // Removing the badge fixes errors: at least half of those tested, 5 or more of them.
      expect(Number(badge['errors_tested'])).toBeGreaterThanOrEqual(5);
      expect(Number(badge['errors_fixed']) / Number(badge['errors_tested'])).toBeGreaterThanOrEqual(0.5);
      expect(badge['reasons']).toMatch(/^removing it fixes \d+ of \d+ errors/);
      // Pasting it into ring pictures makes them crosses.
      expect(Number(badge['transplant_low'])).toBeGreaterThan(0.5);
    }
    expect(rows.filter((row) => row['class'] === 'ring' && row['shortcut'] === '1')).toEqual([]);
    expect(rows.every((row) => ['0', '1'].includes(row['shortcut']!))).toBe(true);
    expect(summary.at(-2)).toMatch(/^likely shortcuts \(thresholds are judgement\): cross:\d \(top-(left|right)\): removing it fixes/);
  });

  it('flag nothing in the control, though pasting a ring turns crosses into rings', async () => {
    const { rows, summary } = await exported('control');
    expect(rows.filter((row) => row['shortcut'] === '1')).toEqual([]);
    expect(rows.length).toBeGreaterThanOrEqual(4);
    const ringTransplants = rows.filter((row) => row['class'] === 'ring' && row['transplant_rate'] !== '').map((row) => Number(row['transplant_rate']));
    expect(Math.max(...ringTransplants)).toBeGreaterThan(0.5);
    expect(summary.at(-2)).toBe('no concept flagged as a likely shortcut (thresholds are judgement: see concepts.csv)');
  });

  it('are stored and read back without the model, under the caps and seed they ran with', async () => {
    const store = openStore(path.join(tempDir('biascope-causal-db-'), 'audit.db'));
    stores.push(store);
    const run = startAudit(store, { dataset: path.join(PLANTED, 'cue'), model: path.join(PLANTED, 'cue-model', 'model.json'), methods: ['gradcam'], targets: 'label', workers: 1, concepts: true });
    const summary = await run.finished;
    expect(summary.outcome).toBe('done');
    const key: AuditKey = { datasetId: summary.datasetId, modelId: summary.modelId, layer: summary.layer, method: 'gradcam' };
    const setId = store.resultSet(summary.modelId, summary.layer, 'gradcam');
    const models = new ModelService();
    services.push(models);
    let predicted = 0;
    const live = { store, predict: async (model: { path: string; hash: string }, images: Uint8Array[]) => ((predicted += images.length), models.predict(model, images)) };
    const request = { seed: 2, tests: { flips: 5, errors: 5, transplant: 5 } };
    const first = await conceptFindings(live, { key, setId }, request);
    expect(first.testsStored).toBe(false);
    expect(predicted).toBeGreaterThan(0);
    const refuse = { store, predict: () => Promise.reject(new Error('the model ran again')) };
    const again = await conceptFindings(refuse, { key, setId }, request);
    expect(again.testsStored).toBe(true);
    expect(again.tests).toEqual(first.tests);
    // Other caps are another question: the model has to run.
    await expect(conceptFindings(refuse, { key, setId }, { ...request, tests: { flips: 6, errors: 5, transplant: 5 } })).rejects.toThrow(/the model ran again/);
    // No tests asked for: no model either.
    expect((await conceptFindings(refuse, { key, setId }, { seed: 2, tests: null })).tests).toBeNull();

    // Run again from scratch with the same seed: the same samples, the same answer.
    const fits = auditConceptFits(store.componentRows(key.datasetId, key.modelId, setId, first.descriptorLayer), store.model(key.modelId)!.classes, { seed: 2 });
    const model = store.model(key.modelId)!;
    const context = {
      root: store.dataset(key.datasetId)!.root,
      classes: model.classes,
      config: ModelConfigSchema.parse(JSON.parse(model.config)),
      predict: (images: { data: Uint8Array }[]) => models.predict(model, images.map((image) => image.data)),
    };
    expect(await testConcepts(fits, context, { seed: 2, caps: request.tests })).toEqual(first.tests);
  });
});
