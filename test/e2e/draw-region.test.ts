/// <reference lib="dom" />
/**
 * Drawing a region in a real browser: open an audited image, drag a box over the
 * scrubs, name it, apply it to the whole class; the back end answers with the number
 * of images, the overlay shows the region marked as drawn, and deleting it takes it
 * away. Screenshots land in test/e2e/screenshots/draw-region*.png.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../fixtures/models';
import { DEMO_MODEL, demoSubset } from '../jobs/demo-subset';
import { launchChromium, SCREENSHOTS, serveApp, type ServedApp, watchedPage } from './browser';
import { auditThroughApi } from '../fixtures/backend-audit';

const PER_CLASS = 8;
let browser: Browser;
let app: ServedApp;
let page: Page;
const consoleErrors: string[] = [];

async function auditDemo(root: string): Promise<void> {
  await auditThroughApi(app.backend, { dataset: root, model: DEMO_MODEL, methods: ['gradcam'], targets: 'predicted', workers: 1 });
}

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const root = demoSubset(PER_CLASS);
  app = await serveApp({ dataDir: tempDir('biascope-e2e-draw-'), demo: null, workers: 1 });
  await app.backend.api.openDataset({ root });
  await auditDemo(root);
  browser = await launchChromium();
  page = await watchedPage(browser, consoleErrors, { width: 1280, height: 860 });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe('drawing a region in Chromium', () => {
  it('draws a box by mouse, applies it to the class, and shows it in the overlay as drawn', async () => {
    await page.goto(app.server.url);
    await expect.poll(() => page.locator('.tile:not(.loading)').count(), { timeout: 30_000 }).toBeGreaterThan(2);
    await page.getByTestId('grid').focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('image-detail').waitFor();
    await page.getByTestId('detail-image').waitFor();

    await page.getByTestId('draw-toggle').click();
    const surface = page.getByTestId('draw-surface');
    await surface.waitFor();
    const frame = (await surface.boundingBox())!;
    const point = (fx: number, fy: number) => [frame.x + fx * frame.width, frame.y + fy * frame.height] as const;
    await page.mouse.move(...point(0.3, 0.42));
    await page.mouse.down();
    await page.mouse.move(...point(0.5, 0.7), { steps: 5 });
    await page.mouse.move(...point(0.7, 0.98), { steps: 5 });
    await page.mouse.up();
    await page.getByTestId('draw-box').waitFor();

    await page.getByTestId('draw-name').fill('scrubs');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'draw-region-drawing.png') });
    const apply = page.getByTestId('draw-apply');
    const label = /Apply to all (\w+) images/.exec((await apply.textContent())!)![1]!;
    const reply = page.waitForResponse((response) => response.url().endsWith('/api/draw-region'));
    await apply.click();
    const body = (await (await reply).json()) as { ok: boolean; value: { images: number; skipped: number; region: { box: { x0: number; y1: number } } } };
    expect(body.ok).toBe(true);
    expect(body.value).toMatchObject({ images: PER_CLASS, skipped: 0 });
    // The drag's corners, give or take a pixel of the displayed image.
    expect(body.value.region.box.x0).toBeCloseTo(0.3, 1);
    expect(body.value.region.box.y1).toBeCloseTo(0.98, 1);

    await expect.poll(() => page.getByTestId('draw-message').textContent()).toContain(`applied to ${PER_CLASS} ${label} images`);
    const drawnLabel = page.locator('[data-testid="region-label"][data-drawn]');
    await expect.poll(() => drawnLabel.textContent()).toContain('scrubs');
    await expect.poll(() => page.getByTestId('drawn-region').count()).toBe(1);
    await page.waitForTimeout(200);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'draw-region.png') });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: path.join(SCREENSHOTS, 'draw-region-dark.png') });
    await page.emulateMedia({ colorScheme: 'light' });

    // The app's region lists (focus filter, region sort) offer it like an annotated one.
    const focusOptions = () => page.$$eval('[data-testid="filter-focus"] option', (options) => options.map((o) => (o as HTMLOptionElement).value));
    await expect.poll(focusOptions).toEqual(['', 'cue', 'face', 'hair', 'object', 'scrubs']);
  });

  it('deletes the drawn region from every image of the class', async () => {
    const focusOptions = () => page.$$eval('[data-testid="filter-focus"] option', (options) => options.map((o) => (o as HTMLOptionElement).value));
    await page.getByTestId('drawn-delete').click();
    await expect.poll(() => page.getByTestId('draw-message').textContent()).toMatch(/removed from \d+ \w+ images/);
    await expect.poll(() => page.locator('[data-testid="region-label"][data-drawn]').count()).toBe(0);
    expect(await app.backend.api.drawnRegions({ datasetId: 1 })).toEqual([]);
    await expect.poll(focusOptions).toEqual(['', 'cue', 'face', 'hair', 'object']);
  });

  it('logged no errors in the page', () => {
    expect(consoleErrors).toEqual([]);
  });
});
