import { describe, expect, it } from 'vitest';
import { attentionStats, STATS_MAX_SIDE } from '../../src/main/analysis/attention';
import type { RegionBox } from '../../src/main/library/types';
import type { MapData } from '../../src/shared/explain';
import { massInBox, upsampleBilinear } from '../../src/shared/heatmap';
import { mapOf, seededRandom } from './helpers';

/** An image the size of the map: the grid is the map itself, so answers can be worked out by hand. */
const sizeOf = (map: MapData) => ({ width: map.width, height: map.height });

const region = (name: string, x0: number, y0: number, x1: number, y1: number): RegionBox => ({ name, x0, y0, x1, y1 });

function massOf(stats: ReturnType<typeof attentionStats>, name: string): number {
  const found = stats.regions.find((entry) => entry.name === name);
  if (!found) throw new Error(`no region ${name}`);
  return found.mass;
}

describe('attentionStats', () => {
  it('a single hot cell holds all the mass, peaks at its centre, has the smallest spread and a one-cell box', () => {
    const map = mapOf(10, 10, (x, y) => (x === 3 && y === 6 ? 2 : 0));
    const stats = attentionStats(map, sizeOf(map), [region('around', 2, 5, 5, 8), region('elsewhere', 6, 0, 10, 4)]);
    expect(stats.max).toBe(2);
    expect(stats.peakX).toBeCloseTo(0.35, 12);
    expect(stats.peakY).toBeCloseTo(0.65, 12);
    expect(stats.entropy).toBe(0);
    // ceil(0.5 * 1 cell) of 100 cells.
    expect(stats.spread).toBe(1 / 100);
    expect(stats.box).toEqual({ x0: 0.3, y0: 0.6, x1: 0.4, y1: 0.7 });
    expect(stats.regions).toEqual([
      { name: 'around', mass: 1, boxIou: 1 / 9 },
      { name: 'elsewhere', mass: 0, boxIou: 0 },
    ]);
  });

  it('a hot cell of a 7x7 map, upsampled onto a 224x224 image, stays where it was', () => {
    const map = mapOf(7, 7, (x, y) => (x === 3 && y === 3 ? 1 : 0));
    // Bilinear spreads the cell over its neighbours' footprints, 64..160 pixels at most.
    const stats = attentionStats(map, { width: 224, height: 224 }, [region('support', 64, 64, 160, 160)]);
    const cell = 1 / STATS_MAX_SIDE;
    expect(Math.abs(stats.peakX - 0.5)).toBeLessThanOrEqual(cell);
    expect(Math.abs(stats.peakY - 0.5)).toBeLessThanOrEqual(cell);
    expect(massOf(stats, 'support')).toBeCloseTo(1, 12);
    expect(stats.spread).toBeLessThan(0.05);
    // The hat (1 - |dx|)(1 - |dy|) reaches 15% of its peak 0.85 map cells from the centre.
    const box = stats.box!;
    for (const [edge, expected] of [
      [box.x0, (3.5 - 0.85) / 7],
      [box.y0, (3.5 - 0.85) / 7],
      [box.x1, (3.5 + 0.85) / 7],
      [box.y1, (3.5 + 0.85) / 7],
    ] as const) {
      expect(Math.abs(edge - expected)).toBeLessThanOrEqual(1.5 * cell);
    }
  });

  it('a flat map has entropy 1, half its cells hold half its mass, and its box is the whole image', () => {
    const map = mapOf(7, 7, () => 0.5);
    const stats = attentionStats(map, { width: 224, height: 224 }, [region('left', 0, 0, 112, 224)]);
    const cells = STATS_MAX_SIDE * STATS_MAX_SIDE;
    expect(stats.max).toBe(0.5);
    expect(stats.entropy).toBeCloseTo(1, 9);
    expect(Math.abs(stats.spread - 0.5)).toBeLessThanOrEqual(1 / cells);
    expect(stats.box).toEqual({ x0: 0, y0: 0, x1: 1, y1: 1 });
    // The first of equal cells is the peak.
    expect(stats.peakX).toBeCloseTo(0.5 / STATS_MAX_SIDE, 12);
    expect(stats.regions).toEqual([{ name: 'left', mass: expect.closeTo(0.5, 9), boxIou: 0.5 }]);
  });

  it('an odd number of flat cells needs the cell past the middle', () => {
    const map = mapOf(7, 7, () => 1);
    expect(attentionStats(map, sizeOf(map), []).spread).toBe(25 / 49);
  });

  it('the box takes the larger blob even when the smaller one is hotter; a region drawn on it has IoU 1', () => {
    const small = (x: number, y: number) => x >= 2 && x <= 4 && y >= 2 && y <= 4; // 9 cells at 5
    const large = (x: number, y: number) => x >= 10 && x <= 15 && y >= 8 && y <= 11; // 24 cells at 1
    const map = mapOf(20, 20, (x, y) => (small(x, y) ? 5 : large(x, y) ? 1 : 0));
    const stats = attentionStats(map, sizeOf(map), [region('large', 10, 8, 16, 12), region('small', 2, 2, 5, 5)]);
    expect(stats.box).toEqual({ x0: 0.5, y0: 0.4, x1: 0.8, y1: 0.6 });
    expect(stats.regions).toEqual([
      { name: 'large', mass: expect.closeTo(24 / 69, 12), boxIou: 1 },
      { name: 'small', mass: expect.closeTo(45 / 69, 12), boxIou: 0 },
    ]);
    expect(stats.peakX).toBeCloseTo(2.5 / 20, 12);
    expect(stats.peakY).toBeCloseTo(2.5 / 20, 12);
  });

  it('between blobs of equal size the box takes the one with more mass', () => {
    const map = mapOf(10, 10, (x, y) => (x < 2 && y < 2 ? 1 : x >= 6 && x < 8 && y >= 6 && y < 8 ? 2 : 0));
    expect(attentionStats(map, sizeOf(map), []).box).toEqual({ x0: 0.6, y0: 0.6, x1: 0.8, y1: 0.8 });
  });

  it('cells touching at a corner are one component', () => {
    // A diagonal of 5 cells against a 2x2 block of 4.
    const map = mapOf(10, 10, (x, y) => (x === y && x < 5 ? 1 : x >= 7 && y >= 7 && x < 9 && y < 9 ? 1 : 0));
    expect(attentionStats(map, sizeOf(map), []).box).toEqual({ x0: 0, y0: 0, x1: 0.5, y1: 0.5 });
  });

  it('cells below 15% of the peak are left out of the box', () => {
    const map = mapOf(10, 1, (x) => [0, 0.1, 0.15, 1, 0.5, 0.149, 0.2, 0, 0, 0][x]!);
    expect(attentionStats(map, sizeOf(map), []).box).toEqual({ x0: 0.2, y0: 0, x1: 0.5, y1: 1 });
  });

  it('boxes sharing a name are one region, each cell counted once; regions come sorted by name', () => {
    const map = mapOf(10, 10, () => 1);
    const stats = attentionStats(map, sizeOf(map), [
      region('tool', 8, 8, 30, 30), // runs off the image: 2x2 cells inside
      region('face', 0, 0, 4, 4),
      region('arm', 5, 0, 2, 3), // drawn backwards: empty
      region('face', 2, 2, 6, 6),
    ]);
    // 16 + 16 - 4 overlapping cells; the map's box is the whole image.
    expect(stats.regions).toEqual([
      { name: 'arm', mass: 0, boxIou: 0 },
      { name: 'face', mass: expect.closeTo(0.28, 12), boxIou: 0.28 },
      { name: 'tool', mass: expect.closeTo(0.04, 12), boxIou: 0.04 },
    ]);
  });

  it('caps the grid at 160 on the longer side, keeping the aspect ratio', () => {
    // On a flat map the peak is the first cell, whose centre gives the grid away.
    const stats = attentionStats(mapOf(14, 7, () => 1), { width: 1000, height: 500 }, []);
    expect(stats.peakX).toBeCloseTo(0.5 / 160, 12);
    expect(stats.peakY).toBeCloseTo(0.5 / 80, 12);
    expect(stats.spread).toBe(0.5);
  });

  it('capping the grid barely moves the masses, the peak or the box', () => {
    const random = seededRandom(7);
    const map = mapOf(14, 7, (x, y) => Math.exp(-((x - 9) ** 2 + (y - 3) ** 2) / 6) + 0.4 * random() - 0.1);
    const image = { width: 1000, height: 500 };
    const regions = [
      region('cue', 100, 50, 400, 300),
      region('object', 550, 120, 980, 480),
      region('object', 700, 300, 990, 499),
      region('all', 0, 0, 1000, 500),
      region('speck', 333, 77, 334, 78),
    ];
    const capped = attentionStats(map, image, regions);
    const full = attentionStats(map, image, regions, { maxSide: Infinity });
    capped.regions.forEach((entry, i) => {
      expect(entry.name).toBe(full.regions[i]!.name);
      expect(Math.abs(entry.mass - full.regions[i]!.mass)).toBeLessThan(1e-2);
      expect(Math.abs(entry.boxIou - full.regions[i]!.boxIou)).toBeLessThan(2e-2);
    });
    expect(Math.abs(capped.peakX - full.peakX)).toBeLessThan(2 / 160);
    expect(Math.abs(capped.peakY - full.peakY)).toBeLessThan(2 / 80);
    expect(Math.abs(capped.spread - full.spread)).toBeLessThan(1e-2);
    for (const edge of ['x0', 'y0', 'x1', 'y1'] as const) {
      expect(Math.abs(capped.box![edge] - full.box![edge])).toBeLessThan(2 / 80);
    }
    expect(capped.max).toBe(full.max);
  });

  it('masses agree with massInBox on the same upsampled map', () => {
    const random = seededRandom(11);
    const map = mapOf(7, 7, () => random() * 2 - 0.5);
    const image = { width: 224, height: 224 };
    const boxes = [region('a', 0, 0, 224, 224), region('b', 30, 40, 150, 100), region('c', 101, 7, 102, 223)];
    const upsampled = upsampleBilinear(map, 224, 224);
    const full = attentionStats(map, image, boxes, { maxSide: 224 });
    const capped = attentionStats(map, image, boxes);
    boxes.forEach((box, i) => {
      const expected = massInBox(upsampled, box);
      expect(full.regions[i]!.mass).toBeCloseTo(expected, 9);
      expect(Math.abs(capped.regions[i]!.mass - expected)).toBeLessThan(1e-2);
    });
  });

  it('max is the raw maximum of the low-resolution map', () => {
    const map = mapOf(3, 3, (x, y) => x * 3 + y - 4);
    expect(attentionStats(map, { width: 300, height: 300 }, []).max).toBe(4);
  });

  it('spread matches the definition: the fewest largest cells reaching half the mass', () => {
    const random = seededRandom(3);
    for (const [width, height, levels] of [
      [13, 9, 0],
      [40, 25, 0],
      [31, 31, 4], // few distinct values: many ties
      [1, 50, 0],
    ] as const) {
      const map = mapOf(width, height, () => (levels ? Math.floor(random() * levels) : random() ** 4 - 0.2));
      const positive = Array.from(map.data, (v) => Math.max(0, v)).sort((a, b) => b - a);
      const half = positive.reduce((sum, v) => sum + v, 0) / 2;
      let cells = 0;
      for (let sum = 0; sum < half; cells++) sum += positive[cells]!;
      expect(attentionStats(map, sizeOf(map), []).spread).toBe(cells / (width * height));
    }
  });

  it('entropy matches the definition: Shannon entropy over log(cells)', () => {
    const random = seededRandom(5);
    const map = mapOf(23, 17, () => random() - 0.3);
    const positive = Array.from(map.data, (v) => Math.max(0, v));
    const total = positive.reduce((sum, v) => sum + v, 0);
    const entropy = positive.reduce((sum, v) => (v > 0 ? sum - (v / total) * Math.log(v / total) : sum), 0);
    expect(attentionStats(map, sizeOf(map), []).entropy).toBeCloseTo(entropy / Math.log(23 * 17), 10);
  });

  it('a map with nothing positive gets neutral statistics, no box and no mass anywhere', () => {
    const regions = [region('b', 0, 0, 5, 5), region('a', 1, 1, 2, 2), region('b', 3, 3, 7, 7)];
    const neutral = {
      entropy: 0,
      peakX: 0.5,
      peakY: 0.5,
      spread: 0,
      box: null,
      regions: [
        { name: 'a', mass: 0, boxIou: 0 },
        { name: 'b', mass: 0, boxIou: 0 },
      ],
    };
    expect(attentionStats(mapOf(7, 7, () => 0), { width: 224, height: 224 }, regions)).toEqual({ max: 0, ...neutral });
    expect(attentionStats(mapOf(7, 7, () => -0.25), { width: 224, height: 224 }, regions)).toEqual({
      max: -0.25,
      ...neutral,
    });
  });

  it('throws on a non-finite value', () => {
    for (const bad of [NaN, Infinity, -Infinity]) {
      const map = mapOf(7, 7, (x, y) => (x === 2 && y === 5 ? bad : 1));
      expect(() => attentionStats(map, { width: 224, height: 224 }, [])).toThrow(/non-finite/);
    }
  });

  it('throws on a map whose data does not fit its size, or an empty image', () => {
    const map = { width: 7, height: 7, data: new Float32Array(48) };
    expect(() => attentionStats(map, { width: 224, height: 224 }, [])).toThrow(/7x7 map needs 49 values, got 48/);
    expect(() => attentionStats(mapOf(2, 2, () => 1), { width: 0, height: 10 }, [])).toThrow(/image size/);
  });
});
