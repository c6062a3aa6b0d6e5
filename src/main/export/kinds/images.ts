/** images.csv (one row per image, the predicted class's map statistics) and errors.csv (every file skipped). */
import path from 'node:path';
import { writeErrorsCsv, writeImagesCsv } from '../audit-csv';
import type { Exporter } from '../exporter';

export const IMAGES_FILES = { images: 'images.csv', errors: 'errors.csv' } as const;

export const images: Exporter<'images'> = {
  async run({ store, key, model, dir }) {
    const imagesFile = path.join(dir, IMAGES_FILES.images);
    const errorsFile = path.join(dir, IMAGES_FILES.errors);
    const rows = await writeImagesCsv(store, imagesFile, { ...key, classes: model.classes, rules: store.spuriousRules(key.datasetId) });
    const errors = await writeErrorsCsv(store, errorsFile, key.datasetId);
    return { files: [imagesFile, errorsFile], summary: [`${rows} images, ${errors} files skipped or failed`] };
  },
};
