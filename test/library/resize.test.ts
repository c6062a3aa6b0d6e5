import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { resizeRgbBilinear } from '../../src/main/library/resize';

/** A smooth gradient with a soft blob: what bilinear resizers agree on closely. */
async function smoothImage(width: number, height: number): Promise<Buffer> {
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      data[i] = Math.round((255 * x) / (width - 1));
      data[i + 1] = Math.round((255 * y) / (height - 1));
      data[i + 2] = Math.round(255 * Math.exp(-((x - width / 2) ** 2 + (y - height / 2) ** 2) / (width * height * 0.05)));
    }
  }
  return data;
}

describe('resizeRgbBilinear', () => {
  it('returns the image itself at the same size', () => {
    const image = { width: 2, height: 1, data: new Uint8Array([1, 2, 3, 4, 5, 6]) };
    expect(resizeRgbBilinear(image, 2, 1)).toBe(image);
  });

  it('interpolates between pixel centres', () => {
    const image = { width: 2, height: 1, data: new Uint8Array([0, 0, 0, 200, 100, 40]) };
    const out = resizeRgbBilinear(image, 4, 1);
    // Half-pixel centres: targets sit at source x = -0.25, 0.25, 0.75, 1.25 (clamped).
    expect([...out.data]).toEqual([0, 0, 0, 50, 25, 10, 150, 75, 30, 200, 100, 40]);
  });

  it.each([
    [128, 128, 96, 96],
    [320, 240, 224, 224],
    [60, 80, 96, 96],
  ])('matches sharp\'s linear resize from %ix%i to %ix%i on a smooth image', async (sw, sh, dw, dh) => {
    const raw = await smoothImage(sw, sh);
    const ours = resizeRgbBilinear({ width: sw, height: sh, data: new Uint8Array(raw) }, dw, dh);
    const theirs = await sharp(raw, { raw: { width: sw, height: sh, channels: 3 } })
      .resize(dw, dh, { fit: 'fill', kernel: 'linear' })
      .raw()
      .toBuffer();
    let worst = 0;
    let sum = 0;
    for (let i = 0; i < theirs.length; i++) {
      const d = Math.abs(ours.data[i]! - theirs[i]!);
      worst = Math.max(worst, d);
      sum += d;
    }
    expect(sum / theirs.length).toBeLessThan(1.5);
    // Borders differ by a few levels: libvips extends edges slightly differently.
    expect(worst).toBeLessThanOrEqual(10);
  });
});
