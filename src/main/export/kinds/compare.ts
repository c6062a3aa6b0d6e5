/** Two stored audits of a dataset compared per class (and group): compare.csv and compare.json. */
import { CallError } from '../../../shared/api';
import { isMethodName } from '../../../shared/explain';
import type { AuditKey } from '../../../shared/views';
import { compareView } from '../../analysis/compare-view';
import { resolveRoles } from '../../analysis/region-roles';
import { movedMost, writeCompareFiles } from '../compare-files';
import type { Store } from '../../store';
import type { Exporter } from '../exporter';

export const compare: Exporter<'compare'> = {
  async run({ store, key, dataset, overview, dir }, options) {
    const a = options.a ?? previousAudit(store, dataset.id, key);
    const rules = resolveRoles(options, store.spuriousRules(dataset.id), overview.regions);
    const view = compareView(store, { a, b: key, groupBy: options.groupBy }, { overview, ...(rules ? { rules } : {}) });
    const summary = [
      `A: ${view.a.modelPath} ${view.a.layer} ${view.a.method} (${view.a.audited} images)`,
      `B: ${view.b.modelPath} ${view.b.layer} ${view.b.method} (${view.b.audited} images)`,
      ...(view.onlyA + view.onlyB > 0 ? [`  ${view.both} images explained by both, ${view.onlyA} by A only, ${view.onlyB} by B only`] : []),
      ...(view.rules.spurious.length === 0 ? ['  no spurious region named: name one with --spurious-region (or mark it in the app) for the spurious-focus share'] : []),
      ...movedMost(view),
    ];
    return { files: await writeCompareFiles(view, dir), summary };
  },
};

/** The newest other audit stored for the dataset: what the exported one is compared against by default. */
function previousAudit(store: Store, datasetId: number, key: AuditKey): AuditKey {
  const other = store
    .storedAudits(datasetId)
    .find((row) => isMethodName(row.method) && !(row.modelId === key.modelId && row.layer === key.layer && row.method === key.method));
  if (!other || !isMethodName(other.method)) {
    throw new CallError('not-found', 'comparing needs two audits of the dataset; the database holds one: audit another model or layer first');
  }
  return { datasetId, modelId: other.modelId, layer: other.layer, method: other.method };
}
