/**
 * Region-free concepts of an audit's maps (audited with --concepts): concepts.csv,
 * concepts.json, and each concept's typical crops (export/concept-crops.ts).
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { CallError } from '../../../shared/api';
import { ModelConfigSchema } from '../../../shared/model-config';
import { auditConcepts } from '../../analysis/concepts';
import { withMeanColours, writeConceptCrops } from '../concept-crops';
import type { Exporter } from '../exporter';

const round = (value: number | null) => (value === null ? '' : Number(value.toFixed(4)));

export const concepts: Exporter<'concepts'> = {
  async run({ store, dataset, key, model, setId, dir }, options) {
    const layers = setId === undefined ? [] : store.descriptorLayers(setId);
    const descriptorLayer = layers[0];
    if (setId === undefined || descriptorLayer === undefined) {
      throw new CallError('not-found', 'the audit described no map: run biascope audit with --concepts first');
    }
    const rows = store.componentRows(key.datasetId, key.modelId, setId, descriptorLayer);
    const classes = auditConcepts(rows, model.classes, { seed: options.seed, ...(options.k === undefined ? {} : { k: options.k }) });
    const framing = ModelConfigSchema.parse(JSON.parse(model.config)).preprocess;
    const crops = await writeConceptCrops(classes, dataset.root, dir, framing);
    const colourOf = (label: string, concept: number) => crops.meanColours.get(`${label}:${concept}`) ?? '';
    const csvFile = path.join(dir, 'concepts.csv');
    const jsonFile = path.join(dir, 'concepts.json');
    await writeFile(
      csvFile,
      stringify([
        ['class', 'concept', 'share', 'images', 'dominated', 'where', 'mean_x', 'mean_y', 'accuracy_dominated', 'accuracy_rest', 'typical', 'mean_colour'],
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
            colourOf(c.label, k.concept),
          ]),
        ),
      ]),
    );
    const json = { model: model.path, layer: key.layer, method: key.method, descriptorLayer, classes: withMeanColours(classes, colourOf) };
    await writeFile(jsonFile, `${JSON.stringify(json, null, 1)}\n`);
    const percent = (x: number) => `${Math.round(x * 100)} %`;
    const summary = classes.map(
      (c) => `${c.label}: ${c.concepts.length} concepts in ${c.images} images: ${c.concepts.map((k) => `${k.concept} ${percent(k.share)} ${k.where}`).join(', ')}`,
    );
    // The crops are many (10 a concept): the files listed are the contact sheets, the summary counts the rest.
    summary.push(`${crops.files.length} crops of typical images in ${path.join(dir, 'crops')}, a contact sheet per class`);
    return { files: [csvFile, jsonFile, ...crops.sheets], summary };
  },
};
