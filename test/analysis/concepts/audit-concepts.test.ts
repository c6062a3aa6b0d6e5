/**
 * Region-free concepts end to end, on the planted-cue fixtures (test/fixtures/planted):
 * an audit with concepts on stores each map's evidence components, and the concepts
 * export finds the badge the cue model learned, with no region file, where the truth
 * (truth.csv, which the app never reads) says it is. The control (no badge) has no
 * concept in the top corners.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import sharp from 'sharp';
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
  mean_colour: string;
}

/** Pixels of a PNG that are the planted badge's red: strongly red, little green or blue. */
async function redShare(file: string): Promise<{ red: number; width: number; height: number }> {
  const { data, info } = await sharp(file).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  let red = 0;
  for (let p = 0; p < data.length; p += 3) if (data[p]! > 150 && data[p + 1]! < 100 && data[p + 2]! < 100) red++;
  return { red: red / (info.width * info.height), width: info.width, height: info.height };
}

/**
 * The crops show what the concepts are: every concept has its typical crops and a row of
 * its class's contact sheet; the cross's badge concepts are crops of a red square, with a
 * red mean colour; the ring's central concepts are not.
 */
async function expectBadgeCrops(dir: string, concepts: readonly ConceptRow[], badge: readonly ConceptRow[]): Promise<void> {
  const crops = path.join(dir, 'crops');
  for (const row of concepts) {
    const files = readdirSync(path.join(crops, `${row.class}-${row.concept}`));
    expect(files.length).toBeGreaterThan(0);
    expect(files.length).toBeLessThanOrEqual(10);
    expect(files.sort()).toEqual(Array.from({ length: files.length }, (_, i) => `${i + 1}.png`).sort());
    for (const file of files) {
      const { width, height } = await sharp(path.join(crops, `${row.class}-${row.concept}`, file)).metadata();
      // At least 32 px of a 64 px image, scaled up to at least 96, and never the whole image scaled past 3x.
      expect(Math.max(width!, height!)).toBeGreaterThanOrEqual(96);
      expect(Math.min(width!, height!)).toBeGreaterThanOrEqual(32);
      expect(Math.max(width!, height!)).toBeLessThanOrEqual(3 * 64);
    }
    expect(row.mean_colour).toMatch(/^#[0-9a-f]{6}$/);
  }
  for (const label of ['cross', 'ring']) {
    const sheet = await sharp(path.join(crops, `${label}.png`)).metadata();
    const rows = concepts.filter((row) => row.class === label).length;
    // A row of 72 px tiles (and 4 px gaps) per concept.
    expect(sheet.height).toBe(4 + rows * 76);
  }
  expect(badge.length).toBeGreaterThan(0);
  const rgb = (hex: string) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
  for (const row of badge) {
    const folder = path.join(crops, `${row.class}-${row.concept}`);
    const shares = await Promise.all(readdirSync(folder).map((file) => redShare(path.join(folder, file))));
    // The badge is a 9 px red square in a crop of 32 px (a map cell of padding, and the least side): about 8 % of its pixels.
    expect(shares.filter((s) => s.red >= 0.04).length / shares.length).toBeGreaterThanOrEqual(0.9);
    const [r, g, b] = rgb(row.mean_colour);
    expect(r!).toBeGreaterThan(1.5 * Math.max(g!, b!));
  }
  // The ring's concepts are of the ring, in the middle: a badge shows in a few crops at most.
  for (const row of concepts.filter((k) => k.class === 'ring' && Number(k.share) > 0.2)) {
    const folder = path.join(crops, `${row.class}-${row.concept}`);
    const shares = await Promise.all(readdirSync(folder).map((file) => redShare(path.join(folder, file))));
    expect(shares.filter((s) => s.red >= 0.04).length / shares.length).toBeLessThanOrEqual(0.2);
    const [r, g, b] = rgb(row.mean_colour);
    expect(r! > 1.5 * Math.max(g!, b!)).toBe(false);
  }
}

describe('concepts of an audit', () => {
  it('find the planted badge with no region file, in the classes whose maps use it, and only there', async () => {
    const { backend, key } = await audited('cue');
    const dir = tempDir('biascope-concepts-out-');
    // The causal tests have their own file (causal-tests.test.ts): here the concepts and their crops.
    const result = await backend.api.exportFindings({ key, kind: 'concepts', dir, options: { noTests: true } });
    expect(result.files.slice(0, 2).map((f) => path.basename(f.path))).toEqual(['concepts.csv', 'concepts.json']);
    expect(result.files.slice(2).map((f) => path.relative(dir, f.path))).toEqual([path.join('crops', 'cross.png'), path.join('crops', 'ring.png')]);
    expect(result.summary.some((line) => /^\d+ crops of typical images in /.test(line))).toBe(true);
    const concepts = readCsv(path.join(dir, 'concepts.csv')) as unknown as ConceptRow[];
    const top = (row: ConceptRow) => Number(row.mean_y) < 1 / 3 && ['top-left', 'top-right', 'top corners'].includes(row.where);
    // The cross maps sit on the badge (a top corner): their concepts are up there...
    const cross = concepts.filter((row) => row.class === 'cross');
    expect(cross.length).toBeGreaterThanOrEqual(1);
    const badgeShare = cross.filter(top).reduce((sum, row) => sum + Number(row.share), 0);
    expect(badgeShare).toBeGreaterThan(0.8);
    // ...the ring maps on the ring, in the middle: no ring concept in a top corner.
    expect(concepts.filter((row) => row.class === 'ring' && top(row))).toEqual([]);
    await expectBadgeCrops(dir, concepts, cross.filter(top));

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
    expect(concepts.filter((row) => Number(row.share) > 0.1 && ['top-left', 'top-right', 'top corners'].includes(row.where))).toEqual([]);
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
