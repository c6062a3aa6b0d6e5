/**
 * `biascope explain` end to end: a fixture model saved to disk, real PNGs, the real
 * launcher in a child process, its stdout read back as JSON Lines.
 */
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, saveFixture, tempDir } from '../fixtures/models';
import { explainBatch, initBackend, loadModel } from '../../src/main/engine';
import { decodeRgb } from '../../src/main/library/decode';
import { jsonLines, runBiascope } from './run-cli';

interface MapLine {
  image: string;
  method: string;
  layer: string | null;
  target: { index: number; name: string };
  predictions: { index: number; name: string; logit: number; prob: number }[];
  map: { width: number; height: number; data: number[] };
}
interface ErrorLine {
  image: string;
  error: string;
}
type Line = MapLine | ErrorLine;

const fixture = FIXTURES.find((f) => f.name === 'gap-logits')!;
// conv1 (16x16) -> 2x2 max pool -> conv_last: the default layer is 8x8.
const LAYER_SIZE = fixture.size / 2;

let dir: string;
let model: string;
const made: string[] = [];
const GOOD = ['red.png', 'wide.png', 'small.png'];

async function writeImage(file: string, width: number, height: number, background: string): Promise<void> {
  const spot = Buffer.from(`<svg width="${width}" height="${height}"><circle cx="${width / 3}" cy="${height / 3}" r="${Math.min(width, height) / 5}" fill="white"/></svg>`);
  await sharp({ create: { width, height, channels: 3, background } }).composite([{ input: spot }]).png().toFile(path.join(dir, file));
}

beforeAll(async () => {
  dir = tempDir('biascope-cli-');
  made.push(dir);
  model = await saveFixture(fixture, dir);
  // Sizes differ from the model's 16x16 input: the CLI resizes.
  await writeImage('red.png', 40, 30, '#d02818');
  await writeImage('wide.png', 64, 16, '#1848d0');
  await writeImage('small.png', 8, 8, '#30a040');
  await writeFile(path.join(dir, 'corrupt.png'), 'this is text, not a PNG\n');
});

afterAll(async () => {
  await Promise.all(made.map((d) => rm(d, { recursive: true, force: true })));
});

const isError = (line: Line): line is ErrorLine => 'error' in line;

