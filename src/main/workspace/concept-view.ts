/**
 * The concept view of one class: the region-free concepts of an audit's maps
 * (analysis/concepts), shaped for the app. Each typical image carries the box of its
 * component in fractions of the image, through the model's frame, so a crop shows what
 * the map pointed at even for a centre-cropped model; each concept lists the content
 * ids of the images it dominates, so one click filters the grid or tags them.
 */
import { CallError } from '../../shared/api';
import { CONCEPT_CROPS, type ClassConceptsView, type ConceptCrop, type ConceptView, type ImageBox } from '../../shared/concepts';
import { mapFrame, type Framing } from '../../shared/map-frame';
import { auditConceptFits, storedCells, type ClassConceptFit } from '../analysis/concepts';
import { confinedPath } from '../images/confine';
import type { ComponentRow, GridScope, Store } from '../store';
import { componentsFingerprint } from './concepts';

/** Seed of the fit when the request names none: the export's default too. */
export { DEFAULT_CONCEPT_SEED } from '../../shared/concepts';

/** The view without what is read at each call (tags, names, tests): cached until results change. */
export type ConceptLayout = Omit<ClassConceptsView, 'tagged' | 'concepts' | 'tests' | 'testCaps'> & {
  concepts: Omit<ConceptView, 'name' | 'role' | 'test'>[];
};

export interface ConceptFitInput {
  store: Store;
  scope: GridScope;
  k?: number | undefined;
  seed: number;
}

/** Every class's concepts of an audit, with what finds their stored causal tests. */
export interface AuditConceptFits {
  fits: ClassConceptFit[];
  descriptorLayer: string;
  /** Of the components fitted: stored tests count only if they ran on the same. */
  fingerprint: string;
}

/** Every class's concepts of an audit; the errors say what the audit lacks. */
export function conceptFits({ store, scope, k, seed }: ConceptFitInput): AuditConceptFits {
  if (scope.setId < 0) throw new CallError('not-found', 'this audit has no results yet: run it first');
  const [layer] = store.descriptorLayers(scope.setId);
  if (layer === undefined) {
    throw new CallError('invalid-input', 'this audit described no map: audit with concepts on (the audit dialog\'s "Find concepts", or biascope audit --concepts)');
  }
  const rows = store.componentRows(scope.datasetId, scope.modelId, scope.setId, layer);
  const fits = auditConceptFits(rows, scope.classes, { seed, ...(k === undefined ? {} : { k }) });
  return { fits, descriptorLayer: layer, fingerprint: componentsFingerprint(rows) };
}

/** The class the request names, checked against the model's classes. */
export function requireConceptClass(scope: GridScope, label: string): void {
  if (!scope.classes.includes(label)) {
    throw new CallError('not-found', `the model has no class ${JSON.stringify(label)}; it has ${scope.classes.join(', ')}`);
  }
}

/** The bounding box of a component's cells, in fractions of the map grid. */
export function cellsBox(row: Pick<ComponentRow, 'cells' | 'width' | 'height'>): ImageBox {
  const cells = storedCells(row.cells, row.width * row.height);
  let [x0, y0, x1, y1] = [row.width, row.height, 0, 0];
  for (const cell of cells) {
    const x = cell % row.width;
    const y = Math.floor(cell / row.width);
    x0 = Math.min(x0, x);
    y0 = Math.min(y0, y);
    x1 = Math.max(x1, x + 1);
    y1 = Math.max(y1, y + 1);
  }
  if (cells.length === 0) return { x0: 0, y0: 0, x1: 1, y1: 1 };
  return { x0: x0 / row.width, y0: y0 / row.height, x1: x1 / row.width, y1: y1 / row.height };
}

