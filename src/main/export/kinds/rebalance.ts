/** The rebalancing plan of a dataset: rebalance-summary.csv, rebalance.csv and rebalance.json. */
import { CallError } from '../../../shared/api';
import { NO_GROUP } from '../../analysis/rebalance';
import type { Exporter } from '../exporter';
import { rebalancePlanOf, writeRebalanceFiles } from '../rebalance-files';

export const rebalance: Exporter<'rebalance'> = {
  async run({ store, dataset, overview, dir }, { groupBy, policy }) {
    const attributes = overview.attributes.map((a) => a.name);
    const plan = rebalancePlanOf(store, dataset.id, groupBy, policy);
    if (plan.images.every((image) => image.group === NO_GROUP)) {
      throw new CallError('invalid-input', `no image of ${dataset.root} has the attribute "${groupBy}"; it has ${attributes.join(', ') || 'none'}`);
    }
    const files = await writeRebalanceFiles(plan, dir);
    const short = plan.summary.filter((cell) => cell.deficit > 0);
    return {
      files,
      summary: short.map((cell) => `${cell.label} x ${cell.groupBy}=${cell.group}: ${cell.count} images, ${cell.deficit} short of ${cell.targetCount}`),
    };
  },
};
