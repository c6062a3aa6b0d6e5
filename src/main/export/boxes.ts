/**
 * Weakly-supervised localisation (Selvaraju et al., Grad-CAM, section 4.1) as data a
 * team can use: every image's box around the largest region of its map above 15% of
 * the maximum, as COCO-style JSON, and optionally a binary mask per image, thresholded
 * the same way, at the image's size. A centre-cropped model's map covers only its crop
 * (src/shared/map-frame.ts): its boxes and masks are placed there, in image pixels.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { upsampleBilinear } from '../../shared/heatmap';
import { decodeMap } from '../../shared/map-codec';
import { frameOnRaster, mapFrame, type Framing } from '../../shared/map-frame';
import { BOX_THRESHOLD } from '../analysis/attention';
import type { BoxRow } from '../store';
import { writeFileAtomic } from './safe-write';

export interface BoxExportInfo {
  model: string;
  layer: string;
  method: string;
  /** predicted, label, or a class name. */
  target: string;
}

export interface CocoBoxes {
  info: BoxExportInfo & { description: string; threshold: number };
  images: { id: number; file_name: string; width: number; height: number }[];
  categories: { id: number; name: string }[];
  annotations: { id: number; image_id: number; category_id: number; bbox: [number, number, number, number]; area: number; iscrowd: 0; mask?: string }[];
}

const round = (value: number) => Math.round(value * 100) / 100;

/** COCO ids start at 1: class index i is category i + 1. */
export function cocoBoxes(
  rows: readonly BoxRow[],
  classes: readonly string[],
  info: BoxExportInfo,
  maskPath?: (row: BoxRow) => string,
  framing?: Framing,
): CocoBoxes {
  const annotations: CocoBoxes['annotations'] = [];
  for (const row of rows) {
    if (!row.box) continue;
    // The box is in fractions of the map, which covers the frame.
    const frame = mapFrame(row, framing);
    const x = frame.x + row.box.x0 * frame.width;
    const y = frame.y + row.box.y0 * frame.height;
    const w = (row.box.x1 - row.box.x0) * frame.width;
    const h = (row.box.y1 - row.box.y0) * frame.height;
    annotations.push({
      id: annotations.length + 1,
      image_id: row.imageId,
      category_id: row.target + 1,
      bbox: [round(x), round(y), round(w), round(h)],
      area: round(w * h),
      iscrowd: 0,
      ...(maskPath ? { mask: maskPath(row) } : {}),
    });
  }
  return {
    info: { ...info, description: 'weakly-supervised boxes from attribution maps', threshold: BOX_THRESHOLD },
    images: rows.map((row) => ({ id: row.imageId, file_name: row.path, width: row.width, height: row.height })),
    categories: classes.map((name, i) => ({ id: i + 1, name })),
    annotations,
  };
}

/** The map over its frame of the image, 255 where it reaches BOX_THRESHOLD of its maximum, else 0 (and 0 outside a crop). */
export function maskOf(row: BoxRow, framing?: Framing): Uint8Array {
  const image = { width: row.width, height: row.height };
  const area = frameOnRaster(mapFrame(image, framing), image, image);
  const map = upsampleBilinear(decodeMap(row.map), area.width, area.height);
  let max = 0;
  for (const v of map.data) if (v > max) max = v;
  const mask = new Uint8Array(row.width * row.height);
  if (max <= 0) return mask;
  const cut = BOX_THRESHOLD * max;
  for (let y = 0; y < area.height; y++) {
    for (let x = 0, i = y * area.width, o = (area.y + y) * row.width + area.x; x < area.width; x++, i++, o++) mask[o] = map.data[i]! >= cut ? 255 : 0;
  }
  return mask;
}

/** Writes boxes.json, and masks/<image id>.png with `masks`; returns the paths written. */
export async function writeBoxes(
  rows: readonly BoxRow[],
  classes: readonly string[],
  info: BoxExportInfo,
  dir: string,
  masks: boolean,
  framing?: Framing,
): Promise<string[]> {
  const written: string[] = [];
  const maskPath = (row: BoxRow) => `masks/${row.imageId}.png`;
  if (masks) {
    await mkdir(path.join(dir, 'masks'), { recursive: true });
    for (const row of rows) {
      if (!row.box) continue;
      const file = path.join(dir, maskPath(row));
      // One grey channel: without toColourspace sharp would write the mask as RGB.
      await sharp(maskOf(row, framing), { raw: { width: row.width, height: row.height, channels: 1 } }).toColourspace('b-w').png().toBuffer().then((png) => writeFileAtomic(file, png));
      written.push(file);
    }
  }
  const json = path.join(dir, 'boxes.json');
  await writeFileAtomic(json, `${JSON.stringify(cocoBoxes(rows, classes, info, masks ? maskPath : undefined, framing), null, 1)}\n`);
  return [json, ...written];
}
