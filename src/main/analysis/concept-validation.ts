/**
 * Concepts judged against where a model truly looks, on a dataset whose shortcut is
 * known (a planted cue with its boxes): per class, each image's map of its own class is
 * "on the cue" when at least half its mass sits on the cue, else "on the object"; the
 * image's dominant concept, and its SpRAy cluster, are then scored against that truth
 * (cluster-agreement.ts). The mass is measured as the audit measures a region
 * (attentionStats: the stored map through its frame).
 *
 * "On the cue" is the cue's box grown by one map cell, less the object's box: a map
 * cannot place evidence finer than its cells, and upsampled it spills a cell's worth
 * past a small box. Measured on the planted badge (8 pixels, two cells of a 16x16 map),
 * the bare box held at most 44 % of a `cross` map (a median of 33 %) although every one
 * of those maps peaked inside it and the model was wrong on every test image where the
 * badge and the shape disagree: the bare box would call all of them "on the object".
 *
 * Two truths are scored, because a small cue and a large object share a map unevenly: by
 * all the map's mass, and by its evidence, the mass of the cells at or above half the
 * map's maximum (the cells evidence components are made of). On the planted patch, every
 * patched ring's map peaks in the patch, but the ring, many times larger, holds more of
 * the faint mass: by all mass only 34 of 174 patched rings look at the patch.
 */
import { decodeMap } from '../../shared/map-codec';
import { mapFrame, type Framing, type Size } from '../../shared/map-frame';
import type { RegionBox } from '../library/types';
import type { ClassMapRow } from '../store';
import { attentionStats } from './attention';
import { clusterAgreement, type Agreement } from './cluster-agreement';
import type { ClassConcepts } from './concepts';
import type { ClassClusters } from './spray/audit-clusters';

export type Focus = 'cue' | 'object';

/** Share of the map's mass in the cue from which the map counts as looking at it. */
export const CUE_FOCUS_MASS = 0.5;

type Box = Omit<RegionBox, 'name'>;

/** What is known of an image: its size in pixels, the cue's boxes (none where it has no cue) and the object's. */
export interface KnownImage {
  size: Size;
  cue: readonly Box[];
  object: readonly Box[];
}

/** Share of the map's maximum below which a cell is not evidence (as evidence components cut it). */
export const EVIDENCE_FLOOR = 0.5;

export interface TruthAgreement {
  /** Images whose map sits on the cue. */
  onCue: number;
  /** Dominant concept (an empty map counts as its own group) against the truth. */
  concepts: Agreement;
  spray: Agreement;
}

export interface ClassValidation {
  label: string;
  /** Images of the class (by label) with a map of their class and a known truth. */
  images: number;
  /** The truth by all the map's mass. */
  byMass: TruthAgreement;
  /** The truth by the map's evidence, its cells at or above EVIDENCE_FLOOR of its maximum. */
  byEvidence: TruthAgreement;
}

/**
 * Share of a map's positive mass on the cue: in the cue's boxes grown by `margin` map
 * cells, and not in the object's boxes, through the map's frame. With `floor`, only the
 * cells at or above that share of the map's maximum count.
 */
export function cueMass(row: Pick<ClassMapRow, 'width' | 'height' | 'max' | 'map'>, image: KnownImage, framing?: Framing, options: { margin?: number; floor?: number } = {}): number {
  if (image.cue.length === 0) return 0;
  const margin = options.margin ?? 1;
  const map = decodeMap({ width: row.width, height: row.height, max: row.max, bytes: row.map });
  if (options.floor !== undefined) {
    const cut = options.floor * Math.max(0, ...map.data);
    for (let i = 0; i < map.data.length; i++) if (map.data[i]! < cut) map.data[i] = 0;
  }
  const frame = mapFrame(image.size, framing);
  const dx = (margin * frame.width) / map.width;
  const dy = (margin * frame.height) / map.height;
  const grown = image.cue.map((b) => ({ x0: b.x0 - dx, y0: b.y0 - dy, x1: b.x1 + dx, y1: b.y1 + dy }));
  // Regions sharing a name are one union: (cue ∪ object) - object is the cue less the object.
  const regions = [...grown.map((b) => ({ ...b, name: 'cue+object' })), ...image.object.flatMap((b) => [{ ...b, name: 'cue+object' }, { ...b, name: 'object' }])];
  const mass = new Map(attentionStats(map, image.size, regions, { frame }).regions.map((r) => [r.name, r.mass]));
  return (mass.get('cue+object') ?? 0) - (mass.get('object') ?? 0);
}

export const focusOf = (mass: number): Focus => (mass >= CUE_FOCUS_MASS ? 'cue' : 'object');

/**
 * Per class: the truth of each image's own-class map, and how the concepts' dominant
 * concept and SpRAy's clusters agree with it. Images without a known truth are left out.
 * @param ownMaps each image's map of its own label (store.ownClassMaps), as SpRAy clusters them
 */
export function validateConcepts(
  ownMaps: readonly ClassMapRow[],
  concepts: readonly ClassConcepts[],
  clusters: readonly ClassClusters[],
  known: ReadonlyMap<string, KnownImage>,
  framing?: Framing,
): ClassValidation[] {
  return concepts.flatMap((classConcepts) => {
    const label = classConcepts.label;
    const dominant = new Map(classConcepts.assignments.map((a) => [a.path, a.dominant]));
    const sprayCluster = new Map((clusters.find((c) => c.label === label)?.images ?? []).map((image) => [image.path, image.cluster]));
    const rows = ownMaps.filter((row) => row.label === label && known.has(row.path) && sprayCluster.has(row.path));
    if (rows.length === 0) return [];
    const conceptOf = rows.map((row) => dominant.get(row.path) ?? -1);
    const clusterOf = rows.map((row) => sprayCluster.get(row.path)!);
    const score = (floor: number | undefined): TruthAgreement => {
      const truth = rows.map((row) => focusOf(cueMass(row, known.get(row.path)!, framing, floor === undefined ? {} : { floor })));
      return { onCue: truth.filter((t) => t === 'cue').length, concepts: clusterAgreement(truth, conceptOf), spray: clusterAgreement(truth, clusterOf) };
    };
    return [{ label, images: rows.length, byMass: score(undefined), byEvidence: score(EVIDENCE_FLOOR) }];
  });
}
