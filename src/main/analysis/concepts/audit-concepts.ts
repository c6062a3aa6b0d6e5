/**
 * Concepts over an audit: per explained class, the evidence components of every map
 * explaining it (an image's predicted class, and its label where the audit has it), fitted
 * into concepts; per concept what a person needs to judge it (its share of the class's
 * evidence, the images containing and dominated by it, where it sits, the most typical
 * images, and the accuracy of the images it dominates against the rest).
 */
import type { ComponentRow } from '../../store';
import { fitConcepts, type ImageConcepts } from './concepts';
import { storedCells, storedVector } from './stored';

export const TYPICAL_IMAGES = 10;
const LOCATION_WORDS = ['top-left', 'top', 'top-right', 'left', 'centre', 'right', 'bottom-left', 'bottom', 'bottom-right'];
/** A ninth holding at least this share of a concept's mass is named in its place. */
const WHERE_SHARE = 0.25;
/** Pairs of ninths with a shorter name together. */
const PAIR_WORDS: Readonly<Record<string, string>> = {
  'top-left and top-right': 'top corners',
  'bottom-left and bottom-right': 'bottom corners',
  'top-left and bottom-left': 'left corners',
  'top-right and bottom-right': 'right corners',
};

/**
 * Where a concept sits, in words: the ninths holding at least a quarter of its mass,
 * largest first ("top corners" for a badge in either top corner, "centre"); the largest
 * alone when none does (a concept spread everywhere).
 */
export function whereWords(location: readonly number[]): string {
  const cells = location
    .map((share, cell) => ({ share, cell }))
    .filter(({ share }) => share >= WHERE_SHARE)
    .sort((a, b) => b.share - a.share || a.cell - b.cell);
  if (cells.length === 0) return LOCATION_WORDS[location.indexOf(Math.max(...location))]!;
  const words = cells.map(({ cell }) => LOCATION_WORDS[cell]!);
  const pair = [...cells].sort((a, b) => a.cell - b.cell).map(({ cell }) => LOCATION_WORDS[cell]!).join(' and ');
  return PAIR_WORDS[pair] ?? words.join(' and ');
}

export interface AuditConcept {
  concept: number;
  share: number;
  images: number;
  dominated: number;
  /** Mass by 3x3 position of the components' centres, row-major from the top left. */
  location: number[];
  /** The position holding most of its mass, in words. */
  where: string;
  meanCentroid: { x: number; y: number };
  /** Share of the images it dominates that the model gets right; null when it dominates none. */
  accuracyDominated: number | null;
  /** The same for the rest of the class's images. */
  accuracyRest: number | null;
  /** The images whose components are nearest its centre, most typical first. */
  typical: TypicalImage[];
}

/** One of a concept's most typical images, with the component that made it typical. */
export interface TypicalImage {
  path: string;
  cosine: number;
  centroid: { x: number; y: number };
  imageId: number;
  /** The component's cells on the map grid (row-major indices), ascending: where to crop. */
  cells: number[];
  /** The map's grid. */
  grid: { width: number; height: number };
  /** The image's oriented size in pixels; null when the store does not know it yet. */
  image: { width: number; height: number } | null;
}

export interface ClassConcepts {
  /** The class the maps explain. */
  label: string;
  /** Images whose map of this class has evidence components. */
  images: number;
  components: number;
  /** Silhouette per k tried. */
  scores: { k: number; silhouette: number }[];
  concepts: AuditConcept[];
  /** Per image: its dominant concept (-1 for an empty map) and whether it is mixed. */
  assignments: { path: string; correct: boolean; predictedHere: boolean; dominant: number; mixed: boolean }[];
}

export interface AuditConceptOptions {
  seed?: number;
  /** Concepts per class instead of the silhouette's choice. */
  k?: number;
}

/**
 * One class's concepts with the components they were fitted on: what a view needs to
 * find a concept's regions on each image (the export needs only `concepts`).
 */
export interface ClassConceptFit {
  concepts: ClassConcepts;
  /** The class's components, in the store's order. */
  rows: readonly ComponentRow[];
  /** Concept of each row; -1 for a zero descriptor. */
  assignment: Int32Array;
  /** Per concept, the rows of its typical images' components, in `typical`'s order. */
  typicalRows: number[][];
}

