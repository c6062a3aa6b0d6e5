/**
 * The audit report on a real audit of a demo subset: its facts, every dataset string
 * escaped, and in Chromium: no console error, no request but the file itself, and a
 * PDF with pages.
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReportData, datasetHash, pdfPageCount, printPdf, renderReportHtml, writeAuditReport, type ReportData } from '../../src/main/export/report';
import { startAudit } from '../../src/main/jobs/audit';
import { checkTrust } from '../../src/main/jobs/trust-check';
import { openStore, type Store } from '../../src/main/store';
import type { AuditKey } from '../../src/shared/views';
import { CHROMIUM, SCREENSHOTS } from '../e2e/browser';
import { tempDir } from '../fixtures/models';
import { DEMO_DATASET, DEMO_MODEL, demoSubset } from '../jobs/demo-subset';

const ODD_PATH = 'doctor/<script>alert(1)&x.png';
const ODD_TAG = '<script>alert("tag")</script>';
const ODD_SITE = '<i>east</i>';

/** The demo subset plus an image whose path, tag and attribute are markup, and a `site` attribute. */
function oddDataset(): string {
  const root = demoSubset(12);
  // A picture outside the subset: its own content, so its tags are its own.
  copyFileSync(path.join(DEMO_DATASET, 'doctor/train_0001.png'), path.join(root, ODD_PATH));
  const demoRow = readFileSync(path.join(DEMO_DATASET, 'manifest.csv'), 'utf8').split('\n').find((row) => row.startsWith('doctor/train_0001.png,'))!;
  const odd = demoRow.replace('doctor/train_0001.png', ODD_PATH);
  const [header, ...rows] = readFileSync(path.join(root, 'manifest.csv'), 'utf8').trim().split('\n');
  const withSite = [...rows.map((row) => `${row},ward`), `${odd},${ODD_SITE}`];
  writeFileSync(path.join(root, 'manifest.csv'), [`${header},site`, ...withSite].join('\n') + '\n');
  return root;
}

let store: Store;
let key: AuditKey;
let data: ReportData;
let html: string;
let dir: string;

beforeAll(async () => {
  dir = tempDir('biascope-report-');
  mkdirSync(dir, { recursive: true });
  store = openStore(path.join(dir, 'audit.db'));
  const summary = await startAudit(store, { dataset: oddDataset(), model: DEMO_MODEL, methods: ['gradcam'], targets: 'label', workers: 2 }).finished;
  key = { datasetId: summary.datasetId, modelId: summary.modelId, layer: summary.layer, method: 'gradcam' };
  const images = store.listImages(summary.datasetId);
  const odd = images.find((image) => image.path === ODD_PATH)!;
  store.addTag(summary.datasetId, [odd.contentId], ODD_TAG);
  store.addTag(summary.datasetId, images.slice(0, 3).map((image) => image.contentId), 'flagged');
  const trust = await checkTrust(store, { ...key, sample: 3 });
  const spurious = { spurious: ['cue'], evidence: ['object'], threshold: 0.5 };
  data = await buildReportData(store, key, { groupBy: 'cue', spurious, backend: summary.backend, trust });
  html = renderReportHtml(data);
  writeFileSync(path.join(dir, 'report.html'), html);
});

afterAll(() => store?.close());

