/** `biascope layers`, run as a user would. */
import { beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, saveFixture, tempDir } from '../fixtures/models';
import { jsonLines, runBiascope } from './run-cli';

let model: string;

beforeAll(async () => {
  model = await saveFixture(FIXTURES.find((f) => f.name === 'nested')!, tempDir());
});

describe('biascope layers', () => {
  it('lists layers with shapes, marking targetable ones and the default', async () => {
    const run = await runBiascope(['layers', '--model', model, '--json', '--backend', 'cpu']);
    expect(run.code).toBe(0);
    const layers = jsonLines<{ name: string; candidate: boolean; default: boolean; shape: number[] }>(run.stdout);
    expect(layers.map((l) => l.name)).toEqual(['base_conv1', 'base_pool', 'base_conv2', 'base', 'gap', 'drop', 'logits']);
    expect(layers.filter((l) => l.default).map((l) => l.name)).toEqual(['base']);
    expect(layers.find((l) => l.name === 'base_conv1')).toMatchObject({ candidate: true, shape: [16, 16, 8] });
    expect(layers.find((l) => l.name === 'gap')).toMatchObject({ candidate: false, shape: [8] });
  });

  it('prints a table for a person', async () => {
    const run = await runBiascope(['layers', '--model', model, '--backend', 'cpu']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^\* base\s+Sequential\s+\[8, 8, 8\]$/m);
    expect(run.stdout).toMatch(/^\+ base_conv1\s+Conv2D\s+\[16, 16, 8\]$/m);
  });

  it('requires --model', async () => {
    const run = await runBiascope(['layers']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--model <model.onnx\|model.json> is required/);
  });
});