/** Fractions of the map as fractions of the image: the map covers the model's frame of it. */
export function mapToImage(box: ImageBox, image: { width: number | null; height: number | null }, framing: Framing | undefined): ImageBox {
  if (image.width === null || image.height === null || image.width <= 0 || image.height <= 0) return box;
  const size = { width: image.width, height: image.height };
  const frame = mapFrame(size, framing);
  const clip = (v: number) => Math.min(1, Math.max(0, v));
  return {
    x0: clip((frame.x + box.x0 * frame.width) / size.width),
    y0: clip((frame.y + box.y0 * frame.height) / size.height),
    x1: clip((frame.x + box.x1 * frame.width) / size.width),
    y1: clip((frame.y + box.y1 * frame.height) / size.height),
  };
}

/** Whether an image point (fractions) falls on one of a component's cells, through the frame. */
function onCells(row: ComponentRow, framing: Framing | undefined): (fx: number, fy: number) => boolean {
  const cells = new Set(storedCells(row.cells, row.width * row.height));
  const whole = { x: 0, y: 0, width: 1, height: 1 };
  const frame = row.imageWidth && row.imageHeight ? mapFrame({ width: row.imageWidth, height: row.imageHeight }, framing) : null;
  const f = frame && row.imageWidth && row.imageHeight
    ? { x: frame.x / row.imageWidth, y: frame.y / row.imageHeight, width: frame.width / row.imageWidth, height: frame.height / row.imageHeight }
    : whole;
  return (fx, fy) => {
    const mx = (fx - f.x) / f.width;
    const my = (fy - f.y) / f.height;
    if (mx < 0 || my < 0 || mx >= 1 || my >= 1) return false;
    return cells.has(Math.floor(my * row.height) * row.width + Math.floor(mx * row.width));
  };
}

export interface ConceptLayoutInput {
  fit: ClassConceptFit;
  classes: readonly string[];
  framing: Framing | undefined;
  /** The dataset's folder, for the typical images' pixels. */
  root: string;
  seed: number;
}

/** One class's concepts for the app: boxes through the frame, mean colours from the typical images' pixels. */
export async function conceptLayout({ fit, classes, framing, root, seed }: ConceptLayoutInput): Promise<ConceptLayout> {
  // The colours read images: sharp loads with the first view, not with the app.
  const { regionColourSum } = await import('../library/region-colour');
  const contentOf = new Map(fit.rows.map((row) => [row.path, row.contentId]));
  const concepts = await Promise.all(
    fit.concepts.concepts.map(async (concept, c) => {
      const rows = (fit.typicalRows[c] ?? []).slice(0, CONCEPT_CROPS).map((i) => fit.rows[i]!);
      const typical = rows.map(
        (row): ConceptCrop => ({
          imageId: row.imageId,
          contentId: row.contentId,
          path: row.path,
          box: mapToImage(cellsBox(row), { width: row.imageWidth, height: row.imageHeight }, framing),
          correct: row.predicted === classes.indexOf(row.label),
        }),
      );
      const total = { r: 0, g: 0, b: 0, pixels: 0 };
      for (const row of rows) {
        try {
          const sum = await regionColourSum(await confinedPath(root, row.path), onCells(row, framing));
          total.r += sum.r;
          total.g += sum.g;
          total.b += sum.b;
          total.pixels += sum.pixels;
        } catch {
          // A file gone or unreadable since the audit: the others still say the colour.
        }
      }
      const dominated = fit.concepts.assignments.filter((a) => a.dominant === concept.concept).map((a) => contentOf.get(a.path)!);
      return {
        index: concept.concept,
        share: concept.share,
        images: concept.images,
        dominated: concept.dominated,
        location: concept.location,
        where: concept.where,
        meanColour: total.pixels === 0 ? null : { r: total.r / total.pixels, g: total.g / total.pixels, b: total.b / total.pixels },
        accuracyDominated: concept.accuracyDominated,
        accuracyRest: concept.accuracyRest,
        typical,
        dominatedContentIds: [...new Set(dominated)],
      };
    }),
  );
  const { label, images, components, scores } = fit.concepts;
  return { label, images, components, scores, seed, concepts };
}

/** The layout of a class with no evidence components: no concepts, said plainly by the view. */
export function emptyConceptLayout(label: string, seed: number): ConceptLayout {
  return { label, images: 0, components: 0, scores: [], seed, concepts: [] };
}
