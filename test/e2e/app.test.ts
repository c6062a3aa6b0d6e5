/// <reference lib="dom" />
/**
 * The app end to end in a real browser: open the demo, audit it to the end, switch
 * class, change overlay and colormap, open an image, tag three images by keyboard,
 * reload and find the tags, and be refused without the token. Screenshots of the main
 * views land in test/e2e/screenshots/.
 */
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../fixtures/models';
import { DEMO_MODEL, demoModelCopy, demoSubset } from '../jobs/demo-subset';
import { launchChromium, SCREENSHOTS, serveApp, type ServedApp, watchedPage } from './browser';

const PER_CLASS = 24;
let browser: Browser;
let app: ServedApp;
let page: Page;
const consoleErrors: string[] = [];

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`) });
}

/** Alpha-weighted colour of the middle of the first painted tile's heatmap. */
function firstHeatPixel(): Promise<number[]> {
  return page.evaluate(() => {
    const canvas = document.querySelector<HTMLCanvasElement>('.tile:not(.loading) canvas.heat');
    const context = canvas?.getContext('2d');
    if (!canvas || !context) return [];
    const { data } = context.getImageData(0, 0, canvas.width, canvas.height);
    let best = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i]! > data[best + 3]!) best = i - 3;
    return [data[best]!, data[best + 1]!, data[best + 2]!, data[best + 3]!];
  });
}

async function tileTags(count: number): Promise<string[]> {
  return page.$$eval(
    '.tile',
    (tiles, n) =>
      tiles
        // Pool elements not in use are hidden and keep their last index.
        .filter((t) => (t as HTMLElement).style.display !== 'none' && Number((t as HTMLElement).dataset['index']) < n)
        .sort((a, b) => Number((a as HTMLElement).dataset['index']) - Number((b as HTMLElement).dataset['index']))
        .map((t) => t.querySelector('.badge-tags')?.textContent ?? ''),
    count,
  );
}

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const dataset = demoSubset(PER_CLASS);
  app = await serveApp({ dataDir: tempDir('biascope-e2e-'), demo: { dataset, model: DEMO_MODEL }, workers: 2 });
  browser = await launchChromium();
  page = await watchedPage(browser, consoleErrors);
});

const otherModel = demoModelCopy();

afterAll(async () => {
  await browser?.close();
  await app?.close();
  rmSync(path.dirname(otherModel), { recursive: true, force: true });
});

describe('biascope in Chromium against biascope serve', () => {
  it('opens on the demo with the dataset and model preselected', async () => {
    await page.goto(app.server.url);
    const panel = page.getByTestId('start-panel');
    await panel.waitFor();
    await expect.poll(() => page.getByTestId('start-audit').isEnabled(), { timeout: 60_000 }).toBe(true);
    expect(await page.getByTestId('dataset-path').inputValue()).toContain('biascope-data-');
    expect(await page.getByTestId('model-path').inputValue()).toBe(DEMO_MODEL);
    await shot('start-panel');

    // A typed model path: the previous model's layers go at once, and leaving the field opens it.
    const modelField = page.getByTestId('model-path');
    expect(await page.getByTestId('start-layer').isEnabled()).toBe(true);
    await modelField.fill(otherModel);
    expect(await page.getByTestId('start-layer').isEnabled()).toBe(false);
    await modelField.press('Tab');
    await expect.poll(() => page.locator('.field', { has: modelField }).locator('.hint.ok').count()).toBe(1);
    await expect.poll(() => page.getByTestId('start-layer').isEnabled()).toBe(true);
    await modelField.fill(DEMO_MODEL);
    await modelField.press('Tab');
    await expect.poll(() => page.getByTestId('start-audit').isEnabled(), { timeout: 60_000 }).toBe(true);
  });

  it('runs the audit to the end with a progress bar, and fills the grid', async () => {
    await page.getByTestId('start-audit').click();
    await page.locator('[data-testid="audit-progress"][data-status="done"]').waitFor({ timeout: 120_000 });
    expect(await page.getByTestId('audit-progress').textContent()).toContain(`${2 * PER_CLASS} computed`);
    await expect.poll(() => page.locator('.tile:not(.loading)').count()).toBeGreaterThan(6);
    await expect.poll(async () => (await firstHeatPixel())[3] ?? 0).toBeGreaterThan(0);
    const rows = page.getByTestId('class-row');
    expect(await rows.count()).toBe(2);
    expect(await rows.first().textContent()).toMatch(/accuracy\s*\d+%/);
    // "N on <region>", by the rule the report counts with, said in the tooltip.
    const chips = await page.getByTestId('on-region').allTextContents();
    expect(chips.length).toBeGreaterThan(0);
    for (const chip of chips) expect(chip.trim()).toMatch(/^\d+ on \S+$/);
    expect(await page.locator('.focus').first().getAttribute('title')).toContain('at least 50 % of its mass lies inside the region');
    await shot('grid-overlay');
  });

  it('switches class, overlay mode and colormap', async () => {
    await page.locator('[data-testid="class-row"][data-class="nurse"]').click();
    await expect.poll(() => page.getByTestId('grid-title').textContent()).toBe('nurse');
    await expect.poll(() => page.getByTestId('grid-count').textContent()).toBe(`${PER_CLASS} images`);
    // The tiles of the new class load after the title changes: wait for them.
    await expect.poll(() => page.locator('.tile:not(.loading) .truth').count()).toBeGreaterThan(0);
    const truths = await page.$$eval('.tile:not(.loading) .truth', (els) => els.map((e) => e.textContent ?? ''));
    expect(truths.every((t) => t.endsWith('nurse'))).toBe(true);

    await page.getByTestId('mode-heatmap').click();
    expect(await page.$eval('.tile .frame img', (img) => getComputedStyle(img).visibility)).toBe('hidden');
    await shot('grid-heatmap');
    await page.getByTestId('mode-overlay').click();
    expect(await page.$eval('.tile .frame img', (img) => getComputedStyle(img).visibility)).toBe('visible');

    const turbo = await firstHeatPixel();
    await page.getByTestId('colormap').selectOption('viridis');
    await expect.poll(async () => JSON.stringify(await firstHeatPixel())).not.toBe(JSON.stringify(turbo));
  });

  it('opens an image with every class map, and closes it with Escape', async () => {
    await page.getByTestId('grid').focus();
    await page.keyboard.press('Enter');
    const detail = page.getByTestId('image-detail');
    await detail.waitFor();
    await expect.poll(() => page.getByTestId('class-map').count()).toBe(2);
    await page.waitForTimeout(300);
    await shot('image-detail');
    // The method selector drives the large image too, not only the strip of class maps.
    const caption = page.getByTestId('detail-overlay-caption');
    expect(await caption.textContent()).toContain('Grad-CAM ·');
    await page.getByTestId('detail-method').selectOption('hirescam');
    await expect.poll(async () => (await caption.textContent())?.trim()).toMatch(/^HiResCAM · \S+ \(predicted\)$/);
    await expect.poll(() => page.locator('[data-testid="image-detail"] .frame [data-testid="heatmap-canvas"]').count()).toBe(1);
    await page.keyboard.press('Escape');
    await detail.waitFor({ state: 'detached' });
  });

  it('tags three images by keyboard, and finds them tagged after a reload', async () => {
    await page.getByTestId('grid').focus();
    await page.keyboard.press('1');
    await expect.poll(() => tileTags(3)).toEqual(['spurious:face', '', '']);
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('1');
    await expect.poll(() => tileTags(3)).toEqual(['spurious:face', 'spurious:face', '']);
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('f');
    await expect.poll(() => tileTags(3)).toEqual(['spurious:face', 'spurious:face', 'flagged']);
    const saved = await app.backend.api.tagCounts({ datasetId: 1 });
    expect(saved).toEqual(
      expect.arrayContaining([
        { tag: 'spurious:face', images: 2 },
        { tag: 'flagged', images: 1 },
      ]),
    );

    await page.reload();
    await page.locator('[data-testid="class-row"][data-class="nurse"]').click();
    await expect.poll(() => page.getByTestId('grid-title').textContent()).toBe('nurse');
    await expect.poll(() => tileTags(3)).toEqual(['spurious:face', 'spurious:face', 'flagged']);
    await shot('grid-tagged');
    await page.emulateMedia({ colorScheme: 'dark' });
    await shot('grid-dark');
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('undoes the last tagging with u', async () => {
    await page.getByTestId('grid').focus();
    await page.keyboard.press('ArrowRight');
    // The image has the tag: its key takes it off, and u puts it back.
    await page.keyboard.press('1');
    await expect.poll(async () => (await tileTags(2))[1]).toBe('');
    await page.keyboard.press('u');
    await expect.poll(async () => (await tileTags(2))[1]).toBe('spurious:face');
  });

  it('selects several tiles with a shift-click and tags them together from the palette', async () => {
    await page.locator('[data-testid="class-row"][data-class="doctor"]').click();
    await expect.poll(() => page.getByTestId('grid-title').textContent()).toBe('doctor');
    const tile = (index: number) => page.locator(`.tile[data-index="${index}"]:visible`);
    await tile(0).click();
    await tile(3).click({ modifiers: ['Shift'] });
    await expect.poll(() => page.locator('.tile.selected:visible').count()).toBe(4);
    await page.getByTestId('palette-tag').filter({ hasText: 'mislabeled' }).click();
    await expect.poll(() => tileTags(5)).toEqual(['mislabeled', 'mislabeled', 'mislabeled', 'mislabeled', '']);
    const doctor = page.locator('[data-testid="class-row"][data-class="doctor"]');
    await expect.poll(() => doctor.textContent()).toMatch(/flagged\s*17%/);
  });

  it('shows subgroups by an attribute, and opens a cell in the grid', async () => {
    await page.getByTestId('open-subgroups').click();
    await page.getByTestId('subgroups').waitFor();
    await page.getByTestId('subgroups-by').selectOption('cue');
    await expect.poll(() => page.getByTestId('subgroup-row').count()).toBe(4);
    await shot('subgroups');
    const cell = page.locator('[data-testid="subgroup-row"][data-cell="doctor/pink"]');
    const count = Number((await cell.locator('td').nth(2).textContent())!.trim());
    await cell.click();
    await page.getByTestId('subgroups').waitFor({ state: 'detached' });
    await expect.poll(() => page.getByTestId('grid-title').textContent()).toBe('doctor');
    await expect.poll(() => page.getByTestId('grid-count').textContent()).toBe(`${count} images`);
  });

  it('changes the tile size, keeping the image in view, with no mark on the pictures', async () => {
    // Tiles are a pool moved by transforms: the distinct left edges are the columns.
    const columns = () =>
      page.$$eval('.tile:not(.loading)', (tiles) => new Set(tiles.map((t) => Math.round(t.getBoundingClientRect().left))).size);
    // Under load tiles may still be loading: count the columns once a row has come in.
    await expect.poll(columns, { timeout: 15_000 }).toBeGreaterThan(1);
    const before = await columns();
    await page.getByTestId('tile-size').selectOption({ label: 'Tiles: large' });
    await expect.poll(columns).toBeLessThan(before);
    await page.getByTestId('tile-size').selectOption({ label: 'Tiles: small' });
    await expect.poll(columns).toBeGreaterThan(before);
    await page.getByTestId('tile-size').selectOption({ label: 'Tiles: medium' });
    await expect.poll(columns).toBe(before);
    // Wrong and tag marks sit in the caption, none over the picture's corners.
    const onPicture = await page.$$eval('.tile .frame .badge-wrong, .tile .frame .badge-tags', (els) => els.length);
    expect(onPicture).toBe(0);
    expect(await page.locator('.tile.wrong .caption .badge-wrong').count()).toBeGreaterThan(0);
  });

  it('refuses requests without the token, and a page opened without it says how to get it', async () => {
    const origin = app.server.origin;
    expect((await fetch(`${origin}/api/app-info`, { method: 'POST', body: '[]' })).status).toBe(401);
    // A fresh context: no session storage kept from the pages above.
    const context = await browser.newContext();
    const stranger = await context.newPage();
    await stranger.goto(origin);
    await stranger.getByText('This page has no access token').waitFor({ timeout: 10_000 });
    await context.close();
  });

  it('keeps the token out of the address bar once read', () => {
    expect(page.url()).not.toContain('token=');
  });

  it('logged no errors in the page', () => {
    expect(consoleErrors).toEqual([]);
  });
});
