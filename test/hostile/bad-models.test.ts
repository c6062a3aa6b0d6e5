/**
 * Every bad model of the corpus gets its specific error within seconds, without reading
 * what it must not read: through the model's identity (read first by `biascope audit`,
 * `explain` and serve's open-model and start-audit) and through loading.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { EngineError, initBackend, loadModel } from '../../src/main/engine';
import { isOnnxPath } from '../../src/main/engine/model/io';
import { identifyModel } from '../../src/main/jobs/model-identity';
import { tempDir } from '../fixtures/temp';
import { BAD_MODELS } from './bad-models';

async function failure(promise: Promise<unknown>): Promise<EngineError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(EngineError);
  return error as EngineError;
}

describe('bad models', () => {
  const root = tempDir('biascope-bad-models-');
  beforeAll(async () => {
    await initBackend('cpu');
  });

  it.each(BAD_MODELS.map((row, i) => [row.name, row, i] as const))('%s', async (_, row, i) => {
    const dir = path.join(root, String(i));
    mkdirSync(dir);
    const modelPath = row.make(dir);
    const before = process.memoryUsage().rss;
    const attempts = [() => identifyModel(modelPath), () => (isOnnxPath(modelPath) ? identifyModel(modelPath) : loadModel(modelPath))];
    for (const attempt of attempts) {
      const error = await failure(attempt());
      expect(error.kind).toBe(row.kind);
      expect(error.message).toMatch(row.message);
      if (row.secret) expect(error.message).not.toContain(row.secret);
    }
    // Nothing was read into memory: /dev/zero or an 8 GB file would show here.
    expect(process.memoryUsage().rss - before).toBeLessThan(200e6);
  }, 10_000);
});
