/**
 * The findings a report leads with, per class (and per split, when the dataset has
 * one): for each attribute, the accuracy of its best group against its worst, and the
 * share of maps the spurious-focus rule judges as spurious focus, each with a 95 %
 * bootstrap interval. Pure: rows in, figures out.
 */
import { judgeFocus } from './suggestions';
import { gapInterval, shareInterval, type BootstrapOptions, type Interval } from './bootstrap';
import type { SpuriousRules } from '../../shared/suggestions';

export interface HeadlineInput {
  label: string;
  /** Null until the image is explained. */
  predicted: string | null;
  /** The image's probability of its predicted class; null until explained. */
  confidence: number | null;
  attributes: Readonly<Record<string, string>>;
  /** Mass of the predicted class's map per region name. */
  mass: ReadonlyMap<string, number>;
}

/** Attribute names that say which part of the data an image belongs to. */
export const SPLIT_NAMES: readonly string[] = ['split', 'subset', 'set'];
/** Values a split attribute has (at least one of them). */
export const SPLIT_VALUES: readonly string[] = ['train', 'training', 'test', 'testing', 'val', 'valid', 'validation', 'dev', 'holdout', 'eval', 'evaluation'];

/** A group needs this many audited images to be compared: fewer give an interval as wide as the scale. */
export const MIN_GROUP = 5;
/** An attribute with more values than this is an identifier, not a grouping. */
export const MAX_GROUPS = 20;
/** Gaps stated per class (and split): the largest first. */
export const GAPS_SHOWN = 3;

/** The split attribute of a dataset: named split, subset or set, with a value such as train or test; null when none. */
export function splitAttribute(attributes: readonly { name: string; values: readonly string[] }[]): string | null {
  const found = attributes.find(
    (a) => SPLIT_NAMES.includes(a.name.toLowerCase()) && a.values.some((v) => SPLIT_VALUES.includes(v.trim().toLowerCase())),
  );
  return found?.name ?? null;
}

export interface GroupAccuracy {
  group: string;
  correct: number;
  accuracy: Interval;
}

export interface AccuracyGap {
  label: string;
  /** The split the figures are of; null when the dataset has none. */
  split: string | null;
  attribute: string;
  best: GroupAccuracy;
  worst: GroupAccuracy;
  /** best minus worst, resampled within each group. */
  gap: Interval;
}

export interface FocusShare {
  label: string;
  split: string | null;
  /** Maps the rule judges spurious focus, of `share.n` audited. */
  images: number;
  share: Interval;
}

export interface ClassAccuracy {
  label: string;
  split: string | null;
  correct: number;
  accuracy: Interval;
}

export interface Headline {
  /** The attribute the figures are split by; null when the dataset has none. */
  split: string | null;
  accuracy: ClassAccuracy[];
  gaps: AccuracyGap[];
  /** Empty when no spurious region is named. */
  focus: FocusShare[];
}

const isCorrect = (row: HeadlineInput) => row.predicted === row.label;

function groupBy<T>(items: readonly T[], keyOf: (item: T) => string | undefined): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    if (key === undefined) continue;
    const members = groups.get(key) ?? [];
    members.push(item);
    groups.set(key, members);
  }
  return groups;
}

function groupAccuracy(group: string, rows: readonly HeadlineInput[], options: BootstrapOptions): GroupAccuracy {
  const correct = rows.filter(isCorrect).length;
  return { group, correct, accuracy: shareInterval(correct, rows.length, options) };
}

interface Candidate {
  attribute: string;
  best: { group: string; members: HeadlineInput[] };
  worst: { group: string; members: HeadlineInput[] };
  gap: number;
}

/** The best and the worst group of one attribute within one class's audited rows; null when fewer than two groups are big enough. */
function attributeGap(attribute: string, rows: readonly HeadlineInput[]): Candidate | null {
  const groups = groupBy(rows, (row) => row.attributes[attribute]);
  if (groups.size < 2 || groups.size > MAX_GROUPS) return null;
  const shares = [...groups]
    .filter(([, members]) => members.length >= MIN_GROUP)
    .map(([group, members]) => ({ group, members, share: members.filter(isCorrect).length / members.length }))
    // Ties go to the larger group, then by name: the same data always name the same groups.
    .sort((a, b) => b.share - a.share || b.members.length - a.members.length || a.group.localeCompare(b.group, undefined, { numeric: true }));
  if (shares.length < 2) return null;
  const best = shares[0]!;
  const worst = shares[shares.length - 1]!;
  return { attribute, best, worst, gap: best.share - worst.share };
}

/** Intervals are drawn only for the gaps stated: resampling every attribute of a large dataset would take seconds. */
function withIntervals(label: string, split: string | null, c: Candidate, options: BootstrapOptions): AccuracyGap {
  const best = groupAccuracy(c.best.group, c.best.members, options);
  const worst = groupAccuracy(c.worst.group, c.worst.members, options);
  const gap = gapInterval({ yes: best.correct, n: best.accuracy.n }, { yes: worst.correct, n: worst.accuracy.n }, options);
  return { label, split, attribute: c.attribute, best, worst, gap };
}

export function headline(
  inputs: readonly HeadlineInput[],
  attributes: readonly { name: string; values: readonly string[] }[],
  rules: SpuriousRules | null,
  options: BootstrapOptions = {},
): Headline {
  const split = splitAttribute(attributes);
  const audited = inputs.filter((row) => row.predicted !== null);
  // Never one figure over train and test together: each split is its own population.
  const parts = split === null ? new Map([['', audited]]) : groupBy(audited, (row) => row.attributes[split]);
  const compared = attributes.map((a) => a.name).filter((name) => name !== split);
  const result: Headline = { split, accuracy: [], gaps: [], focus: [] };
  const splits = [...parts.keys()].sort(splitOrder);
  for (const part of splits) {
    const splitName = split === null ? null : part;
    const byClass = groupBy(parts.get(part)!, (row) => row.label);
    for (const label of [...byClass.keys()].sort()) {
      const rows = byClass.get(label)!;
      const correct = rows.filter(isCorrect).length;
      result.accuracy.push({ label, split: splitName, correct, accuracy: shareInterval(correct, rows.length, options) });
      const gaps = compared.flatMap((attribute) => attributeGap(attribute, rows) ?? []);
      gaps.sort((a, b) => b.gap - a.gap || a.attribute.localeCompare(b.attribute));
      result.gaps.push(...gaps.slice(0, GAPS_SHOWN).map((c) => withIntervals(label, splitName, c, options)));
      if (rules && rules.spurious.length > 0) {
        const images = rows.filter((row) => judgeFocus(row.mass, rules).reason !== null).length;
        result.focus.push({ label, split: splitName, images, share: shareInterval(images, rows.length, options) });
      }
    }
  }
  return result;
}

/** Train first, then validation, then test, then anything else by name: the order a reader expects. */
function splitOrder(a: string, b: string): number {
  const rank = (v: string) => {
    const lower = v.toLowerCase();
    if (lower.startsWith('train')) return 0;
    if (lower.startsWith('val') || lower === 'dev') return 1;
    if (lower.startsWith('test') || lower === 'holdout' || lower.startsWith('eval')) return 2;
    return 3;
  };
  return rank(a) - rank(b) || a.localeCompare(b);
}
