/// <reference lib="dom" />
/**
 * Comparing two audits in a real browser against `biascope serve`: audit the demo from
 * the start panel, audit a second model (the demo's output units swapped: every
 * prediction flips) on the server, then open Compare, see each class's accuracy fall
 * in red, split by an attribute, swap A and B, and close with Escape. Screenshots land
 * in test/e2e/screenshots/compare*.png.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../fixtures/models';
import { DEMO_MODEL, demoSubset } from '../jobs/demo-subset';
import { flippedDemoModel } from '../main/flipped-model';
import { launchChromium, SCREENSHOTS, serveApp, type ServedApp, watchedPage } from './browser';
import { auditThroughApi } from '../fixtures/backend-audit';

// 20 per class: accuracies are tenths, so their changes round to whole points without a tie.
const PER_CLASS = 20;
let browser: Browser;
let app: ServedApp;
let page: Page;
let dataset: string;
const consoleErrors: string[] = [];

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`) });
}

const deltaTexts = () => page.$$eval('[data-testid="compare-row"] [data-testid="delta-accuracy"]', (els) => els.map((e) => e.textContent ?? ''));
const deltaTones = () => page.$$eval('[data-testid="compare-row"] [data-testid="delta-accuracy"]', (els) => els.map((e) => e.className));

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  dataset = demoSubset(PER_CLASS);
  app = await serveApp({ dataDir: tempDir('biascope-e2e-compare-'), demo: { dataset, model: DEMO_MODEL }, workers: 2 });
  browser = await launchChromium();
  page = await watchedPage(browser, consoleErrors);
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe('comparing two audits in Chromium', () => {
  it('keeps Compare disabled while the dataset has one audit', async () => {
    await page.goto(app.server.url);
    await page.getByTestId('start-panel').waitFor();
    await expect.poll(() => page.getByTestId('start-audit').isEnabled(), { timeout: 60_000 }).toBe(true);
    await page.getByTestId('start-audit').click();
    await page.locator('[data-testid="audit-progress"][data-status="done"]').waitFor({ timeout: 120_000 });
    await expect.poll(() => page.locator('.tile:not(.loading)').count()).toBeGreaterThan(6);
    expect(await page.getByTestId('open-compare').isDisabled()).toBe(true);
  });

  it('enables Compare once a second audit of the dataset ends', async () => {
    const { backend } = app;
    await backend.api.setSpuriousRules({ datasetId: 1, rules: { spurious: ['cue'], evidence: ['object'], threshold: 0.5 } });
    await auditThroughApi(backend, { dataset, model: flippedDemoModel(), methods: ['gradcam'], targets: 'predicted', workers: 2 });
    await expect.poll(() => page.getByTestId('open-compare').isEnabled(), { timeout: 30_000 }).toBe(true);
  });

  it('shows each class with A, B and a red fall in accuracy, and a chart per class', async () => {
    await page.getByTestId('open-compare').click();
    await page.getByTestId('compare').waitFor();
    expect(await page.locator('[data-testid="compare-with"] option').count()).toBe(1);
    await expect.poll(() => page.getByTestId('compare-row').count()).toBe(2);
    expect(await page.$$eval('[data-testid="compare-row"]', (rows) => rows.map((r) => (r as HTMLElement).dataset['cell']))).toEqual([
      'doctor/(all)',
      'nurse/(all)',
    ]);
    // A is the older audit (the demo model), B the newer (every prediction flipped).
    expect(await page.getByTestId('compare-audits').textContent()).toMatch(/A\s*demo\/model · conv_last · gradcam/);
    const demo = (await app.backend.api.storedAudits({ datasetId: 1 })).find((a) => a.modelPath === DEMO_MODEL)!;
    const summary = await app.backend.api.classSummary(demo);
    const expected = summary.map((c) => Math.round((1 - c.accuracy! - c.accuracy!) * 100));
    expect((await deltaTexts()).map((t) => Number(t.replace('−', '-')))).toEqual(expected);
    const tone = (points: number) => (points < 0 ? 'worse' : points > 0 ? 'better' : '');
    expect((await deltaTones()).map((c) => /better|worse/.exec(c)?.[0] ?? '')).toEqual(expected.map(tone));
    // The demo model is right more often than not: swapping its outputs makes it worse.
    expect(expected.some((points) => points < 0)).toBe(true);
    expect(await page.locator('[data-testid="compare-chart"] svg').count()).toBe(2);
    // Spurious regions are marked: the share has its columns.
    expect(await page.locator('[data-testid="compare-row"] [data-testid="delta-spurious"]').count()).toBe(2);
    expect(await page.getByTestId('compare-no-rules').count()).toBe(0);
  });

  it('splits each class by an attribute, and swaps A and B', async () => {
    await page.getByTestId('compare-by').selectOption('cue');
    await expect.poll(() => page.getByTestId('compare-row').count()).toBeGreaterThan(2);
    const cells = await page.$$eval('[data-testid="compare-row"]', (rows) => rows.map((r) => (r as HTMLElement).dataset['cell']!));
    expect(cells[0]).toBe('doctor/(all)');
    expect(cells.filter((c) => c.endsWith('/(all)'))).toHaveLength(2);
    expect(cells.some((c) => c.startsWith('doctor/') && !c.endsWith('(all)'))).toBe(true);
    await page.waitForTimeout(200);
    await shot('compare');
    await page.emulateMedia({ colorScheme: 'dark' });
    await shot('compare-dark');
    await page.emulateMedia({ colorScheme: 'light' });

    const before = await deltaTexts();
    await page.getByTestId('compare-swap').click();
    await expect.poll(async () => (await deltaTexts()).join()).not.toBe(before.join());
    const after = await deltaTexts();
    const value = (t: string) => Number(t.replace('−', '-'));
    expect(after.map(value)).toEqual(before.map((t) => -value(t) || 0));
    expect(await page.getByTestId('compare-audits').textContent()).toMatch(/A\s*\S*biascope-model-/);
  });

  it('closes with Escape, without errors in the console', async () => {
    await page.keyboard.press('Escape');
    await page.getByTestId('compare').waitFor({ state: 'detached' });
    expect(consoleErrors).toEqual([]);
  });
});
