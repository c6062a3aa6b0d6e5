/**
 * What an audit still has to compute: every image content whose maps are missing for
 * the chosen model, layer, methods and targets. Pure: the runner gathers what the
 * store holds and this decides.
 */
import type { AuditTargets } from '../../shared/audit';
import type { RegionBox } from '../library/types';
import type { ImageRow } from '../store/types';

export interface PlanItem {
  contentId: number;
  /** The first path holding this content (several may: duplicates are explained once). */
  path: string;
  /** Class index of the true label in the model, or -1 when the model has no such class. */
  labelIndex: number;
  regions: RegionBox[];
}

export interface CacheState {
  /** contentId -> predicted class, for contents this model has already run on. */
  predicted: ReadonlyMap<number, number>;
  /** One entry per method: contentId -> targets stored. */
  doneByMethod: readonly ReadonlyMap<number, ReadonlySet<number>>[];
  /** Contents that failed to decode before: they are skipped, not retried. */
  undecodable: ReadonlySet<number>;
  /** With concepts: one entry per method, contentId -> targets whose components are stored. */
  describedByMethod?: readonly ReadonlyMap<number, ReadonlySet<number>>[];
}

export interface AuditPlan {
  todo: PlanItem[];
  /** Contents whose every map is cached. */
  reused: number;
  /** Contents skipped because they could not be decoded before. */
  undecodable: number;
}

export function targetsWanted(targets: AuditTargets, predicted: number, labelIndex: number, classes: number): number[] {
  if (targets === 'all') return Array.from({ length: classes }, (_, c) => c);
  if (targets === 'label' && labelIndex >= 0) return [predicted, labelIndex];
  return [predicted];
}

export function planAudit(images: readonly ImageRow[], classes: readonly string[], targets: AuditTargets, cache: CacheState): AuditPlan {
  const byContent = new Map<number, PlanItem>();
  for (const image of images) {
    if (byContent.has(image.contentId)) continue;
    byContent.set(image.contentId, {
      contentId: image.contentId,
      path: image.path,
      labelIndex: classes.indexOf(image.label),
      regions: image.regions,
    });
  }
  const plan: AuditPlan = { todo: [], reused: 0, undecodable: 0 };
  for (const item of byContent.values()) {
    if (cache.undecodable.has(item.contentId)) {
      plan.undecodable++;
      continue;
    }
    const predicted = cache.predicted.get(item.contentId);
    const complete =
      predicted !== undefined &&
      targetsWanted(targets, predicted, item.labelIndex, classes.length).every((target) =>
        [...cache.doneByMethod, ...(cache.describedByMethod ?? [])].every((done) => done.get(item.contentId)?.has(target) ?? false),
      );
    if (complete) plan.reused++;
    else plan.todo.push(item);
  }
  return plan;
}
