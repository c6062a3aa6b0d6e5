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
      return `${c.label}: ${c.clusters.length} clusters (eigengap suggests ${c.suggested}) of ${c.labelled} images and ${c.misclassified} errors predicted as it: ${sizes}`;
    });
    return { files, summary };
  },
};
