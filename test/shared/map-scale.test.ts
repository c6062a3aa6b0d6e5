import { describe, expect, it } from 'vitest';
import { colormapLut } from '../../src/shared/colormap';
import { paintHeatmap } from '../../src/shared/heatmap-paint';
import { isFlatMap, scaleFor, scaleOfSortedMaxima, SCALE_QUANTILE } from '../../src/shared/map-scale';

const map = (data: number[]) => ({ width: data.length, height: 1, data: Float32Array.from(data) });
const alphaOf = (pixels: Uint8ClampedArray) => Array.from({ length: pixels.length / 4 }, (_, i) => pixels[i * 4 + 3]!);

describe('flat maps', () => {
  it('are empty, nearly constant, or spread evenly; a map that points somewhere is not', () => {
    expect(isFlatMap([0, 0, 0, 0])).toBe(true);
    expect(isFlatMap([0.9, 1, 0.95, 0.85])).toBe(true);
    // Varies from 0.25 to 1 of its peak, but everywhere at once: normalised entropy > 0.99.
    const even = Array.from({ length: 144 }, (_, i) => 0.6 + 0.4 * Math.sin(i * 1.7) ** 2);
    expect(isFlatMap(even)).toBe(true);
    const peaked = Array.from({ length: 144 }, (_, i) => (i % 12 < 4 && i < 48 ? 1 : 0.02));
    expect(isFlatMap(peaked)).toBe(false);
    expect(isFlatMap([0, 0, 1, 0])).toBe(false);
  });

  it('paint as nothing, whatever the scale', () => {
    const lut = colormapLut('turbo');
    for (const scale of [null, 0.001, 10]) {
      expect(alphaOf(paintHeatmap(map([0.9, 1, 0.95, 0.85]), { width: 4, height: 1 }, { lut, threshold: 0, scale })).every((a) => a === 0)).toBe(true);
    }
  });
});

describe('a shared scale', () => {
  it('is a high quantile of the maxima, so one outlier does not fade every map', () => {
    const maxima = Array.from({ length: 1000 }, (_, i) => (i + 1) / 1000);
    maxima[999] = 500;
    const scale = scaleOfSortedMaxima(maxima)!;
    expect(scale).toBeCloseTo(maxima[Math.floor(SCALE_QUANTILE * 999)]!, 12);
    expect(scale).toBeLessThan(1);
    expect(scaleOfSortedMaxima([])).toBeNull();
    expect(scaleOfSortedMaxima([0, 0])).toBeNull();
  });

  it('colours a weak map weakly and clamps a strong one to the top colour', () => {
    const lut = colormapLut('turbo');
    const weak = map([0, 0.004, 0]);
    const own = paintHeatmap(weak, { width: 3, height: 1 }, { lut, threshold: 0.2 });
    const shared = paintHeatmap(weak, { width: 3, height: 1 }, { lut, threshold: 0.2, scale: 0.06 });
    // Own maximum: the weak peak is painted in the top colour; on the shared scale it is under the threshold.
    expect(own[4 * 1 + 3]).toBe(255);
    expect(shared[4 * 1 + 3]).toBe(0);
    const strong = paintHeatmap(map([0, 2, 0]), { width: 3, height: 1 }, { lut, threshold: 0, scale: 1 });
    const top = lut.length / 4 - 1;
    expect(Array.from(strong.slice(4, 7))).toEqual(Array.from(lut.slice(top * 4, top * 4 + 3)));
  });

  it('is picked by mode: the whole audit, the class, or none', () => {
    const scales = { dataset: 0.06, byClass: { doctor: 0.07, nurse: 0.004 } };
    expect(scaleFor('dataset', scales, 'nurse')).toBe(0.06);
    expect(scaleFor('class', scales, 'nurse')).toBe(0.004);
    expect(scaleFor('class', scales, 'surgeon')).toBe(0.06);
    expect(scaleFor('image', scales, 'nurse')).toBeNull();
    expect(scaleFor('dataset', null, 'nurse')).toBeNull();
  });
});
