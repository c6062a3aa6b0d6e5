/**
 * Faults and memory, measured on the built CLI as a user runs it:
 * 1. `biascope serve` answering thousands of distinct on-demand maps over HTTP: its
 *    memory after warm-up, half-way and at the end, and the slope of the second half;
 * 2. `biascope audit` killed with SIGKILL at 10 random moments while another process
 *    tags images in the same database, resumed each time: tags lost, integrity, every
 *    image once, and the last run computing only what was missing;
 * 3. `biascope audit` over 20,000 images: the process's memory from the model's load to
 *    the end.
 *
 *   npm run bench:faults [-- --quick]       (sizes: BIASCOPE_FAULTS_MAPS, _KILL_IMAGES, _LONG_IMAGES)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { openStore } from '../src/main/store';
import { mulberry32 } from '../scripts/random';
import { writeLibrary } from './synthetic-library';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = path.join(ROOT, 'bin/biascope.js');
const DEMO = path.join(ROOT, 'resources/demo');
const DEMO_MODEL = path.join(DEMO, 'model/model.json');
const RESULTS = path.join(ROOT, 'bench/results/faults-latest.json');
const { values: flags } = parseArgs({ options: { quick: { type: 'boolean' } }, strict: true });
const size = (name: string, full: number, quick: number) => Number(process.env[`BIASCOPE_FAULTS_${name}`] ?? (flags.quick ? quick : full));
const MAPS = size('MAPS', 10_000, 600);
const KILL_IMAGES = size('KILL_IMAGES', 6000, 600);
const LONG_IMAGES = size('LONG_IMAGES', 20_000, 2000);
const tmp = path.join(os.tmpdir(), `biascope-faults-bench-${process.pid}`);

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
}

/** Least-squares slope of y over x. */
function slope(points: readonly { x: number; y: number }[]): number {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  const num = points.reduce((s, p) => s + (p.x - mx) * (p.y - my), 0);
  const den = points.reduce((s, p) => s + (p.x - mx) ** 2, 0);
  return den === 0 ? 0 : num / den;
}

function cli(args: string[]): ChildProcess {
  return spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
}

async function ended(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  const [code] = (await once(child, 'exit')) as [number | null];
  return code;
}

