/**
 * The committed demo does its job: the model follows the spurious cue where cue and
 * object disagree, and Grad-CAM shows it, with more mass on the cue than on the object.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { explainBatch, initBackend, loadModel, type ImageExplanation, type LoadedModel } from '../../src/main/engine';
import { decodeRgb } from '../../src/main/library/decode';
import { massInBox, upsampleBilinear, type Box } from '../../src/shared/heatmap';

const ROOT = path.resolve('resources/demo');
const DATASET = path.join(ROOT, 'dataset');

function readCsv(file: string): Record<string, string>[] {
  const [header, ...lines] = readFileSync(file, 'utf8').trim().split('\n');
  const columns = header!.split(',');
  return lines.map((line) => Object.fromEntries(line.split(',').map((v, i) => [columns[i]!, v])));
}

interface Conflict {
  path: string;
  label: string;
  cue: Box;
  object: Box;
  size: [number, number];
}

function conflictImages(): Conflict[] {
  const regions = new Map<string, Map<string, Box>>();
  for (const r of readCsv(path.join(DATASET, 'regions.csv'))) {
    const boxes = regions.get(r['path']!) ?? new Map<string, Box>();
    boxes.set(r['region']!, { x0: +r['x0']!, y0: +r['y0']!, x1: +r['x1']!, y1: +r['y1']! });
    regions.set(r['path']!, boxes);
  }
  return readCsv(path.join(DATASET, 'manifest.csv'))
    .filter((row) => row['split'] === 'test' && row['agrees'] === '0')
    .map((row) => {
      const boxes = regions.get(row['path']!)!;
      return { path: row['path']!, label: row['label']!, cue: boxes.get('cue')!, object: boxes.get('object')!, size: [96, 96] };
    });
}

describe('the demo model is biased, and Grad-CAM shows it', () => {
  let model: LoadedModel;
  let conflicts: Conflict[];
  let explained: ImageExplanation[];

  beforeAll(async () => {
    await initBackend('wasm');
    model = await loadModel(path.join(ROOT, 'model', 'model.json'));
    conflicts = conflictImages();
    const images = await Promise.all(conflicts.map((c) => decodeRgb(path.join(DATASET, c.path), model.config.inputSize)));
    explained = [];
    for (let i = 0; i < images.length; i += 16) {
      explained.push(...await explainBatch(model, images.slice(i, i + 16), { methods: ['gradcam'] }));
    }
  });

  it('has enough conflicting test images to judge', () => {
    expect(conflicts.length).toBeGreaterThanOrEqual(50);
    expect(new Set(conflicts.map((c) => c.label)).size).toBe(2);
  });

  it('follows the cue, not the object, on most conflicting images', () => {
    const followsCue = explained.filter((e, i) => e.predictions[0]!.name !== conflicts[i]!.label).length;
    expect(followsCue / conflicts.length).toBeGreaterThan(0.7);
  });

  it('puts more Grad-CAM mass on the cue than on the object for most of those images', () => {
    let cueWins = 0;
    explained.forEach((e, i) => {
      const c = conflicts[i]!;
      const map = upsampleBilinear(e.maps[0]!.map, c.size[1], c.size[0]);
      if (massInBox(map, c.cue) > massInBox(map, c.object)) cueWins++;
    });
    expect(cueWins / conflicts.length).toBeGreaterThan(0.5);
  });

  it('concentrates on the cue beyond its size: mass per unit of area well above a flat map', () => {
    const area = (b: Box, c: Conflict) => ((b.x1 - b.x0) * (b.y1 - b.y0)) / (c.size[0] * c.size[1]);
    let cueDensity = 0;
    let objectDensity = 0;
    explained.forEach((e, i) => {
      const c = conflicts[i]!;
      const map = upsampleBilinear(e.maps[0]!.map, c.size[1], c.size[0]);
      cueDensity += massInBox(map, c.cue) / area(c.cue, c) / conflicts.length;
      objectDensity += massInBox(map, c.object) / area(c.object, c) / conflicts.length;
    });
    // A flat map has density 1 everywhere.
    expect(cueDensity).toBeGreaterThan(1.5);
    expect(cueDensity).toBeGreaterThan(1.5 * objectDensity);
  });
});
