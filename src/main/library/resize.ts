/**
 * Bilinear resize of interleaved RGB bytes, half-pixel centres (as sharp's and
 * tf.image's bilinear resizers). Used only when the image is at most twice the
 * model's size, where bilinear needs no anti-aliasing: there, libvips' fixed cost per
 * resize is larger than the resize itself.
 */
import type { RgbImage } from '../engine/preprocess';

/** Below this ratio of source to target size, plain bilinear sampling does not alias. */
export const JS_RESIZE_MAX_FACTOR = 2;

function axis(source: number, target: number): { i0: Int32Array; i1: Int32Array; w: Float32Array } {
  const i0 = new Int32Array(target);
  const i1 = new Int32Array(target);
  const w = new Float32Array(target);
  const scale = source / target;
  for (let t = 0; t < target; t++) {
    const f = Math.min(Math.max((t + 0.5) * scale - 0.5, 0), source - 1);
    i0[t] = Math.floor(f);
    i1[t] = Math.min(i0[t]! + 1, source - 1);
    w[t] = f - i0[t]!;
  }
  return { i0, i1, w };
}

export function resizeRgbBilinear(source: RgbImage, width: number, height: number): RgbImage {
  if (source.width === width && source.height === height) return source;
  const out = new Uint8Array(width * height * 3);
  const xs = axis(source.width, width);
  const ys = axis(source.height, height);
  const stride = source.width * 3;
  const src = source.data;
  for (let y = 0; y < height; y++) {
    const top = ys.i0[y]! * stride;
    const bottom = ys.i1[y]! * stride;
    const wy = ys.w[y]!;
    let o = y * width * 3;
    for (let x = 0; x < width; x++) {
      const left = xs.i0[x]! * 3;
      const right = xs.i1[x]! * 3;
      const wx = xs.w[x]!;
      for (let c = 0; c < 3; c++) {
        const t = src[top + left + c]! + (src[top + right + c]! - src[top + left + c]!) * wx;
        const b = src[bottom + left + c]! + (src[bottom + right + c]! - src[bottom + left + c]!) * wx;
        out[o++] = Math.round(t + (b - t) * wy);
      }
    }
  }
  return { width, height, data: out };
}
