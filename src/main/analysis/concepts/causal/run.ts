/**
 * The causal tests of every concept of an audit: a picture of what a concept looks like
 * is not proof that the model uses it, so each concept is edited in and out of real
 * images and the model asked again.
 * - flips: among the images the concept dominates (and the model predicts as the class),
 *   its region removed; how many stop being predicted as the class;
 * - errors fixed: among the class's errors (predicted here, labelled another class) that
 *   contain it, its region removed; how many the model now gets right;
 * - transplant: its most typical regions pasted into images predicted as other classes
 *   at the same place; how many turn into the class.
 * Samples are capped (a 100k-image audit tests at most caps x concepts images) and drawn
 * with a seed; every rate has a seeded 95 % bootstrap interval. Deterministic for a seed.
 */
import path from 'node:path';
import type { ConceptRate, ConceptTest } from '../../../../shared/concepts';
import { mapFrame, type MapFrame } from '../../../../shared/map-frame';
import type { ModelConfig } from '../../../../shared/model-config';
import { seededRandom } from '../../../../shared/random';
import type { RgbImage } from '../../../engine/preprocess';
import { ByteLru } from '../../../images/byte-lru';
import { decodeOriginal, ImageDecodeError, modelInput } from '../../../library';
import type { ComponentRow } from '../../../store';
import { mapWithConcurrency } from '../../../util/concurrency';
import { gapInterval, shareInterval } from '../../bootstrap';
import type { ClassConceptFit } from '../audit-concepts';
import { storedCells } from '../stored';
import { coverShare, regionBox, removeRegion, transplant, type Grid, type PixelBox } from './edits';
import { shortcutVerdict } from './shortcut';

/** Most images each test edits, per concept. */
export interface CausalCaps {
  flips: number;
  errors: number;
  transplant: number;
}

/** About 300 predictions a concept: seconds on a small model, whatever the dataset's size. */
export const DEFAULT_CAUSAL_CAPS: CausalCaps = { flips: 100, errors: 100, transplant: 100 };
/** `--quick`: a first look, intervals about twice as wide. */
export const QUICK_CAUSAL_CAPS: CausalCaps = { flips: 25, errors: 25, transplant: 25 };
/** Typical regions pasted in turn, so one odd prototype does not decide the rate. */
export const TRANSPLANT_PROTOTYPES = 5;
/** A prototype covering more of the image than this is a whole object: pasting it over another proves nothing. */
export const MAX_PROTOTYPE_COVER = 0.25;
/** Images edited and predicted together. */
const CHUNK = 32;
const DECODE_CONCURRENCY = 4;
/** Decoded originals kept between tests (transplant targets recur across a class's concepts). */
const DECODED_BYTES = 256 * 1024 * 1024;

export interface CausalContext {
  /** The dataset's folder; rows' paths are relative to it. */
  root: string;
  classes: readonly string[];
  config: Pick<ModelConfig, 'inputSize' | 'preprocess'>;
  /** Probabilities of images at the model's input size, one row per image. */
  predict(images: RgbImage[]): Promise<Float32Array[]>;
}

export interface CausalOptions {
  seed: number;
  caps: CausalCaps;
}

/** One class's tests, indexed by concept id. */
export interface ClassConceptTests {
  label: string;
  tests: ConceptTest[];
}

interface ImageInfo {
  path: string;
  labelIndex: number;
  predicted: number;
  grid: Grid;
}

interface Decoded {
  image: RgbImage;
  frame: MapFrame;
}

/** A seed per (class, concept, test), so adding a concept or a class does not reshuffle the others. */
function derivedSeed(seed: number, ...parts: number[]): number {
  let h = seed >>> 0;
  for (const part of parts) h = Math.imul(h ^ (part + 0x9e3779b9), 0x85ebca6b) >>> 0;
  return h;
}

function sample<T>(items: readonly T[], cap: number, seed: number): T[] {
  const out = [...items];
  const random = seededRandom(seed);
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out.slice(0, Math.max(0, cap));
}

function rateOf(hits: number, n: number, seed: number): ConceptRate | null {
  if (n === 0) return null;
  const interval = shareInterval(hits, n, { seed });
  return { hits, n, rate: hits / n, low: interval.low, high: interval.high };
}

