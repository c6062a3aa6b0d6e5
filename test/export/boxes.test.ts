/** Boxes and masks of a centre-cropped model land on its crop, in image pixels. */
import { describe, expect, it } from 'vitest';
import { cocoBoxes, maskOf } from '../../src/main/export/boxes';
import type { BoxRow } from '../../src/main/store';
import { encodeMap } from '../../src/shared/map-codec';

// A 4x4 map hot in its top-left cell, on a 400x200 image.
const data = new Float32Array(16);
data[0] = 1;
const encoded = encodeMap({ width: 4, height: 4, data });
const row: BoxRow = {
  imageId: 1,
  path: 'a/wide.png',
  label: 'a',
  target: 0,
  width: 400,
  height: 200,
  box: { x0: 0, y0: 0, x1: 0.25, y1: 0.25 },
  map: { width: 4, height: 4, max: encoded.max, bytes: encoded.bytes },
};
const info = { model: 'model.json', layer: 'conv', method: 'gradcam', target: 'predicted' };
// Resize(100) + CenterCrop(100) of 400x200: the map covers x 100..300.
const framing = { shorterSide: 100, centerCrop: [100, 100] as [number, number] };

describe('boxes of a centre-cropped model', () => {
  it('are placed on the crop', () => {
    expect(cocoBoxes([row], ['a'], info).annotations[0]!.bbox).toEqual([0, 0, 100, 50]);
    expect(cocoBoxes([row], ['a'], info, undefined, framing).annotations[0]!.bbox).toEqual([100, 0, 50, 50]);
  });

  it('have masks empty outside the crop', () => {
    const mask = maskOf(row, framing);
    expect(mask.length).toBe(400 * 200);
    const at = (x: number, y: number) => mask[y * 400 + x];
    expect(at(10, 10)).toBe(0);
    expect(at(110, 10)).toBe(255);
    expect(at(290, 190)).toBe(0);
    expect(maskOf(row)[10 * 400 + 10]).toBe(255);
  });
});
