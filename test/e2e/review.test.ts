/// <reference lib="dom" />
/**
 * The spurious-focus review in a real browser: mark the demo's scrubs spurious and its
 * held object as evidence, walk the suggestions with the keyboard (a accept, r reject,
 * u undo), and find the decisions and the accepted images' tags after a reload.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../fixtures/models';
import { DEMO_MODEL, demoSubset } from '../jobs/demo-subset';
import { launchChromium, SCREENSHOTS, serveApp, type ServedApp, watchedPage } from './browser';

const PER_CLASS = 16;
let browser: Browser;
let app: ServedApp;
let page: Page;
const consoleErrors: string[] = [];

const counts = () => page.getByTestId('review-counts').textContent();

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const dataset = demoSubset(PER_CLASS);
  app = await serveApp({ dataDir: tempDir('biascope-e2e-review-'), demo: { dataset, model: DEMO_MODEL }, workers: 1 });
  browser = await launchChromium();
  page = await watchedPage(browser, consoleErrors, { width: 1280, height: 860 });
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe('the spurious-focus review queue', () => {
  it('audits the demo from the start panel', async () => {
    await page.goto(app.server.url);
    await expect.poll(() => page.getByTestId('start-audit').isEnabled(), { timeout: 60_000 }).toBe(true);
    await page.getByTestId('start-audit').click();
    await page.locator('[data-testid="audit-progress"][data-status="done"]').waitFor({ timeout: 120_000 });
  });

  it('asks for a spurious region first, then suggests the images whose map sits on it', async () => {
    await page.getByTestId('open-review').click();
    await page.getByTestId('review').waitFor();
    await expect.poll(() => page.getByTestId('review-empty').textContent()).toContain('Mark at least one region');
    await page.getByTestId('role-cue-spurious').click();
    await page.getByTestId('role-object-evidence').click();
    await page.getByTestId('rules-save').click();
    await page.getByTestId('suggestion').waitFor();
    const list = await app.backend.api.suggestions({ key: { datasetId: 1, modelId: 1, layer: 'conv_last', method: 'gradcam' } });
    expect(list.items.length).toBeGreaterThan(3);
    expect(list.rules).toEqual({ spurious: ['cue'], evidence: ['object'], threshold: 0.5 });
    expect(await counts()).toContain(`${list.items.length} to review`);
    // The position counts every suggestion, not the page loaded so far.
    expect(await page.getByTestId('review-position').textContent()).toBe(`1 / ${list.total.toLocaleString('en-US')}`);
    await expect.poll(() => page.locator('[data-testid="suggestion"] canvas').count()).toBeGreaterThan(0);
    await page.waitForTimeout(300);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'review.png') });
  });

  it('accepts, rejects and undoes by keyboard, saving each answer at once', async () => {
    const first = Number(await page.getByTestId('suggestion').getAttribute('data-content'));
    await page.keyboard.press('a');
    await expect.poll(counts).toContain('1 accepted');
    // The queue moved on to the next suggestion.
    await expect.poll(async () => Number(await page.getByTestId('suggestion').getAttribute('data-content'))).not.toBe(first);
    await page.keyboard.press('a');
    await page.keyboard.press('r');
    await expect.poll(counts).toContain('2 accepted · 1 rejected');
    await page.keyboard.press('u');
    await expect.poll(counts).toContain('2 accepted · 0 rejected');
    await expect.poll(() => page.getByTestId('suggestion-decision').textContent()).toBe('pending');
    await page.keyboard.press('r');
    await expect.poll(counts).toContain('2 accepted · 1 rejected');
    const tags = await app.backend.api.tagCounts({ datasetId: 1 });
    expect(tags).toContainEqual({ tag: 'spurious:cue', images: 2 });
  });

  it('finds the decisions again after a reload, and Escape closes the queue', async () => {
    await page.reload();
    await page.getByTestId('open-review').click();
    await expect.poll(counts).toContain('2 accepted · 1 rejected');
    await page.keyboard.press('Escape');
    await page.getByTestId('review').waitFor({ state: 'detached' });
  });

  it('exports the report with its PDF, and the rebalancing lists, from the Export dialog', async () => {
    const out = path.join(tempDir('biascope-e2e-export-'), 'findings');
    await page.getByTestId('open-export').click();
    await page.getByTestId('export').waitFor();
    await page.getByTestId('export-group-by').selectOption('cue');
    await page.getByTestId('export-dir').fill(out);
    await page.getByTestId('export-notes').fill('Ask for more pictures of doctors in pink.');
    await page.getByTestId('export-title-field').fill('Scrub colour audit');
    await page.getByTestId('export-run').click();
    const written = page.getByTestId('export-written');
    await written.waitFor({ timeout: 60_000 });
    expect(await written.textContent()).toMatch(/report\.html[\s\S]*report\.pdf[\s\S]*The PDF has \d+ pages/);
    const html = readFileSync(path.join(out, 'report.html'), 'utf8');
    // The accepted suggestions are the user's tags in the report.
    expect(html).toContain('spurious:cue');
    expect(html).toContain('<p>Ask for more pictures of doctors in pink.</p>');
    expect(html).toContain('<h1>Scrub colour audit</h1>');
    expect(await app.backend.api.notes({ datasetId: 1 })).toBe('Ask for more pictures of doctors in pink.');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'export.png') });

    await page.getByTestId('export-kind-rebalance').check();
    await page.getByTestId('export-run').click();
    await expect.poll(() => written.textContent()).toContain('rebalance-summary.csv');
    expect(readFileSync(path.join(out, 'rebalance-summary.csv'), 'utf8')).toMatch(/^nurse,cue,blue,\d+,/m);
    await page.keyboard.press('Escape');
    await page.getByTestId('export').waitFor({ state: 'detached' });
    expect(consoleErrors).toEqual([]);
  });
});
