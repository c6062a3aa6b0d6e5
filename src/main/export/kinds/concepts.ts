/** Region-free concepts of an audit's maps (audited with --concepts): concepts.csv and concepts.json. */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { CallError } from '../../../shared/api';
import { auditConcepts } from '../../analysis/concepts';
import type { Exporter } from '../exporter';

const round = (value: number | null) => (value === null ? '' : Number(value.toFixed(4)));

export const concepts: Exporter<'concepts'> = {
  async run({ store, key, model, setId, dir }, options) {
    const layers = setId === undefined ? [] : store.descriptorLayers(setId);
    const descriptorLayer = layers[0];
    if (setId === undefined || descriptorLayer === undefined) {
      throw new CallError('not-found', 'the audit described no map: run biascope audit with --concepts first');
    }
    const rows = store.componentRows(key.datasetId, key.modelId, setId, descriptorLayer);
    const classes = auditConcepts(rows, model.classes, { seed: options.seed, ...(options.k === undefined ? {} : { k: options.k }) });
    const csvFile = path.join(dir, 'concepts.csv');
    const jsonFile = path.join(dir, 'concepts.json');
    await writeFile(
      csvFile,
      stringify([
        ['class', 'concept', 'share', 'images', 'dominated', 'where', 'mean_x', 'mean_y', 'accuracy_dominated', 'accuracy_rest', 'typical'],
        ...classes.flatMap((c) =>
          c.concepts.map((k) => [
            c.label,
            k.concept,
            round(k.share),
            k.images,
            k.dominated,
            k.where,
            round(k.meanCentroid.x),
            round(k.meanCentroid.y),
            round(k.accuracyDominated),
            round(k.accuracyRest),
            k.typical.map((t) => t.path).join(' '),
          ]),
        ),
      ]),
    );
    const json = { model: model.path, layer: key.layer, method: key.method, descriptorLayer, classes };
    await writeFile(jsonFile, `${JSON.stringify(json, null, 1)}\n`);
    const percent = (x: number) => `${Math.round(x * 100)} %`;
    const summary = classes.map(
      (c) => `${c.label}: ${c.concepts.length} concepts in ${c.images} images: ${c.concepts.map((k) => `${k.concept} ${percent(k.share)} ${k.where}`).join(', ')}`,
    );
    return { files: [csvFile, jsonFile], summary };
  },
};
