/** Heatmap helpers used by the engine's callers and the UI alike. Pure functions. */
import type { MapData } from './explain';

/**
 * Bilinear resize with half-pixel centres (what image resizers and
 * tf.image.resizeBilinear(..., halfPixelCenters) do), so a 7x7 map lines up with
 * the image it explains.
 */
export function upsampleBilinear(map: MapData, width: number, height: number): MapData {
  const out = new Float32Array(width * height);
  const sx = map.width / width;
  const sy = map.height / height;
  for (let y = 0; y < height; y++) {
    const fy = Math.min(Math.max((y + 0.5) * sy - 0.5, 0), map.height - 1);
    const y0 = Math.floor(fy);
    const y1 = Math.min(y0 + 1, map.height - 1);
    const wy = fy - y0;
    for (let x = 0; x < width; x++) {
      const fx = Math.min(Math.max((x + 0.5) * sx - 0.5, 0), map.width - 1);
      const x0 = Math.floor(fx);
      const x1 = Math.min(x0 + 1, map.width - 1);
      const wx = fx - x0;
      const top = map.data[y0 * map.width + x0]! * (1 - wx) + map.data[y0 * map.width + x1]! * wx;
      const bottom = map.data[y1 * map.width + x0]! * (1 - wx) + map.data[y1 * map.width + x1]! * wx;
      out[y * width + x] = top * (1 - wy) + bottom * wy;
    }
  }
  return { width, height, data: out };
}

export interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** Share of the map's positive mass inside a pixel box (x1, y1 exclusive). */
export function massInBox(map: MapData, box: Box): number {
  let inside = 0;
  let total = 0;
  for (let y = 0; y < map.height; y++) {
    for (let x = 0; x < map.width; x++) {
      const v = Math.max(0, map.data[y * map.width + x]!);
      total += v;
      if (x >= box.x0 && x < box.x1 && y >= box.y0 && y < box.y1) inside += v;
    }
  }
  return total === 0 ? 0 : inside / total;
}
