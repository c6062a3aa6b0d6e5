/**
 * Concepts of one class: its images' evidence components clustered by what they look
 * like, then every image summarised by how much of its evidence sits on each concept.
 */
import { seededRandom } from '../../../shared/random';
import { assignNearest, sphericalKMeansOn, unitPoints, type UnitPoints } from './kmeans';
import { chooseKOn } from './silhouette';

export interface ConceptComponent {
  imageId: string | number;
  /** Descriptor (describe.ts), unit length or zero. */
  vector: ArrayLike<number>;
  /**
   * Its weight: the component's share of its map counts every image alike; its raw
   * mass lets images with stronger maps count more.
   */
  mass: number;
  /** Centre in [0, 1] map coordinates. */
  centroid: { x: number; y: number };
}

export interface ConceptOptions {
  /** Number of concepts; chosen by silhouette in [minK, maxK] when absent. */
  k?: number;
  minK?: number;
  maxK?: number;
  seed: number;
  /** Chosen concepts closer than this cosine are merged (MERGE_COSINE); not applied to a given k. */
  mergeCosine?: number;
  /** Share of the class's images the fit is made on; all are assigned afterwards. */
  sampleShare?: number;
  /** The sample grows, image by image, until it holds at least this many components (or all). */
  minSampleComponents?: number;
  restarts?: number;
  maxIterations?: number;
  tolerance?: number;
}

export interface Concept {
  /** 0-based, by evidence share in the class, largest first. */
  id: number;
  /** Unit direction in descriptor space. */
  centroid: Float32Array;
  /** Summed mass of its components. */
  mass: number;
  /** mass / the class's total mass over all components. */
  share: number;
  /** Images with at least one component of it. */
  images: number;
  /** Images whose dominant concept it is. */
  dominated: number;
  /**
   * Its mass by where its components' centroids sit, 3x3 row-major (top-left first),
   * summing to 1.
   */
  location: Float64Array;
  /** Mass-weighted mean of its components' centroids. */
  meanCentroid: { x: number; y: number };
}

export interface ImageConcepts {
  imageId: string | number;
  /** Mass per concept, indexed by concept id. */
  masses: Float64Array;
  /** Concept with the most mass; -1 when the image has no assigned mass. */
  dominant: number;
  /** The second concept's mass is at least half the dominant's. */
  mixed: boolean;
}

export interface ConceptFit {
  concepts: Concept[];
  /** Per image, in order of first appearance in the input. */
  images: ImageConcepts[];
  /** Concept id of every input component; -1 for a zero descriptor. */
  assignment: Int32Array;
  /** Silhouette per k tried (empty when k was given). */
  scores: { k: number; silhouette: number }[];
  /** Images and components the centroids were fitted on. */
  sample: { images: number; components: number };
}

export const DEFAULT_SAMPLE_SHARE = 0.25;

/**
 * Concepts whose centroids point this nearly the same way are one concept. The
 * silhouette picks k in 2..6, so a class with one kind of evidence is always cut in two:
 * on the planted badge the two halves (left and right corner) had centroid cosines of
 * 0.9994, on the demo's scrubs 0.9997, while distinct things (a patch against a ring, the
 * parts of a cross) stayed at 0.84-0.95. Merging at 0.99 keeps those apart.
 */
export const MERGE_COSINE = 0.99;

/**
 * Merges the closest pair of centroids while their cosine is at least `threshold`; a
 * merged centroid is the mass-weighted mean of the two (their masses from the sample's
 * nearest assignment), at unit length.
 */
export function mergeAlike(centroids: readonly Float32Array[], sample: UnitPoints, threshold: number): Float32Array[] {
  const assignment = new Int32Array(sample.n);
  assignNearest(sample, centroids.map((c) => Float64Array.from(c)), assignment);
  const groups = centroids.map((c, i) => {
    let mass = 0;
    for (let p = 0; p < sample.n; p++) if (assignment[p] === i) mass += sample.weight[p]!;
    return { centroid: Float64Array.from(c), mass };
  });
  const cosine = (a: Float64Array, b: Float64Array) => a.reduce((sum, v, d) => sum + v * b[d]!, 0);
  for (;;) {
    let best: [number, number] | null = null;
    let bestCosine = threshold;
    for (let a = 0; a < groups.length; a++) {
      for (let b = a + 1; b < groups.length; b++) {
        const c = cosine(groups[a]!.centroid, groups[b]!.centroid);
        if (c >= bestCosine) [best, bestCosine] = [[a, b], c];
      }
    }
    if (!best) break;
    const [a, b] = [groups[best[0]]!, groups[best[1]]!];
    const mass = a.mass + b.mass;
    // Two empty centroids (no sampled point nearest either) merge as equals.
    const [wa, wb] = mass > 0 ? [a.mass / mass, b.mass / mass] : [0.5, 0.5];
    const merged = a.centroid.map((v, d) => wa * v + wb * b.centroid[d]!);
    const norm = Math.hypot(...merged);
    groups.splice(best[1], 1);
    groups[best[0]] = { centroid: norm > 0 ? merged.map((v) => v / norm) : merged, mass };
  }
  return groups.map((g) => Float32Array.from(g.centroid));
}
export const DEFAULT_MIN_SAMPLE_COMPONENTS = 200;

/**
 * A seeded share of whole images: the components of one image are not independent
 * (the badge and the object of the same picture), so they are sampled together.
 */
