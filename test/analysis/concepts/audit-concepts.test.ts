/**
 * Region-free concepts end to end, on the planted-cue fixtures (test/fixtures/planted):
 * an audit with concepts on stores each map's evidence components, and the concepts
 * export finds the badge the cue model learned, with no region file, where the truth
 * (truth.csv, which the app never reads) says it is. The control (no badge) has no
 * concept in the top corners.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, describe, expect, it } from 'vitest';
import { createBackend, type Backend } from '../../../src/main/backend';
import type { AuditKey } from '../../../src/shared/views';
import { auditThroughApi } from '../../fixtures/backend-audit';
import { tempDir } from '../../fixtures/models';

const PLANTED = path.resolve(import.meta.dirname, '../../fixtures/planted');
const readCsv = (file: string) => parse(readFileSync(file, 'utf8'), { columns: true }) as Record<string, string>[];

const backends: Backend[] = [];
afterAll(async () => {
  for (const backend of backends) await backend.close();
});

async function audited(name: 'cue' | 'control'): Promise<{ backend: Backend; key: AuditKey }> {
  const backend = createBackend({ name: 'biascope', version: '0.0.0', dataDir: tempDir('biascope-concepts-'), demo: null, workers: 1, warm: false });
  backends.push(backend);
  const dataset = path.join(PLANTED, name);
  const model = path.join(PLANTED, `${name}-model`, 'model.json');
  const state = await auditThroughApi(backend, { dataset, model, methods: ['gradcam'], targets: 'label', workers: 1, concepts: true });
  expect(state.status).toBe('done');
  const [stored] = await backend.api.storedDatasets();
  return { backend, key: stored!.latest! };
}

interface ConceptRow {
  class: string;
  concept: string;
  share: string;
  images: string;
  dominated: string;
  where: string;
  mean_y: string;
}

describe('concepts of an audit', () => {
  it('find the planted badge with no region file, in the classes whose maps use it, and only there', async () => {
    const { backend, key } = await audited('cue');
    const dir = tempDir('biascope-concepts-out-');
    // The causal tests have their own file (causal-tests.test.ts): here the concepts alone.
    const result = await backend.api.exportFindings({ key, kind: 'concepts', dir, options: { noTests: true } });
    expect(result.files.map((f) => path.basename(f.path))).toEqual(['concepts.csv', 'concepts.json']);
    const concepts = readCsv(path.join(dir, 'concepts.csv')) as unknown as ConceptRow[];
    const top = (row: ConceptRow) => Number(row.mean_y) < 1 / 3 && ['top-left', 'top-right'].includes(row.where);
    // The cross maps sit on the badge (a top corner): their concepts are up there...
    const cross = concepts.filter((row) => row.class === 'cross');
    expect(cross.length).toBeGreaterThanOrEqual(1);
    const badgeShare = cross.filter(top).reduce((sum, row) => sum + Number(row.share), 0);
    expect(badgeShare).toBeGreaterThan(0.8);
    // ...the ring maps on the ring, in the middle: no ring concept in a top corner.
    expect(concepts.filter((row) => row.class === 'ring' && top(row))).toEqual([]);

    // Each image's dominant concept agrees with where the truth puts the evidence.
    const images = readCsv((await backend.api.exportFindings({ key, kind: 'images', dir, options: {} })).files[0]!.path);
    const badgeConcepts = new Set(cross.filter(top).map((row) => `cross:${row.concept}`));
    const test = images.filter((row) => row['split'] === 'test');
    const agree = test.filter((row) => (row['badge'] === '1' && row['predicted'] === 'cross') === badgeConcepts.has(row['concept']!));
    expect(agree.length / test.length).toBeGreaterThanOrEqual(0.9);
    expect(test.every((row) => row['concept'] !== '' && ['0', '1'].includes(row['concept_mixed']!))).toBe(true);

    // A second run computes nothing: the components are stored with the maps.
    const again = await auditThroughApi(backend, { dataset: path.join(PLANTED, 'cue'), model: path.join(PLANTED, 'cue-model', 'model.json'), methods: ['gradcam'], targets: 'label', workers: 1, concepts: true });
    expect(again.summary).toMatchObject({ computed: 0, reused: 440 });
  });

  it('find no concept in the top corners of the control, which has no badge', async () => {
    const { backend, key } = await audited('control');
    const dir = tempDir('biascope-concepts-out-');
    await backend.api.exportFindings({ key, kind: 'concepts', dir, options: { seed: 3, noTests: true } });
    const concepts = readCsv(path.join(dir, 'concepts.csv')) as unknown as ConceptRow[];
    expect(concepts.length).toBeGreaterThanOrEqual(4);
    // The badge sat in a top corner; nothing there now (the cross's own top arm is top centre).
    expect(concepts.filter((row) => Number(row.share) > 0.1 && ['top-left', 'top-right'].includes(row.where))).toEqual([]);
    const json = JSON.parse(readFileSync(path.join(dir, 'concepts.json'), 'utf8')) as { descriptorLayer: string; classes: { concepts: { typical: unknown[] }[] }[] };
    // The layer feeding the explained conv_last.
    expect(json.descriptorLayer).toBe('conv3');
    expect(json.classes.every((c) => c.concepts.every((k) => k.typical.length > 0))).toBe(true);
  });

  it('are asked for an audit that described its maps', async () => {
    const backend = createBackend({ name: 'biascope', version: '0.0.0', dataDir: tempDir('biascope-concepts-'), demo: null, workers: 1, warm: false });
    backends.push(backend);
    const dataset = path.join(PLANTED, 'control');
    await auditThroughApi(backend, { dataset, model: path.join(PLANTED, 'control-model', 'model.json'), methods: ['gradcam'], targets: 'predicted', workers: 1 });
    const [stored] = await backend.api.storedDatasets();
    await expect(backend.api.exportFindings({ key: stored!.latest!, kind: 'concepts', dir: tempDir('biascope-concepts-out-'), options: {} })).rejects.toThrow(
      /described no map: run biascope audit with --concepts/,
    );
    // Asking for concepts afterwards describes the stored maps again, from a new forward pass.
    const described = await auditThroughApi(backend, { dataset, model: path.join(PLANTED, 'control-model', 'model.json'), methods: ['gradcam'], targets: 'predicted', workers: 1, concepts: true });
    expect(described.summary).toMatchObject({ computed: 440, reused: 0 });
  });
});
