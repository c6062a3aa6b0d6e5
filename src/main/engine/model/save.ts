/**
 * Writes a LayersModel to disk as model.json + weights.bin (+ the biascope.json
 * sidecar). tfjs's file:// saver needs tfjs-node; this works on every backend. Used
 * by the demo trainer and the test fixtures.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { tf } from '../tf';
import type { LayersModel } from '../tf';
import type { ModelConfigInput } from '../../../shared/model-config';
import { SIDECAR_NAME } from './sidecar';

export async function saveLayersModel(model: LayersModel, dir: string, sidecar?: ModelConfigInput): Promise<string> {
  await mkdir(dir, { recursive: true });
  const modelPath = path.join(dir, 'model.json');
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const weightData = artifacts.weightData;
      const bytes = Array.isArray(weightData)
        ? Buffer.concat(weightData.map((b) => new Uint8Array(b)))
        : new Uint8Array(weightData ?? new ArrayBuffer(0));
      await writeFile(path.join(dir, 'weights.bin'), bytes);
      const json = {
        format: 'layers-model',
        generatedBy: artifacts.generatedBy,
        convertedBy: null,
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }],
      };
      await writeFile(modelPath, JSON.stringify(json));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  if (sidecar) await writeFile(path.join(dir, SIDECAR_NAME), JSON.stringify(sidecar, null, 2) + '\n');
  return modelPath;
}
