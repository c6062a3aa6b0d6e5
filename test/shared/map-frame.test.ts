/** The map frame: torchvision's Resize(n) + CenterCrop arithmetic, and statistics measured through it. */
import { describe, expect, it } from 'vitest';
import { attentionStats } from '../../src/main/analysis/attention';
import { cropPlan, frameOnRaster, frameView, mapFrame, roundHalfEven } from '../../src/shared/map-frame';
import { mapOf } from '../analysis/helpers';

describe('the map frame', () => {
  it('is the whole image without a crop', () => {
    expect(mapFrame({ width: 640, height: 480 }, {})).toEqual({ x: 0, y: 0, width: 640, height: 480 });
    expect(mapFrame({ width: 640, height: 480 }, null)).toEqual({ x: 0, y: 0, width: 640, height: 480 });
  });

  it('follows torchvision: long side int(n * long / short), offsets rounded half to even', () => {
    // Python: int(256 * 640 / 480) = 341; round((341 - 224) / 2) = round(58.5) = 58.
    expect(cropPlan({ width: 640, height: 480 }, { shorterSide: 256, centerCrop: [224, 224] })).toEqual({
      resized: { width: 341, height: 256 },
      left: 58,
      top: 16,
      width: 224,
      height: 224,
    });
    // Portrait: int(64 * 300 / 100) = 192; round((192 - 56) / 2) = 68; round((64 - 57) / 2) = round(3.5) = 4.
    expect(cropPlan({ width: 100, height: 300 }, { shorterSide: 64, centerCrop: [56, 57] })).toMatchObject({ resized: { width: 64, height: 192 }, left: 4, top: 68 });
    expect([0.5, 1.5, 2.5, 3.5, -0.5, 2.4, 2.6].map(roundHalfEven)).toEqual([0, 2, 2, 4, 0, 2, 3]);
  });

  it('is the crop in original pixels', () => {
    const frame = mapFrame({ width: 640, height: 480 }, { shorterSide: 256, centerCrop: [224, 224] });
    expect(frame.x).toBeCloseTo((58 * 640) / 341, 12);
    expect(frame.y).toBeCloseTo((16 * 480) / 256, 12);
    expect(frame.width).toBeCloseTo((224 * 640) / 341, 12);
    expect(frame.height).toBeCloseTo(420, 12);
  });
});

describe('the frame on views and pictures', () => {
  it('is left off views when the map covers the whole image or the size is unknown', () => {
    expect(frameView({ width: 640, height: 480 }, { scale: '0..1' } as object)).toBeNull();
    expect(frameView({ width: null, height: null }, { shorterSide: 256, centerCrop: [224, 224] })).toBeNull();
    expect(frameView({ width: 400, height: 200 }, { shorterSide: 100, centerCrop: [100, 100] })).toEqual({
      x: 100,
      y: 0,
      width: 200,
      height: 200,
      imageWidth: 400,
      imageHeight: 200,
    });
  });

  it('lands on whole pixels of a thumbnail, inside it', () => {
    const image = { width: 400, height: 200 };
    expect(frameOnRaster({ x: 100, y: 0, width: 200, height: 200 }, image, { width: 128, height: 64 })).toEqual({ x: 32, y: 0, width: 64, height: 64 });
    // A frame past the edge (rounding) is clipped; a sliver keeps one pixel.
    expect(frameOnRaster({ x: 399.9, y: 0, width: 5, height: 200 }, image, { width: 128, height: 64 })).toEqual({ x: 127, y: 0, width: 1, height: 64 });
  });
});

describe('statistics through a centre crop', () => {
  const image = { width: 400, height: 200 };
  // Resize(100) + CenterCrop(100): the map covers x 100..300 of the original, all its height.
  const frame = mapFrame(image, { shorterSide: 100, centerCrop: [100, 100] });
  const uniform = mapOf(10, 10, () => 1);

  it('puts no mass on a region outside the crop, and all of it on the crop', () => {
    expect(frame).toEqual({ x: 100, y: 0, width: 200, height: 200 });
    const stats = attentionStats(uniform, image, [
      { name: 'left-margin', x0: 0, y0: 0, x1: 100, y1: 200 },
      { name: 'crop', x0: 100, y0: 0, x1: 300, y1: 200 },
      { name: 'half', x0: 0, y0: 0, x1: 200, y1: 200 },
    ], { frame });
    const mass = Object.fromEntries(stats.regions.map((r) => [r.name, r.mass]));
    expect(mass['left-margin']).toBe(0);
    expect(mass.crop).toBeCloseTo(1, 12);
    // Clipped to the crop: x 100..200 is half of it.
    expect(mass.half).toBeCloseTo(0.5, 12);
  });

  it('differs from measuring the map as if it covered the whole image', () => {
    const left = [{ name: 'left-margin', x0: 0, y0: 0, x1: 100, y1: 200 }];
    expect(attentionStats(uniform, image, left).regions[0]!.mass).toBeCloseTo(0.25, 12);
    expect(attentionStats(uniform, image, left, { frame }).regions[0]!.mass).toBe(0);
  });
});
