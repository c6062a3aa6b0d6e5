/**
 * The rebalancing plan on disk: rebalance-summary.csv (one row per class x group),
 * rebalance.csv (one row per image) and rebalance.json (both, for programs).
 */
import path from 'node:path';
import { planRebalance, type RebalancePlan, type RebalancePolicy } from '../analysis/rebalance';
import type { Store } from '../store';
import { csvText, writeFileAtomic } from './safe-write';

export const REBALANCE_FILES = { summary: 'rebalance-summary.csv', images: 'rebalance.csv', json: 'rebalance.json' } as const;

const round = (value: number, digits = 6) => Number(value.toFixed(digits));

/** The plan for a dataset of the store, grouped by one manifest attribute. */
export function rebalancePlanOf(store: Store, datasetId: number, groupBy: string, policy: RebalancePolicy): RebalancePlan {
  const tags = store.tags(datasetId);
  const images = store.listImages(datasetId).map((image) => ({
    path: image.path,
    label: image.label,
    group: image.attributes[groupBy],
    tags: tags.get(image.contentId) ?? [],
  }));
  return planRebalance(images, groupBy, policy);
}

export function summaryCsv(plan: RebalancePlan): string {
  return csvText([
    ['label', 'group_by', 'group', 'count', 'share', 'target_count', 'deficit'],
    ...plan.summary.map((c) => [c.label, c.groupBy, c.group, c.count, round(c.share), c.targetCount, c.deficit]),
  ]);
}

export function imagesCsv(plan: RebalancePlan): string {
  return csvText([
    ['path', 'label', 'group', 'action', 'weight', 'reason'],
    ...plan.images.map((i) => [i.path, i.label, i.group, i.action, round(i.weight), i.reason]),
  ]);
}

/** Writes the three files into `dir`; returns their paths. */
export async function writeRebalanceFiles(plan: RebalancePlan, dir: string): Promise<string[]> {
  const files = [REBALANCE_FILES.summary, REBALANCE_FILES.images, REBALANCE_FILES.json].map((name) => path.join(dir, name));
  await writeFileAtomic(files[0]!, summaryCsv(plan));
  await writeFileAtomic(files[1]!, imagesCsv(plan));
  await writeFileAtomic(files[2]!, `${JSON.stringify(plan, null, 2)}\n`);
  return files;
}
