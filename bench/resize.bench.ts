/**
 * Trained resizes (src/main/library/resample.ts) against sharp's resize: milliseconds
 * per 1000x750 -> 224x224 RGB image, median of repeated runs, pixels already decoded;
 * then whole decodes of a 1000x750 JPEG with and without a trained resize.
 *
 *   npx tsx bench/resize.bench.ts
 */
import { rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { RESIZE_MODES } from '../src/shared/model-config';
import { decodeImage } from '../src/main/library/decode';
import { resample } from '../src/main/library/resample';

const WIDTH = 1000;
const HEIGHT = 750;
const REPS = 25;

function photoLike(): Uint8Array {
  const data = new Uint8Array(WIDTH * HEIGHT * 3);
  let state = 12345;
  for (let y = 0, i = 0; y < HEIGHT; y++) {
    for (let x = 0; x < WIDTH; x++) {
      state = (state * 1103515245 + 12345) >>> 0;
      data[i++] = (x * 255) / WIDTH;
      data[i++] = (y * 255) / HEIGHT;
      data[i++] = state >>> 24;
    }
  }
  return data;
}

async function median(run: () => unknown): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < REPS + 3; i++) {
    const start = performance.now();
    await run();
    if (i >= 3) times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

const data = photoLike();
const source = { width: WIDTH, height: HEIGHT, data };
const rows: [string, number][] = [];
for (const mode of RESIZE_MODES) rows.push([`resample ${mode}`, await median(() => resample(source, 224, 224, mode))]);
rows.push([
  'resample bilinear-antialias, Resize(256) + CenterCrop(224)',
  await median(() => resample(source, 341, 256, 'bilinear-antialias')),
]);
const raw = { raw: { width: WIDTH, height: HEIGHT, channels: 3 as const } };
for (const kernel of ['linear', 'cubic', 'lanczos3'] as const) {
  rows.push([`sharp resize ${kernel}`, await median(() => sharp(data, raw).resize(224, 224, { fit: 'fill', kernel }).raw().toBuffer())]);
}
const file = path.join(os.tmpdir(), `biascope-resize-bench-${process.pid}.jpg`);
await writeFile(file, await sharp(data, raw).jpeg({ quality: 90 }).toBuffer());
try {
  rows.push(['decodeImage JPEG, historical resize', await median(() => decodeImage(file, [224, 224]))]);
  rows.push(['decodeImage JPEG, bilinear-antialias', await median(() => decodeImage(file, [224, 224], { resize: 'bilinear-antialias' }))]);
  rows.push([
    'decodeImage JPEG, Resize(256) + CenterCrop(224)',
    await median(() => decodeImage(file, [224, 224], { resize: 'bilinear-antialias', shorterSide: 256, centerCrop: [224, 224] })),
  ]);
} finally {
  await rm(file, { force: true });
}
console.log(`${WIDTH}x${HEIGHT} -> 224x224, median of ${REPS} (ms per image)`);
for (const [name, ms] of rows) console.log(`${ms.toFixed(2).padStart(8)}  ${name}`);
