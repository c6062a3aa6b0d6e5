/** Weakly-supervised boxes (COCO boxes.json) around each map's largest region, and binary masks. */
import { CallError } from '../../../shared/api';
import { ModelConfigSchema } from '../../../shared/model-config';
import type { BoxTarget } from '../../store';
import { writeBoxes } from '../boxes';
import type { Exporter } from '../exporter';

export const boxes: Exporter<'boxes'> = {
  async run({ store, key, model, setId, dir }, { target, masks }) {
    const classes = model.classes;
    let rule: BoxTarget;
    if (target === 'predicted' || target === 'label') rule = { kind: target };
    else {
      const index = classes.indexOf(target);
      if (index < 0) throw new CallError('invalid-input', `--target must be predicted, label or a class of the model (${classes.join(', ')}); got "${target}"`);
      rule = { kind: 'class', index };
    }
    const rows = setId === undefined ? [] : store.boxes(key.datasetId, key.modelId, setId, classes, rule);
    if (rows.length === 0) {
      const audit = target === 'predicted' || target === 'label' ? target : 'all';
      throw new CallError('not-found', `the audit stored no map for target ${target}: audit with --targets ${audit}`);
    }
    const framing = ModelConfigSchema.parse(JSON.parse(model.config)).preprocess;
    const files = await writeBoxes(rows, classes, { model: model.path, layer: key.layer, method: key.method, target }, dir, masks, framing);
    const boxed = rows.filter((row) => row.box !== null).length;
    return { files, summary: [`${boxed} boxes for ${rows.length} images (target ${target})${masks ? `, ${boxed} masks` : ''}`] };
  },
};
