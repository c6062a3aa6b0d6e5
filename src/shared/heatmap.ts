/** Heatmap helpers used by the engine's callers and the UI alike. Pure functions. */
import type { MapData } from './explain';

/**
 * Bilinear resize with half-pixel centres (what image resizers and
 * tf.image.resizeBilinear(..., halfPixelCenters) do), so a 7x7 map lines up with
 * the image it explains.
 */
export function upsampleBilinear(map: MapData, width: number, height: number): MapData {
  const out = new Float32Array(width * height);
  // Column sources and weights are the same on every row: computed once.
  const sx = map.width / width;
  const x0s = new Int32Array(width);
  const x1s = new Int32Array(width);
  const wxs = new Float64Array(width);
  for (let x = 0; x < width; x++) {
    const fx = Math.min(Math.max((x + 0.5) * sx - 0.5, 0), map.width - 1);
    x0s[x] = Math.floor(fx);
    x1s[x] = Math.min(x0s[x]! + 1, map.width - 1);
    wxs[x] = fx - x0s[x]!;
  }
  const sy = map.height / height;
  const src = map.data;
  for (let y = 0; y < height; y++) {
    const fy = Math.min(Math.max((y + 0.5) * sy - 0.5, 0), map.height - 1);
    const y0 = Math.floor(fy);
    const wy = fy - y0;
    const top = y0 * map.width;
    const bottom = Math.min(y0 + 1, map.height - 1) * map.width;
    const row = y * width;
    for (let x = 0; x < width; x++) {
      const x0 = x0s[x]!;
      const x1 = x1s[x]!;
      const wx = wxs[x]!;
      const t = src[top + x0]! * (1 - wx) + src[top + x1]! * wx;
      const b = src[bottom + x0]! * (1 - wx) + src[bottom + x1]! * wx;
      out[row + x] = t * (1 - wy) + b * wy;
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
