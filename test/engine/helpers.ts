/** Shared helpers for engine tests. */
import { expect } from 'vitest';
import type { MapData } from '../../src/shared/explain';

export function maxOf(values: ArrayLike<number>): number {
  let m = -Infinity;
  for (let i = 0; i < values.length; i++) m = Math.max(m, values[i]!);
  return m;
}

/** Asserts |a - b| <= tolerance * max|b| elementwise (and at least absolute `floor`). */
export function expectClose(a: ArrayLike<number>, b: ArrayLike<number>, tolerance: number, floor = 1e-7): void {
  expect(a.length).toBe(b.length);
  let scale = 0;
  for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i]!));
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  expect(worst).toBeLessThanOrEqual(Math.max(tolerance * scale, floor));
}

/** Share of a map's (non-negative) mass in columns [x0, x1). */
export function massInColumns(map: MapData, x0: number, x1: number): number {
  let inside = 0;
  let total = 0;
  for (let y = 0; y < map.height; y++) {
    for (let x = 0; x < map.width; x++) {
      const v = map.data[y * map.width + x]!;
      total += v;
      if (x >= x0 && x < x1) inside += v;
    }
  }
  return total === 0 ? 0 : inside / total;
}
