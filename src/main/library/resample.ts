/**
 * Resizing that reproduces what a model was trained on, byte for byte: PIL's
 * `Image.resize` (separable convolution, libImaging/Resample.c) for the filtered
 * modes, PIL's NEAREST (an affine scale with accumulated source positions), and
 * PyTorch's bilinear interpolation without anti-aliasing (float32 arithmetic,
 * round half to even) for "bilinear".
 *
 * PIL's separable path: for each output pixel a window of source pixels is weighted by
 * the filter, its support widened by the downscale factor (that widening is the
 * anti-aliasing); weights are normalised to sum 1, turned into 22-bit fixed point, and
 * each pass rounds to 8 bits. Horizontal pass first, over only the rows the vertical
 * pass will read.
 */
import type { ResizeMode } from '../../shared/model-config';
import type { RgbImage } from '../engine/preprocess';

interface Filter {
  support: number;
  weight(x: number): number;
}

const sinc = (x: number): number => {
  if (x === 0) return 1;
  const px = x * Math.PI;
  return Math.sin(px) / px;
};

const FILTERS: Record<Exclude<ResizeMode, 'nearest' | 'bilinear'>, Filter> = {
  'bilinear-antialias': {
    support: 1,
    weight: (x) => {
      const a = Math.abs(x);
      return a < 1 ? 1 - a : 0;
    },
  },
  // Keys' cubic convolution with a = -0.5, as PIL's BICUBIC.
  bicubic: {
    support: 2,
    weight: (x) => {
      const a = -0.5;
      const t = Math.abs(x);
      if (t < 1) return ((a + 2) * t - (a + 3)) * t * t + 1;
      if (t < 2) return (((t - 5) * t + 8) * t - 4) * a;
      return 0;
    },
  },
  // Sinc windowed by a sinc three lobes wide; half-open at +3 as PIL's.
  lanczos3: { support: 3, weight: (x) => (x >= -3 && x < 3 ? sinc(x) * sinc(x / 3) : 0) },
};

const PRECISION_BITS = 22;
const ONE = 1 << PRECISION_BITS;
const HALF = 1 << (PRECISION_BITS - 1);

/** Per output pixel: the first source pixel, how many it reads, and their fixed-point weights (`taps` per pixel). */
interface Coefficients {
  first: Int32Array;
  count: Int32Array;
  taps: number;
  weights: Int32Array;
}

function coefficients(source: number, target: number, filter: Filter): Coefficients {
  const scale = source / target;
  const filterScale = Math.max(scale, 1);
  const support = filter.support * filterScale;
  const taps = Math.ceil(support) * 2 + 1;
  const first = new Int32Array(target);
  const count = new Int32Array(target);
  const weights = new Int32Array(target * taps);
  const raw = new Float64Array(taps);
  const inverse = 1 / filterScale;
  for (let t = 0; t < target; t++) {
    const center = (t + 0.5) * scale;
    // C's (int) cast truncates toward zero; both ends then clamp to the image.
    const lo = Math.max(Math.trunc(center - support + 0.5), 0);
    const n = Math.min(Math.trunc(center + support + 0.5), source) - lo;
    let sum = 0;
    for (let i = 0; i < n; i++) {
      raw[i] = filter.weight((i + lo - center + 0.5) * inverse);
      sum += raw[i]!;
    }
    for (let i = 0; i < n; i++) {
      const w = sum !== 0 ? raw[i]! / sum : raw[i]!;
      weights[t * taps + i] = Math.trunc(w < 0 ? -0.5 + w * ONE : 0.5 + w * ONE);
    }
    first[t] = lo;
    count[t] = n;
  }
  return { first, count, taps, weights };
}

/** 22-bit fixed point back to a byte: an arithmetic shift (floor), then clipped. */
const clip8 = (sum: number): number => {
  const v = sum >> PRECISION_BITS;
  return v < 0 ? 0 : v > 255 ? 255 : v;
};

function horizontal(src: RgbImage, rowStart: number, rows: number, width: number, c: Coefficients): RgbImage {
  const out = new Uint8Array(width * rows * 3);
  const data = src.data;
  const { first, count, taps, weights } = c;
  for (let y = 0; y < rows; y++) {
    const row = (y + rowStart) * src.width * 3;
    let o = y * width * 3;
    for (let x = 0; x < width; x++) {
      let r = HALF;
      let g = HALF;
      let b = HALF;
      const k = x * taps;
      let p = row + first[x]! * 3;
      for (let i = 0, n = count[x]!; i < n; i++, p += 3) {
        const w = weights[k + i]!;
        r += data[p]! * w;
        g += data[p + 1]! * w;
        b += data[p + 2]! * w;
      }
      out[o++] = clip8(r);
      out[o++] = clip8(g);
      out[o++] = clip8(b);
    }
  }
  return { width, height: rows, data: out };
}

function vertical(src: RgbImage, height: number, c: Coefficients, rowOffset: number): RgbImage {
  const width = src.width;
  const stride = width * 3;
  const out = new Uint8Array(stride * height);
  const data = src.data;
  const { first, count, taps, weights } = c;
  // Whole rows at a time, so every tap reads memory in order. Sums stay below 2^31
  // (255 x 2^22 x the filter's positive lobes), so an Int32Array holds them exactly.
  const sums = new Int32Array(stride);
  for (let y = 0; y < height; y++) {
    const k = y * taps;
    const top = (first[y]! - rowOffset) * stride;
    sums.fill(HALF);
    for (let i = 0, n = count[y]!; i < n; i++) {
      const w = weights[k + i]!;
      for (let x = 0, p = top + i * stride; x < stride; x++, p++) sums[x] += data[p]! * w;
    }
    const o = y * stride;
    for (let x = 0; x < stride; x++) out[o + x] = clip8(sums[x]!);
  }
  return { width, height, data: out };
}