export async function testConcepts(fits: readonly ClassConceptFit[], context: CausalContext, options: CausalOptions): Promise<ClassConceptTests[]> {
  const { classes, config } = context;
  const images = new Map<string, ImageInfo>();
  for (const fit of fits) {
    for (const row of fit.rows) {
      if (!images.has(row.path)) images.set(row.path, { path: row.path, labelIndex: classes.indexOf(row.label), predicted: row.predicted, grid: { width: row.width, height: row.height } });
    }
  }
  const decoded = new ByteLru<Decoded>(DECODED_BYTES, (d) => d.image.data.byteLength);
  const failed = new Set<string>();
  const decode = async (file: string): Promise<Decoded | null> => {
    const hit = decoded.get(file);
    if (hit) return hit;
    if (failed.has(file)) return null;
    try {
      const image = await decodeOriginal(path.join(context.root, file));
      const entry = { image, frame: mapFrame(image, config.preprocess) };
      decoded.set(file, entry);
      return entry;
    } catch (error) {
      if (!(error instanceof ImageDecodeError)) throw error;
      failed.add(file);
      return null;
    }
  };
  /** Edits images chunk by chunk and predicts them; null where an image could not be read. */
  const predictEdited = async <T>(items: readonly T[], edit: (item: T) => Promise<RgbImage | null>): Promise<(number | null)[]> => {
    const out: (number | null)[] = [];
    for (let start = 0; start < items.length; start += CHUNK) {
      const edited = await mapWithConcurrency(items.slice(start, start + CHUNK), DECODE_CONCURRENCY, async (item) => {
        const image = await edit(item);
        return image ? modelInput(image, config.inputSize, config.preprocess) : null;
      });
      const ready = edited.filter((image): image is RgbImage => image !== null);
      const probabilities = ready.length > 0 ? await context.predict(ready) : [];
      let next = 0;
      for (const image of edited) out.push(image === null ? null : argmaxOf(probabilities[next++]!));
    }
    return out;
  };

  const results: ClassConceptTests[] = [];
  for (const fit of fits) {
    const classIndex = classes.indexOf(fit.concepts.label);
    // Per concept, per image: the cells of its components there (the region removed).
    const cellsOf = fit.concepts.concepts.map(() => new Map<string, number[]>());
    // A typical image names its component by its centroid: the row to cut the prototype from.
    const componentOf = new Map<string, ComponentRow>();
    fit.rows.forEach((row, i) => {
      const concept = fit.assignment[i]!;
      if (concept < 0) return;
      const cells = storedCells(row.cells, row.width * row.height);
      const byImage = cellsOf[concept]!;
      byImage.set(row.path, [...(byImage.get(row.path) ?? []), ...cells]);
      componentOf.set(componentKey(row.path, { x: row.cx, y: row.cy }, concept), row);
    });
    const classImages = [...new Set(fit.rows.map((row) => row.path))].map((file) => images.get(file)!);
    const errorImages = classImages.filter((image) => image.predicted === classIndex && image.labelIndex >= 0 && image.labelIndex !== classIndex);
    const others = [...images.values()].filter((image) => image.predicted !== classIndex);
    const removed = async (image: ImageInfo, concept: number): Promise<RgbImage | null> => {
      const d = await decode(image.path);
      return d ? removeRegion(d.image, cellsOf[concept]!.get(image.path) ?? [], image.grid, d.frame) : null;
    };

    const tests: ConceptTest[] = [];
    for (const concept of fit.concepts.concepts) {
      const c = concept.concept;
      const notes: string[] = [];
      const seedOf = (test: number) => derivedSeed(options.seed, classIndex, c, test);

      const dominated = fit.concepts.assignments.filter((a) => a.dominant === c && a.predictedHere).map((a) => images.get(a.path)!);
      const flipSample = sample(dominated, options.caps.flips, seedOf(1));
      const flipped = await predictEdited(flipSample, (image) => removed(image, c));
      const flips = rateOf(flipped.filter((p) => p !== null && p !== classIndex).length, flipped.filter((p) => p !== null).length, seedOf(11));

      const containing = errorImages.filter((image) => cellsOf[c]!.has(image.path));
      const errorSample = sample(containing, options.caps.errors, seedOf(2));
      const fixedPredictions = await predictEdited(errorSample, (image) => removed(image, c));
      const fixedHits = fixedPredictions.filter((p, i) => p !== null && p === errorSample[i]!.labelIndex).length;
      const errorsFixed = rateOf(fixedHits, fixedPredictions.filter((p) => p !== null).length, seedOf(12));

      const transplantTest = await testTransplant(concept.typical, c, others, componentOf, { decode, predictEdited, cap: options.caps.transplant, seed: seedOf(3), classIndex });
      notes.push(...transplantTest.notes);
      const transplanted = transplantTest.hits === null ? null : rateOf(transplantTest.hits, transplantTest.n, seedOf(13));
      if (errorImages.length > 0 && containing.length === 0) notes.push(`none of the class's ${errorImages.length} errors contains it: no error to fix`);
      if (dominated.length === 0) notes.push('it dominates no image predicted as the class: no flip to count');

      // Among the images the model calls this class: a map of the label on a misclassified
      // image is wrong by construction, and would make any concept of such maps look guilty.
      const predictedHere = fit.concepts.assignments.filter((a) => a.predictedHere);
      const dominatedHere = predictedHere.filter((a) => a.dominant === c);
      const rest = predictedHere.filter((a) => a.dominant !== c);
      const correct = (list: readonly { correct: boolean }[]) => list.filter((a) => a.correct).length;
      const accuracyGap =
        dominatedHere.length > 0 && rest.length > 0 ? gapInterval({ yes: correct(rest), n: rest.length }, { yes: correct(dominatedHere), n: dominatedHere.length }, { seed: seedOf(14) }) : null;
      const verdict = shortcutVerdict({ errorsFixed, transplant: transplanted, accuracyGap, errors: errorImages.length, errorsContaining: containing.length });
      tests.push({ flips, errorsFixed, errors: errorImages.length, errorsContaining: containing.length, transplant: transplanted, notes, ...verdict });
    }
    if (failed.size > 0) tests.forEach((t) => t.notes.push(`${failed.size} images could not be read and were left out`));
    results.push({ label: fit.concepts.label, tests });
  }
  return results;
}