describe('the audit report', () => {
  it('holds the dataset, the model and per class its accuracy, clusters and most spurious-focused maps', () => {
    expect(data.dataset.classes).toEqual([
      { name: 'doctor', images: 13 },
      { name: 'nurse', images: 12 },
    ]);
    expect(data.dataset.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(data.dataset.hash).toBe(datasetHash(store.listImages(key.datasetId).map((image) => image.hash)));
    expect(data.model).toMatchObject({ layer: key.layer, method: 'gradcam', classes: ['doctor', 'nurse'] });
    expect(data.model.hash).toMatch(/^[0-9a-f]{64}$/);
    for (const c of data.classes) {
      expect(c.audited).toBe(c.images);
      expect(c.accuracy).toBeCloseTo(c.correct / c.audited);
      expect(c.clusters.length).toBeGreaterThanOrEqual(1);
      expect(c.clusters.reduce((sum, k) => sum + k.size, 0)).toBe(c.clustered);
      for (const k of c.clusters) {
        expect(k.meanMap).toMatch(/^data:image\/webp;base64,/);
        expect(k.exemplars.length).toBeGreaterThan(0);
      }
      expect(c.examplesBy).toBe('spurious');
      const scores = c.examples.map((t) => t.score!);
      expect(scores).toEqual([...scores].sort((a, b) => b - a));
      expect(c.examples.length).toBe(Math.min(12, c.audited));
      expect(c.subgroups.map((s) => s.group).sort()).toEqual(['blue', 'pink']);
    }
    expect(html.match(/class="card"/g)).toHaveLength(data.classes.reduce((sum, c) => sum + c.clusters.length, 0));
    expect(html).toContain('<h2>Class doctor</h2>');
  });

  it('has the rebalancing cells and the tags', () => {
    const cells = data.rebalance!.summary.map((c) => `${c.label}x${c.group}`);
    expect(cells).toEqual(['doctorxblue', 'doctorxpink', 'nursexblue', 'nursexpink']);
    expect(html).toMatch(/<td>doctor<\/td><td>pink<\/td>/);
    expect(html).toMatch(/<td>nurse<\/td><td>blue<\/td>/);
    expect(data.tags.map((t) => [t.tag, t.images, t.shown.length])).toEqual(
      expect.arrayContaining([
        ['flagged', 3, 3],
        [ODD_TAG, 1, 1],
      ]),
    );
  });

  it('draws the trust checks: the sanity curve with its 0.5 line, a verdict, the curve areas', () => {
    expect(data.trust!.images).toHaveLength(3);
    const trust = html.slice(html.indexOf('<section id="trust"'));
    expect(trust).toMatch(/<polyline points="[\d.,\s]+"/);
    expect(trust).toContain('must fall under 0.5');
    expect(trust).toMatch(/The maps (can|cannot) be trusted/);
    expect(trust).toMatch(/map \d\.\d{3}.*random \d\.\d{3}/s);
    for (const step of data.trust!.sanity.steps) expect(trust).toContain(`>${step.layer}</text>`);
  });

  it('escapes every path, tag and attribute value, and forbids fetching anything', async () => {
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain('&lt;script&gt;alert(1)&amp;x.png');
    expect(html).toContain('&lt;script&gt;alert(&quot;tag&quot;)&lt;/script&gt;');
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:;`);
    const bySite = renderReportHtml(await buildReportData(store, key, { groupBy: 'site', spurious: null }));
    expect(bySite).toContain('&lt;i&gt;east&lt;/i&gt;');
    expect(bySite).not.toContain(ODD_SITE);
    // No spurious region: the most unusual maps instead.
    expect(bySite).toContain('No spurious region was named');
  });

  it('ranks by the region roles marked in the app when the audit names none', async () => {
    store.setSpuriousRules(key.datasetId, { spurious: ['cue'], evidence: ['object'], threshold: 0.3 });
    const out = tempDir('biascope-report-roles-');
    expect(await writeAuditReport(store, key, { spurious: store.spuriousRules(key.datasetId) }, out)).toMatch(/^wrote .*report\.html \(\d+ KiB\)$/);
    const written = readFileSync(path.join(out, 'report.html'), 'utf8');
    expect(written).toContain('are spurious focus: at least 30% of their mass on cue, or that much on the marked regions with more on cue than on object');
    expect(written).toMatch(/<dt>evidence regions<\/dt><dd>object<\/dd>/);
  });
});

describe('the audit report in Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  });
  afterAll(async () => browser?.close());

  it('renders with no console error and no request but the file, and prints to a PDF with pages', async () => {
    const file = path.join(dir, 'report.html');
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    const errors: string[] = [];
    const requests: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    page.on('pageerror', (error) => void errors.push(error.message));
    page.on('request', (request) => void requests.push(request.url()));
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    const images = await page.$$eval('img', (all) => all.map((img) => img.complete && img.naturalWidth > 0));
    expect(images.length).toBeGreaterThan(20);
    expect(images.every(Boolean)).toBe(true);
    expect(errors).toEqual([]);
    expect(requests).toEqual([pathToFileURL(file).href]);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'report.png'), fullPage: true });
    await page.close();

    const pdfFile = path.join(dir, 'report.pdf');
    const printed = await printPdf(file, pdfFile);
    const bytes = readFileSync(pdfFile);
    expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdfPageCount(bytes)).toBe(printed.pages);
    expect(printed.pages).toBeGreaterThanOrEqual(2);
  });
});
