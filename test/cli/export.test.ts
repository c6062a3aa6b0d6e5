import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/main/cli/cli';
import type { CliIO } from '../../src/main/cli/io';
import { startAudit } from '../../src/main/jobs/audit';
import { openDataset } from '../../src/main/jobs/open-dataset';
import { openStore } from '../../src/main/store';
import { tempDir } from '../fixtures/models';
import { DEMO_MODEL, demoSubset } from '../jobs/demo-subset';
import { runBiascope } from './run-cli';

async function capture(argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIO = { out: async (line) => void out.push(line), err: (line) => void err.push(line) };
  return { code: await runCli(argv, io), out, err };
}

/** A database holding a demo subset (no audit needed: groups come from the manifest), with tags. */
async function database(): Promise<{ db: string; root: string }> {
  const root = demoSubset(6);
  const db = path.join(tempDir('biascope-export-'), 'audit.db');
  const store = openStore(db);
  try {
    const { dataset } = await openDataset(store, root);
    const images = store.listImages(dataset.id);
    const byPath = new Map(images.map((i) => [i.path, i.contentId]));
    store.addTag(dataset.id, [byPath.get('doctor/test_0001.png')!], 'duplicate');
    store.addTag(dataset.id, [byPath.get('nurse/test_0001.png')!], 'mislabeled');
  } finally {
    store.close();
  }
  return { db, root };
}

const readCsv = (file: string) => parse(readFileSync(file, 'utf8'), { columns: true }) as Record<string, string>[];

/** A database with a demo subset audited for the predicted class and the label, made once. */
let audited: Promise<string> | undefined;
function auditedDatabase(): Promise<string> {
  audited ??= (async () => {
    const root = demoSubset(20);
    const db = path.join(tempDir('biascope-export-'), 'audit.db');
    const store = openStore(db);
    try {
      await startAudit(store, { dataset: root, model: DEMO_MODEL, methods: ['gradcam'], targets: 'label', workers: 1 }).finished;
    } finally {
      store.close();
    }
    return db;
  })();
  return audited;
}

describe('biascope export boxes', () => {
  it('writes COCO boxes in pixels, one per image, and masks that contain them', async () => {
    const db = await auditedDatabase();
    const out = tempDir('biascope-boxes-');
    const run = await capture(['export', 'boxes', '--db', db, '--out', out, '--target', 'label', '--masks']);
    expect(run.code).toBe(0);
    const coco = JSON.parse(readFileSync(path.join(out, 'boxes.json'), 'utf8')) as {
      images: { id: number; file_name: string; width: number; height: number }[];
      categories: { id: number; name: string }[];
      annotations: { image_id: number; category_id: number; bbox: number[]; mask: string }[];
    };
    expect(coco.categories).toEqual([
      { id: 1, name: 'doctor' },
      { id: 2, name: 'nurse' },
    ]);
    expect(coco.images).toHaveLength(40);
    // A map explaining a class the model firmly rejects can be all zero after the ReLU: no box then.
    const boxed = coco.annotations.length;
    expect(boxed).toBeGreaterThan(20);
    expect(run.out).toEqual([`${boxed} boxes for 40 images (target label), ${boxed} masks`]);
    for (const a of coco.annotations) {
      const image = coco.images.find((i) => i.id === a.image_id)!;
      // target label: the category is the image's own class.
      expect(coco.categories[a.category_id - 1]!.name).toBe(image.file_name.split('/')[0]);
      const [x, y, w, h] = a.bbox as [number, number, number, number];
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x + w).toBeLessThanOrEqual(image.width + 1e-6);
      expect(y + h).toBeLessThanOrEqual(image.height + 1e-6);
      expect(w * h).toBeGreaterThan(0);
      const meta = await sharp(path.join(out, a.mask)).metadata();
      expect([meta.format, meta.width, meta.height, meta.channels]).toEqual(['png', image.width, image.height, 1]);
      const { data, info } = await sharp(path.join(out, a.mask)).extractChannel(0).raw().toBuffer({ resolveWithObject: true });
      // The box is around the largest region above the threshold: the mask is set at its middle row's pixels.
      const row = Math.floor(y + h / 2);
      const inside = Array.from({ length: Math.floor(w) }, (_, k) => data[row * info.width + Math.floor(x) + k]!);
      expect(inside.some((v) => v === 255)).toBe(true);
      expect([...new Set(data)].every((v) => v === 0 || v === 255)).toBe(true);
    }
    const nurse = await capture(['export', 'boxes', '--db', db, '--out', out, '--target', 'nurse']);
    const forNurse = JSON.parse(readFileSync(path.join(out, 'boxes.json'), 'utf8')) as { annotations: { category_id: number }[] };
    expect(nurse.code).toBe(0);
    expect(forNurse.annotations.every((a) => a.category_id === 2)).toBe(true);
    const wrong = await capture(['export', 'boxes', '--db', db, '--out', out, '--target', 'pilot']);
    expect(wrong.err[0]).toBe('biascope export: --target must be predicted, label or a class of the model (doctor, nurse); got "pilot"');
  });
});