/** Concepts of every class the components' maps explain, in the classes' order. */
export function auditConcepts(rows: readonly ComponentRow[], classes: readonly string[], options: AuditConceptOptions = {}): ClassConcepts[] {
  return auditConceptFits(rows, classes, options).map((fit) => fit.concepts);
}

/** auditConcepts with each class's components and their concepts. */
export function auditConceptFits(rows: readonly ComponentRow[], classes: readonly string[], options: AuditConceptOptions = {}): ClassConceptFit[] {
  const byTarget = new Map<number, ComponentRow[]>();
  for (const row of rows) {
    const list = byTarget.get(row.target) ?? [];
    list.push(row);
    byTarget.set(row.target, list);
  }
  return [...byTarget.keys()].sort((a, b) => a - b).flatMap((target) => {
    const label = classes[target];
    return label === undefined ? [] : [classConcepts(label, classes, byTarget.get(target)!, options)];
  });
}

function classConcepts(label: string, classes: readonly string[], rows: readonly ComponentRow[], options: AuditConceptOptions): ClassConceptFit {
  const vectors = rows.map((row) => storedVector(row.descriptor));
  const fit = fitConcepts(
    rows.map((row, i) => ({ imageId: row.imageId, vector: vectors[i]!, mass: row.share, centroid: { x: row.cx, y: row.cy } })),
    { seed: options.seed ?? 1, ...(options.k === undefined ? {} : { k: options.k }) },
  );
  const imageRow = new Map<number, ComponentRow>();
  for (const row of rows) if (!imageRow.has(row.imageId)) imageRow.set(row.imageId, row);
  const correct = (row: ComponentRow) => row.predicted === classes.indexOf(row.label);
  const byImage = new Map<number | string, ImageConcepts>(fit.images.map((image) => [image.imageId, image]));
  const assignments = [...imageRow.values()].map((row) => {
    const image = byImage.get(row.imageId);
    return { path: row.path, correct: correct(row), predictedHere: row.predicted === row.target, dominant: image?.dominant ?? -1, mixed: image?.mixed ?? false };
  });
  const accuracy = (list: readonly { correct: boolean }[]) => (list.length === 0 ? null : list.filter((a) => a.correct).length / list.length);
  const typicalRows: number[][] = [];
  const concepts = fit.concepts.map((concept): AuditConcept => {
    const members = rows.map((row, i) => ({ row, i })).filter(({ i }) => fit.assignment[i] === concept.id);
    const cosine = (i: number) => vectors[i]!.reduce((sum, v, c) => sum + v * concept.centroid[c]!, 0);
    const seen = new Set<number>();
    const nearest = members
      .map(({ row, i }) => ({ row, i, cosine: cosine(i) }))
      .sort((a, b) => b.cosine - a.cosine)
      .filter(({ row }) => !seen.has(row.imageId) && seen.add(row.imageId))
      .slice(0, TYPICAL_IMAGES);
    typicalRows.push(nearest.map(({ i }) => i));
    const typical = nearest.map(
      ({ row, cosine: c }): TypicalImage => ({
        path: row.path,
        cosine: c,
        centroid: { x: row.cx, y: row.cy },
        imageId: row.imageId,
        cells: storedCells(row.cells, row.width * row.height),
        grid: { width: row.width, height: row.height },
        image: row.imageWidth === null || row.imageHeight === null ? null : { width: row.imageWidth, height: row.imageHeight },
      }),
    );
    const location = [...concept.location];
    return {
      concept: concept.id,
      share: concept.share,
      images: concept.images,
      dominated: concept.dominated,
      location,
      where: whereWords(location),
      meanCentroid: concept.meanCentroid,
      accuracyDominated: accuracy(assignments.filter((a) => a.dominant === concept.id)),
      accuracyRest: accuracy(assignments.filter((a) => a.dominant !== concept.id)),
      typical,
    };
  });
  return {
    concepts: { label, images: imageRow.size, components: rows.length, scores: fit.scores, concepts, assignments },
    rows,
    assignment: fit.assignment,
    typicalRows,
  };
}
