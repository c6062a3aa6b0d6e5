/**
 * The size budget: a dataset of 100k images must stay a file people can keep and copy.
 * A typical image (14x14 map, top-5 predictions, four regions) must cost under 2 KB
 * in total, rows and indexes included.
 */
import { describe, expect, it } from 'vitest';
import { file, freshStore, mapFor, regionsFor, resultFor } from './helpers';

const IMAGES = 1000;
const BUDGET = 2048;

describe('size', () => {
  it(`stays under ${BUDGET} bytes per image`, () => {
    const store = freshStore();
    const dataset = store.upsertDataset('/datasets/clinic').id;
    const files = Array.from({ length: IMAGES }, (_, i) =>
      file(`${i % 2 ? 'nurse' : 'doctor'}/img_${String(i).padStart(6, '0')}.jpg`, `image ${i}`, { size: 50_000 + i }),
    );
    store.syncImages(dataset, files, new Map(files.map((f, i) => [f.path, regionsFor(i)])));
    const model = store.upsertModel({ hash: 'a'.repeat(64), path: '/m/model.json', kind: 'layers', classes: ['doctor', 'nurse', 'a', 'b', 'c'], config: '{}' });
    const images = store.listImages(dataset);
    for (let start = 0; start < images.length; start += 64) {
      const batch = images.slice(start, start + 64).map((image, k) => {
        const seed = start + k;
        const result = resultFor(image.contentId, seed, []);
        const map = mapFor(seed, 'gradcam', result.prediction.predicted);
        expect(map.blob.byteLength).toBe(392);
        result.maps = [map];
        return result;
      });
      store.writeResults(model.id, 'conv_last', batch);
    }
    const report = store.sizeReport();
    expect(report).toMatchObject({ images: IMAGES, results: IMAGES });
    const perImage = report.fileBytes / IMAGES;
    console.log(`store size: ${perImage.toFixed(0)} bytes per image (${report.fileBytes} bytes for ${IMAGES})`);
    expect(perImage).toBeLessThan(BUDGET);
    store.close();
  });
});