describe('biascope export trust', () => {
  it('passes the demo model: its maps fall apart with the model, and point at what the score needs', async () => {
    const db = await auditedDatabase();
    const out = tempDir('biascope-trust-');
    const run = await capture(['export', 'trust', '--db', db, '--sample', '6', '--out', out]);
    expect(run.code).toBe(0);
    const report = JSON.parse(readFileSync(path.join(out, 'trust.json'), 'utf8')) as {
      images: string[];
      sanity: { steps: { layer: string; mean: number }[]; passed: boolean; fellAt: string | null };
      faithfulness: { deletionArea: number; randomDeletionArea: number; insertionArea: number; randomInsertionArea: number; passed: boolean };
    };
    expect(report.images).toHaveLength(6);
    // The randomised model is told apart from the real one: its maps no longer rank pixels alike.
    expect(report.sanity.steps.length).toBeGreaterThan(2);
    expect(report.sanity.steps.at(-1)!.mean).toBeLessThan(0.5);
    expect(report.sanity).toMatchObject({ passed: true });
    expect(report.sanity.fellAt).not.toBeNull();
    expect(report.faithfulness.deletionArea).toBeLessThan(report.faithfulness.randomDeletionArea);
    expect(report.faithfulness.insertionArea).toBeGreaterThan(report.faithfulness.randomInsertionArea);
    expect(run.out.filter((line) => line.includes('passed'))).toHaveLength(2);
  });
});

describe('biascope export concepts', () => {
  it('runs the causal tests with --quick\'s caps or a cap given, skips them with --no-tests, and refuses a bad cap', async () => {
    const root = demoSubset(20);
    const db = path.join(tempDir('biascope-export-'), 'audit.db');
    const store = openStore(db);
    try {
      await startAudit(store, { dataset: root, model: DEMO_MODEL, methods: ['gradcam'], targets: 'label', workers: 1, concepts: true }).finished;
    } finally {
      store.close();
    }
    const quick = tempDir('biascope-concepts-');
    const run = await capture(['export', 'concepts', '--db', db, '--quick', '--transplant-cap', '7', '--out', quick]);
    expect(run.code).toBe(0);
    const json = JSON.parse(readFileSync(path.join(quick, 'concepts.json'), 'utf8')) as { tests: { caps: unknown } };
    expect(json.tests.caps).toEqual({ flips: 25, errors: 25, transplant: 7 });
    const rows = readCsv(path.join(quick, 'concepts.csv'));
    expect(rows.every((row) => ['0', '1'].includes(row['shortcut']!) && Number(row['transplant_tested'] || 0) <= 7)).toBe(true);
    expect(run.out.some((line) => /likely shortcut/.test(line))).toBe(true);

    const none = tempDir('biascope-concepts-');
    expect((await capture(['export', 'concepts', '--db', db, '--no-tests', '--out', none])).code).toBe(0);
    expect(readCsv(path.join(none, 'concepts.csv')).every((row) => row['shortcut'] === '' && row['transplant_rate'] === '')).toBe(true);

    const bad = await capture(['export', 'concepts', '--db', db, '--flip-cap', '0', '--out', none]);
    expect(bad.code).not.toBe(0);
    expect(bad.err.join('\n')).toMatch(/--flip-cap must be at least 1, got 0/);
  });
});

describe('biascope export clusters', () => {
  it('writes each class\'s clusters with sizes, accuracy, mean maps and exemplars, and every image\'s cluster', async () => {
    const db = await auditedDatabase();
    const out = tempDir('biascope-export-out-');
    const run = await capture(['export', 'clusters', '--db', db, '--out', out]);
    expect(run.code).toBe(0);
    expect(run.out).toHaveLength(2);
    expect(run.out[0]).toMatch(/^doctor: \d+ clusters \(eigengap suggests \d+\): /);
    const json = JSON.parse(readFileSync(path.join(out, 'clusters.json'), 'utf8')) as {
      method: string;
      classes: {
        label: string;
        grid: number;
        misclassified: number;
        clusters: { size: number; misclassified: number; meanMap: number[]; exemplars: string[] }[];
        images: { path: string; cluster: number; role: string }[];
      }[];
    };
    expect(json.method).toBe('gradcam');
    expect(json.classes.map((c) => c.label)).toEqual(['doctor', 'nurse']);
    for (const c of json.classes) {
      // Each class's own images by their label's map, and the errors predicted as it by their map of it.
      const own = c.images.filter((i) => i.role === 'label');
      const taken = c.images.filter((i) => i.role === 'predicted');
      expect(own).toHaveLength(20);
      expect(own.every((i) => i.path.startsWith(`${c.label}/`))).toBe(true);
      expect(taken.every((i) => !i.path.startsWith(`${c.label}/`))).toBe(true);
      expect(c.misclassified).toBe(taken.length);
      expect(c.clusters.reduce((sum, k) => sum + k.size, 0)).toBe(20 + taken.length);
      expect(c.clusters.reduce((sum, k) => sum + k.misclassified, 0)).toBe(taken.length);
      for (const k of c.clusters) {
        expect(k.meanMap).toHaveLength(c.grid * c.grid);
        expect(k.meanMap.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 3);
        expect(c.images.filter((i) => k.exemplars.includes(i.path)).every((i) => i.cluster === c.clusters.indexOf(k))).toBe(true);
      }
    }
    const csv = readCsv(path.join(out, 'clusters.csv'));
    expect(Object.keys(csv[0]!)).toEqual(['label', 'cluster', 'size', 'accuracy', 'misclassified', 'exemplars']);
    const fixed = await capture(['export', 'clusters', '--db', db, '--out', out, '--clusters', '3']);
    expect(fixed.out.every((line) => / 3 clusters /.test(line))).toBe(true);
  });
});

