/** The report's thumbnails of a centre-cropped model: the map over the crop, the margins untouched. */
import { rmSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it, onTestFinished } from 'vitest';
import { heatmapThumb } from '../../src/main/export/report/heatmap-images';
import { tempDir } from '../fixtures/models';

async function columnsOf(uri: string): Promise<{ width: number; mean: (x0: number, x1: number) => number }> {
  const { data, info } = await sharp(Buffer.from(uri.split(',')[1]!, 'base64')).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  // Mean distance from the grey the image is made of, over a band of columns.
  const mean = (x0: number, x1: number) => {
    let sum = 0;
    for (let y = 0; y < info.height; y++) {
      for (let x = x0; x < x1; x++) for (let c = 0; c < 3; c++) sum += Math.abs(data[(y * info.width + x) * 3 + c]! - 128);
    }
    return sum / ((x1 - x0) * info.height * 3);
  };
  return { width: info.width, mean };
}

describe('report thumbnails', () => {
  it('paint a cropped model’s map over its crop only', async () => {
    const dir = tempDir('biascope-thumb-');
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const file = path.join(dir, 'wide.png');
    await sharp({ create: { width: 400, height: 200, channels: 3, background: { r: 128, g: 128, b: 128 } } }).png().toFile(file);
    // Not flat (a flat map paints as nothing): stronger on the left.
    const hot = { width: 2, height: 2, data: Float32Array.from([1, 0.5, 1, 0.5]) };
    // Resize(100) + CenterCrop(100) of 400x200: the crop is x 100..300, x 25..75 of a 100-pixel thumbnail.
    const cropped = await columnsOf(await heatmapThumb(file, hot, 100, { shorterSide: 100, centerCrop: [100, 100] }));
    expect(cropped.width).toBe(100);
    expect(cropped.mean(0, 20)).toBeLessThan(3);
    expect(cropped.mean(80, 100)).toBeLessThan(3);
    expect(cropped.mean(30, 70)).toBeGreaterThan(20);
    const whole = await columnsOf(await heatmapThumb(file, hot, 100));
    expect(whole.mean(0, 20)).toBeGreaterThan(20);
  });
});
