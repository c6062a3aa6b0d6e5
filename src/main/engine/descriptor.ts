/**
 * Descriptor features: the activation of a layer (by default the one feeding the
 * explained layer) on the explained layer's grid, one feature vector per map cell, so
 * the parts of a map can be described by what the network saw under them. They come
 * out of the forward pass the maps already make.
 */
import { EngineError } from './errors';

/** A batch of feature maps on the host, as the runtime that made it laid it out. */
export interface FeatureBatch {
  data: Float32Array;
  layout: 'NHWC' | 'NCHW';
  /** [batch, height, width, channels] whatever the layout. */
  shape: [number, number, number, number];
}

/** One image's descriptor: HWC, on the explained layer's grid. */
export interface Descriptor {
  width: number;
  height: number;
  channels: number;
  data: Float32Array;
}

/**
 * For each of `to` output cells along one axis, the source cells of `from` it covers
 * and by what share: cell i spans [i from/to, (i+1) from/to) of the source axis. Both
 * grids are taken to tile the same extent of the image evenly, as 'same'-padded
 * strided layers do.
 */
function areaWeights(from: number, to: number): { index: number; weight: number }[][] {
  const scale = from / to;
  return Array.from({ length: to }, (_, i) => {
    const start = i * scale;
    const end = (i + 1) * scale;
    const cells: { index: number; weight: number }[] = [];
    for (let r = Math.floor(start); r < Math.min(from, Math.ceil(end - 1e-9)); r++) {
      const overlap = Math.min(end, r + 1) - Math.max(start, r);
      if (overlap > 1e-9) cells.push({ index: r, weight: overlap / scale });
    }
    return cells;
  });
}

/**
 * Area resampling of each image's feature map onto a `height` x `width` grid: a cell
 * gets the mean of the features over the part of the image it covers. When the source
 * grid is larger by an integer factor this averages exact blocks; a smaller source
 * grid is spread piecewise constant (each cell takes the source cell under it, or the
 * area-weighted mix where it straddles two).
 */
export function poolToGrid(batch: FeatureBatch, height: number, width: number): Descriptor[] {
  const [b, h, w, c] = batch.shape;
  if (batch.data.length !== b * h * w * c) throw new EngineError('input-invalid', `descriptor data holds ${batch.data.length} values; shape [${batch.shape.join(', ')}] needs ${b * h * w * c}`);
  const rows = areaWeights(h, height);
  const cols = areaWeights(w, width);
  // Strides of (image, y, x, channel) in the source layout.
  const [sb, sy, sx, sc] = batch.layout === 'NHWC' ? [h * w * c, w * c, c, 1] : [c * h * w, w, 1, h * w];
  const src = batch.data;
  const out: Descriptor[] = [];
  for (let n = 0; n < b; n++) {
    const data = new Float32Array(height * width * c);
    for (let i = 0; i < height; i++) {
      for (let j = 0; j < width; j++) {
        const cell = (i * width + j) * c;
        for (const { index: y, weight: wy } of rows[i]!) {
          for (const { index: x, weight: wx } of cols[j]!) {
            const weight = wy * wx;
            const base = n * sb + y * sy + x * sx;
            for (let k = 0; k < c; k++) data[cell + k]! += weight * src[base + k * sc]!;
          }
        }
      }
    }
    out.push({ width, height, channels: c, data });
  }
  return out;
}
