/**
 * Queued audits against the local pool, in one run on one machine: a real redis-server
 * on a free port, `biascope worker` processes (the built CLI, one thread each), and the
 * same synthetic library audited locally and through the queue with 1, 2 and 4
 * workers. Rates are steady-state (from 10 % done to the end), each audit into a fresh
 * store; the queued images.csv is compared with the local one byte for byte.
 *
 *   npm run bench:queue [-- --quick]        (BIASCOPE_QUEUE_BENCH_IMAGES overrides the size)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { AuditProgress, AuditSettings } from '../src/shared/audit';
import { startAudit } from '../src/main/jobs/audit';
import { DEFAULT_CHUNK_SIZE } from '../src/main/jobs/queue/coordinator';
import { writeImagesCsv } from '../src/main/export/audit-csv';
import { openStore } from '../src/main/store';
import { startRedis } from '../scripts/redis-server';
import { writeLibrary } from './synthetic-library';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = path.join(ROOT, 'bin/biascope.js');
const DEMO_MODEL = path.join(ROOT, 'resources/demo/model/model.json');
const RESULTS = path.join(ROOT, 'bench/results/queue-latest.json');

const { values: flags } = parseArgs({ options: { quick: { type: 'boolean' } }, strict: true });
const IMAGES = Number(process.env['BIASCOPE_QUEUE_BENCH_IMAGES'] ?? (flags.quick ? 800 : 4000));
const tmp = path.join(os.tmpdir(), `biascope-queue-bench-${process.pid}`);

interface Figures {
  label: string;
  /** images.csv of the audit, to compare runs. */
  csv: string;
  /** Images/s from 10 % done to the end. */
  steadyRate: number;
  /** Seconds from start to end of the audit (scan, plan, explain, write). */
  wallSeconds: number;
  computed: number;
}

/** Runs an audit to its end, timing the explaining from 10 % done. */
async function audit(label: string, db: string, settings: AuditSettings): Promise<Figures> {
  const store = openStore(db);
  try {
    const started = performance.now();
    const run = startAudit(store, settings);
    let tenth: { at: number; done: number } | null = null;
    let last: { at: number; done: number } = { at: 0, done: 0 };
    run.on('progress', (p: AuditProgress) => {
      if (p.phase !== 'explaining' || p.total === 0) return;
      const at = performance.now();
      if (tenth === null && p.done >= p.total / 10) tenth = { at, done: p.done };
      last = { at, done: p.done };
    });
    const summary = await run.finished;
    const wallSeconds = (performance.now() - started) / 1000;
    const csv = path.join(path.dirname(db), 'images.csv');
    await writeImagesCsv(store, csv, {
      datasetId: summary.datasetId,
      modelId: summary.modelId,
      layer: summary.layer,
      method: 'gradcam',
      classes: store.modelClasses(summary.modelId),
      rules: store.spuriousRules(summary.datasetId),
    });
    const from = tenth ?? { at: started, done: 0 };
    const steadyRate = (last.done - from.done) / Math.max(1e-9, (last.at - from.at) / 1000);
    return { label, csv, steadyRate, wallSeconds, computed: summary.computed };
  } finally {
    store.close();
  }
}

function startWorkers(count: number, url: string, cache: string): ChildProcess[] {
  return Array.from({ length: count }, () => spawn(process.execPath, [BIN, 'worker', '--queue', url, '--concurrency', '1', '--cache', cache], { stdio: 'ignore' }));
}

async function stopWorkers(workers: ChildProcess[]): Promise<void> {
  await Promise.all(
    workers.map(async (w) => {
      if (w.exitCode === null && w.signalCode === null) {
        w.kill('SIGTERM');
        await once(w, 'exit');
      }
    }),
  );
}

async function main(): Promise<void> {
  await mkdir(tmp, { recursive: true });
  const redis = await startRedis(tmp);
  try {
    const dataset = await writeLibrary(path.join(tmp, 'library'), { images: IMAGES, classes: ['doctor', 'nurse'], width: 128, height: 128, format: 'jpeg' });
    const base: AuditSettings = { dataset, model: DEMO_MODEL, methods: ['gradcam'], targets: 'label' };
    const cache = path.join(tmp, 'cache');
    const runs: Figures[] = [];
    const dbOf = (name: string) => path.join(tmp, name, 'audit.db');
    for (const name of ['local-1', 'local', 'queue-1', 'queue-2', 'queue-4']) await mkdir(path.join(tmp, name), { recursive: true });
    // Warm the OS's file cache and the worker's model cache: every run then reads the same way.
    await mkdir(path.join(tmp, 'warm'), { recursive: true });
    await audit('warm-up', dbOf('warm'), { ...base, workers: os.availableParallelism() });
    runs.push(await audit('local pool, 1 thread', dbOf('local-1'), { ...base, workers: 1 }));
    runs.push(await audit(`local pool, ${os.availableParallelism()} threads`, dbOf('local'), { ...base, workers: os.availableParallelism() }));
    for (const count of [1, 2, 4]) {
      const workers = startWorkers(count, redis.url, cache);
      try {
        runs.push(await audit(`queue, ${count} worker${count === 1 ? '' : 's'} x 1 thread`, dbOf(`queue-${count}`), { ...base, queue: { url: redis.url } }));
      } finally {
        await stopWorkers(workers);
      }
    }
    const local = runs[1]!;
    const [local1, , q1, q2] = runs;
    const chunks = Math.ceil(IMAGES / DEFAULT_CHUNK_SIZE);
    // What a chunk costs on the queue beyond its compute: one worker of one thread against one local thread.
    const overheadMsPerChunk = (1 / q1!.steadyRate - 1 / local1!.steadyRate) * DEFAULT_CHUNK_SIZE * 1000;
    const localCsv = await readFile(local.csv, 'utf8');
    const sameCsv = (await Promise.all(runs.slice(2).map(async (run) => (await readFile(run.csv, 'utf8')) === localCsv))).every(Boolean);
    console.log(`\n${IMAGES} synthetic 128x128 JPEGs, demo model (96x96), gradcam, targets label, chunks of ${DEFAULT_CHUNK_SIZE} (${chunks}), ${os.availableParallelism()} cores\n`);
    console.log('| run | images/s (steady) | x local pool | wall s |');
    console.log('|---|---|---|---|');
    for (const run of runs) console.log(`| ${run.label} | ${run.steadyRate.toFixed(0)} | ${(run.steadyRate / local.steadyRate).toFixed(2)} | ${run.wallSeconds.toFixed(1)} |`);
    console.log(`\nper-chunk overhead (1 worker x 1 thread against 1 local thread): ${overheadMsPerChunk.toFixed(0)} ms a chunk of ${DEFAULT_CHUNK_SIZE}`);
    console.log(`2 workers: ${(q2!.steadyRate / local.steadyRate).toFixed(2)}x the local pool (target >= 0.8); every queued images.csv identical to local: ${sameCsv ? 'yes' : 'NO'}`);
    await writeFile(
      RESULTS,
      `${JSON.stringify({ date: new Date().toISOString(), images: IMAGES, chunkSize: DEFAULT_CHUNK_SIZE, cores: os.availableParallelism(), runs: runs.map(({ csv: _csv, ...figures }) => figures), overheadMsPerChunk, twoWorkersRatio: q2!.steadyRate / local.steadyRate, sameImagesCsv: sameCsv }, null, 2)}\n`,
    );
    if (!sameCsv) process.exitCode = 1;
  } finally {
    await redis.stop(true);
    await rm(tmp, { recursive: true, force: true });
  }
}

await main();
