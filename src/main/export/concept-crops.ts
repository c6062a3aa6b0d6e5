/**
 * Pictures of what each concept is: its most typical images cropped to the component
 * that made them typical (crops/<class>-<n>/<rank>.png), a contact sheet per class with a
 * row per concept (crops/<class>.png), and each concept's mean colour, the mean RGB of
 * the pixels its typical components cover. A concept is a direction in a feature space;
 * a person judges it by looking, so the crops are what the numbers are checked against.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { cropBox, regionBox, type PixelBox } from '../../shared/crop-box';
import { mapFrame, type Framing } from '../../shared/map-frame';
import type { AuditConcept, ClassConcepts, TypicalImage } from '../analysis/concepts';
import { writeFileAtomic } from './safe-write';
import { readImageFile } from '../library/image-file';

/** A crop's longer side below this is scaled up, nearest neighbour, so a small badge stays sharp and visible. */
const MIN_CROP_SIDE = 96;
/** The contact sheet's tiles and the gap between them. */
const TILE = 72;
const GAP = 4;
const SHEET_BACKGROUND = { r: 32, g: 32, b: 32 };

interface Rgb {
  data: Buffer;
  width: number;
  height: number;
}

export interface ConceptCrops {
  /** Absolute paths of the crops written. */
  files: string[];
  /** Absolute paths of the contact sheets, one a class: what a person opens first. */
  sheets: string[];
  /** `#rrggbb` per concept, by `<class>:<concept>`; absent when none of its images could be read. */
  meanColours: Map<string, string>;
}

/** A class name as a file name: anything but letters, digits, dot, dash and underscore becomes "_". */
export const fileSafe = (name: string) => name.replace(/[^\p{L}\p{N}._-]/gu, '_');

const hex = (rgb: readonly number[]) => `#${rgb.map((v) => Math.round(v).toString(16).padStart(2, '0')).join('')}`;

/** The image upright (EXIF orientation applied) as 3-channel sRGB pixels; null when it cannot be read. */
async function readUpright(file: string): Promise<Rgb | null> {
  try {
    // Through the library's reader: regular files only, capped (a FIFO would block a thread for good).
    const { data, info } = await sharp(await readImageFile(file), { pages: 1 }).rotate().removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
    return { data, width: info.width, height: info.height };
  } catch {
    return null;
  }
}

function cut(image: Rgb, box: PixelBox): Rgb {
  const data = Buffer.alloc(box.width * box.height * 3);
  for (let y = 0; y < box.height; y++) {
    const from = ((box.top + y) * image.width + box.left) * 3;
    image.data.copy(data, y * box.width * 3, from, from + box.width * 3);
  }
  return { data, width: box.width, height: box.height };
}

/** Sum of RGB over the box, and its pixel count. */
function colourSum(image: Rgb, box: PixelBox): { sum: [number, number, number]; pixels: number } {
  const sum: [number, number, number] = [0, 0, 0];
  for (let y = box.top; y < box.top + box.height; y++) {
    for (let x = box.left, p = (y * image.width + box.left) * 3; x < box.left + box.width; x++, p += 3) {
      sum[0] += image.data[p]!;
      sum[1] += image.data[p + 1]!;
      sum[2] += image.data[p + 2]!;
    }
  }
  return { sum, pixels: box.width * box.height };
}

async function writeCrop(crop: Rgb, file: string): Promise<void> {
  const longer = Math.max(crop.width, crop.height);
  const scale = longer >= MIN_CROP_SIDE ? 1 : Math.ceil(MIN_CROP_SIDE / longer);
  let picture = sharp(crop.data, { raw: { width: crop.width, height: crop.height, channels: 3 } });
  if (scale > 1) picture = picture.resize(crop.width * scale, crop.height * scale, { kernel: 'nearest' });
  await writeFileAtomic(file, await picture.png().toBuffer());
}

async function tile(crop: Rgb): Promise<Buffer> {
  return sharp(crop.data, { raw: { width: crop.width, height: crop.height, channels: 3 } })
    .resize(TILE, TILE, { fit: 'contain', kernel: 'nearest', background: SHEET_BACKGROUND })
    .png()
    .toBuffer();
}

