/**
 * The demo model exported to ONNX (scripts/fixtures/demo-onnx.py rebuilds it in
 * PyTorch from the TensorFlow.js weights) audits the demo dataset exactly as the
 * TensorFlow.js model does: same predictions, same region masses.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../fixtures/models';
import { DEMO_MODEL, DEMO_ROOT, demoSubset } from '../jobs/demo-subset';
import { runBiascope } from './run-cli';

const DEMO_ONNX = path.join(DEMO_ROOT, 'model-onnx', 'model.onnx');

function readCsv(file: string): Record<string, string>[] {
  return parse(readFileSync(file, 'utf8'), { columns: true }) as Record<string, string>[];
}

describe('biascope with an ONNX model', () => {
  const made: string[] = [];
  const dir = (prefix: string) => {
    const d = tempDir(prefix);
    made.push(d);
    return d;
  };
  afterAll(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('audits the demo subset with the same predictions and region masses as the TensorFlow.js model', async () => {
    const dataset = demoSubset(8, dir('biascope-data-'));
    const viaTfjs = dir('biascope-out-');
    const viaOnnx = dir('biascope-out-');
    const tfjs = await runBiascope(['audit', dataset, '--model', DEMO_MODEL, '--out', viaTfjs, '--workers', '1']);
    expect(tfjs.code).toBe(0);
    const onnx = await runBiascope(['audit', dataset, '--model', DEMO_ONNX, '--out', viaOnnx, '--threads', '1']);
    expect(onnx.stderr).toMatch(/audit done: 16 images, 16 computed/);
    expect(onnx.stderr).toMatch(/ONNX Runtime \(cpu, 1 thread\)/);
    expect(onnx.code).toBe(0);
    const a = readCsv(path.join(viaTfjs, 'images.csv'));
    const b = readCsv(path.join(viaOnnx, 'images.csv'));
    expect(b.map((r) => r['path'])).toEqual(a.map((r) => r['path']));
    const masses = Object.keys(a[0]!).filter((k) => k.startsWith('mass_'));
    expect(masses.length).toBeGreaterThanOrEqual(3);
    a.forEach((row, i) => {
      const other = b[i]!;
      expect(other['predicted']).toBe(row['predicted']);
      expect(Math.abs(Number(other['prob']) - Number(row['prob']))).toBeLessThan(1e-4);
      for (const key of [...masses, 'entropy', 'spread']) expect(Math.abs(Number(other[key]) - Number(row[key])), `${row['path']} ${key}`).toBeLessThan(1e-4);
      expect(other['peak_x']).toBe(row['peak_x']);
    });
    // A second run recomputes nothing: the .onnx file and its configuration key the cache.
    const again = await runBiascope(['audit', dataset, '--model', DEMO_ONNX, '--out', viaOnnx]);
    expect(again.stderr).toMatch(/16 images, 0 computed, 16 reused from cache/);
  });

  it('layers lists PyTorch module paths with the default marked; a JSON file named .onnx is refused for what it is', async () => {
    const layers = await runBiascope(['layers', '--model', path.dirname(DEMO_ONNX)]);
    expect(layers.code).toBe(0);
    expect(layers.stdout).toMatch(/^\* conv_last\s+Relu\s+\[12, 12, 64\]$/m);
    expect(layers.stdout).toMatch(/^\+ conv3\s+Relu\s+\[24, 24, 64\]$/m);
    const fake = path.join(dir('biascope-model-'), 'model.onnx');
    writeFileSync(fake, '{"format": "layers-model"}');
    const image = path.join(DEMO_ROOT, 'dataset', 'doctor', 'test_0001.png');
    const refused = await runBiascope(['explain', image, '--model', fake]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/model\.onnx is not an ONNX model: it holds JSON/);
    expect(refused.stderr).not.toMatch(/not valid JSON/);
  });
});
