/**
 * Spurious-focus suggestions on the demo through the back end: the model calls
 * "doctor" by blue scrubs, so with the scrubs (`cue`) spurious and the held object
 * the evidence, the suggestions are exactly the pictures with blue scrubs. Decisions
 * are remembered, tag the image when accepted, and survive a reopen.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatch } from '../../src/main/api';
import { createBackend, type Backend } from '../../src/main/backend';
import type { AuditKey, DatasetView } from '../../src/shared/views';
import { tempDir } from '../fixtures/models';
import { DEMO_MODEL, demoSubset } from '../jobs/demo-subset';
import { auditThroughApi } from '../fixtures/backend-audit';

const PER_CLASS = 30;
let dataDir: string;
let root: string;
let backend: Backend;
let dataset: DatasetView;
let key: AuditKey;

async function audit(): Promise<void> {
  await auditThroughApi(backend, { dataset: root, model: DEMO_MODEL, methods: ['gradcam'], targets: 'predicted', workers: 1 });
}

beforeAll(async () => {
  dataDir = tempDir('biascope-suggest-');
  root = demoSubset(PER_CLASS);
  backend = createBackend({ name: 'biascope', version: '0.0.0', dataDir, demo: null, workers: 1 });
  dataset = await backend.api.openDataset({ root });
  const model = await backend.api.openModel({ path: DEMO_MODEL });
  await audit();
  key = { datasetId: dataset.id, modelId: model.id, layer: model.defaultLayer!, method: 'gradcam' };
});

afterAll(async () => {
  await backend?.close();
});

describe('spurious-focus suggestions', () => {
  it('suggest nothing until a region is marked spurious, and refuse a region the dataset lacks', async () => {
    expect(await backend.api.spuriousRules({ datasetId: dataset.id })).toEqual({ spurious: [], evidence: [], threshold: 0.5 });
    expect((await backend.api.suggestions({ key })).items).toEqual([]);
    const wrong = await dispatch(backend.api, 'setSpuriousRules', [{ datasetId: dataset.id, rules: { spurious: ['beard'], evidence: [], threshold: 0.5 } }]);
    expect(wrong).toMatchObject({ ok: false, error: { kind: 'invalid-input', message: expect.stringContaining('"beard"') } });
    const both = await dispatch(backend.api, 'setSpuriousRules', [{ datasetId: dataset.id, rules: { spurious: ['cue'], evidence: ['cue'], threshold: 0.5 } }]);
    expect(both).toMatchObject({ ok: false, error: { kind: 'invalid-input' } });
  });

  it('find the pictures whose scrubs the model reads, with precision and recall of at least 0.8', async () => {
    await backend.api.setSpuriousRules({ datasetId: dataset.id, rules: { spurious: ['cue'], evidence: ['object'], threshold: 0.5 } });
    const list = await backend.api.suggestions({ key });
    expect(list.audited).toBe(2 * PER_CLASS);
    const truth = new Set(
      (await backend.api.gridTiles({ key, ids: (await backend.api.gridIndex({ key, filter: { attribute: { name: 'cue', value: 'blue' } }, sort: { by: 'path', dir: 'asc' } })).ids })).map((t) => t.contentId),
    );
    const found = list.items.map((item) => item.contentId);
    const hits = found.filter((id) => truth.has(id)).length;
    expect(truth.size).toBeGreaterThan(PER_CLASS / 2);
    expect(hits / found.length).toBeGreaterThanOrEqual(0.8);
    expect(hits / truth.size).toBeGreaterThanOrEqual(0.8);
    expect(list.items.every((item) => item.region === 'cue' && item.spuriousMass >= item.evidenceMass)).toBe(true);
    // Strongest first.
    const masses = list.items.map((item) => item.spuriousMass);
    expect(masses).toEqual([...masses].sort((a, b) => b - a));
    // A page: the first suggestions, with the total and the counts over all of them.
    const page = await backend.api.suggestions({ key, limit: 3 });
    expect(page.items).toEqual(list.items.slice(0, 3));
    expect(page).toMatchObject({ total: list.items.length, pending: list.items.length, audited: 2 * PER_CLASS });
  });

  it('remember accept and reject, tag accepted images, and keep decisions across a reopen', async () => {
    const [first, second, third] = (await backend.api.suggestions({ key })).items;
    await backend.api.decideSuggestions({ key, contentIds: [first!.contentId, second!.contentId], decision: 'accepted' });
    const tags = await backend.api.decideSuggestions({ key, contentIds: [third!.contentId], decision: 'rejected' });
    expect(tags).toEqual([{ contentId: third!.contentId, tags: [] }]);
    const [of] = await backend.api.gridTiles({ key, ids: [first!.imageId] });
    expect(of!.tags).toContain('spurious:cue');

    // Changing an accepted suggestion to rejected takes its tag away.
    const changed = await backend.api.decideSuggestions({ key, contentIds: [second!.contentId], decision: 'rejected' });
    expect(changed[0]!.tags).not.toContain('spurious:cue');

    await backend.close();
    backend = createBackend({ name: 'biascope', version: '0.0.0', dataDir, demo: null, workers: 1 });
    await backend.api.openDataset({ root });
    const again = await backend.api.suggestions({ key });
    expect(again.accepted).toBe(1);
    expect(again.rejected).toBe(2);
    expect(again.pending).toBe(again.items.length - 3);
    // Undecided come first, decided last.
    expect(again.items.slice(0, again.pending).every((item) => item.decision === null)).toBe(true);
    expect(again.items.find((item) => item.contentId === first!.contentId)!.decision).toBe('accepted');

    await backend.api.decideSuggestions({ key, contentIds: [first!.contentId], decision: null });
    expect((await backend.api.suggestions({ key })).accepted).toBe(0);
    expect((await backend.api.gridTiles({ key, ids: [first!.imageId] }))[0]!.tags).not.toContain('spurious:cue');
  });

  it('refuse a decision on an image the rules do not suggest', async () => {
    const suggested = new Set((await backend.api.suggestions({ key })).items.map((item) => item.contentId));
    const tiles = await backend.api.gridTiles({ key, ids: (await backend.api.gridIndex({ key, filter: {}, sort: { by: 'path', dir: 'asc' } })).ids });
    const other = tiles.find((tile) => !suggested.has(tile.contentId))!;
    const result = await dispatch(backend.api, 'decideSuggestions', [{ key, contentIds: [other.contentId], decision: 'accepted' }]);
    expect(result).toMatchObject({ ok: false, error: { kind: 'invalid-input', message: expect.stringContaining('not suggested') } });
  });
});
