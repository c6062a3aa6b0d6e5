import type { MapData } from '../../src/shared/explain';

/** A map filled cell by cell. */
export function mapOf(width: number, height: number, value: (x: number, y: number) => number): MapData {
  const data = new Float32Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data[y * width + x] = value(x, y);
  return { width, height, data };
}

/** Deterministic uniform numbers in [0, 1), so random tests fail the same way twice. */
export { seededRandom } from '../../src/shared/random';
