/// <reference lib="dom" />
/**
 * The cluster view in a real browser against `biascope serve`: audit the demo with
 * each image's own class explained, open Clusters, choose k on the eigenvalue chart,
 * tag a whole cluster in one click (and undo it), open images from the embedding and
 * the unusual strip over the dialog, and close it all with Escape. Screenshots land
 * in test/e2e/screenshots/clusters*.png.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../fixtures/models';
import { DEMO_MODEL, demoSubset } from '../jobs/demo-subset';
import { launchChromium, SCREENSHOTS, serveApp, type ServedApp, watchedPage } from './browser';

const PER_CLASS = 24;
const TAG = 'spurious:face';
let browser: Browser;
let app: ServedApp;
let page: Page;
const consoleErrors: string[] = [];

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`) });
}

/** The class's members as the backend counts them: its images, and the errors predicted as it. */
async function members(label: string): Promise<{ labelled: number; misclassified: number; total: number }> {
  const audit = (await app.backend.api.auditState())!;
  const key = { datasetId: audit.datasetId!, modelId: audit.modelId!, layer: audit.layer!, method: 'gradcam' as const };
  const view = await app.backend.api.clusters({ key, label });
  return { labelled: view.labelled, misclassified: view.misclassified, total: view.labelled + view.misclassified };
}

