/**
 * The causal tests edit an image's own pixels, then resize them as the audit does:
 * decodeOriginal + modelInput of an unedited image must give decodeImage's bytes
 * exactly, with and without a trained resize and crop, and within a few levels for an
 * image far larger than the input (resized in libvips).
 */
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeImage, decodeOriginal, modelInput, type Resizing } from '../../src/main/library/decode';
import { tempDir } from '../fixtures/temp';

const DEMO = path.resolve('resources/demo/dataset/doctor/test_0003.png');

/** Largest difference of a channel between the two paths' model inputs. */
async function differenceFromAudit(file: string, size: [number, number], resizing: Resizing): Promise<number> {
  const audit = await decodeImage(file, size, resizing);
  const original = await decodeOriginal(file);
  expect([original.width, original.height]).toEqual([audit.width, audit.height]);
  const input = await modelInput(original, size, resizing);
  expect([input.width, input.height]).toEqual([size[1], size[0]]);
  let max = 0;
  for (let i = 0; i < input.data.length; i++) max = Math.max(max, Math.abs(input.data[i]! - audit.rgb.data[i]!));
  return max;
}

describe('decodeOriginal + modelInput', () => {
  it('gives the audit\'s model input for a plain resize and a trained resize with crop', async () => {
    expect(await differenceFromAudit(DEMO, [64, 64], {})).toBe(0);
    expect(await differenceFromAudit(DEMO, [96, 96], {})).toBe(0);
    expect(await differenceFromAudit(DEMO, [56, 56], { resize: 'bilinear-antialias', shorterSide: 64, centerCrop: [56, 56] })).toBe(0);
    expect(await differenceFromAudit(DEMO, [48, 40], { resize: 'bicubic' })).toBe(0);
  });

  it('gives it for an oriented image far larger than the input', async () => {
    const file = path.join(tempDir('biascope-original-'), 'large.png');
    const noise = Buffer.alloc(300 * 200 * 3);
    for (let i = 0; i < noise.length; i++) noise[i] = (i * 7919) % 251;
    await sharp(noise, { raw: { width: 300, height: 200, channels: 3 } }).withMetadata({ orientation: 6 }).png().toFile(file);
    const original = await decodeOriginal(file);
    // Orientation 6 turns it a quarter: 200 wide, 300 high.
    expect([original.width, original.height]).toEqual([200, 300]);
    // libvips resizes the decoded pixels here, the file's in the audit (rotated after):
    // a few levels apart at most, measured 3.
    expect(await differenceFromAudit(file, [32, 32], {})).toBeLessThanOrEqual(4);
  });

  it('says which file it could not read', async () => {
    await expect(decodeOriginal(path.join(tempDir('biascope-original-'), 'missing.png'))).rejects.toThrow(/missing\.png/);
  });
});