/** 1. On-demand maps over HTTP from a `biascope serve` child. */
async function serveMemory(): Promise<Record<string, number>> {
  const child = cli(['serve', '--data', path.join(tmp, 'serve-data'), '--port', '0']);
  try {
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
    const deadline = Date.now() + 60_000;
    while (!/token=/.test(out) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const match = /(http:\/\/[^/\s]+)\/\?token=([\w-]+)/.exec(out);
    if (!match) throw new Error(`serve did not print its address: ${out}`);
    const [, base, token] = match;
    const call = async <T>(method: string, ...args: unknown[]): Promise<T> => {
      const route = method.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
      const response = await fetch(`${base}/api/${route}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(args) });
      if (!response.ok) throw new Error(`${method}: HTTP ${response.status} ${await response.text()}`);
      const result = (await response.json()) as { ok: true; value: T } | { ok: false; error: { message: string } };
      if (!result.ok) throw new Error(`${method}: ${result.error.message}`);
      return result.value;
    };
    const dataset = await call<{ id: number }>('openDataset', { root: path.join(DEMO, 'dataset') });
    const model = await call<{ id: number; defaultLayer: string }>('openModel', { path: DEMO_MODEL });
    await call('startAudit', { dataset: path.join(DEMO, 'dataset'), model: DEMO_MODEL, methods: ['gradcam'], targets: 'label' });
    for (;;) {
      const state = await call<{ status: string } | null>('auditState');
      if (state && state.status !== 'running' && state.status !== 'paused') break;
      await new Promise((r) => setTimeout(r, 250));
    }
    const key = { datasetId: dataset.id, modelId: model.id, layer: model.defaultLayer, method: 'gradcam' };
    const index = await call<{ ids: number[] }>('gridIndex', { key, filter: {}, sort: { by: 'path', dir: 'asc' } });
    const methods = ['gradcam', 'gradcampp', 'guided-backprop', 'hirescam', 'counterfactual'];
    const samples: { x: number; y: number }[] = [];
    const started = performance.now();
    let maps = 0;
    outer: for (const target of ['doctor', 'nurse']) {
      for (const method of methods) {
        for (const imageId of index.ids) {
          if (maps >= MAPS) break outer;
          await call('explainImage', { key, imageId, method, target });
          maps++;
          if (maps % 250 === 0) samples.push({ x: maps, y: rssMb(child.pid!) });
        }
      }
    }
    const seconds = (performance.now() - started) / 1000;
    const warm = samples[Math.min(1, samples.length - 1)]!;
    const half = samples[Math.floor(samples.length / 2)]!;
    const last = samples.at(-1)!;
    return {
      maps,
      mapsPerSecond: maps / seconds,
      rssAfterWarmupMb: warm.y,
      rssHalfwayMb: half.y,
      rssEndMb: last.y,
      rssMaxMb: Math.max(...samples.map((s) => s.y)),
      slopeSecondHalfMbPer1000: slope(samples.slice(Math.floor(samples.length / 2))) * 1000,
    };
  } finally {
    child.kill('SIGKILL');
    await ended(child);
  }
}

function count(db: string, sql: string): number {
  const reader = new Database(db, { readonly: true });
  try {
    return (reader.prepare(sql).get() as { n: number }).n;
  } finally {
    reader.close();
  }
}

/** 2. SIGKILL at 10 random moments, tags written meanwhile by another process. */
async function killTen(): Promise<Record<string, number | string | boolean>> {
  const dataset = await writeLibrary(path.join(tmp, 'kill-library'), { images: KILL_IMAGES, classes: ['doctor', 'nurse'], width: 128, height: 128, format: 'jpeg' });
  const out = path.join(tmp, 'kill-out');
  const db = path.join(out, 'audit.db');
  const args = ['audit', dataset, '--model', DEMO_MODEL, '--out', out, '--quiet', '--targets', 'predicted'];
  const random = mulberry32(20261204);
  let tagsWritten = 0;
  let kills = 0;
  let killedAtStored: number[] = [];
  for (let round = 0; round < 10; round++) {
    const child = cli(args);
    // The user tags images in the same database while the audit runs (another process: this one).
    let tagger: ReturnType<typeof openStore> | null = null;
    const tagging = setInterval(() => {
      try {
        tagger ??= openStore(db);
        const [first] = tagger.allDatasets();
        if (!first) return;
        const ids = tagger.listImages(first.id).map((image) => image.contentId);
        const picked = Array.from({ length: 5 }, () => ids[Math.floor(random() * ids.length)]!);
        tagger.addTag(first.id, picked, `round-${round}-${tagsWritten}`);
        tagsWritten++;
      } catch {
        // The database is not there yet (the scan has not begun).
      }
    }, 50);
    await new Promise((r) => setTimeout(r, 1500 + random() * 4000));
    clearInterval(tagging);
    (tagger as ReturnType<typeof openStore> | null)?.close();
    if (child.exitCode !== null) break;
    child.kill('SIGKILL');
    await ended(child);
    kills++;
    killedAtStored.push(count(db, 'SELECT count(*) AS n FROM predictions'));
  }
  const integrity = (() => {
    const reader = new Database(db, { readonly: true });
    try {
      return reader.pragma('integrity_check', { simple: true }) as string;
    } finally {
      reader.close();
    }
  })();
  const storedBefore = count(db, 'SELECT count(*) AS n FROM predictions');
  const tagsBefore = count(db, 'SELECT count(DISTINCT tag) AS n FROM tags');
  const last = spawn(process.execPath, [BIN, ...args.filter((a) => a !== '--quiet'), '--json-progress'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let progress = '';
  last.stderr!.setEncoding('utf8').on('data', (d: string) => (progress += d));
  const code = await ended(last);
  const summary = progress.split('\n').filter((l) => l.includes('"event":"summary"')).map((l) => JSON.parse(l) as { computed: number; reused: number })[0];
  const stored = count(db, 'SELECT count(*) AS n FROM predictions');
  const distinct = count(db, 'SELECT count(DISTINCT content_id) AS n FROM predictions');
  const tagsAfter = count(db, 'SELECT count(DISTINCT tag) AS n FROM tags');
  killedAtStored = killedAtStored.slice(0, 10);
  return {
    images: KILL_IMAGES,
    kills,
    killedAtStored: killedAtStored.join(' '),
    integrity,
    tagsWritten,
    tagsLost: tagsWritten - tagsAfter,
    tagsBeforeResume: tagsBefore,
    resumeExit: code ?? -1,
    storedBeforeResume: storedBefore,
    computedByResume: summary?.computed ?? -1,
    reusedByResume: summary?.reused ?? -1,
    exactResume: summary !== undefined && summary.reused === storedBefore && summary.computed + storedBefore === KILL_IMAGES,
    predictions: stored,
    everyImageOnce: stored === distinct && stored === KILL_IMAGES,
  };
}

/** 3. Memory over a long audit. */
async function longAudit(): Promise<Record<string, number>> {
  const dataset = await writeLibrary(path.join(tmp, 'long-library'), { images: LONG_IMAGES, classes: ['doctor', 'nurse'], width: 96, height: 96, format: 'jpeg' });
  const child = spawn(process.execPath, [BIN, 'audit', dataset, '--model', DEMO_MODEL, '--out', path.join(tmp, 'long-out'), '--json-progress'], { stdio: ['ignore', 'ignore', 'pipe'] });
  const samples: { x: number; y: number }[] = [];
  let done = 0;
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    for (const line of d.split('\n')) {
      const match = /"event":"progress".*?"done":(\d+)/.exec(line);
      if (match) done = Number(match[1]);
    }
  });
  const timer = setInterval(() => {
    try {
      if (done > 0) samples.push({ x: done, y: rssMb(child.pid!) });
    } catch {
      // exited
    }
  }, 1000);
  const code = await ended(child);
  clearInterval(timer);
  if (code !== 0) throw new Error(`the long audit exited with ${code}`);
  const second = samples.filter((s) => s.x >= LONG_IMAGES / 2);
  return {
    images: LONG_IMAGES,
    rssFirstMb: samples[0]?.y ?? 0,
    rssMaxMb: Math.max(...samples.map((s) => s.y)),
    rssLastMb: samples.at(-1)?.y ?? 0,
    slopeSecondHalfMbPer10k: slope(second) * 10_000,
  };
}

async function main(): Promise<void> {
  await mkdir(tmp, { recursive: true });
  try {
    const serve = await serveMemory();
    console.log('serve, on-demand maps over HTTP:', serve);
    const kills = await killTen();
    console.log('SIGKILL x10 with tagging:', kills);
    const long = await longAudit();
    console.log('long audit memory:', long);
    await writeFile(RESULTS, `${JSON.stringify({ date: new Date().toISOString(), serve, kills, long }, null, 2)}\n`);
    console.log('\n| figure | value |\n|---|---|');
    console.log(`| serve: ${serve['maps']} distinct maps over HTTP (${serve['mapsPerSecond']!.toFixed(0)}/s) | RSS ${serve['rssAfterWarmupMb']!.toFixed(0)} MB after 500 maps, ${serve['rssHalfwayMb']!.toFixed(0)} half-way, ${serve['rssEndMb']!.toFixed(0)} at the end; second half ${serve['slopeSecondHalfMbPer1000']!.toFixed(1)} MB per 1,000 maps |`);
    console.log(`| SIGKILL x${kills['kills']} of a ${kills['images']}-image audit | integrity ${kills['integrity']}, ${kills['tagsLost']} of ${kills['tagsWritten']} tag writes lost, resume computed ${kills['computedByResume']} and reused ${kills['reusedByResume']} (exact: ${kills['exactResume']}), every image once: ${kills['everyImageOnce']} |`);
    console.log(`| ${long['images']}-image audit | RSS ${long['rssFirstMb']!.toFixed(0)} MB first, ${long['rssMaxMb']!.toFixed(0)} max, ${long['rssLastMb']!.toFixed(0)} last; second half ${long['slopeSecondHalfMbPer10k']!.toFixed(0)} MB per 10,000 images |`);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

await main();
