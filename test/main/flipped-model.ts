/**
 * A second demo model whose predictions all differ from the first: a copy with the two
 * output units swapped, so it calls every doctor a nurse and the reverse. Its hash
 * differs, so auditing it is a second audit of the same dataset.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { demoModelCopy } from '../jobs/demo-subset';

interface Manifest {
  weightsManifest: { paths: string[]; weights: { name: string; shape: number[]; dtype: string }[] }[];
}

export function flippedDemoModel(): string {
  const modelJson = demoModelCopy();
  const manifest = JSON.parse(readFileSync(modelJson, 'utf8')) as Manifest;
  const [group] = manifest.weightsManifest;
  const file = path.join(path.dirname(modelJson), group!.paths[0]!);
  const bytes = readFileSync(file);
  const floats = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
  let offset = 0;
  for (const weight of group!.weights) {
    const size = weight.shape.reduce((a, b) => a * b, 1);
    if (weight.name === 'probs/kernel' || weight.name === 'probs/bias') {
      // [inputs, 2] row-major, or [2]: swap the two columns.
      for (let i = offset; i < offset + size; i += 2) [floats[i], floats[i + 1]] = [floats[i + 1]!, floats[i]!];
    }
    offset += size;
  }
  writeFileSync(file, bytes);
  return modelJson;
}
