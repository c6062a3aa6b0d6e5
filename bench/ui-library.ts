/**
 * An audited library of any size for the UI bench, written straight into a store:
 * image rows (hard links to a pool of real PNGs, so thumbnails are real), a model
 * record, predictions, 14x14 maps and statistics with region masses, and a job, so
 * the app reopens it as the last audit without scanning. Built once per size and
 * reused: the folder says how many images it holds.
 */
import { existsSync } from 'node:fs';
import { link, mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { encodeMap } from '../src/shared/map-codec';
import { openStore } from '../src/main/store';
import type { HashedFile, RegionBox } from '../src/main/library/types';
import type { ImageResult } from '../src/main/store/types';
import { mulberry32 } from '../scripts/random';

export const CLASSES = ['doctor', 'nurse'] as const;
const POOL = 500;
const SIDE = 96;
const MAP = 14;
const LAYER = 'conv_last';
const BATCH = 2000;

export interface UiLibrary {
  dir: string;
  root: string;
  dataDir: string;
  images: number;
}

async function writePool(dir: string): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const files: string[] = [];
  for (let i = 0; i < POOL; i++) {
    const next = mulberry32(i + 7);
    const seed = Buffer.from(Array.from({ length: 4 * 4 * 3 }, () => Math.floor(next() * 256)));
    const file = path.join(dir, `p${i}.png`);
    await sharp(seed, { raw: { width: 4, height: 4, channels: 3 } }).resize(SIDE, SIDE, { kernel: 'cubic' }).png().toFile(file);
    files.push(file);
  }
  return files;
}

function fakeMap(next: () => number): Float32Array {
  const cx = next() * MAP;
  const cy = next() * MAP;
  const data = new Float32Array(MAP * MAP);
  for (let y = 0; y < MAP; y++) for (let x = 0; x < MAP; x++) data[y * MAP + x] = Math.exp(-((x - cx) ** 2 + (y - cy) ** 2) / 8);
  return data;
}

/** Builds (or reuses) a library of `images` audited images under `dir`. */
export async function uiLibrary(dir: string, images: number, modelPath: string): Promise<UiLibrary> {
  const root = path.join(dir, 'dataset');
  const dataDir = path.join(dir, 'data');
  const done = path.join(dir, `ready-${images}`);
  const library = { dir, root, dataDir, images };
  if (existsSync(done)) return library;
  await rm(dir, { recursive: true, force: true });
  const pool = await writePool(path.join(dir, 'pool'));
  for (const label of CLASSES) await mkdir(path.join(root, label), { recursive: true });
  const files: HashedFile[] = [];
  const regions = new Map<string, RegionBox[]>();
  for (let i = 0; i < images; i++) {
    const label = CLASSES[i % CLASSES.length]!;
    const rel = `${label}/img_${String(i).padStart(6, '0')}.png`;
    await link(pool[i % POOL]!, path.join(root, rel));
    files.push({ path: rel, size: 1000, mtimeMs: 0, label, attributes: { cue: i % 3 === 0 ? 'red' : 'blue' }, hash: `bench-${i}` });
    regions.set(rel, [
      { name: 'face', x0: 30, y0: 20, x1: 60, y1: 45 },
      { name: 'object', x0: 10, y0: 55, x1: 40, y1: 85 },
    ]);
  }
  await mkdir(dataDir, { recursive: true });
  const store = openStore(path.join(dataDir, 'library.db'));
  try {
    const dataset = store.upsertDataset(root);
    store.syncImages(dataset.id, files, regions);
    const model = store.upsertModel({
      hash: 'bench-model',
      path: modelPath,
      kind: 'layers',
      classes: [...CLASSES],
      config: JSON.stringify({ classes: CLASSES, inputSize: [SIDE, SIDE] }),
    });
    store.setModelDefaultLayer(model.id, LAYER);
    const rows = store.listImages(dataset.id);
    const next = mulberry32(99);
    for (let start = 0; start < rows.length; start += BATCH) {
      const results: ImageResult[] = rows.slice(start, start + BATCH).map((row) => {
        const predicted = next() < 0.8 ? CLASSES.indexOf(row.label as (typeof CLASSES)[number]) : next() < 0.5 ? 0 : 1;
        const prob = 0.5 + next() * 0.5;
        const map = { width: MAP, height: MAP, data: fakeMap(next) };
        const encoded = encodeMap(map);
        const face = next();
        return {
          contentId: row.contentId,
          width: SIDE,
          height: SIDE,
          prediction: { predicted, prob, logit: prob * 4, top: [{ index: predicted, logit: prob * 4, prob }, { index: 1 - predicted, logit: 0, prob: 1 - prob }] },
          maps: [
            {
              method: 'gradcam',
              target: predicted,
              width: MAP,
              height: MAP,
              blob: encoded.bytes,
              stats: {
                max: encoded.max,
                entropy: next(),
                peakX: next(),
                peakY: next(),
                spread: next(),
                box: { x0: 0.2, y0: 0.2, x1: 0.6, y1: 0.6 },
                regions: [
                  { name: 'face', mass: face, boxIou: next() },
                  { name: 'object', mass: (1 - face) * next(), boxIou: next() },
                ],
              },
            },
          ],
        };
      });
      store.writeResults(model.id, LAYER, results);
    }
    const job = store.createJob({ datasetId: dataset.id, modelId: model.id, layer: LAYER, methods: ['gradcam'], targets: 'predicted', total: images });
    store.updateJob(job, { status: 'done', done: images, failed: 0 });
  } finally {
    store.close();
  }
  await writeFile(done, new Date().toISOString());
  return library;
}