describe('biascope explain --json', () => {
  it('writes one line per image, in order, with a layer-sized map and an error line for each bad file', async () => {
    const images = ['red.png', 'corrupt.png', 'wide.png', 'missing.png', 'small.png'];
    const run = await runBiascope(['explain', ...images, '--model', model, '--json', '--batch', '2'], dir);
    expect(run.code).toBe(0);
    const lines = jsonLines<Line>(run.stdout);
    expect(lines.map((l) => l.image)).toEqual(images);

    const errors = lines.filter(isError);
    expect(errors).toEqual([
      { image: 'corrupt.png', error: expect.stringMatching(/not an image/) },
      { image: 'missing.png', error: 'file not found' },
    ]);
    const maps = lines.filter((l): l is MapLine => !isError(l));
    expect(maps.map((l) => l.image)).toEqual(GOOD);
    for (const line of maps) {
      expect(line.method).toBe('gradcam');
      expect(line.layer).toBe('conv_last');
      expect(line.map.width).toBe(LAYER_SIZE);
      expect(line.map.height).toBe(LAYER_SIZE);
      expect(line.map.data).toHaveLength(LAYER_SIZE * LAYER_SIZE);
      expect(line.map.data.every((v) => Number.isFinite(v) && v >= 0)).toBe(true);
      // Default target: the predicted class, which is the first prediction.
      expect(line.target).toEqual({ index: line.predictions[0]!.index, name: line.predictions[0]!.name });
      expect(line.predictions.map((p) => p.name).sort()).toEqual([...fixture.classes].sort());
      const probs = line.predictions.map((p) => p.prob);
      expect(probs.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
      expect(probs).toEqual([...probs].sort((a, b) => b - a));
    }
    expect(run.stderr).toMatch(/^backend: /m);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('explains every class with --target all, and a chosen one by name', async () => {
    const all = jsonLines<MapLine>((await runBiascope(['explain', 'red.png', 'wide.png', '--model', model, '--json', '--target', 'all'], dir)).stdout);
    expect(all.map((l) => [l.image, l.target.name])).toEqual([
      ['red.png', 'alpha'],
      ['red.png', 'beta'],
      ['red.png', 'gamma'],
      ['wide.png', 'alpha'],
      ['wide.png', 'beta'],
      ['wide.png', 'gamma'],
    ]);
    // Different targets weigh the channels differently: the maps must differ.
    expect(all[0]!.map.data).not.toEqual(all[1]!.map.data);

    const beta = jsonLines<MapLine>((await runBiascope(['explain', 'red.png', '--model', model, '--json', '--target', 'beta', '--top', '1'], dir)).stdout);
    expect(beta).toHaveLength(1);
    expect(beta[0]!.target).toEqual({ index: 1, name: 'beta' });
    expect(beta[0]!.predictions).toHaveLength(1);
    // Same image, same class, same model: the same map whichever way it was asked for.
    expect(beta[0]!.map.data).toEqual(all[1]!.map.data);
  });

  it('gives guided backprop at input resolution, on the cpu backend with a clean stdout', async () => {
    const run = await runBiascope(['explain', 'red.png', 'small.png', '--model', model, '--json', '--method', 'guided-backprop', '--backend', 'cpu'], dir);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/^backend: cpu$/m);
    expect(run.stderr).not.toMatch(/looks like you are running TensorFlow\.js/);
    const lines = jsonLines<MapLine>(run.stdout);
    expect(lines).toHaveLength(2);
    for (const line of lines) {
      expect(line).toMatchObject({ method: 'guided-backprop', layer: null, map: { width: fixture.size, height: fixture.size } });
      expect(line.map.data).toHaveLength(fixture.size * fixture.size);
      expect(Math.max(...line.map.data)).toBeGreaterThan(0);
    }
  });

  it('matches the engine run in-process on the same files, whatever the batching', async () => {
    const run = await runBiascope(['explain', 'small.png', 'corrupt.png', 'red.png', 'wide.png', '--model', model, '--json', '--batch', '2', '--backend', 'cpu'], dir);
    const fromCli = jsonLines<Line>(run.stdout).filter((l): l is MapLine => !isError(l));

    await initBackend('cpu');
    const loaded = await loadModel(model);
    try {
      const images = await Promise.all(['small.png', 'red.png', 'wide.png'].map((f) => decodeRgb(path.join(dir, f), [fixture.size, fixture.size])));
      const direct = await explainBatch(loaded, images, { methods: ['gradcam'] });
      expect(fromCli).toHaveLength(direct.length);
      direct.forEach((explanation, i) => {
        const line = fromCli[i]!;
        const map = explanation.maps[0]!;
        expect(line.target).toEqual(map.target);
        const scale = Math.max(...map.map.data) || 1;
        Array.from(map.map.data).forEach((v, k) => expect(Math.abs(line.map.data[k]! - v) / scale).toBeLessThan(1e-5));
        expect(line.predictions[0]!.prob).toBeCloseTo(explanation.predictions[0]!.prob, 5);
      });
    } finally {
      loaded.network.dispose();
    }
  });

  it('exits 1 when no image can be read, still reporting each', async () => {
    const run = await runBiascope(['explain', 'corrupt.png', 'missing.png', '--model', model, '--json'], dir);
    expect(run.code).toBe(1);
    expect(jsonLines<ErrorLine>(run.stdout).map((l) => l.image)).toEqual(['corrupt.png', 'missing.png']);
    expect(run.stderr).toMatch(/no image could be read/);
  });
});

describe('biascope explain, human output', () => {
  it('shows predictions by class name and an ASCII heatmap per map; bad files on stderr', async () => {
    const run = await runBiascope(['explain', 'red.png', 'missing.png', '--model', model], dir);
    expect(run.code).toBe(0);
    for (const name of fixture.classes) expect(run.stdout).toMatch(new RegExp(`^  ${name} +\\d+\\.\\d%  logit`, 'm'));
    expect(run.stdout).toMatch(/^red\.png$/m);
    expect(run.stdout).toMatch(new RegExp(`gradcam {2}· {2}layer conv_last {2}· {2}target \\w+ \\(\\d\\) {2}· {2}${LAYER_SIZE}x${LAYER_SIZE} {2}· {2}max \\d`));
    const artRows = run.stdout.split('\n').filter((line) => /^ {2}\|.*\|$/.test(line));
    expect(artRows).toHaveLength(LAYER_SIZE);
    expect(artRows.every((row) => row.length === 2 + 2 + 2 * LAYER_SIZE)).toBe(true);
    expect(run.stdout).not.toMatch(/missing\.png/);
    expect(run.stderr).toMatch(/^missing\.png: file not found$/m);
  });
});

describe('biascope explain, model and usage errors', () => {
  it('names a wrong layer and lists the right ones, exit 1, no stack trace', async () => {
    const run = await runBiascope(['explain', 'red.png', '--model', model, '--layer', 'conv9', '--json'], dir);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/biascope explain: no layer named "conv9"; 4-D layers are: conv1, pool1, conv_last/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('rejects an unknown target, a missing model and a model CAM cannot explain, exit 1', async () => {
    const target = await runBiascope(['explain', 'red.png', '--model', model, '--target', 'delta'], dir);
    expect(target.code).toBe(1);
    expect(target.stderr).toMatch(/target "delta" is neither a class index, a class name \(alpha, beta, gamma\)/);

    const missing = await runBiascope(['explain', 'red.png', '--model', 'nowhere/model.json'], dir);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/model not found: nowhere\/model\.json/);

    const poolHead = await saveFixture(FIXTURES.find((f) => f.name === 'pool-head')!, dir);
    const cam = await runBiascope(['explain', 'red.png', '--model', poolHead, '--method', 'cam'], dir);
    expect(cam.code).toBe(1);
    expect(cam.stderr).toMatch(/cam: CAM needs "conv_last" -> GlobalAveragePooling2D -> Dense/);
    for (const run of [target, missing, cam]) expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('reports a broken sidecar by file and field', async () => {
    const brokenDir = tempDir('biascope-cli-sidecar-');
    made.push(brokenDir);
    const broken = await saveFixture(fixture, brokenDir);
    await writeFile(path.join(path.dirname(broken), 'biascope.json'), JSON.stringify({ classes: [], inputSize: [16, 16], preprocess: { scale: '0..1' } }));
    const run = await runBiascope(['explain', 'red.png', '--model', path.dirname(broken)], dir);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/biascope\.json: classes: /);
  });

  it('exits 2 with a pointer to --help for a wrong command line', async () => {
    const flag = await runBiascope(['explain', 'red.png', '--model', model, '--colour']);
    expect(flag).toMatchObject({ code: 2, stdout: '' });
    expect(flag.stderr).toBe('biascope explain: unknown option --colour\nRun "biascope explain --help" for usage.\n');
  });
});
