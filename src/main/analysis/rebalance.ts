/**
 * The rebalancing plan: for every class x group (an attribute's value, e.g. the scrub
 * colour), how many images there are, what share of the class they make, how many
 * there should be under the chosen policy and how many are missing; and for every
 * image what to do with it: keep, upweight, downweight, review, relabel or remove,
 * with the sampling weight that balances its class's groups.
 *
 * Policies:
 * - `equal`: every group of a class gets the same share (the doctor/nurse fix: as many
 *   doctors in pink as in blue). Targets grow each group to the class's largest one.
 * - `overall`: every group of a class gets the share the group has in the whole dataset.
 *   Targets grow the class until each group reaches its share, removing nothing.
 */

export const REBALANCE_POLICIES = ['equal', 'overall'] as const;
export type RebalancePolicy = (typeof REBALANCE_POLICIES)[number];

export const REBALANCE_ACTIONS = ['keep', 'upweight', 'downweight', 'review', 'relabel', 'remove'] as const;
export type RebalanceAction = (typeof REBALANCE_ACTIONS)[number];

/** The group of images that lack the attribute. */
export const NO_GROUP = '(none)';

export interface RebalanceImage {
  path: string;
  label: string;
  /** The attribute's value, or undefined when the image has none. */
  group: string | undefined;
  tags: readonly string[];
}

export interface CellSummary {
  label: string;
  groupBy: string;
  group: string;
  count: number;
  /** Share of the class, 0..1. */
  share: number;
  targetCount: number;
  /** Images to add to reach the target; 0 when the cell has enough. */
  deficit: number;
}

export interface ImagePlan {
  path: string;
  label: string;
  group: string;
  action: RebalanceAction;
  /** Sampling weight that gives each group of the class its target share; mean 1 within a class. */
  weight: number;
  reason: string;
}

export interface RebalancePlan {
  groupBy: string;
  policy: RebalancePolicy;
  summary: CellSummary[];
  images: ImagePlan[];
}

/** Tags that decide an image's action before any weighting, strongest first. */
const TAG_ACTIONS: readonly { action: RebalanceAction; matches: (tag: string) => boolean }[] = [
  { action: 'remove', matches: (tag) => tag === 'duplicate' || tag === 'remove' || tag === 'corrupt' },
  { action: 'relabel', matches: (tag) => tag === 'mislabeled' || tag === 'relabel' || tag.startsWith('mislabeled:') },
  { action: 'review', matches: (tag) => tag === 'flagged' || tag === 'review' || tag.startsWith('spurious') },
];

/** The action a tag alone decides (the strongest rule it matches); null when it decides none. */
export function tagAction(tag: string): RebalanceAction | null {
  return TAG_ACTIONS.find((rule) => rule.matches(tag))?.action ?? null;
}

/** Weights this close to 1 keep the image as it is. */
const WEIGHT_TOLERANCE = 1e-9;

const percent = (value: number) => `${Math.round(value * 1000) / 10}%`;

function countBy<K>(items: readonly RebalanceImage[], key: (image: RebalanceImage) => K): Map<K, number> {
  const counts = new Map<K, number>();
  for (const image of items) counts.set(key(image), (counts.get(key(image)) ?? 0) + 1);
  return counts;
}

/** Target share of each group within one class, by policy. */
function targetShares(groups: ReadonlyMap<string, number>, overall: ReadonlyMap<string, number>, total: number, policy: RebalancePolicy): Map<string, number> {
  if (policy === 'equal') return new Map([...groups.keys()].map((g) => [g, 1 / groups.size]));
  // The class's own groups, with their dataset-wide shares renormalised over them.
  const mass = [...groups.keys()].reduce((sum, g) => sum + (overall.get(g) ?? 0) / total, 0);
  return new Map([...groups.keys()].map((g) => [g, (overall.get(g) ?? 0) / total / mass]));
}

export function planRebalance(images: readonly RebalanceImage[], groupBy: string, policy: RebalancePolicy = 'equal'): RebalancePlan {
  const groupOf = (image: RebalanceImage) => image.group ?? NO_GROUP;
  const overall = countBy(images, groupOf);
  const labels = [...new Set(images.map((i) => i.label))].sort();
  const summary: CellSummary[] = [];
  const weights = new Map<string, number>();
  const shares = new Map<string, { share: number; target: number }>();
  for (const label of labels) {
    const members = images.filter((i) => i.label === label);
    const groups = new Map([...countBy(members, groupOf)].sort(([a], [b]) => a.localeCompare(b)));
    const target = targetShares(groups, overall, images.length, policy);
    // The smallest class size at which every group reaches its share without removing any image.
    const size = Math.max(...[...groups].map(([g, n]) => n / target.get(g)!));
    for (const [group, count] of groups) {
      const share = target.get(group)!;
      const targetCount = Math.round(share * size);
      summary.push({ label, groupBy, group, count, share: count / members.length, targetCount, deficit: Math.max(0, targetCount - count) });
      // Sampling with this weight gives the group `share` of the class: share * n / count, mean 1 over the class.
      weights.set(`${label}\n${group}`, (share * members.length) / count);
      shares.set(`${label}\n${group}`, { share: count / members.length, target: share });
    }
  }
  const plans = images.map((image): ImagePlan => {
    const group = groupOf(image);
    const key = `${image.label}\n${group}`;
    const weight = weights.get(key)!;
    const cell = shares.get(key)!;
    const tagged = TAG_ACTIONS.find(({ matches }) => image.tags.some(matches));
    if (tagged) {
      const tag = image.tags.find(tagged.matches)!;
      return { path: image.path, label: image.label, group, action: tagged.action, weight, reason: `tagged ${tag}` };
    }
    const action: RebalanceAction = weight > 1 + WEIGHT_TOLERANCE ? 'upweight' : weight < 1 - WEIGHT_TOLERANCE ? 'downweight' : 'keep';
    const where = `${image.label} x ${groupBy}=${group} is ${percent(cell.share)} of ${image.label}`;
    const reason = action === 'keep' ? `${where}, as targeted` : `${where}; target ${percent(cell.target)}`;
    return { path: image.path, label: image.label, group, action, weight, reason };
  });
  return { groupBy, policy, summary, images: plans };
}
