/**
 * Compact storage of a low-resolution map: non-negative values quantised to
 * uint16, little-endian, scaled so the map's maximum is 65535. A 14x14 map takes
 * 392 bytes; the error is at most max/131070, far below what a colormap shows.
 * Pure: used by the store (write) and the renderer (read).
 */
import type { MapData } from './explain';

const LEVELS = 65535;

export interface EncodedMap {
  width: number;
  height: number;
  /** The largest value: decoding multiplies by max/65535. */
  max: number;
  bytes: Uint8Array;
}

export function encodeMap(map: MapData): EncodedMap {
  let max = 0;
  for (const v of map.data) if (v > max) max = v;
  const bytes = new Uint8Array(map.data.length * 2);
  const view = new DataView(bytes.buffer);
  const scale = max > 0 ? LEVELS / max : 0;
  map.data.forEach((v, i) => view.setUint16(i * 2, Math.round(Math.max(0, v) * scale), true));
  return { width: map.width, height: map.height, max, bytes };
}

export function decodeMap(encoded: EncodedMap): MapData {
  const { width, height, max, bytes } = encoded;
  if (bytes.length !== width * height * 2) {
    throw new Error(`map blob has ${bytes.length} bytes; a ${width}x${height} map needs ${width * height * 2}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const data = new Float32Array(width * height);
  const step = max / LEVELS;
  for (let i = 0; i < data.length; i++) data[i] = view.getUint16(i * 2, true) * step;
  return { width, height, data };
}