/** One crop of a typical image: the padded box to show, and its unpadded region for the colour. */
async function typicalCrop(root: string, typical: TypicalImage, framing: Framing | undefined): Promise<{ crop: Rgb; colour: ReturnType<typeof colourSum> } | null> {
  const image = await readUpright(path.join(root, typical.path));
  if (!image) return null;
  const size = { width: image.width, height: image.height };
  const frame = mapFrame(size, framing);
  const shown = cropBox(typical.cells, typical.grid, frame, size);
  const region = regionBox(typical.cells, typical.grid, frame, size);
  if (!shown || !region) return null;
  return { crop: cut(image, shown), colour: colourSum(image, region) };
}

async function writeSheet(rows: readonly Buffer[][], file: string): Promise<void> {
  const columns = Math.max(1, ...rows.map((row) => row.length));
  const width = GAP + columns * (TILE + GAP);
  const height = GAP + Math.max(1, rows.length) * (TILE + GAP);
  const tiles = rows.flatMap((row, r) => row.map((input, c) => ({ input, left: GAP + c * (TILE + GAP), top: GAP + r * (TILE + GAP) })));
  await writeFileAtomic(file, await sharp({ create: { width, height, channels: 3, background: SHEET_BACKGROUND } }).composite(tiles).png().toBuffer());
}

/** A concept's mean colour over its typical regions (0..255 RGB), without writing crops; null when no image could be read. */
export async function conceptMeanColour(concept: Pick<AuditConcept, 'typical'>, root: string, framing?: Framing): Promise<[number, number, number] | null> {
  const total: [number, number, number] = [0, 0, 0];
  let pixels = 0;
  for (const typical of concept.typical) {
    const made = await typicalCrop(root, typical, framing);
    if (!made) continue;
    for (let i = 0; i < 3; i++) total[i]! += made.colour.sum[i]!;
    pixels += made.colour.pixels;
  }
  return pixels > 0 ? [total[0] / pixels, total[1] / pixels, total[2] / pixels] : null;
}

/**
 * Writes every concept's typical crops and each class's contact sheet under `dir`/crops,
 * and measures each concept's mean colour. Images that cannot be read are left out.
 */
export async function writeConceptCrops(classes: readonly ClassConcepts[], root: string, dir: string, framing?: Framing): Promise<ConceptCrops> {
  const files: string[] = [];
  const sheets: string[] = [];
  const meanColours = new Map<string, string>();
  const cropsDir = path.join(dir, 'crops');
  for (const c of classes) {
    if (c.concepts.length === 0) continue;
    const sheetRows: Buffer[][] = [];
    for (const concept of c.concepts) {
      const folder = path.join(cropsDir, `${fileSafe(c.label)}-${concept.concept}`);
      await mkdir(folder, { recursive: true });
      const total: [number, number, number] = [0, 0, 0];
      let pixels = 0;
      const row: Buffer[] = [];
      let rank = 0;
      for (const typical of concept.typical) {
        const made = await typicalCrop(root, typical, framing);
        if (!made) continue;
        rank += 1;
        const file = path.join(folder, `${rank}.png`);
        await writeCrop(made.crop, file);
        files.push(file);
        row.push(await tile(made.crop));
        for (let i = 0; i < 3; i++) total[i]! += made.colour.sum[i]!;
        pixels += made.colour.pixels;
      }
      sheetRows.push(row);
      if (pixels > 0) meanColours.set(`${c.label}:${concept.concept}`, hex(total.map((v) => v / pixels)));
    }
    const sheet = path.join(cropsDir, `${fileSafe(c.label)}.png`);
    await writeSheet(sheetRows, sheet);
    sheets.push(sheet);
  }
  return { files, sheets, meanColours };
}

/** The classes with each concept's mean colour (`#rrggbb`, or null when none of its images could be read), for concepts.json. */
export function withMeanColours(classes: readonly ClassConcepts[], colourOf: (label: string, concept: number) => string) {
  return classes.map((c) => ({ ...c, concepts: c.concepts.map((k) => ({ ...k, meanColour: colourOf(c.label, k.concept) || null })) }));
}
