/**
 * The audit report on a real audit of a demo subset: its facts, every dataset string
 * escaped, and in Chromium: no console error, no request but the file itself, and a
 * PDF with pages.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReportData, datasetHash, pdfIsTagged, pdfPageCount, printPdf, renderReportHtml, writeAuditReport, type ReportData } from '../../src/main/export/report';
import { startAudit } from '../../src/main/jobs/audit';
import { checkTrust } from '../../src/main/analysis/trust-check';
import { judgeFocus } from '../../src/main/analysis/suggestions';
import { expectedGap, expectedShare } from '../analysis/array-bootstrap';
import { openStore, type Store } from '../../src/main/store';
import type { AuditKey } from '../../src/shared/views';
import { CHROMIUM, SCREENSHOTS } from '../e2e/browser';
import { tempDir } from '../fixtures/models';
import { DEMO_DATASET, DEMO_MODEL, demoSubset } from '../jobs/demo-subset';
import { demoSplitSubset } from './split-subset';

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
      // The class's images, and the errors predicted as it (by their map of it).
      expect(c.clusters.reduce((sum, k) => sum + k.size, 0)).toBe(c.clustered + c.misclassified);
      expect(c.clusters.reduce((sum, k) => sum + k.misclassified, 0)).toBe(c.misclassified);
      for (const k of c.clusters) {
        expect(k.meanMap).toMatch(/^data:image\/webp;base64,/);
        expect(k.exemplars.length).toBeGreaterThan(0);
      }
      expect(c.examplesBy).toBe('spurious');
      const scores = c.examples.map((t) => t.score!);
      expect(scores).toEqual([...scores].sort((a, b) => b - a));
      expect(c.examples.length).toBe(Math.min(12, c.audited));
      // The odd image is a training image: each group is of one split, train and test never pooled.
      expect([...new Set(c.subgroups.map((s) => s.group.split(' · ')[0]))].sort()).toEqual(['blue', 'pink']);
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
    expect(pdfIsTagged(bytes)).toBe(true);
  });
});

describe("the report's first page, on the demo with train and test images", () => {
  let splitStore: Store;
  let splitKey: AuditKey;
  let lead: ReportData;
  let leadHtml: string;
  let out: string;
  let dataDir: string;
  const made: string[] = [];
  const rules = { spurious: ['cue'], evidence: ['object'], threshold: 0.5 };
  /** The figure as the report writes it: one decimal, the ends of the scale without. */
  const f = (share: number) => (share >= 1 ? '100' : share <= 0 ? '0' : (share * 100).toFixed(1));
  /** The report's text with its non-breaking spaces as spaces. */
  const plain = (text: string) => text.replaceAll('\u00a0', ' ');

  beforeAll(async () => {
    out = tempDir('biascope-report-lead-');
    // A long root: in the PDF it must wrap at its slashes, never inside a name.
    dataDir = tempDir('biascope-split-');
    made.push(out, dataDir);
    const root = demoSplitSubset(8, 12, path.join(dataDir, 'hospital-scans-with-corner-badges-2024', 'curated-evaluation-subset-v2'));
    splitStore = openStore(path.join(out, 'audit.db'));
    const summary = await startAudit(splitStore, { dataset: root, model: DEMO_MODEL, methods: ['gradcam'], targets: 'label', workers: 2 }).finished;
    splitKey = { datasetId: summary.datasetId, modelId: summary.modelId, layer: summary.layer, method: 'gradcam' };
    lead = await buildReportData(splitStore, splitKey, { groupBy: 'cue', spurious: rules });
    leadHtml = renderReportHtml(lead);
    writeFileSync(path.join(out, 'report.html'), leadHtml);
  });

  afterAll(() => {
    splitStore?.close();
    for (const dir of made) rmSync(dir, { recursive: true, force: true });
  });

  const section = (html: string, id: string) => plain(html.slice(html.indexOf(`<section id="${id}"`), html.indexOf('</section>', html.indexOf(`<section id="${id}"`))));

  it('states per class and split the cue gap, the accuracy and the spurious-focus share, with intervals a separate bootstrap confirms', () => {
    const page1 = section(leadHtml, 'lead');
    expect(leadHtml.indexOf('<section id="lead"')).toBeLessThan(leadHtml.indexOf('<section id="audit"'));
    const classes = splitStore.modelClasses(splitKey.modelId);
    const rows = splitStore.auditRows(splitKey.datasetId, splitKey.modelId, splitKey.layer, splitKey.method);
    for (const label of ['doctor', 'nurse']) {
      for (const split of ['train', 'test']) {
        const mine = rows.filter((row) => row.label === label && row.attributes['split'] === split);
        const right = (set: typeof mine) => set.filter((row) => classes[row.prediction!.predicted] === label).length;
        const who = `${label} (${split} split)`;
        // The class's accuracy in this split.
        const all = { yes: right(mine), n: mine.length };
        const ci = expectedShare(all);
        expect(page1).toContain(`${who}: accuracy ${f(all.yes / all.n)} % (95 % CI ${f(ci.low)}–${f(ci.high)} %, n = ${all.n}), ${all.yes} of ${all.n} right.`);
        // The cue gap: the worse cue value first, each with its interval, then the gap's.
        const groups = ['blue', 'pink'].map((cue) => {
          const members = mine.filter((row) => row.attributes['cue'] === cue);
          return { cue, yes: right(members), n: members.length };
        });
        groups.sort((a, b) => a.yes / a.n - b.yes / b.n);
        const [worst, best] = groups as [(typeof groups)[0], (typeof groups)[0]];
        expect(best.yes / best.n - worst.yes / worst.n).toBeGreaterThan(0.5);
        const w = expectedShare(worst);
        const b = expectedShare(best);
        const g = expectedGap(best, worst);
        const points = (x: number) => (x * 100).toFixed(1).replace(/^-/, '−');
        expect(page1).toContain(
          `${who}: accuracy ${f(worst.yes / worst.n)} % (95 % CI ${f(w.low)}–${f(w.high)} %, n = ${worst.n}) when cue = ${worst.cue} ` +
            `vs ${f(best.yes / best.n)} % (${f(b.low)}–${f(b.high)} %, n = ${best.n}) when cue = ${best.cue}; ` +
            `a gap of ${points(best.yes / best.n - worst.yes / worst.n)} points (95 % CI ${points(g.low)} to ${points(g.high)}).`,
        );
        // Spurious focus by the review queue's rule.
        const focused = mine.filter((row) => judgeFocus(new Map(row.stats!.regions.map((r) => [r.name, r.mass])), rules).reason !== null).length;
        const s = expectedShare({ yes: focused, n: mine.length });
        expect(page1).toContain(`${who}: ${f(focused / mine.length)} % (95 % CI ${f(s.low)}–${f(s.high)} %, n = ${mine.length}) of maps are spurious focus (${focused} of ${mine.length}:`);
      }
    }
  });

  it('keeps train and test apart in every accuracy it gives', () => {
    expect(lead.headline.split).toBe('split');
    expect(lead.headline.accuracy.map((a) => `${a.label} ${a.split}`)).toEqual(['doctor train', 'nurse train', 'doctor test', 'nurse test']);
    expect(lead.classes[0]!.subgroups.map((s) => s.group)).toEqual(['blue · test', 'blue · train', 'pink · test', 'pink · train']);
    expect(section(leadHtml, 'findings')).toMatch(/<th scope="col">split<\/th>/);
    expect(section(leadHtml, 'class-1')).toMatch(/split train: accuracy <b>[\d.]+%<\/b> \(\d+ of 16\) · split test: accuracy <b>[\d.]+%<\/b> \(\d+ of 24\)/);
    expect(section(leadHtml, 'class-1')).toMatch(/split train: \d+ of 16 audited maps \(\d+%\); split test: \d+ of 24 audited maps \(\d+%\) are spurious focus/);
    // The summary's spurious-focus counts are per split too: nothing over all 40 images of a class.
    expect(section(leadHtml, 'findings')).not.toMatch(/ of 40 maps/);
    expect(lead.findings.spurious.map((f) => f.audited).sort()).toEqual(lead.findings.spurious.map((f) => (f.label.includes('train') ? 16 : 24)).sort());
  });

  it('draws conclusions from the figures: rebalance the cue, collect counterexamples', () => {
    const kinds = lead.conclusions.map((c) => c.kind);
    expect(kinds).toContain('rebalance');
    // One recommendation per class and attribute, on the held-out evidence, acting on the training data.
    for (const label of ['doctor', 'nurse']) {
      const cue = lead.conclusions.filter((c) => c.kind === 'rebalance' && c.text.startsWith(`Rebalance ${label} over cue:`));
      expect(cue).toHaveLength(1);
      expect(cue[0]!.text).toMatch(/^Rebalance (doctor|nurse) over cue: in the test split, accuracy [\d.]+ % \(95 % CI [\d.]+–[\d.]+ %, n = 12\) when cue = (blue|pink)/);
      expect(cue[0]!.text).toMatch(/Add or up-weight (doctor|nurse) images with cue = (blue|pink) in the training data/);
    }
    expect(kinds).toContain('collect');
    const conclusions = section(leadHtml, 'conclusions');
    expect(conclusions).toContain('<h2>Conclusions and recommendations</h2>');
    expect(conclusions).toContain('<h3>Rebalance</h3>');
    expect(leadHtml.indexOf('<section id="conclusions"')).toBeLessThan(leadHtml.indexOf('<section id="audit"'));
  });

  it('counts maps on a region by the rule the app sidebar counts with', () => {
    const scope = { datasetId: splitKey.datasetId, modelId: splitKey.modelId, setId: splitStore.findResultSet(splitKey.modelId, splitKey.layer, splitKey.method)!, classes: splitStore.modelClasses(splitKey.modelId) };
    const regions = splitStore.datasetOverview(splitKey.datasetId).regions;
    const sidebar = splitStore.classResults(scope, regions);
    for (const c of sidebar) {
      for (const { region, images } of c.focus) {
        const report = lead.onRegion.filter((o) => o.label === c.name).reduce((sum, o) => sum + o.regions.find((r) => r.region === region)!.images, 0);
        expect(report, `${c.name} on ${region}`).toBe(images);
      }
    }
    expect(sidebar.some((c) => c.focus.some((r) => r.images > 0))).toBe(true);
    expect(section(leadHtml, 'lead')).toMatch(/doctor \(test split\): maps on each region, \d+ on cue, \d+ on face, \d+ on hair, \d+ on object of 24 audited\./);
  });

  it('takes a title, and model-card fields from a file, refusing a malformed one', async () => {
    expect(lead.title).toBe('Bias audit report: curated-evaluation-subset-v2');
    const dir = tempDir('biascope-card-');
    made.push(dir);
    const json = path.join(dir, 'model-card.json');
    writeFileSync(json, JSON.stringify({ intendedUse: 'Triage of <scans> for review', dataProvenance: ['Ward A, 2023', 'Ward B, 2024'], limitations: '' }));
    const titled = renderReportHtml(await buildReportData(splitStore, splitKey, { spurious: null, title: 'Badge audit <Q3>', modelCard: json }));
    expect(titled).toContain('<title>Badge audit &lt;Q3&gt;</title>');
    expect(titled).toContain('<h1>Badge audit &lt;Q3&gt;</h1>');
    const card = section(titled, 'model-card');
    expect(card).toContain('<dt>intended use</dt><dd>Triage of &lt;scans&gt; for review</dd>');
    expect(card).toContain('<dt>data provenance</dt><dd>Ward A, 2023<br>Ward B, 2024</dd>');
    expect(card).not.toContain('limitations');
    expect(titled.indexOf('<section id="model-card"')).toBeLessThan(titled.indexOf('<section id="audit"'));
    const md = path.join(dir, 'model-card.md');
    writeFileSync(md, '# Demo model\n\n## Intended use\nTeaching.\n\n## Data provenance\nGenerated by the demo script.\n');
    expect((await buildReportData(splitStore, splitKey, { spurious: null, modelCard: md })).model.card!.fields).toEqual([
      { name: 'intended use', text: 'Teaching.' },
      { name: 'data provenance', text: 'Generated by the demo script.' },
    ]);
    writeFileSync(json, '{"intendedUse": ');
    await expect(buildReportData(splitStore, splitKey, { spurious: null, modelCard: json })).rejects.toThrow(/model card .*model-card\.json is not valid JSON/);
    writeFileSync(json, '{"intendedUse": 3}');
    await expect(buildReportData(splitStore, splitKey, { spurious: null, modelCard: json })).rejects.toThrow(/field "intendedUse" must be text or a list of texts, got 3/);
    writeFileSync(md, 'Teaching only.\n');
    await expect(buildReportData(splitStore, splitKey, { spurious: null, modelCard: md })).rejects.toThrow(/text before the first "## " heading/);
  });

  it('prints a tagged PDF whose paths wrap at slashes, never inside a name', async () => {
    const pdfFile = path.join(out, 'report.pdf');
    await printPdf(path.join(out, 'report.html'), pdfFile);
    const bytes = readFileSync(pdfFile);
    expect(pdfIsTagged(bytes)).toBe(true);
    expect(bytes.toString('latin1')).toContain('/StructTreeRoot');
    const text = execFileSync('pdftotext', ['-enc', 'UTF-8', pdfFile, '-'], { encoding: 'utf8' });
    // The first page leads with the findings.
    const page1 = text.split('\f')[0]!;
    expect(page1).toContain('Key findings');
    expect(page1).toMatch(/accuracy [\d.]+ % \(95 % CI [\d.]+–[\d.]+ %, n = \d+\) when cue = /);
    const paths = [lead.dataset.root, lead.model.path, ...lead.classes.flatMap((c) => c.examples.map((t) => t.path))];
    const lines = text.split('\n');
    for (const p of paths) {
      // Every name of the path stands whole on one line...
      for (const name of p.split('/').filter(Boolean)) expect(lines.some((line) => line.includes(name)), `${name} of ${p}`).toBe(true);
    }
    // ...and a line that ends inside a path ends at a slash.
    const rootStart = lead.dataset.root.slice(0, 12);
    const at = lines.findIndex((line) => line.includes(rootStart));
    expect(at).toBeGreaterThanOrEqual(0);
    let joined = lines[at]!.slice(lines[at]!.indexOf(rootStart));
    for (let i = at + 1; !joined.startsWith(lead.dataset.root) || joined.length < lead.dataset.root.length; i++) {
      expect(joined.endsWith('/'), `line break inside ${joined}`).toBe(true);
      joined += lines[i]!.trim();
    }
    expect(joined.startsWith(lead.dataset.root)).toBe(true);
  });
});
