/// <reference lib="dom" />
/**
 * `npm run bench:ui`: the app in Debian's Chromium against `biascope serve`, over an
 * already audited library of 100,000 images (built once, then reused):
 * - first grid: from navigation to the first 12 tiles drawn with their heatmaps
 *   (target under 1 s), and to their thumbnails loaded;
 * - scrolling the whole library top to bottom in 600 frames (tiles flown past are
 *   drawn as placeholders), and browsing pace, a quarter row per frame (15 rows a
 *   second, every tile drawn in full with its heatmap and thumbnail): frame times
 *   from requestAnimationFrame (target p95 under 20 ms).
 * Options: --images N (default 100000), --quick (10,000 images).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { launchChromium, serveApp } from '../test/e2e/browser';
import { uiLibrary } from './ui-library';

const { values } = parseArgs({ options: { images: { type: 'string' }, quick: { type: 'boolean', default: false } } });
const images = Number(values.images ?? (values.quick ? 10_000 : 100_000));
const DEMO_MODEL = path.resolve(import.meta.dirname, '../resources/demo/model/model.json');
const FIRST_TILES = 12;

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function frameStats(deltas: readonly number[]) {
  return {
    frames: deltas.length,
    p50: percentile(deltas, 50),
    p95: percentile(deltas, 95),
    max: Math.max(...deltas),
    over20ms: deltas.filter((d) => d > 20).length,
  };
}

/** Installed before the page's own scripts: notes when the first tiles are drawn and their images decoded. */
const WATCH_FIRST_GRID = `(() => {
  const watch = () => {
    const tiles = [...document.querySelectorAll('.tile')].filter((t) => !t.classList.contains('loading') && !t.classList.contains('pending'));
    if (window.__firstGrid === undefined && tiles.length >= ${FIRST_TILES}) window.__firstGrid = performance.now();
    const loaded = tiles.filter((t) => { const img = t.querySelector('img'); return img && img.complete && img.naturalWidth > 0; });
    if (window.__firstImages === undefined && loaded.length >= ${FIRST_TILES}) window.__firstImages = performance.now();
    if (window.__firstImages === undefined) requestAnimationFrame(watch);
  };
  requestAnimationFrame(watch);
})();`;

/** Where the first paint's time goes: the page, its script, then each call up to the first tiles (ms from navigation). */
function timeline(): Record<string, number> {
  const navigation = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
  const marks: Record<string, number> = {
    'page loaded': navigation.responseEnd,
    'script run': navigation.domContentLoadedEventEnd,
  };
  for (const entry of performance.getEntriesByType('resource') as PerformanceResourceTiming[]) {
    const call = /\/api\/([a-z-]+)/.exec(entry.name)?.[1] ?? (/\.(js|css)$/.exec(entry.name) ? `${entry.name.split('.').pop()} file` : undefined);
    if (call && !(`${call} answered` in marks)) {
      marks[`${call} asked`] = entry.startTime;
      marks[`${call} answered`] = entry.responseEnd;
    }
  }
  return Object.fromEntries(Object.entries(marks).map(([k, v]) => [k, Math.round(v)]).sort((a, b) => (a[1] as number) - (b[1] as number)));
}

let breakdown: Record<string, number> = {};

async function main(): Promise<void> {
  const dir = path.join(os.tmpdir(), `biascope-ui-bench-${images}`);
  const built = performance.now();
  const library = await uiLibrary(dir, images, DEMO_MODEL);
  console.log(`library of ${images.toLocaleString()} audited images ready in ${((performance.now() - built) / 1000).toFixed(1)} s (${dir})`);
  const app = await serveApp({ dataDir: library.dataDir, demo: null });
  const browser = await launchChromium();
  try {
    const firsts: { grid: number; images: number }[] = [];
    for (let run = 0; run < 3; run++) {
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      await page.addInitScript(WATCH_FIRST_GRID);
      await page.goto(app.server.url);
      await page.waitForFunction(() => (window as unknown as { __firstImages?: number }).__firstImages !== undefined, null, { timeout: 30_000 });
      firsts.push(await page.evaluate(() => {
        const w = window as unknown as { __firstGrid: number; __firstImages: number };
        return { grid: w.__firstGrid, images: w.__firstImages };
      }));
      if (run === 0) breakdown = await page.evaluate(timeline);
      await page.close();
    }
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(app.server.url);
    await page.getByText('All classes').click();
    await page.waitForFunction((n) => document.querySelector('[data-testid="grid-count"]')?.textContent === `${n.toLocaleString()} images`, images);
    await page.waitForTimeout(500);
    const scroll = (frames: number, rowsPerFrame: number | null) =>
      page.evaluate(
        async ({ frames, rowsPerFrame }) => {
          const viewport = document.querySelector<HTMLElement>('[data-testid="grid"]')!;
          viewport.scrollTop = 0;
          await new Promise((r) => setTimeout(r, 300));
          const end = viewport.scrollHeight - viewport.clientHeight;
          const rowHeight = document.querySelector<HTMLElement>('.tile')!.offsetHeight + 10;
          const step = rowsPerFrame === null ? end / frames : rowsPerFrame * rowHeight;
          const deltas: number[] = [];
          let last = performance.now();
          for (let i = 1; i <= frames; i++) {
            await new Promise((r) => requestAnimationFrame(r));
            const now = performance.now();
            deltas.push(now - last);
            last = now;
            viewport.scrollTop = Math.min(end, i * step);
          }
          return { deltas, reachedEnd: viewport.scrollTop >= end - 1, end };
        },
        { frames, rowsPerFrame },
      );
    const whole = await scroll(600, null);
    const browsing = await scroll(600, 0.25);
    const record = {
      date: new Date().toISOString(),
      cpu: os.cpus()[0]?.model ?? 'unknown',
      cores: os.availableParallelism(),
      images,
      firstGridMs: firsts.map((f) => Math.round(f.grid)),
      firstImagesMs: firsts.map((f) => Math.round(f.images)),
      firstRunTimeline: breakdown,
      scrollWhole: { ...frameStats(whole.deltas), reachedEnd: whole.reachedEnd, scrollHeightPx: Math.round(whole.end) },
      scrollBrowsing: frameStats(browsing.deltas),
      targets: { firstGridMs: 1000, p95FrameMs: 20 },
    };
    const median = (xs: number[]) => percentile(xs, 50);
    console.log(`\nfirst grid drawn (median of 3): ${median(record.firstGridMs)} ms  [${record.firstGridMs.join(', ')}], thumbnails loaded: ${median(record.firstImagesMs)} ms  (target < 1000)`);
    console.log(`first run, ms from navigation: ${Object.entries(breakdown).map(([k, v]) => `${k} ${v}`).join(', ')}`);
    for (const [name, s] of [['whole library, 600 frames', record.scrollWhole], ['browsing, 1/4 row per frame', record.scrollBrowsing]] as const) {
      console.log(`scroll ${name}: p50 ${s.p50.toFixed(1)} ms, p95 ${s.p95.toFixed(1)} ms, max ${s.max.toFixed(1)} ms, ${s.over20ms}/${s.frames} frames over 20 ms (target p95 < 20)`);
    }
    await mkdir(path.resolve(import.meta.dirname, 'results'), { recursive: true });
    await writeFile(path.resolve(import.meta.dirname, 'results/ui-latest.json'), `${JSON.stringify(record, null, 2)}\n`);
  } finally {
    await browser.close();
    await app.close();
  }
}

await main();
