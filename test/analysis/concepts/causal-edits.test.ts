/**
 * The image edits of the causal tests: map cells reach the right pixels through the map
 * frame (a centre crop too), grow by 1.5 cells, fill with the image's mean colour; a
 * transplant lands at the same normalised place, scaled as the frames are, cut at the
 * edges; the cover of a box is measured on what the model sees.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cropPlan, mapFrame } from '../../../src/shared/map-frame';
import { coverShare, cropBox, DILATION_CELLS, fillMask, meanColour, paste, regionBox, regionMask, removeRegion, transplant, transplantPlace } from '../../../src/main/analysis/concepts/causal/edits';
import { MAX_PROTOTYPE_COVER } from '../../../src/main/analysis/concepts/causal';
import { decodeOriginal } from '../../../src/main/library/decode';
import type { RgbImage } from '../../../src/main/engine/preprocess';

const plain = (width: number, height: number, colour: [number, number, number]): RgbImage => {
  const data = new Uint8Array(width * height * 3);
  for (let p = 0; p < width * height; p++) data.set(colour, p * 3);
  return { width, height, data };
};
const pixel = (image: RgbImage, x: number, y: number) => Array.from(image.data.subarray((y * image.width + x) * 3, (y * image.width + x) * 3 + 3));

describe('regionMask', () => {
  it('maps a cell through a centre crop and grows it by 1.5 cells, pixel centres inside', () => {
    // 200x100 image, Resize(64) + CenterCrop(64): the model sees the middle 100x100 square.
    const image = { width: 200, height: 100 };
    const framing = { shorterSide: 64, centerCrop: [64, 64] as const };
    expect(cropPlan(image, framing)).not.toBeNull();
    const frame = mapFrame(image, framing);
    expect(frame).toEqual({ x: 50, y: 0, width: 100, height: 100 });
    const grid = { width: 4, height: 4 };
    // Cell 6 = column 2, row 1: x 100..125, y 25..50 in the image.
    const exact = regionMask([6], grid, frame, image, 0);
    const inside = (x: number, y: number, x0: number, x1: number, y0: number, y1: number) => x + 0.5 >= x0 && x + 0.5 < x1 && y + 0.5 >= y0 && y + 0.5 < y1;
    const grown = regionMask([6], grid, frame, image);
    let count = 0;
    for (let y = 0; y < image.height; y++) {
      for (let x = 0; x < image.width; x++) {
        expect(exact[y * image.width + x], `${x},${y}`).toBe(inside(x, y, 100, 125, 25, 50) ? 1 : 0);
        const d = DILATION_CELLS * 25;
        expect(grown[y * image.width + x], `${x},${y}`).toBe(inside(x, y, 100 - d, 125 + d, 25 - d, 50 + d) ? 1 : 0);
        count += exact[y * image.width + x]!;
      }
    }
    expect(count).toBe(25 * 25);
  });

  it('grows past the frame into the cropped-away margin, and stops at the image', () => {
    const image = { width: 200, height: 100 };
    const frame = { x: 50, y: 0, width: 100, height: 100 };
    // Cell 0: x 50..75, y 0..25; grown: x 12.5..112.5, y 0..62.5.
    expect(regionBox([0], { width: 4, height: 4 }, frame, image)).toEqual({ x0: 12, y0: 0, x1: 112, y1: 62 });
    expect(regionBox([], { width: 4, height: 4 }, frame, image)).toBeNull();
  });
});

describe('removal', () => {
  it('fills only the masked pixels with the image\'s mean colour', () => {
    const image = plain(4, 2, [0, 0, 0]);
    image.data.set([255, 255, 255], 0);
    expect(meanColour(image)).toEqual([32, 32, 32]);
    const mask = new Uint8Array(8);
    mask[5] = 1;
    const filled = fillMask(image, mask, [1, 2, 3]);
    expect(pixel(filled, 1, 1)).toEqual([1, 2, 3]);
    expect(pixel(filled, 0, 0)).toEqual([255, 255, 255]);
    expect(pixel(image, 1, 1)).toEqual([0, 0, 0]);
  });

  it('takes the planted badge out of a real image, cells from its 8x8 map', async () => {
    // truth.csv: the badge of cross/train_0001.png is the box (52,4)-(61,13) of 64x64.
    const image = await decodeOriginal(path.resolve('test/fixtures/planted/cue/cross/train_0001.png'));
    expect([image.width, image.height]).toEqual([64, 64]);
    const badge = pixel(image, 56, 8);
    const background = pixel(image, 32, 60);
    expect(badge).not.toEqual(background);
    // The cells over the badge: columns 6-7, rows 0-1.
    const removed = removeRegion(image, [6, 7, 14, 15], { width: 8, height: 8 }, mapFrame(image, null));
    const mean = meanColour(image);
    for (let y = 4; y < 13; y++) for (let x = 52; x < 61; x++) expect(pixel(removed, x, y)).toEqual(mean);
    // Grown by 12 pixels: the object in the middle is untouched.
    expect(pixel(removed, 30, 40)).toEqual(pixel(image, 30, 40));
  });
});

describe('transplant', () => {
  it('lands at the same normalised centre, scaled by the ratio of the frames', () => {
    const place = transplantPlace({ x0: 10, y0: 20, x1: 30, y1: 40 }, { x: 0, y: 0, width: 100, height: 100 }, { x: 0, y: 0, width: 200, height: 50 });
    expect(place).toEqual({ x0: 20, y0: 10, x1: 60, y1: 20 });
    // Through a crop: normalised in the frame, not in the whole image.
    const cropped = transplantPlace({ x0: 10, y0: 20, x1: 30, y1: 40 }, { x: 0, y: 0, width: 100, height: 100 }, { x: 50, y: 0, width: 100, height: 100 });
    expect(cropped).toEqual({ x0: 60, y0: 20, x1: 80, y1: 40 });
  });

  it('pastes the source\'s pixels there, and cuts what falls outside', () => {
    const source = plain(10, 10, [0, 0, 0]);
    for (let y = 2; y < 4; y++) for (let x = 2; x < 4; x++) source.data.set([255, 0, 0], (y * 10 + x) * 3);
    const target = plain(20, 20, [9, 9, 9]);
    const frame10 = { x: 0, y: 0, width: 10, height: 10 };
    const frame20 = { x: 0, y: 0, width: 20, height: 20 };
    const out = transplant(source, { x0: 2, y0: 2, x1: 4, y1: 4 }, frame10, target, frame20);
    // Twice the size, at (4,4)-(8,8).
    for (let y = 0; y < 20; y++) for (let x = 0; x < 20; x++) expect(pixel(out, x, y)).toEqual(x >= 4 && x < 8 && y >= 4 && y < 8 ? [255, 0, 0] : [9, 9, 9]);
    const edge = paste(target, cropBox(source, { x0: 2, y0: 2, x1: 4, y1: 4 }), 19, -1);
    expect(pixel(edge, 19, 0)).toEqual([255, 0, 0]);
    expect(pixel(edge, 18, 0)).toEqual([9, 9, 9]);
    expect(pixel(edge, 19, 1)).toEqual([9, 9, 9]);
  });

  it('measures cover on what the model sees, against the quarter cap', () => {
    const frame = { x: 50, y: 0, width: 100, height: 100 };
    expect(coverShare({ x0: 50, y0: 0, x1: 100, y1: 50 }, frame)).toBeCloseTo(0.25);
    expect(coverShare({ x0: 0, y0: 0, x1: 100, y1: 50 }, frame)).toBeCloseTo(0.25);
    expect(coverShare({ x0: 50, y0: 0, x1: 101, y1: 50 }, frame) > MAX_PROTOTYPE_COVER).toBe(true);
  });
});
