/**
 * Evidence components as the store keeps them (schema 6): the cells as a bitmask of the
 * map grid and the descriptor as an int8 unit vector. int8 keeps a cosine to about 1e-4
 * of the float one, at a quarter of the bytes; a component of a 256-channel layer is
 * about 300 bytes.
 */
import type { MapData } from '../../../shared/explain';
import type { StoredComponent } from '../../store/types';
import { evidenceComponents, type ComponentOptions } from './components';
import { describeComponent, type FeatureGrid } from './describe';

/** A map's evidence components described by the descriptor under them, ready to store. */
export function componentsToStore(map: MapData, descriptor: FeatureGrid, options: ComponentOptions = {}): StoredComponent[] {
  return evidenceComponents(map, options).map((component) => {
    const cells = new Uint8Array(Math.ceil((map.width * map.height) / 8));
    for (const cell of component.cells) cells[cell >> 3]! |= 1 << (cell & 7);
    const vector = describeComponent(component, map, descriptor);
    const quantised = Int8Array.from(vector, (v) => Math.max(-127, Math.min(127, Math.round(v * 127))));
    return { share: component.share, mass: component.mass, cx: component.centroid.x, cy: component.centroid.y, cells, descriptor: quantised };
  });
}

/** The stored descriptor back as a unit vector (zero stays zero). */
export function storedVector(descriptor: Int8Array): Float32Array {
  const out = Float32Array.from(descriptor, (v) => v / 127);
  let norm = 0;
  for (const v of out) norm += v * v;
  norm = Math.sqrt(norm);
  if (norm > 0) for (let i = 0; i < out.length; i++) out[i]! /= norm;
  return out;
}

/** The cell indices of a stored bitmask, ascending. */
export function storedCells(cells: Uint8Array, count: number): number[] {
  const out: number[] = [];
  for (let cell = 0; cell < count; cell++) if (cells[cell >> 3]! & (1 << (cell & 7))) out.push(cell);
  return out;
}
