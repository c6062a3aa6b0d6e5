/**
 * Small pictures for the report: an image with its heatmap painted over it (the way
 * the app paints maps: upsampled bilinearly first, colour-mapped second), as WebP
 * data: URIs so the report is one file that fetches nothing.
 */
import sharp from 'sharp';
import { colormapLut } from '../../../shared/colormap';
import type { MapData } from '../../../shared/explain';
import { paintHeatmap } from '../../../shared/heatmap-paint';
import { frameOnRaster, mapFrame, type Framing } from '../../../shared/map-frame';

/** Share of the map's maximum below which the image shows through untouched. */
const MAP_THRESHOLD = 0.15;
/** How much of the colour covers the image where the map is painted. */
const OPACITY = 0.5;
const QUALITY = 72;
const GREY = 200;

interface Rgb {
  width: number;
  height: number;
  data: Uint8Array;
}

/**
 * The image at most `size` on its long side (`inside`) or stretched to a square
 * (`fill`, which keeps a map's cells over the same content), oriented and flattened;
 * a grey square when it cannot be read.
 */
async function readRgb(file: string, size: number, fit: 'inside' | 'fill' = 'inside'): Promise<Rgb> {
  try {
    const { data, info } = await sharp(file, { pages: 1, failOn: 'error' })
      .rotate()
      .flatten({ background: '#ffffff' })
      .toColourspace('srgb')
      .resize(size, size, { fit })
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
  } catch {
    // A file moved or deleted since the audit: its map is still worth showing.
    return { width: size, height: size, data: new Uint8Array(size * size * 3).fill(GREY) };
  }
}

/**
 * The image with the map painted over `area` (its pixels; default all of it): a
 * centre-cropped model's map covers only its crop, the margins show untouched.
 */
function overlay(image: Rgb, map: MapData | null, area: { x: number; y: number; width: number; height: number } = { x: 0, y: 0, ...image }): Uint8Array {
  if (!map) return image.data;
  const paint = paintHeatmap(map, area, { lut: colormapLut('turbo'), threshold: MAP_THRESHOLD });
  const out = Uint8Array.from(image.data);
  for (let y = 0; y < area.height; y++) {
    for (let x = 0, q = y * area.width * 4, p = ((area.y + y) * image.width + area.x) * 3; x < area.width; x++, q += 4, p += 3) {
      const a = (paint[q + 3]! / 255) * OPACITY;
      for (let c = 0; c < 3; c++) out[p + c] = image.data[p + c]! * (1 - a) + paint[q + c]! * a;
    }
  }
  return out;
}

/** The oriented size of an image file, or null when it cannot be read. */
async function orientedSize(file: string): Promise<{ width: number; height: number } | null> {
  try {
    const { autoOrient } = await sharp(file, { pages: 1 }).metadata();
    return autoOrient;
  } catch {
    return null;
  }
}

async function dataUri(rgb: Rgb): Promise<string> {
  const webp = await sharp(rgb.data, { raw: { width: rgb.width, height: rgb.height, channels: 3 } })
    .webp({ quality: QUALITY })
    .toBuffer();
  return `data:image/webp;base64,${webp.toString('base64')}`;
}

/** The image at `file` with `map` over it (none: the image alone), over the model's crop when it has one. */
export async function heatmapThumb(file: string, map: MapData | null, size: number, framing?: Framing): Promise<string> {
  const image = await readRgb(file, size);
  const original = map && framing?.centerCrop ? await orientedSize(file) : null;
  const area = original ? frameOnRaster(mapFrame(original, framing), original, image) : undefined;
  return dataUri({ ...image, data: overlay(image, map, area) });
}

/**
 * A cluster's mean map over the grey mean of its typical images: where the cluster
 * looks, on what its pictures have in common.
 */
export async function meanMapThumb(files: readonly string[], map: MapData | null, size: number): Promise<string> {
  const images = await Promise.all(files.map((file) => readRgb(file, size, 'fill')));
  const sum = new Float64Array(size * size);
  for (const image of images) {
    for (let i = 0, p = 0; i < sum.length; i++, p += 3) sum[i]! += (image.data[p]! + image.data[p + 1]! + image.data[p + 2]!) / 3;
  }
  const used = images.length;
  const data = new Uint8Array(size * size * 3);
  // Lightened, so the colours of the map carry the picture.
  for (let i = 0; i < sum.length; i++) data.fill(used === 0 ? GREY : 80 + (sum[i]! / used) * 0.65, i * 3, i * 3 + 3);
  const base = { width: size, height: size, data };
  return dataUri({ ...base, data: overlay(base, map) });
}
