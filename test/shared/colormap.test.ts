import { describe, expect, it } from 'vitest';
import { COLORMAPS, colormapLut, isColormapName, LUT_SIZE } from '../../src/shared/colormap';

function entry(lut: Uint8ClampedArray, i: number): [number, number, number, number] {
  return [lut[i * 4]!, lut[i * 4 + 1]!, lut[i * 4 + 2]!, lut[i * 4 + 3]!];
}

/** CIE L* (0..100) of an sRGB colour. */
function lightness([r, g, b]: readonly number[]): number {
  const linear = (c: number) => ((c /= 255) <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
  const y = 0.2126 * linear(r!) + 0.7152 * linear(g!) + 0.0722 * linear(b!);
  return y > 216 / 24389 ? 116 * Math.cbrt(y) - 16 : (y * 24389) / 27;
}

function expectNear(actual: readonly number[], expected: readonly number[], tolerance: number): void {
  actual.slice(0, 3).forEach((v, i) => {
    expect(Math.abs(v - expected[i]!), `channel ${i}: ${v} vs ${expected[i]}`).toBeLessThanOrEqual(tolerance);
  });
}

describe('colormaps', () => {
  it.each(COLORMAPS)('%s: 256 opaque RGBA entries, built once', (name) => {
    const lut = colormapLut(name);
    expect(lut).toHaveLength(LUT_SIZE * 4);
    for (let i = 0; i < LUT_SIZE; i++) expect(lut[i * 4 + 3]).toBe(255);
    expect(colormapLut(name)).toBe(lut);
    expect(isColormapName(name)).toBe(true);
  });

  it('jet runs from dark blue through cyan, green and yellow to dark red', () => {
    const lut = colormapLut('jet');
    expectNear(entry(lut, 0), [0, 0, 128], 1);
    expectNear(entry(lut, 64), [0, 128, 255], 2);
    expectNear(entry(lut, 128), [128, 255, 128], 3);
    expectNear(entry(lut, 191), [255, 128, 0], 3);
    expectNear(entry(lut, 255), [128, 0, 0], 1);
  });

  it('viridis matches matplotlib at its ends and middle', () => {
    const lut = colormapLut('viridis');
    expectNear(entry(lut, 0), [0x44, 0x01, 0x54], 4);
    expectNear(entry(lut, 128), [0x21, 0x91, 0x8c], 4);
    expectNear(entry(lut, 255), [0xfd, 0xe7, 0x25], 4);
  });

  it('viridis lightness rises steadily (8-bit rounding aside)', () => {
    const lut = colormapLut('viridis');
    const l = Array.from({ length: LUT_SIZE }, (_, i) => lightness(entry(lut, i)));
    for (let i = 1; i < LUT_SIZE; i++) expect(l[i]! - l[i - 1]!).toBeGreaterThan(-0.05);
    for (let i = 8; i < LUT_SIZE; i += 8) expect(l[i]!).toBeGreaterThan(l[i - 8]!);
    expect(l[255]! - l[0]!).toBeGreaterThan(70);
  });

  it('turbo starts dark, peaks bright in the middle and ends dark red', () => {
    const lut = colormapLut('turbo');
    const [r, g, b] = entry(lut, 255);
    expect(lightness(entry(lut, 0))).toBeLessThan(20);
    expect(lightness(entry(lut, 128))).toBeGreaterThan(80);
    expect(r).toBeGreaterThan(100);
    expect(r).toBeLessThan(180);
    expect(g + b).toBeLessThan(40);
  });

  it('rejects an unknown name with the names it knows', () => {
    expect(isColormapName('hot')).toBe(false);
    expect(() => colormapLut('hot' as never)).toThrow(/unknown colormap "hot".*turbo, viridis, jet/);
  });
});
