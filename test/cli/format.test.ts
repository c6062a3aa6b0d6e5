import { describe, expect, it } from 'vitest';
import { asciiHeatmap, formatMap, formatPredictions, RAMP, shrinkMap } from '../../src/main/cli/format';
import { mapRecord, roundFloat } from '../../src/main/cli/json-lines';
import { mapWithConcurrency } from '../../src/main/util/concurrency';
import { chunks } from '../../src/main/util/chunks';
import type { ExplainedMap, ImageExplanation } from '../../src/main/engine/explain';

const map = (width: number, height: number, values: number[]) => ({ width, height, data: Float32Array.from(values) });

describe('asciiHeatmap', () => {
  it('draws each cell relative to the maximum, two characters wide, in a frame', () => {
    const art = asciiHeatmap(map(3, 2, [0, 0.5, 1, 1, 0.5, 0]));
    expect(art).toEqual(['+------+', '|  ++@@|', '|@@++  |', '+------+']);
    expect(RAMP[0]).toBe(' ');
  });

  it('shows an all-zero map as blank instead of dividing by zero', () => {
    expect(asciiHeatmap(map(2, 1, [0, 0]))).toEqual(['+----+', '|    |', '+----+']);
  });

  it('averages wide maps down to the display width, keeping the aspect', () => {
    const wide = map(64, 32, Array.from({ length: 64 * 32 }, (_, i) => i % 64));
    const small = shrinkMap(wide, 32);
    expect([small.width, small.height]).toEqual([32, 16]);
    expect(small.data[0]).toBeCloseTo(0.5);
    expect(asciiHeatmap(wide, 32)).toHaveLength(16 + 2);
  });
});

describe('human output', () => {
  it('lists predictions with percentages and logits, names aligned', () => {
    const lines = formatPredictions([
      { index: 1, name: 'nurse', logit: 2.3, prob: 0.912 },
      { index: 0, name: 'doctor', logit: -0.05, prob: 0.088 },
    ]);
    expect(lines).toEqual(['nurse    91.2%  logit  2.300', 'doctor    8.8%  logit -0.050']);
  });

  it('heads each map with method, layer, target, size and raw maximum', () => {
    const explained: ExplainedMap = { method: 'gradcam', layer: 'conv_last', target: { index: 1, name: 'nurse' }, map: map(2, 2, [0, 0.25, 0.5, 0.123456]) };
    expect(formatMap(explained)[0]).toBe('gradcam  ·  layer conv_last  ·  target nurse (1)  ·  2x2  ·  max 0.5');
    const guided: ExplainedMap = { ...explained, method: 'guided-backprop', layer: null };
    expect(formatMap(guided)[0]).toMatch(/^guided-backprop {2}· {2}input pixels/);
  });
});

describe('JSON records', () => {
  it('rounds floats to six significant digits', () => {
    expect(roundFloat(0.123456789)).toBe(0.123457);
    expect(roundFloat(123456.789)).toBe(123457);
    expect(roundFloat(1.23456789e-9)).toBe(1.23457e-9);
    expect(Object.is(roundFloat(-0), 0)).toBe(true);
  });

  it('holds the raw map row-major with the predictions', () => {
    const explanation: ImageExplanation = {
      predictions: [{ index: 1, name: 'nurse', logit: 2.3000001, prob: 0.9100000001 }],
      maps: [],
    };
    const explained: ExplainedMap = { method: 'gradcam', layer: 'conv_last', target: { index: 1, name: 'nurse' }, map: map(2, 1, [0, 0.12]) };
    expect(JSON.parse(JSON.stringify(mapRecord('a.png', explanation, explained)))).toEqual({
      image: 'a.png',
      method: 'gradcam',
      layer: 'conv_last',
      target: { index: 1, name: 'nurse' },
      predictions: [{ index: 1, name: 'nurse', logit: 2.3, prob: 0.91 }],
      map: { width: 2, height: 1, data: [0, 0.12] },
    });
  });
});

describe('batching helpers', () => {
  it('splits into chunks of the batch size', () => {
    expect(chunks([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunks([], 8)).toEqual([]);
  });

  it('keeps order and never exceeds the concurrency limit', async () => {
    let inFlight = 0;
    let peak = 0;
    const results = await mapWithConcurrency([30, 5, 20, 1, 10, 2], 2, async (ms, i) => {
      peak = Math.max(peak, ++inFlight);
      await new Promise((resolve) => setTimeout(resolve, ms));
      inFlight--;
      return i;
    });
    expect(results).toEqual([0, 1, 2, 3, 4, 5]);
    expect(peak).toBe(2);
  });
});
