import { describe, expect, it } from 'vitest';
import { colormapLut } from '../../src/shared/colormap';
import type { MapData } from '../../src/shared/explain';
import { paintHeatmap } from '../../src/shared/heatmap-paint';

const lut = colormapLut('jet');
const top = Array.from(lut.slice(255 * 4, 256 * 4));
const bottom = Array.from(lut.slice(0, 4));

function map(width: number, height: number, values: number[]): MapData {
  return { width, height, data: Float32Array.from(values) };
}

function pixel(rgba: Uint8ClampedArray, width: number, x: number, y: number): number[] {
  const i = (y * width + x) * 4;
  return Array.from(rgba.slice(i, i + 4));
}

describe('paintHeatmap', () => {
  it('fills width*height RGBA pixels', () => {
    const rgba = paintHeatmap(map(2, 2, [0, 1, 2, 3]), { width: 37, height: 21 }, { lut, threshold: 0 });
    expect(rgba).toHaveLength(37 * 21 * 4);
  });

  it('upsamples before colour-mapping: a 2x2 map becomes a smooth 64x64 ramp', () => {
    const viridis = colormapLut('viridis');
    const rgba = paintHeatmap(map(2, 2, [0, 1, 1, 2]), { width: 64, height: 64 }, { lut: viridis, threshold: 0 });
    let largest = 0;
    for (let y = 0; y < 64; y++) {
      for (let x = 0; x < 64; x++) {
        const here = pixel(rgba, 64, x, y);
        for (const [nx, ny] of [[x + 1, y], [x, y + 1]] as const) {
          if (nx >= 64 || ny >= 64) continue;
          const there = pixel(rgba, 64, nx, ny);
          for (let c = 0; c < 3; c++) largest = Math.max(largest, Math.abs(here[c]! - there[c]!));
        }
      }
    }
    // Viridis moves at most ~4 levels per LUT entry; one pixel step spans ~4 entries here.
    expect(largest).toBeLessThanOrEqual(16);
    // Colours between the corners are LUT colours (never a blend of corner colours).
    const middle = pixel(rgba, 64, 32, 32);
    const onLut = Array.from({ length: 256 }, (_, i) => Array.from(viridis.slice(i * 4, i * 4 + 4)));
    expect(onLut).toContainEqual(middle);
  });

  it('gives the peak pixel the top colour and the zero pixel the bottom one', () => {
    const rgba = paintHeatmap(map(2, 2, [5, 0, 0, 0]), { width: 64, height: 64 }, { lut, threshold: 0 });
    expect(pixel(rgba, 64, 0, 0)).toEqual(top);
    expect(pixel(rgba, 64, 63, 63)).toEqual(bottom);
  });

  it('normalises by the map maximum, whatever its scale', () => {
    const small = paintHeatmap(map(2, 1, [0.001, 0.002]), { width: 2, height: 1 }, { lut, threshold: 0 });
    const large = paintHeatmap(map(2, 1, [1000, 2000]), { width: 2, height: 1 }, { lut, threshold: 0 });
    expect(small).toEqual(large);
    expect(pixel(large, 2, 1, 0)).toEqual(top);
    expect(pixel(large, 2, 0, 0)).toEqual(Array.from(lut.slice(128 * 4, 129 * 4)));
  });

  it('makes pixels below the threshold fully transparent and keeps the others opaque', () => {
    // A horizontal ramp 0..1: with threshold 0.5 the left half vanishes.
    const rgba = paintHeatmap(map(4, 1, [0, 1 / 3, 2 / 3, 1]), { width: 64, height: 8 }, { lut, threshold: 0.5 });
    for (let x = 0; x < 64; x++) {
      const value = Math.min(Math.max(((x + 0.5) * 4) / 64 - 0.5, 0), 3) / 3;
      const [r, g, b, a] = pixel(rgba, 64, x, 4);
      if (value < 0.5) expect([r, g, b, a]).toEqual([0, 0, 0, 0]);
      else expect(a).toBe(255);
    }
  });

  it('paints a zero map (and an all-negative one) transparent', () => {
    for (const values of [[0, 0, 0, 0], [-1, -2, -3, -4]]) {
      const rgba = paintHeatmap(map(2, 2, values), { width: 16, height: 16 }, { lut, threshold: 0 });
      expect(rgba.every((v) => v === 0)).toBe(true);
    }
  });

  it('applies alpha to painted pixels only', () => {
    const rgba = paintHeatmap(map(2, 1, [0, 1]), { width: 2, height: 1 }, { lut, threshold: 0.5, alpha: 0.5 });
    expect(pixel(rgba, 2, 0, 0)).toEqual([0, 0, 0, 0]);
    expect(pixel(rgba, 2, 1, 0)).toEqual([...top.slice(0, 3), 128]);
  });

  it('fills a buffer it is given, overwriting what was there', () => {
    const into = new Uint8ClampedArray(8 * 8 * 4).fill(7);
    const rgba = paintHeatmap(map(2, 2, [0, 0, 0, 0]), { width: 8, height: 8 }, { lut, threshold: 0, into });
    expect(rgba).toBe(into);
    expect(into.every((v) => v === 0)).toBe(true);
    const tooSmall = () => paintHeatmap(map(1, 1, [1]), { width: 4, height: 4 }, { lut, threshold: 0, into });
    expect(tooSmall).toThrow(/256 bytes; the paint needs 64/);
  });

  it('names the problem with a bad table or size', () => {
    const rgbTable = new Uint8ClampedArray(768);
    expect(() => paintHeatmap(map(1, 1, [1]), { width: 4, height: 4 }, { lut: rgbTable, threshold: 0 })).toThrow(
      /needs 1024 bytes \(RGBA\), got 768/,
    );
    expect(() => paintHeatmap(map(1, 1, [1]), { width: 0, height: 4 }, { lut, threshold: 0 })).toThrow(/got 0x4/);
  });
});
