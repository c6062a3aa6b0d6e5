/**
 * Libraries of distinct synthetic images for the audit bench: smooth random colour
 * fields (a few random pixels blown up with a cubic kernel) plus a bright square,
 * saved as real JPEG or PNG files so decoding and resizing are measured too. Each
 * image differs, so content hashing cannot fold any two into one.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { mapWithConcurrency } from '../src/main/util/concurrency';
import { mulberry32 } from '../scripts/random';

export interface LibrarySpec {
  images: number;
  classes: readonly string[];
  width: number;
  height: number;
  format: 'jpeg' | 'png';
}

async function imageBytes(index: number, spec: LibrarySpec): Promise<Buffer> {
  const next = mulberry32(index + 1); // the same library on every run
  const seedPixels = Buffer.from(Array.from({ length: 6 * 6 * 3 }, () => Math.floor(next() * 256)));
  const size = Math.round(Math.min(spec.width, spec.height) * (0.15 + next() * 0.2));
  const square = await sharp({ create: { width: size, height: size, channels: 3, background: { r: 255, g: 255, b: 255 } } }).png().toBuffer();
  const image = sharp(seedPixels, { raw: { width: 6, height: 6, channels: 3 } })
    .resize(spec.width, spec.height, { kernel: 'cubic' })
    .composite([{ input: square, left: Math.floor(next() * (spec.width - size)), top: Math.floor(next() * (spec.height - size)) }]);
  return spec.format === 'jpeg' ? image.jpeg({ quality: 88 }).toBuffer() : image.png().toBuffer();
}

/** Writes the library in the ImageFolder layout under `root`; returns the root. */
export async function writeLibrary(root: string, spec: LibrarySpec): Promise<string> {
  for (const name of spec.classes) await mkdir(path.join(root, name), { recursive: true });
  const indices = Array.from({ length: spec.images }, (_, i) => i);
  await mapWithConcurrency(indices, 8, async (i) => {
    const label = spec.classes[i % spec.classes.length]!;
    const file = path.join(root, label, `img_${String(i).padStart(6, '0')}.${spec.format === 'jpeg' ? 'jpg' : 'png'}`);
    await writeFile(file, await imageBytes(i, spec));
  });
  return root;
}
