/// <reference lib="dom" />
/**
 * A centre-cropped model in a real browser: on 200x100 images whose maps cover only
 * x 50..150, the grid's heat canvas is shaped like the image and clear outside the
 * crop, and the image view's canvas is painted over the crop alone. Screenshots land in
 * test/e2e/screenshots/cropped-*.png.
 */
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { croppedSetup, type CroppedSetup } from '../fixtures/cropped-model';
import { tempDir } from '../fixtures/models';
import { launchChromium, SCREENSHOTS, serveApp, type ServedApp, watchedPage } from './browser';

let setup: CroppedSetup;
let dataDir: string;
let browser: Browser;
let app: ServedApp;
let page: Page;
const consoleErrors: string[] = [];

/** Share of painted (non-transparent) pixels of a canvas in columns [x0, x1) given as fractions of its width. */
function paintedShare(selector: string, x0: number, x1: number): Promise<{ width: number; height: number; share: number }> {
  return page.$eval(
    selector,
    (canvas, [from, to]) => {
      const c = canvas as HTMLCanvasElement;
      const left = Math.floor(from! * c.width);
      const right = Math.max(left + 1, Math.floor(to! * c.width));
      const data = c.getContext('2d')!.getImageData(left, 0, right - left, c.height).data;
      let painted = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) painted++;
      return { width: c.width, height: c.height, share: painted / (data.length / 4) };
    },
    [x0, x1],
  );
}

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  setup = await croppedSetup();
  dataDir = tempDir('biascope-e2e-cropped-');
  app = await serveApp({ dataDir, demo: { dataset: setup.root, model: setup.model }, workers: 1 });
  browser = await launchChromium();
  page = await watchedPage(browser, consoleErrors);
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
  setup?.remove();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('a centre-cropped model in Chromium', () => {
  it('paints each tile’s map over the crop only', async () => {
    await page.goto(app.server.url);
    await expect.poll(() => page.getByTestId('start-audit').isEnabled(), { timeout: 60_000 }).toBe(true);
    await page.getByTestId('start-audit').click();
    await page.locator('[data-testid="audit-progress"][data-status="done"]').waitFor({ timeout: 120_000 });
    await expect.poll(() => page.locator('.tile:not(.loading):not(.pending)').count()).toBeGreaterThan(0);
    await expect.poll(async () => (await paintedShare('.tile:not(.loading):not(.flat) canvas.heat', 0.3, 0.7)).share).toBeGreaterThan(0.5);
    const tile = await paintedShare('.tile:not(.loading):not(.flat) canvas.heat', 0, 0.24);
    expect([tile.width, tile.height]).toEqual([128, 64]);
    expect(tile.share).toBe(0);
    expect((await paintedShare('.tile:not(.loading):not(.flat) canvas.heat', 0.76, 1)).share).toBe(0);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'cropped-grid.png') });
  });

  it('paints the image view’s map over the crop only', async () => {
    await page.getByTestId('grid').focus();
    // The first tile whose map is not flat (a flat map paints as nothing).
    const steps = await page.$$eval('.tile:not(.loading)', (tiles) => tiles.findIndex((t) => !t.classList.contains('flat')));
    expect(steps).toBeGreaterThanOrEqual(0);
    for (let i = 0; i < steps; i++) await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Enter');
    await page.getByTestId('image-detail').waitFor();
    const large = '[data-testid="image-detail"] [data-testid="heatmap-canvas"]';
    await page.locator(large).first().waitFor();
    await expect.poll(async () => (await paintedShare(large, 0.3, 0.7)).share).toBeGreaterThan(0.1);
    expect((await paintedShare(large, 0, 0.23)).share).toBe(0);
    expect((await paintedShare(large, 0.77, 1)).share).toBe(0);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'cropped-detail.png') });
    expect(consoleErrors).toEqual([]);
  });
});
