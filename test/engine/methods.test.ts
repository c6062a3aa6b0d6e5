/**
 * Every method over every fixture model on every backend available here: shapes,
 * finiteness, no tensor leaks, and cpu/wasm agreement within 1e-4 of the map's max.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { METHODS, GUIDED_METHODS, type MethodName } from '../../src/shared/explain';
import { EngineError, explainBatch, initBackend, liveTensors, loadModel, type ImageExplanation } from '../../src/main/engine';
import { FIXTURES, saveFixture, syntheticImages, tempDir } from '../fixtures/models';
import { expectClose, maxOf } from './helpers';

const BACKENDS = ['cpu', 'wasm'] as const;
const dir = tempDir();
const paths = new Map<string, string>();
/** results[backend][fixture][method] */
const results = new Map<string, ImageExplanation[]>();
const key = (backend: string, fixture: string, method: MethodName) => `${backend}/${fixture}/${method}`;

beforeAll(async () => {
  for (const f of FIXTURES) paths.set(f.name, await saveFixture(f, dir));
});

for (const backend of BACKENDS) {
  describe(`on ${backend}`, () => {
    beforeAll(async () => {
      const info = await initBackend(backend);
      expect(info.name).toBe(backend);
    });

    for (const fixture of FIXTURES) {
      for (const method of METHODS) {
        it(`${method} on ${fixture.name}`, async () => {
          const model = await loadModel(paths.get(fixture.name)!);
          const images = syntheticImages(3, fixture.size, 11);
          const before = liveTensors();
          if (method === 'cam' && !fixture.gapHead) {
            await expect(explainBatch(model, images, { methods: [method] })).rejects.toThrow(EngineError);
            await expect(explainBatch(model, images, { methods: [method] })).rejects.toThrow(/GlobalAveragePooling2D/);
            expect(liveTensors()).toBe(before);
            model.network.dispose();
            return;
          }
          const out = await explainBatch(model, images, { methods: [method], target: { kind: 'all' } });
          expect(liveTensors()).toBe(before);
          expect(out).toHaveLength(3);
          const layerShape = model.network.layers.find((l) => l.name === model.defaultLayer)!.shape!;
          for (const image of out) {
            expect(image.predictions).toHaveLength(fixture.classes.length);
            expect(image.maps.map((m) => m.target.index)).toEqual([0, 1, 2]);
            for (const { map } of image.maps) {
              const guided = GUIDED_METHODS.includes(method);
              expect([map.height, map.width]).toEqual(guided ? [fixture.size, fixture.size] : layerShape.slice(0, 2));
              expect(map.data.every((v) => Number.isFinite(v) && v >= 0)).toBe(true);
            }
          }
          // Some map must carry signal, or agreement below would be vacuous.
          expect(maxOf(out.flatMap((o) => o.maps.map((m) => maxOf(m.map.data))))).toBeGreaterThan(0);
          results.set(key(backend, fixture.name, method), out);
          model.network.dispose();
        });
      }
    }
  });
}

describe('backends agree', () => {
  for (const fixture of FIXTURES) {
    for (const method of METHODS) {
      it(`${method} on ${fixture.name}: wasm equals cpu within 1e-4 of the max`, () => {
        const cpu = results.get(key('cpu', fixture.name, method));
        const wasm = results.get(key('wasm', fixture.name, method));
        if (method === 'cam' && !fixture.gapHead) return expect(cpu).toBeUndefined();
        expect(cpu && wasm).toBeTruthy();
        cpu!.forEach((image, b) => {
          image.maps.forEach((m, i) => expectClose(wasm![b]!.maps[i]!.map.data, m.map.data, 1e-4));
          image.predictions.forEach((p, i) => expect(wasm![b]!.predictions[i]!.logit).toBeCloseTo(p.logit, 4));
        });
      });
    }
  }
});
