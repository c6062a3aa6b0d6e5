/** SpRAy clusters of each class's own-class maps: clusters.json and clusters.csv. */
import { CallError } from '../../../shared/api';
import { clusterClasses } from '../../analysis/spray/audit-clusters';
import { writeClusterFiles } from '../cluster-files';
import type { Exporter } from '../exporter';

export const clusters: Exporter<'clusters'> = {
  async run({ store, key, model, setId, dir }, options) {
    const rows = setId === undefined ? [] : store.ownClassMaps(key.datasetId, key.modelId, setId, model.classes);
    if (rows.length === 0) throw new CallError('not-found', "the audit stored no map of any image's own class");
    const result = clusterClasses(rows, options.clusters === undefined ? {} : { clusters: options.clusters });
    const files = await writeClusterFiles({ model: model.path, layer: key.layer, method: key.method, classes: result }, dir);
    const summary = result.map((c) => {
      const sizes = c.clusters.map((k) => `${k.size} (${Math.round(k.accuracy * 100)}% correct)`).join(', ');
      return `${c.label}: ${c.clusters.length} clusters (eigengap suggests ${c.suggested}): ${sizes}`;
    });
    return { files, summary };
  },
};