describe('biascope export rebalance', () => {
  it('writes the summary, the per-image plan and the JSON, and names the short cells', async () => {
    const { db } = await database();
    const out = tempDir('biascope-export-out-');
    const run = await capture(['export', 'rebalance', '--db', db, '--group-by', 'cue', '--out', out]);
    expect(run.code).toBe(0);
    const summary = readCsv(path.join(out, 'rebalance-summary.csv'));
    expect(Object.keys(summary[0]!)).toEqual(['label', 'group_by', 'group', 'count', 'share', 'target_count', 'deficit']);
    // Each cell's deficit is the gap to the class's largest group, and stdout names the cells that have one.
    for (const cell of summary) {
      const largest = Math.max(...summary.filter((c) => c.label === cell.label).map((c) => Number(c.count)));
      expect(Number(cell.deficit)).toBe(largest - Number(cell.count));
    }
    // The first six test doctors are 2 pink and 4 blue; the first six nurses 3 and 3.
    expect(run.out).toEqual(['doctor x cue=pink: 2 images, 2 short of 4']);
    const images = readCsv(path.join(out, 'rebalance.csv'));
    expect(images).toHaveLength(12);
    expect(Object.keys(images[0]!)).toEqual(['path', 'label', 'group', 'action', 'weight', 'reason']);
    expect(images.find((i) => i.path === 'doctor/test_0001.png')).toMatchObject({ action: 'remove', reason: 'tagged duplicate' });
    expect(images.find((i) => i.path === 'nurse/test_0001.png')).toMatchObject({ action: 'relabel' });
    const json = JSON.parse(readFileSync(path.join(out, 'rebalance.json'), 'utf8'));
    expect(json).toMatchObject({ groupBy: 'cue', policy: 'equal' });
    expect(json.images).toHaveLength(12);
  });

  it('says what is wrong: a missing option, an unknown attribute, an unknown export', async () => {
    const { db } = await database();
    expect(await capture(['export', 'rebalance', '--db', db])).toMatchObject({ code: 2, err: ['biascope export: --group-by is required', expect.any(String)] });
    const unknown = await capture(['export', 'rebalance', '--db', db, '--group-by', 'badge', '--out', tempDir('x-')]);
    expect(unknown.code).toBe(1);
    expect(unknown.err[0]).toMatch(/no image of .* has the attribute "badge"/);
    expect((await capture(['export', 'slides', '--db', db])).err[0]).toBe('biascope export: cannot export "slides"; can export: report, rebalance, images, clusters, boxes, trust, concepts, compare');
    expect((await capture(['export', 'clusters', '--db', db])).err[0]).toMatch(/has no audit in this database: run biascope audit first$/);
    expect((await capture(['export', 'rebalance', '--db', '/nope/audit.db', '--group-by', 'cue'])).err[0]).toBe('biascope export: no database at /nope/audit.db');
    // A file that is not a database: the store's words, not a stack.
    const notes = path.join(tempDir('biascope-export-'), 'notes.db');
    writeFileSync(notes, 'not a database, just notes\n'.repeat(20));
    const wrong = await capture(['export', 'rebalance', '--db', notes, '--group-by', 'cue']);
    expect(wrong.code).toBe(1);
    expect(wrong.err[0]).toMatch(/^biascope export: .*notes\.db/);
    expect(wrong.err.join('\n')).not.toMatch(/internal error|    at /);
  });
});

describe('biascope export and the database', () => {
  it('leaves no -wal or -shm file beside audit.db', async () => {
    const { db } = await database();
    const run = await runBiascope(['export', 'rebalance', '--db', db, '--group-by', 'cue', '--out', tempDir('biascope-export-out-')]);
    expect(run.code).toBe(0);
    expect(readdirSync(path.dirname(db))).toEqual(['audit.db']);
  });
});
