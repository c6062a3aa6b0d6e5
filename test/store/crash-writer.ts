/**
 * Run as a child process by crash.test.ts: writes scans and results through the store
 * in a loop, printing the number of committed batches after each, until it is killed.
 * Usage: node --import tsx crash-writer.ts <audit.db>
 */
import { createHash } from 'node:crypto';
import { encodeMap } from '../../src/shared/map-codec';
import type { HashedFile } from '../../src/main/library/types';
import { openStore } from '../../src/main/store';
import type { ImageResult } from '../../src/main/store/types';

const BATCH = 50;

const store = openStore(process.argv[2]);
const dataset = store.upsertDataset('/crash').id;
const model = store.upsertModel({ hash: 'crash-model', path: '/m/model.json', kind: 'layers', classes: ['a', 'b'], config: '{}' });
const files: HashedFile[] = [];

for (let batch = 1; ; batch++) {
  for (let i = 0; i < BATCH; i++) {
    const n = files.length;
    // Padded so that path order is creation order and the last BATCH listed are the new ones.
    const filePath = `a/${String(n).padStart(8, '0')}.png`;
    files.push({ path: filePath, size: n, mtimeMs: n, label: 'a', attributes: {}, hash: createHash('sha256').update(filePath).digest('hex') });
  }
  store.syncImages(dataset, files, new Map());
  const images = store.listImages(dataset).slice(-BATCH);
  const results: ImageResult[] = images.map((image, k) => {
    const data = new Float32Array(196).map((_, i) => (i * (k + 1)) % 17);
    const encoded = encodeMap({ width: 14, height: 14, data });
    const stats = { max: encoded.max, entropy: 1, peakX: 0.5, peakY: 0.5, spread: 0.2, box: null, regions: [] };
    return {
      contentId: image.contentId,
      width: 64,
      height: 64,
      prediction: { predicted: 0, prob: 0.9, logit: 2, top: [{ index: 0, logit: 2, prob: 0.9 }] },
      maps: [{ method: 'gradcam', target: 0, width: 14, height: 14, blob: encoded.bytes, stats }],
    };
  });
  store.writeResults(model.id, 'conv', results);
  process.stdout.write(`${batch}\n`);
}
