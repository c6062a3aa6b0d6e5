/**
 * What a component looks like: the map-weighted mean of a descriptor layer's feature
 * vectors under it, at unit length so k-means compares directions (what) and not
 * activation strength (how bright, how large).
 */
import type { MapData } from '../../../shared/explain';
import type { EvidenceComponent } from './components';

/** Channel vectors on a grid, height x width x channels (HWC), row-major. */
export interface FeatureGrid {
  width: number;
  height: number;
  channels: number;
  data: Float32Array;
}

/**
 * The descriptor of one component: sum over its cells of max(map, 0) x the cell's
 * channel vector, divided by the summed weight, then L2-normalised. A component whose
 * features are all zero (a dead patch of a ReLU layer) keeps a zero vector: it says
 * nothing about what the place is, and the clustering leaves it unassigned.
 * The descriptor must already be on the map's grid (see poolToGrid).
 */
export function describeComponent(component: Pick<EvidenceComponent, 'cells'>, map: MapData, descriptor: FeatureGrid): Float32Array {
  const { width, height, channels, data } = descriptor;
  if (width !== map.width || height !== map.height) {
    throw new Error(`describeComponent: descriptor grid ${width}x${height} is not the map's ${map.width}x${map.height}; pool it first`);
  }
  if (data.length !== width * height * channels) throw new Error(`describeComponent: ${data.length} values for ${width}x${height}x${channels}`);
  const sum = new Float64Array(channels);
  let weight = 0;
  for (const cell of component.cells) {
    const w = Math.max(0, map.data[cell]!);
    if (w === 0) continue;
    weight += w;
    const base = cell * channels;
    for (let c = 0; c < channels; c++) sum[c]! += w * data[base + c]!;
  }
  const out = new Float32Array(channels);
  if (weight === 0) return out;
  let norm = 0;
  for (let c = 0; c < channels; c++) {
    sum[c]! /= weight;
    norm += sum[c]! * sum[c]!;
  }
  norm = Math.sqrt(norm);
  if (norm === 0) return out;
  for (let c = 0; c < channels; c++) out[c] = sum[c]! / norm;
  return out;
}

/**
 * Overlap weights of a resampling along one axis: output cell o covers source
 * [o x from / to, (o + 1) x from / to), and each source cell it touches counts by the
 * length of the overlap. The weights of one output cell sum to 1.
 */
function axisWeights(from: number, to: number): { index: Int32Array; weight: Float64Array }[] {
  const scale = from / to;
  const out: { index: Int32Array; weight: Float64Array }[] = [];
  for (let o = 0; o < to; o++) {
    const start = o * scale;
    const end = (o + 1) * scale;
    const index: number[] = [];
    const weight: number[] = [];
    for (let s = Math.floor(start); s < Math.min(from, Math.ceil(end)); s++) {
      const overlap = Math.min(end, s + 1) - Math.max(start, s);
      if (overlap > 1e-12) {
        index.push(s);
        weight.push(overlap / scale);
      }
    }
    out.push({ index: Int32Array.from(index), weight: Float64Array.from(weight) });
  }
  return out;
}

/**
 * Area average of a feature grid onto width x height: each output cell is the mean of
 * the source over the output cell's footprint, each source cell weighted by the area it
 * shares with that footprint. With an integer ratio (14x14 onto 7x7) this is the plain
 * mean of each 2x2 block. With any other ratio (e.g. 10 onto 7) source cells on a
 * boundary are split between neighbours in proportion to their overlap, which is the
 * exact average of the piecewise-constant source; a finer output grid than the source
 * repeats (or blends, at boundaries) the covering source cells.
 */
export function poolToGrid(features: FeatureGrid, width: number, height: number): FeatureGrid {
  const { channels, data } = features;
  if (data.length !== features.width * features.height * channels) {
    throw new Error(`poolToGrid: ${data.length} values for ${features.width}x${features.height}x${channels}`);
  }
  if (features.width === width && features.height === height) return { width, height, channels, data: data.slice() };
  const xs = axisWeights(features.width, width);
  const ys = axisWeights(features.height, height);
  const out = new Float32Array(width * height * channels);
  const acc = new Float64Array(channels);
  for (let oy = 0; oy < height; oy++) {
    const ry = ys[oy]!;
    for (let ox = 0; ox < width; ox++) {
      const rx = xs[ox]!;
      acc.fill(0);
      for (let a = 0; a < ry.index.length; a++) {
        const rowBase = ry.index[a]! * features.width;
        for (let b = 0; b < rx.index.length; b++) {
          const w = ry.weight[a]! * rx.weight[b]!;
          const base = (rowBase + rx.index[b]!) * channels;
          for (let c = 0; c < channels; c++) acc[c]! += w * data[base + c]!;
        }
      }
      const base = (oy * width + ox) * channels;
      for (let c = 0; c < channels; c++) out[base + c] = acc[c]!;
    }
  }
  return { width, height, channels, data: out };
}
