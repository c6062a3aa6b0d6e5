/**
 * Turns a low-resolution map into RGBA pixels for a canvas overlay. Pure: the
 * result goes straight into `new ImageData(pixels, width, height)`.
 *
 * Order matters: the map is upsampled first and colour-mapped second. Interpolating
 * colours instead would draw hues that are not on the colormap (jet's blue to red
 * through grey-purple) and hard cell edges.
 */
import type { MapData } from './explain';
import { upsampleBilinear } from './heatmap';
import { LUT_SIZE } from './colormap';
import { isFlatMap } from './map-scale';

export interface PaintOptions {
  /** LUT_SIZE RGBA entries, as colormapLut returns. */
  lut: Uint8ClampedArray;
  /** Share of the scale (0..1) below which pixels are fully transparent. */
  threshold: number;
  /**
   * The value painted in the top colour (map-scale: a dataset's or a class's shared
   * scale); larger values clamp to it. Absent or not positive: the map's own maximum.
   */
  scale?: number | null | undefined;
  /**
   * Alpha of painted pixels, 0..1, default 1. The overlay's opacity belongs on the
   * canvas (CSS `opacity`), which changes it without repainting.
   */
  alpha?: number;
  /**
   * A buffer of width*height*4 bytes to fill instead of allocating one. ImageData
   * keeps a reference to its array, so reuse it only once that ImageData is drawn.
   */
  into?: Uint8ClampedArray<ArrayBuffer>;
}

export interface PaintSize {
  width: number;
  height: number;
}

// The palette with the requested alpha, as 32-bit words: one store per pixel.
// Copying bytes through two Uint32Array views keeps their order on any endianness.
const palette = new Uint32Array(LUT_SIZE);
const paletteBytes = new Uint8ClampedArray(palette.buffer);
let paletteLut: Uint8ClampedArray | undefined;
let paletteAlpha = -1;

function preparePalette(lut: Uint8ClampedArray, alpha: number): Uint32Array {
  if (lut === paletteLut && alpha === paletteAlpha) return palette;
  if (lut.length !== LUT_SIZE * 4) {
    throw new Error(`paintHeatmap: the colormap table needs ${LUT_SIZE * 4} bytes (RGBA), got ${lut.length}`);
  }
  paletteBytes.set(lut);
  const a = Math.round(Math.min(Math.max(alpha, 0), 1) * 255);
  for (let i = 3; i < paletteBytes.length; i += 4) paletteBytes[i] = a;
  paletteLut = lut;
  paletteAlpha = alpha;
  return palette;
}

function outputBuffer(size: number, into: Uint8ClampedArray<ArrayBuffer> | undefined): Uint8ClampedArray<ArrayBuffer> {
  if (!into) return new Uint8ClampedArray(size);
  if (into.length !== size) {
    throw new Error(`paintHeatmap: the output buffer has ${into.length} bytes; the paint needs ${size}`);
  }
  if (into.byteOffset % 4 !== 0) {
    throw new Error(`paintHeatmap: the output buffer starts at byte ${into.byteOffset}, not a multiple of 4`);
  }
  return into;
}

/**
 * RGBA pixels of `map` resized to `out` (bilinear, half-pixel centres) and
 * coloured by value / scale (the map's own maximum unless a shared scale is given). A
 * map whose maximum is not positive, or that is flat (map-scale), paints fully
 * transparent.
 */
export function paintHeatmap(map: MapData, out: PaintSize, options: PaintOptions): Uint8ClampedArray<ArrayBuffer> {
  const { width, height } = out;
  if (!(width > 0 && height > 0 && Number.isInteger(width) && Number.isInteger(height))) {
    throw new Error(`paintHeatmap: output size must be positive integers, got ${width}x${height}`);
  }
  const pixels = outputBuffer(width * height * 4, options.into);
  const words = new Uint32Array(pixels.buffer, pixels.byteOffset, width * height);

  const colors = preparePalette(options.lut, options.alpha ?? 1);
  // The source maximum, not the upsampled one: bilinear never exceeds it, and the
  // same map then gets the same colours at every tile size.
  let max = 0;
  for (const v of map.data) if (v > max) max = v;
  // A flat map points nowhere: painted, it would be one colour over the whole image.
  if (!(max > 0) || isFlatMap(map.data)) {
    words.fill(0);
    return pixels;
  }
  const top = options.scale && options.scale > 0 ? options.scale : max;

  const values = map.width === width && map.height === height ? map.data : upsampleBilinear(map, width, height).data;
  const cut = Math.max(0, options.threshold) * top;
  const scale = (LUT_SIZE - 1) / top;
  const last = LUT_SIZE - 1;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    // v >= cut >= 0 here, so `| 0` rounds a non-negative value; NaN lands on 0.
    words[i] = v < cut ? 0 : colors[Math.min(last, (v * scale + 0.5) | 0)]!;
  }
  return pixels;
}