/** PIL `Image.resize(size, filter)` on an RGB image, for BILINEAR, BICUBIC and LANCZOS. */
function resizePil(source: RgbImage, width: number, height: number, filter: Filter): RgbImage {
  const needH = width !== source.width;
  const needV = height !== source.height;
  if (!needH && !needV) return source;
  const cv = coefficients(source.height, height, filter);
  let image = source;
  let rowOffset = 0;
  if (needH) {
    // Only the rows the vertical pass reads; with no vertical pass that is every row.
    const firstRow = needV ? cv.first[0]! : 0;
    const lastRow = needV ? cv.first[height - 1]! + cv.count[height - 1]! : source.height;
    image = horizontal(source, firstRow, lastRow - firstRow, width, coefficients(source.width, width, filter));
    rowOffset = firstRow;
  }
  return needV ? vertical(image, height, cv, rowOffset) : image;
}

/** PIL NEAREST: source position (x + 0.5) * scale, accumulated by repeated addition exactly as ImagingScaleAffine does. */
function resizeNearest(source: RgbImage, width: number, height: number): RgbImage {
  const out = new Uint8Array(width * height * 3);
  const ax = source.width / width;
  const ay = source.height / height;
  const columns = new Int32Array(width);
  let xo = ax * 0.5;
  for (let x = 0; x < width; x++, xo += ax) columns[x] = Math.min(Math.trunc(xo), source.width - 1) * 3;
  let yo = ay * 0.5;
  for (let y = 0; y < height; y++, yo += ay) {
    const row = Math.min(Math.trunc(yo), source.height - 1) * source.width * 3;
    let o = y * width * 3;
    for (let x = 0; x < width; x++) {
      const p = row + columns[x]!;
      out[o++] = source.data[p]!;
      out[o++] = source.data[p + 1]!;
      out[o++] = source.data[p + 2]!;
    }
  }
  return { width, height, data: out };
}

const f32 = Math.fround;

/** Python's and PyTorch's round(): halves to even. */
function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * PyTorch `interpolate(mode='bilinear', align_corners=False, antialias=False)` on a
 * float32 tensor, rounded back to bytes as torchvision does (torch.round: half to
 * even). Weights match PyTorch 1.13's bit for bit; products and sums are rounded to
 * float32, but its vectorised kernel adds in another order, so about 1 value in 60,000
 * (a sum on a rounding boundary) comes out one off.
 */
function resizeBilinearTorch(source: RgbImage, width: number, height: number): RgbImage {
  const axis = (input: number, output: number) => {
    // The scale is a float32; the source position and its fraction are computed wider
    // and the weight rounded to float32 (matched weight for weight against PyTorch 1.13).
    const scale = f32(input / output);
    const i0 = new Int32Array(output);
    const i1 = new Int32Array(output);
    const w0 = new Float32Array(output);
    const w1 = new Float32Array(output);
    for (let t = 0; t < output; t++) {
      const real = Math.max(scale * (t + 0.5) - 0.5, 0);
      const index = Math.trunc(real);
      i0[t] = index;
      i1[t] = index < input - 1 ? index + 1 : index;
      const lambda = f32(Math.min(real - index, 1));
      w1[t] = lambda;
      w0[t] = f32(1 - lambda);
    }
    return { i0, i1, w0, w1 };
  };
  const xs = axis(source.width, width);
  const ys = axis(source.height, height);
  const out = new Uint8Array(width * height * 3);
  const stride = source.width * 3;
  const d = source.data;
  for (let y = 0; y < height; y++) {
    const top = ys.i0[y]! * stride;
    const bottom = ys.i1[y]! * stride;
    const h0 = ys.w0[y]!;
    const h1 = ys.w1[y]!;
    let o = y * width * 3;
    for (let x = 0; x < width; x++) {
      const l = xs.i0[x]! * 3;
      const r = xs.i1[x]! * 3;
      const a = xs.w0[x]!;
      const b = xs.w1[x]!;
      for (let c = 0; c < 3; c++) {
        const t = f32(f32(d[top + l + c]! * a) + f32(d[top + r + c]! * b));
        const u = f32(f32(d[bottom + l + c]! * a) + f32(d[bottom + r + c]! * b));
        out[o++] = roundHalfEven(f32(f32(t * h0) + f32(u * h1)));
      }
    }
  }
  return { width, height, data: out };
}

/** Resizes interleaved RGB bytes with the sidecar's resize mode. */
export function resample(source: RgbImage, width: number, height: number, mode: ResizeMode): RgbImage {
  if (!(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0)) {
    throw new Error(`resample: target size must be positive integers, got ${width}x${height}`);
  }
  if (mode === 'nearest') return resizeNearest(source, width, height);
  if (mode === 'bilinear') return source.width === width && source.height === height ? source : resizeBilinearTorch(source, width, height);
  return resizePil(source, width, height, FILTERS[mode]);
}

/** A rectangle of an RGB image, copied. */
export function cropRgb(source: RgbImage, left: number, top: number, width: number, height: number): RgbImage {
  if (left < 0 || top < 0 || left + width > source.width || top + height > source.height) {
    throw new Error(`crop: ${width}x${height} at (${left}, ${top}) falls outside the ${source.width}x${source.height} image`);
  }
  const out = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    const from = ((top + y) * source.width + left) * 3;
    out.set(source.data.subarray(from, from + width * 3), y * width * 3);
  }
  return { width, height, data: out };
}
