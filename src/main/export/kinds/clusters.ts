/** SpRAy clusters of each class's maps (its images', and the errors predicted as it): clusters.json and clusters.csv. */
import { CallError } from '../../../shared/api';
import { clusterClasses } from '../../analysis/spray/audit-clusters';
import { writeClusterFiles } from '../cluster-files';
import type { Exporter } from '../exporter';

export const clusters: Exporter<'clusters'> = {
  async run({ store, key, model, setId, dir }, options) {
    const rows = setId === undefined ? [] : store.clusterMaps(key.datasetId, key.modelId, setId, model.classes);
    if (rows.length === 0) throw new CallError('not-found', "the audit stored no map of any image's own or predicted class");
    const result = clusterClasses(rows, options.clusters === undefined ? {} : { clusters: options.clusters });
    const files = await writeClusterFiles({ model: model.path, layer: key.layer, method: key.method, classes: result }, dir);
    const summary = result.map((c) => {
      const sizes = c.clusters.map((k) => `${k.size} (${Math.round(k.accuracy * 100)}% correct${k.misclassified > 0 ? `, ${k.misclassified} predicted from other classes` : ''})`).join(', ');
      const errors = c.misclassified > 0 ? `; ${c.misclassified} of its members are labelled otherwise and predicted as ${c.label}` : '';
      return `${c.label}: ${c.clusters.length} clusters (eigengap suggests ${c.suggested}): ${sizes}${errors}`;
    });
    return { files, summary };
  },
};
