/**
 * The comparison of two audits of one dataset, image by image: for every class (and
 * every class x attribute value) each audit's accuracy, share of spurious focus and
 * mean mass per region, the change from A to B, and how many images B got right that
 * A got wrong and the reverse.
 *
 * Each side's numbers are over the images that side explained, as the class list of
 * that audit shows them; flips need both, so they count only images both explained.
 */
import type { CompareRow, CompareSide } from '../../shared/compare';
import type { SpuriousRules } from '../../shared/suggestions';
import { NO_GROUP } from './rebalance';
import { judgeFocus } from './suggestions';

/** One image of the dataset as one audit saw it. */
export interface AuditedImage {
  /** Relative to the dataset root: what matches an image across the two audits. */
  path: string;
  label: string;
  attributes: Readonly<Record<string, string>>;
  /** The predicted class; null when this audit stored no map of it (not explained). */
  predicted: string | null;
  /** Share of the predicted class's map on each region, by region name. */
  masses: ReadonlyMap<string, number>;
}

export interface CompareOptions {
  /** An attribute to split classes by; null for whole classes only. */
  groupBy: string | null;
  /** Spurious share is computed only when at least one region is spurious. */
  rules: SpuriousRules;
  /** Region names, in the order of each row's masses. */
  regions: readonly string[];
}

export interface Comparison {
  rows: CompareRow[];
  both: number;
  onlyA: number;
  onlyB: number;
}

interface Pair {
  label: string;
  attributes: Readonly<Record<string, string>>;
  a: AuditedImage | undefined;
  b: AuditedImage | undefined;
}

const explained = (image: AuditedImage | undefined): image is AuditedImage & { predicted: string } =>
  image !== undefined && image.predicted !== null;

function mean(values: readonly number[]): number | null {
  return values.length === 0 ? null : values.reduce((sum, v) => sum + v, 0) / values.length;
}

/** Rounding can lift a mean of shares a hair past 1; the contract says 0..1. */
const share = (value: number) => Math.min(1, Math.max(0, value));

function side(images: readonly (AuditedImage | undefined)[], options: CompareOptions): CompareSide {
  const audited = images.filter(explained);
  const judged = options.rules.spurious.length > 0;
  return {
    audited: audited.length,
    accuracy: mean(audited.map((image) => (image.predicted === image.label ? 1 : 0))),
    spurious: judged ? mean(audited.map((image) => (judgeFocus(image.masses, options.rules).reason === null ? 0 : 1))) : null,
    mass: options.regions.map((region) => ({ region, mean: share(mean(audited.map((image) => image.masses.get(region) ?? 0)) ?? 0) })),
  };
}

const minus = (b: number | null, a: number | null) => (a === null || b === null ? null : Math.min(1, Math.max(-1, b - a)));

function row(label: string, group: string | null, pairs: readonly Pair[], options: CompareOptions): CompareRow {
  const a = side(pairs.map((p) => p.a), options);
  const b = side(pairs.map((p) => p.b), options);
  let fixed = 0;
  let broken = 0;
  for (const pair of pairs) {
    if (!explained(pair.a) || !explained(pair.b)) continue;
    const rightA = pair.a.predicted === pair.label;
    const rightB = pair.b.predicted === pair.label;
    if (!rightA && rightB) fixed++;
    if (rightA && !rightB) broken++;
  }
  return {
    label,
    group,
    images: pairs.length,
    a,
    b,
    delta: {
      accuracy: minus(b.accuracy, a.accuracy),
      spurious: minus(b.spurious, a.spurious),
      mass: a.mass.map((m, i) => ({ region: m.region, delta: minus(b.mass[i]!.mean, m.mean)! })),
    },
    fixed,
    broken,
  };
}

/**
 * Rows sorted by class; within a class the whole-class row first, then its groups
 * (numbers in numeric order). Images missing from one audit's rows count as not
 * explained by it.
 */
export function compareAudits(a: readonly AuditedImage[], b: readonly AuditedImage[], options: CompareOptions): Comparison {
  const pairs = new Map<string, Pair>();
  for (const image of a) pairs.set(image.path, { label: image.label, attributes: image.attributes, a: image, b: undefined });
  for (const image of b) {
    const pair = pairs.get(image.path);
    if (pair) pair.b = image;
    else pairs.set(image.path, { label: image.label, attributes: image.attributes, a: undefined, b: image });
  }
  const classes = new Map<string, Pair[]>();
  let both = 0;
  let onlyA = 0;
  let onlyB = 0;
  for (const pair of pairs.values()) {
    const members = classes.get(pair.label) ?? [];
    members.push(pair);
    classes.set(pair.label, members);
    if (explained(pair.a) && explained(pair.b)) both++;
    else if (explained(pair.a)) onlyA++;
    else if (explained(pair.b)) onlyB++;
  }
  const rows: CompareRow[] = [];
  for (const label of [...classes.keys()].sort((x, y) => x.localeCompare(y))) {
    const members = classes.get(label)!;
    rows.push(row(label, null, members, options));
    const { groupBy } = options;
    if (groupBy === null) continue;
    const groups = new Map<string, Pair[]>();
    for (const pair of members) {
      const group = pair.attributes[groupBy] ?? NO_GROUP;
      const cell = groups.get(group) ?? [];
      cell.push(pair);
      groups.set(group, cell);
    }
    for (const group of [...groups.keys()].sort((x, y) => x.localeCompare(y, undefined, { numeric: true }))) {
      rows.push(row(label, group, groups.get(group)!, options));
    }
  }
  return { rows, both, onlyA, onlyB };
}