async function tagCount(tag: string): Promise<number> {
  return (await app.backend.api.tagCounts({ datasetId: 1 })).find((t) => t.tag === tag)?.images ?? 0;
}

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const dataset = demoSubset(PER_CLASS);
  app = await serveApp({ dataDir: tempDir('biascope-e2e-clusters-'), demo: { dataset, model: DEMO_MODEL }, workers: 2 });
  browser = await launchChromium();
  page = await watchedPage(browser, consoleErrors);
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe('the cluster view in Chromium', () => {
  it('audits the demo with each image explained for its own class', async () => {
    await page.goto(app.server.url);
    await page.getByTestId('start-panel').waitFor();
    await expect.poll(() => page.getByTestId('start-audit').isEnabled(), { timeout: 60_000 }).toBe(true);
    // The start panel explains the true label too by default: what clusters need.
    expect(await page.getByTestId('start-panel').locator('select', { has: page.locator('option[value="label"]') }).inputValue()).toBe('label');
    await page.getByTestId('start-audit').click();
    await page.locator('[data-testid="audit-progress"][data-status="done"]').waitFor({ timeout: 120_000 });
    await expect.poll(() => page.locator('.tile:not(.loading)').count()).toBeGreaterThan(6);
  });

  it('opens the clusters of the class in view, with the eigenvalues and the gap', async () => {
    await page.locator('[data-testid="class-row"][data-class="doctor"]').click();
    await page.getByTestId('open-clusters').click();
    const dialog = page.getByTestId('clusters');
    await dialog.waitFor();
    expect(await page.getByTestId('clusters-class').inputValue()).toBe('doctor');
    await expect.poll(() => page.getByTestId('cluster-card').count()).toBeGreaterThanOrEqual(2);
    await page.getByTestId('eigen-chart').waitFor();
    expect(await page.getByTestId('eigen-bar').count()).toBe(9);
    await page.getByTestId('eigen-gap').waitFor();
    // The class's images, and the nurses the model takes for doctors, each shown by its map of doctor.
    const doctor = await members('doctor');
    expect(doctor.labelled).toBe(PER_CLASS);
    expect(doctor.misclassified).toBeGreaterThan(0);
    expect(await page.getByTestId('embedding-point').count()).toBe(doctor.total);
    expect(await page.getByTestId('unusual-image').count()).toBe(Math.min(24, doctor.total));
    // Sizes add up to the members, the errors among them are counted per card, and each card shows its mean map and exemplars.
    const sizes = await page.$$eval('[data-testid="cluster-tagged"]', (els) => els.map((e) => Number(/of (\d+)/.exec(e.textContent ?? '')![1])));
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(doctor.total);
    const errors = await page.$$eval('[data-testid="cluster-misclassified-count"]', (els) => els.map((e) => Number(/(\d+) of/.exec(e.textContent ?? '')![1])));
    expect(errors.reduce((a, b) => a + b, 0)).toBe(doctor.misclassified);
    // An error shown in the strip carries the wrong pill.
    expect(await page.getByTestId('clusters').getByTestId('cluster-misclassified').count()).toBeGreaterThan(0);
    expect(await page.getByTestId('cluster-card').first().getByTestId('heatmap-canvas').count()).toBeGreaterThan(1);
    await page.waitForTimeout(300);
    await shot('clusters');
    await page.emulateMedia({ colorScheme: 'dark' });
    await shot('clusters-dark');
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('takes k from a bar of the chart, and goes back to the suggestion', async () => {
    const suggested = await page.getByTestId('cluster-card').count();
    await page.locator('[data-testid="eigen-bar"][data-k="4"]').click();
    await expect.poll(() => page.getByTestId('cluster-card').count()).toBe(4);
    expect(await page.getByTestId('cluster-k').inputValue()).toBe('4');
    await page.getByRole('button', { name: 'Use suggested' }).click();
    await expect.poll(() => page.getByTestId('cluster-card').count()).toBe(suggested);
  });

  it('tags a whole cluster in one click, shown on the grid, and undoes it', async () => {
    await page.getByTestId('clusters-tag').selectOption(TAG);
    const card = page.getByTestId('cluster-card').last();
    const size = Number(/of (\d+)/.exec((await card.getByTestId('cluster-tagged').textContent()) ?? '')![1]);
    await card.getByTestId('tag-cluster').click();
    await expect.poll(() => card.getByTestId('cluster-tagged').textContent()).toBe(`${size} of ${size}`);
    await expect.poll(() => tagCount(TAG)).toBe(size);
    await expect.poll(() => card.getByTestId('tag-cluster').textContent()).toMatch(/Untag/);

    await page.keyboard.press('Escape');
    await page.getByTestId('clusters').waitFor({ state: 'detached' });
    // The grid shows doctors: those of the cluster on screen carry the tag on their tiles.
    const taggedTiles = page.locator('.tile:visible .badge-tags', { hasText: TAG });
    await expect.poll(() => taggedTiles.count()).toBeGreaterThan(0);
    expect(await taggedTiles.count()).toBeLessThanOrEqual(size);
    await page.getByTestId('grid').focus();
    await page.keyboard.press('u');
    await expect.poll(() => tagCount(TAG)).toBe(0);
    await expect.poll(() => taggedTiles.count()).toBe(0);
  });

  it('opens an image from the embedding over the dialog, and Escape closes one, then the other', async () => {
    await page.getByTestId('open-clusters').click();
    const doctor = await members('doctor');
    await expect.poll(() => page.getByTestId('embedding-point').count()).toBe(doctor.total);
    // A dot no other dot covers, clicked where it is drawn.
    const target = await page.$$eval('[data-testid="embedding-point"]', (circles) => {
      for (const circle of circles) {
        const box = circle.getBoundingClientRect();
        const [x, y] = [box.left + box.width / 2, box.top + box.height / 2];
        if (document.elementFromPoint(x, y) === circle) return { x, y, imageId: Number((circle as SVGElement).dataset['imageId']) };
      }
      return null;
    });
    expect(target).not.toBeNull();
    await page.mouse.click(target!.x, target!.y);
    const detail = page.getByTestId('image-detail');
    await detail.waitFor();
    const audit = (await app.backend.api.auditState())!;
    const key = { datasetId: audit.datasetId!, modelId: audit.modelId!, layer: audit.layer!, method: 'gradcam' as const };
    const record = await app.backend.api.imageDetail({ key, imageId: target!.imageId });
    await expect.poll(() => detail.locator('h2').getAttribute('title')).toBe(record.path);
    await page.waitForTimeout(300);
    await shot('clusters-detail');
    await page.keyboard.press('Escape');
    await detail.waitFor({ state: 'detached' });
    await page.getByTestId('clusters').waitFor();

    await page.getByTestId('unusual-image').first().click();
    await detail.waitFor();
    await page.getByTestId('detail-close').click();
    await detail.waitFor({ state: 'detached' });
    await page.keyboard.press('Escape');
    await page.getByTestId('clusters').waitFor({ state: 'detached' });
  });

  it('switches class in the dialog', async () => {
    await page.getByTestId('open-clusters').click();
    await page.getByTestId('clusters-class').selectOption('nurse');
    await expect.poll(async () => page.getByTestId('embedding-point').count()).toBe((await members('nurse')).total);
    await expect.poll(() => page.getByTestId('cluster-card').count()).toBeGreaterThanOrEqual(2);
    await page.getByTestId('clusters').getByRole('button', { name: 'Close' }).click();
    await page.getByTestId('clusters').waitFor({ state: 'detached' });
  });

  it('paints maps on one scale: the flat maps of the class the model has no evidence for show as nothing, and say so', async () => {
    /** Painted pixels of each tile's canvas, by whether the tile is marked flat. */
    const painted = () =>
      page.$$eval('.tile:not(.loading):not(.pending)', (tiles) =>
        tiles.map((tile) => {
          const canvas = tile.querySelector('canvas')!;
          const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
          let opaque = 0;
          for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) opaque++;
          return { flat: tile.classList.contains('flat'), predicted: tile.querySelector('.pred')!.textContent, opaque };
        }),
      );
    await page.locator('[data-testid="class-row"][data-class="nurse"]').click();
    await expect.poll(async () => (await painted()).filter((t) => t.flat).length).toBeGreaterThan(3);
    for (const scale of ['dataset', 'class', 'image']) {
      await page.getByTestId('scale').selectOption(scale);
      await page.waitForTimeout(200);
      const tiles = await painted();
      // Every "nurse" map is flat here (the model has no evidence of a nurse, only of a doctor).
      for (const tile of tiles.filter((t) => t.predicted === 'nurse')) expect(tile).toMatchObject({ flat: true, opaque: 0 });
      expect(await page.locator('.tile.flat .flat-mark').first().textContent()).toBe('flat map');
    }
    await page.getByTestId('scale').selectOption('dataset');
    await page.waitForTimeout(200);
    await shot('grid-flat-maps');

    // A doctor's map still shows its heat on the same scale.
    await page.locator('[data-testid="class-row"][data-class="doctor"]').click();
    await expect.poll(async () => (await painted()).filter((t) => t.predicted === 'doctor' && !t.flat && t.opaque > 50).length).toBeGreaterThan(3);

    // The image view of a flat map says so; its canvas paints nothing.
    await page.locator('[data-testid="class-row"][data-class="nurse"]').click();
    await page.getByTestId('filter-correctness').selectOption('correct');
    await expect.poll(() => page.locator('.tile:not(.loading)').first().getAttribute('class')).toContain('flat');
    await page.getByTestId('grid').focus();
    await page.keyboard.press('Enter');
    const detail = page.getByTestId('image-detail');
    await detail.waitFor();
    await expect.poll(() => detail.getByTestId('flat-mark').count()).toBeGreaterThan(0);
    await page.waitForTimeout(300);
    await shot('image-detail-flat-map');
    await page.keyboard.press('Escape');
    await detail.waitFor({ state: 'detached' });
    await page.getByTestId('filter-correctness').selectOption('');

    // The nurse clusters' mean maps are flat too, and marked, as the report says.
    await page.getByTestId('open-clusters').click();
    await page.getByTestId('clusters-class').selectOption('nurse');
    await expect.poll(() => page.getByTestId('clusters').getByTestId('flat-mark').count()).toBeGreaterThan(0);
    await page.waitForTimeout(300);
    await shot('clusters-flat-maps');
    await page.keyboard.press('Escape');
    await page.getByTestId('clusters').waitFor({ state: 'detached' });
  });

  it('logged no errors in the page', () => {
    expect(consoleErrors).toEqual([]);
  });
});
