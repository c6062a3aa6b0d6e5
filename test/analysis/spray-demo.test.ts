/**
 * SpRAy on the demo: each class's maps of its own class (the true label) split into
 * the pictures where the scrub colour agrees with the class and the ones where it
 * contradicts it, which is the demo's ground truth for where the model can look.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { adjustedRandIndex, spray } from '../../src/main/analysis/spray';
import { startAudit } from '../../src/main/jobs/audit';
import { openStore } from '../../src/main/store';
import { decodeMap } from '../../src/shared/map-codec';
import { tempDir } from '../fixtures/models';
import { DEMO_MODEL, demoSubset } from '../jobs/demo-subset';

describe('SpRAy on the demo', () => {
  it('separates cue-agreeing from cue-contradicting pictures of each class, without being told', async () => {
    const root = demoSubset(40);
    const store = openStore(path.join(tempDir('biascope-spray-'), 'audit.db'));
    try {
      const summary = await startAudit(store, { dataset: root, model: DEMO_MODEL, methods: ['gradcam'], targets: 'label', workers: 2 }).finished;
      const setId = store.findResultSet(summary.modelId, summary.layer, 'gradcam')!;
      const classes = store.modelClasses(summary.modelId);
      const images = store.listImages(summary.datasetId);
      for (const [index, label] of classes.entries()) {
        const mine = images.filter((image) => image.label === label);
        const maps = mine.map((image) => {
          const record = store.imageRecord(summary.datasetId, image.id, summary.modelId, setId)!;
          const own = record.maps.find((m) => m.target === index)!;
          return decodeMap({ width: own.width, height: own.height, max: own.max, bytes: own.map });
        });
        const agrees = mine.map((image) => Number(image.attributes['agrees']));
        const result = spray(maps);
        // Half the test pictures agree: chance is an ARI of 0.
        expect(adjustedRandIndex(result.assignments, agrees)).toBeGreaterThan(0.8);
        expect(result.suggested).toBe(2);
      }
    } finally {
      store.close();
    }
  });
});
