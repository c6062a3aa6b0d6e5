/// <reference lib="dom" />
/**
 * The concept view in a real browser against `biascope serve`, on the planted-cue
 * fixture: audit it from the app's dialog with concepts switched on, open Concepts,
 * find the cross class's badge concepts in the top corners with their crops and a red
 * swatch, click one to filter the grid to the images it dominates, tag them, and come
 * back to the whole grid, run the causal tests from the view and see the badge flagged as
 * a likely shortcut. Screenshots land in test/e2e/screenshots/concepts*.png.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../fixtures/models';
import { launchChromium, SCREENSHOTS, serveApp, type ServedApp, watchedPage } from './browser';

/** A concept card in a top corner: "top corners" (the badge's two, merged) or one of them. */
const TOP_CORNER_CARD = '[data-testid="concept-card"][data-where="top corners"], [data-testid="concept-card"][data-where="top-left"], [data-testid="concept-card"][data-where="top-right"]';

const PLANTED = path.resolve(import.meta.dirname, '../fixtures/planted');
const TAG = 'spurious:badge';
let browser: Browser;
let app: ServedApp;
let page: Page;
const consoleErrors: string[] = [];

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`) });
}

async function tagCount(tag: string): Promise<number> {
  return (await app.backend.api.tagCounts({ datasetId: 1 })).find((t) => t.tag === tag)?.images ?? 0;
}

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const demo = { dataset: path.join(PLANTED, 'cue'), model: path.join(PLANTED, 'cue-model', 'model.json') };
  app = await serveApp({ dataDir: tempDir('biascope-e2e-concepts-'), demo, workers: 1 });
  browser = await launchChromium();
  page = await watchedPage(browser, consoleErrors, { width: 1400, height: 900 });
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe('the concept view in Chromium', () => {
  it('audits with concepts switched on in the audit dialog', async () => {
    await page.goto(app.server.url);
    await page.getByTestId('start-panel').waitFor();
    await expect.poll(() => page.getByTestId('start-audit').isEnabled(), { timeout: 60_000 }).toBe(true);
    await page.getByTestId('start-concepts').check();
    await page.getByTestId('start-audit').click();
    await page.locator('[data-testid="audit-progress"][data-status="done"]').waitFor({ timeout: 120_000 });
    await expect.poll(() => page.locator('.tile:not(.loading)').count()).toBeGreaterThan(6);
  });

  it('shows the cross class concepts: the badge in the top corners, red, with its crops', async () => {
    await page.locator('[data-testid="class-row"][data-class="cross"]').click();
    await page.getByTestId('open-concepts').click();
    await page.getByTestId('concepts').waitFor();
    expect(await page.getByTestId('concepts-class').inputValue()).toBe('cross');
    // Alike concepts merge: the badge's two corners are one concept.
    await expect.poll(() => page.getByTestId('concept-card').count()).toBeGreaterThanOrEqual(1);
    const corners = page.locator(TOP_CORNER_CARD);
    expect(await corners.count()).toBeGreaterThanOrEqual(1);
    const card = corners.first();
    expect(await card.getByTestId('concept-crop').count()).toBe(10);
    const swatch = await card.getByTestId('concept-colour').evaluate((el) => getComputedStyle(el).backgroundColor);
    const [r, g, b] = (/rgb\((\d+), (\d+), (\d+)\)/.exec(swatch) ?? []).slice(1).map(Number);
    expect(r).toBeGreaterThan(150);
    expect(Math.max(g!, b!)).toBeLessThan(100);
    // The location grid's heaviest cell is a top corner: cell 0 or 2.
    const masses = await card.locator('[data-testid="concept-location"] span').evaluateAll((cells) => cells.map((c) => Number((c as HTMLElement).dataset['mass'])));
    expect([0, 2]).toContain(masses.indexOf(Math.max(...masses)));
    expect(await page.getByTestId('concepts-judgement').textContent()).toMatch(/judgement/);
    // Every crop has loaded its image.
    await expect.poll(() => card.locator('img').evaluateAll((imgs) => imgs.every((i) => (i as HTMLImageElement).naturalWidth > 0))).toBe(true);
    await page.waitForTimeout(300);
    await shot('concepts');
    await page.emulateMedia({ colorScheme: 'dark' });
    await shot('concepts-dark');
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('filters the grid to the images a concept dominates and tags them', async () => {
    await page.getByTestId('concepts-tag').fill(TAG);
    const card = page.locator(TOP_CORNER_CARD).first();
    const dominated = Number(/of (\d+) tagged/.exec((await card.getByTestId('concept-tagged').textContent()) ?? '')![1]);
    expect(dominated).toBeGreaterThan(10);
    await card.getByTestId('tag-concept').click();
    await expect.poll(() => card.getByTestId('concept-tagged').textContent()).toBe(`${dominated} of ${dominated} tagged`);
    await expect.poll(() => tagCount(TAG)).toBe(dominated);

    await card.getByTestId('show-concept').click();
    await page.getByTestId('concepts').waitFor({ state: 'detached' });
    await expect.poll(() => page.getByTestId('filter-images').textContent()).toMatch(new RegExp(`cross:\\d+.*\\(${dominated}\\)`));
    // Every tile of the grid is one of the concept's images: all carry the tag.
    const tiles = page.locator('.tile:visible:not(.loading)');
    await expect.poll(() => tiles.count()).toBeGreaterThan(0);
    const shown = await tiles.count();
    expect(shown).toBeLessThanOrEqual(dominated);
    await expect.poll(() => page.locator('.tile:visible:not(.loading) .badge-tags', { hasText: TAG }).count()).toBe(shown);
    await page.waitForTimeout(300);
    await shot('concepts-grid');

    // Clearing the filter shows the whole dataset again.
    await page.getByTestId('filter-images').getByRole('button').click();
    await page.getByTestId('filter-images').waitFor({ state: 'detached' });
  });

  it('names a concept "badge": a spurious region the grid can filter on, and takes the name off again', async () => {
    await page.getByTestId('open-concepts').click();
    const card = page.locator(TOP_CORNER_CARD).first();
    await card.getByTestId('concept-name').fill('badge');
    await card.getByTestId('name-concept').click();
    await expect.poll(() => card.getByTestId('concept-role').textContent()).toMatch(/spurious region/);
    expect(await card.locator('h3').textContent()).toBe('badge');
    expect((await app.backend.api.spuriousRules({ datasetId: 1 })).spurious).toEqual(['badge']);
    await page.waitForTimeout(300);
    await shot('concepts-named');
    await page.keyboard.press('Escape');
    await page.getByTestId('concepts').waitFor({ state: 'detached' });
    // The grid's focus filter offers the new region, and keeps the maps on it.
    await page.getByTestId('filter-focus').selectOption('badge');
    await expect.poll(() => page.locator('.tile:visible:not(.loading)').count()).toBeGreaterThan(0);
    await page.getByTestId('filter-focus').selectOption('');

    await page.getByTestId('open-concepts').click();
    await card.getByTestId('unname-concept').click();
    await expect.poll(() => card.getByTestId('concept-role').count()).toBe(0);
    expect((await app.backend.api.spuriousRules({ datasetId: 1 })).spurious).toEqual([]);
    await page.keyboard.press('Escape');
    await page.getByTestId('concepts').waitFor({ state: 'detached' });
  });

  it('opens a crop over the dialog, and Escape closes one, then the other', async () => {
    await page.getByTestId('open-concepts').click();
    await page.getByTestId('concept-crop').first().click();
    const detail = page.getByTestId('image-detail');
    await detail.waitFor();
    await page.keyboard.press('Escape');
    await detail.waitFor({ state: 'detached' });
    await page.getByTestId('concepts').waitFor();
    await page.keyboard.press('Escape');
    await page.getByTestId('concepts').waitFor({ state: 'detached' });
  });

  it('runs the causal tests from the view: the cross badge is a likely shortcut, shown first, and no ring concept is', async () => {
    await page.getByTestId('open-concepts').click();
    await page.getByTestId('concepts-class').selectOption('cross');
    await expect.poll(() => page.getByTestId('concept-card').count()).toBeGreaterThanOrEqual(1);
    expect(await page.getByTestId('concept-shortcut').count()).toBe(0);
    const run = page.getByTestId('run-concept-tests');
    expect(await page.getByTestId('concepts-tests').textContent()).toMatch(/edits up to 300 images per concept/);
    await run.click();
    await page.getByTestId('concepts-tests-summary').waitFor({ timeout: 120_000 });
    expect(await run.count()).toBe(0);
    const card = page.locator(TOP_CORNER_CARD).first();
    await card.getByTestId('concept-shortcut').waitFor();
    expect(await card.getByTestId('concept-reasons').textContent()).toMatch(/removing it fixes \d+ of \d+ errors/);
    expect(await card.getByTestId('concept-errors-fixed').textContent()).toMatch(/^\d+ of \d+/);
    expect(await card.getByTestId('concept-transplant').textContent()).toMatch(/\d+% \[\d+%–\d+%\] of \d+ turn into cross/);
    // Flagged concepts come first.
    expect(await page.getByTestId('concept-card').first().getByTestId('concept-shortcut').count()).toBe(1);
    expect(await page.getByTestId('concepts-tests-summary').textContent()).toMatch(/\d+ of \d+ concepts of cross flagged as a likely shortcut/);
    await page.waitForTimeout(300);
    await shot('concepts-tests');

    // The tests ran for every class: the ring's are there at once, and flag nothing.
    await page.getByTestId('concepts-class').selectOption('ring');
    await expect.poll(() => page.getByTestId('concepts-tests-summary').textContent()).toMatch(/No concept of ring flagged/);
    expect(await page.getByTestId('concept-shortcut').count()).toBe(0);
    expect(await page.locator('[data-testid="concept-card"] [data-testid="concept-errors-fixed"]').count()).toBe(await page.getByTestId('concept-card').count());
    await page.keyboard.press('Escape');
    await page.getByTestId('concepts').waitFor({ state: 'detached' });
  });

  it('logged no errors in the page', () => {
    expect(consoleErrors).toEqual([]);
  });
});