function sampleImages(order: readonly (string | number)[], byImage: Map<string | number, number[]>, share: number, minComponents: number, seed: number): number[] {
  const shuffled = [...order];
  const random = seededRandom(seed);
  for (let i = shuffled.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
  }
  const wantImages = Math.ceil(Math.min(1, Math.max(0, share)) * shuffled.length);
  const picked: number[] = [];
  let images = 0;
  for (const id of shuffled) {
    if (images >= wantImages && picked.length >= minComponents) break;
    picked.push(...byImage.get(id)!);
    images++;
  }
  return picked.sort((a, b) => a - b);
}

function subset(points: UnitPoints, rows: readonly number[]): UnitPoints {
  const { dim } = points;
  const data = new Float64Array(rows.length * dim);
  const nonZero = new Uint8Array(rows.length);
  const weight = new Float64Array(rows.length);
  rows.forEach((row, i) => {
    data.set(points.data.subarray(row * dim, (row + 1) * dim), i * dim);
    nonZero[i] = points.nonZero[row]!;
    weight[i] = points.weight[row]!;
  });
  return { n: rows.length, dim, data, nonZero, weight };
}

function locationBin(v: number): number {
  return Math.min(2, Math.max(0, Math.floor(v * 3)));
}

/**
 * Fits one class's concepts on a seeded sample of its images and applies them to every
 * component. Deterministic for a seed and an input order.
 */
export function fitConcepts(components: readonly ConceptComponent[], options: ConceptOptions): ConceptFit {
  const points = unitPoints(
    components.map((c) => c.vector),
    components.map((c) => c.mass),
  );
  const order: (string | number)[] = [];
  const byImage = new Map<string | number, number[]>();
  components.forEach((c, i) => {
    let list = byImage.get(c.imageId);
    if (!list) {
      list = [];
      byImage.set(c.imageId, list);
      order.push(c.imageId);
    }
    list.push(i);
  });

  const rows = sampleImages(order, byImage, options.sampleShare ?? DEFAULT_SAMPLE_SHARE, options.minSampleComponents ?? DEFAULT_MIN_SAMPLE_COMPONENTS, options.seed);
  const sampled = subset(points, rows);
  const sampledImages = new Set(rows.map((r) => components[r]!.imageId)).size;
  const fitOptions = { seed: options.seed, restarts: options.restarts, maxIterations: options.maxIterations, tolerance: options.tolerance };
  let centroids: Float32Array[];
  let scores: { k: number; silhouette: number }[] = [];
  if (options.k !== undefined) {
    centroids = sphericalKMeansOn(sampled, options.k, fitOptions).centroids;
  } else {
    const chosen = chooseKOn(sampled, { ...fitOptions, min: options.minK, max: options.maxK });
    centroids = mergeAlike(chosen.fit.centroids, sampled, options.mergeCosine ?? MERGE_COSINE);
    scores = chosen.scores;
  }

  const raw = new Int32Array(components.length);
  assignNearest(points, centroids.map((c) => Float64Array.from(c)), raw);
  const k = centroids.length;
  const rawMass = new Float64Array(k);
  for (let i = 0; i < components.length; i++) if (raw[i]! >= 0) rawMass[raw[i]!]! += points.weight[i]!;
  // Ids by share, largest first (ties: the earlier centroid), so id 0 is the main concept.
  const ranked = Array.from({ length: k }, (_, c) => c).sort((a, b) => rawMass[b]! - rawMass[a]! || a - b);
  const idOf = new Int32Array(k);
  ranked.forEach((c, id) => (idOf[c] = id));
  const assignment = raw.map((a) => (a < 0 ? -1 : idOf[a]!));

  let total = 0;
  for (let i = 0; i < components.length; i++) total += points.weight[i]!;
  const concepts: Concept[] = ranked.map((c, id) => ({
    id,
    centroid: centroids[c]!,
    mass: 0,
    share: 0,
    images: 0,
    dominated: 0,
    location: new Float64Array(9),
    meanCentroid: { x: 0, y: 0 },
  }));
  for (let i = 0; i < components.length; i++) {
    const id = assignment[i]!;
    if (id < 0) continue;
    const w = points.weight[i]!;
    const concept = concepts[id]!;
    const { x, y } = components[i]!.centroid;
    concept.mass += w;
    concept.location[locationBin(y) * 3 + locationBin(x)]! += w;
    concept.meanCentroid.x += w * x;
    concept.meanCentroid.y += w * y;
  }
  for (const concept of concepts) {
    concept.share = total > 0 ? concept.mass / total : 0;
    if (concept.mass > 0) {
      for (let b = 0; b < 9; b++) concept.location[b]! /= concept.mass;
      concept.meanCentroid.x /= concept.mass;
      concept.meanCentroid.y /= concept.mass;
    }
  }

  const images: ImageConcepts[] = order.map((imageId) => {
    const masses = new Float64Array(k);
    const present = new Uint8Array(k);
    for (const i of byImage.get(imageId)!) {
      const id = assignment[i]!;
      if (id < 0) continue;
      masses[id]! += points.weight[i]!;
      present[id] = 1;
    }
    for (let id = 0; id < k; id++) if (present[id]) concepts[id]!.images++;
    let dominant = -1;
    let first = 0;
    let second = 0;
    for (let id = 0; id < k; id++) {
      const m = masses[id]!;
      if (m > first) {
        second = first;
        first = m;
        dominant = id;
      } else if (m > second) second = m;
    }
    if (dominant >= 0) concepts[dominant]!.dominated++;
    return { imageId, masses, dominant, mixed: dominant >= 0 && second > 0 && second >= first / 2 };
  });

  return { concepts, images, assignment, scores, sample: { images: sampledImages, components: rows.length } };
}