const componentKey = (file: string, centroid: { x: number; y: number }, concept: number) => `${file}\n${centroid.x}\n${centroid.y}\n${concept}`;

function argmaxOf(probabilities: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < probabilities.length; i++) if (probabilities[i]! > probabilities[best]!) best = i;
  return best;
}

interface Prototype {
  decoded: { image: RgbImage; frame: MapFrame };
  box: PixelBox;
}

async function testTransplant(
  typical: readonly { path: string; centroid: { x: number; y: number } }[],
  concept: number,
  others: readonly ImageInfo[],
  componentOf: ReadonlyMap<string, ComponentRow>,
  run: {
    decode(file: string): Promise<{ image: RgbImage; frame: MapFrame } | null>;
    predictEdited<T>(items: readonly T[], edit: (item: T) => Promise<RgbImage | null>): Promise<(number | null)[]>;
    cap: number;
    seed: number;
    classIndex: number;
  },
): Promise<{ hits: number | null; n: number; notes: string[] }> {
  if (others.length === 0) return { hits: null, n: 0, notes: ['no image is predicted as another class: nothing to paste it into'] };
  const prototypes: Prototype[] = [];
  let tooLarge = 0;
  let tried = 0;
  for (const t of typical) {
    if (prototypes.length >= TRANSPLANT_PROTOTYPES) break;
    const row = componentOf.get(componentKey(t.path, t.centroid, concept));
    if (!row) continue;
    const decoded = await run.decode(t.path);
    if (!decoded) continue;
    tried++;
    const box = regionBox(storedCells(row.cells, row.width * row.height), { width: row.width, height: row.height }, decoded.frame, decoded.image);
    if (!box) continue;
    if (coverShare(box, decoded.frame) > MAX_PROTOTYPE_COVER) {
      tooLarge++;
      continue;
    }
    prototypes.push({ decoded, box });
  }
  if (prototypes.length === 0) {
    const why =
      tooLarge > 0
        ? `not pasted: its typical regions cover more than ${Math.round(MAX_PROTOTYPE_COVER * 100)} % of the image (${tooLarge} of ${tried}), and pasting a whole object over another proves nothing`
        : 'not pasted: no typical region of it could be read';
    return { hits: null, n: 0, notes: [why] };
  }
  const targets = sample(others, run.cap, run.seed);
  const predictions = await run.predictEdited(
    targets.map((target, i) => ({ target, prototype: prototypes[i % prototypes.length]! })),
    async ({ target, prototype }) => {
      const d = await run.decode(target.path);
      return d ? transplant(prototype.decoded.image, prototype.box, prototype.decoded.frame, d.image, d.frame) : null;
    },
  );
  const notes = tooLarge > 0 ? [`${tooLarge} of its typical regions cover more than ${Math.round(MAX_PROTOTYPE_COVER * 100)} % of the image and were not pasted`] : [];
  return { hits: predictions.filter((p) => p === run.classIndex).length, n: predictions.filter((p) => p !== null).length, notes };
}
