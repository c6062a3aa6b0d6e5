/**
 * Reads COCO-style annotation files (coco.json, annotations.json, *.coco.json): each
 * bounding box becomes a region named by its category, so boxes drawn in a labelling
 * tool can be used as they are exported.
 */
import { z } from 'zod';
import type { PathIndex } from './paths';
import { type PlacedBox, type RegionsRead, toBox } from './regions';
import type { ScanProblem } from './types';

/** Whether a file at the root is read as COCO annotations. */
export function isCocoName(name: string): boolean {
  const lower = name.toLowerCase();
  return lower === 'coco.json' || lower === 'annotations.json' || lower.endsWith('.coco.json');
}

const Id = z.union([z.number(), z.string()]);
const CocoFile = z.object({ images: z.array(z.unknown()), annotations: z.array(z.unknown()), categories: z.array(z.unknown()) });
const CocoImage = z.object({ id: Id, file_name: z.string().min(1) });
const CocoCategory = z.object({ id: Id, name: z.string().min(1) });
const CocoAnnotation = z.object({ image_id: Id, category_id: Id, bbox: z.tuple([z.number(), z.number(), z.number(), z.number()]) });

/** Ids are numbers in COCO but strings in some exports: compare them as text. */
const key = (id: string | number): string => String(id);

export function readCoco(fileName: string, text: string, index: PathIndex): RegionsRead {
  const problems: ScanProblem[] = [];
  const fail = (reason: string): RegionsRead => ({ boxes: [], problems: [{ path: fileName, reason: `${fileName}: ${reason}; no regions read from it` }] });
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return fail(`not valid JSON (${(error as Error).message})`);
  }
  const file = CocoFile.safeParse(json);
  if (!file.success) return fail('not a COCO annotation file (it needs images, annotations and categories arrays)');

  const entryProblem = (where: string, reason: string, problemPath = fileName) => problems.push({ path: problemPath, reason: `${fileName} ${where}: ${reason}` });

  const categories = new Map<string, string>();
  file.data.categories.forEach((raw, i) => {
    const category = CocoCategory.safeParse(raw);
    if (category.success) categories.set(key(category.data.id), category.data.name);
    else entryProblem(`categories[${i}]`, 'needs an id and a name');
  });

  // Images that match no listed file are reported once here, and their boxes skipped quietly.
  const images = new Map<string, string | null>();
  file.data.images.forEach((raw, i) => {
    const image = CocoImage.safeParse(raw);
    if (!image.success) {
      entryProblem(`images[${i}]`, 'needs an id and a file_name');
      return;
    }
    const match = index.match(image.data.file_name);
    if (!match.ok) entryProblem(`images[${i}]`, match.reason, image.data.file_name);
    images.set(key(image.data.id), match.ok ? match.path : null);
  });

  const boxes: PlacedBox[] = [];
  file.data.annotations.forEach((raw, i) => {
    const where = `annotations[${i}]`;
    const annotation = CocoAnnotation.safeParse(raw);
    if (!annotation.success) {
      entryProblem(where, 'needs image_id, category_id and bbox [x, y, width, height]');
      return;
    }
    const { image_id, category_id, bbox } = annotation.data;
    const listed = images.get(key(image_id));
    if (listed === undefined) {
      entryProblem(where, `image_id ${image_id} is not in images`);
      return;
    }
    if (listed === null) return;
    const name = categories.get(key(category_id));
    if (name === undefined) {
      entryProblem(where, `category_id ${category_id} is not in categories`, listed);
      return;
    }
    const [x, y, width, height] = bbox;
    if (width <= 0 || height <= 0) {
      entryProblem(where, `empty box: width (${width}) and height (${height}) must be positive`, listed);
      return;
    }
    const box = toBox(name, [x, y, x + width, y + height], ['x', 'y', 'x + width', 'y + height']);
    if (typeof box === 'string') entryProblem(where, box, listed);
    else boxes.push({ path: listed, box });
  });
  return { boxes, problems };
}
