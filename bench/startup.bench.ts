/**
 * Start-up of the command line, and the cost of an audit that has nothing left to do.
 *
 * 1. The build (bin/biascope.js running out/main/cli.js) against the sources through
 *    tsx, side by side, on commands that do little work: --help, --version, a command's
 *    help, and exports of a small stored audit. Medians of --runs runs each, run
 *    interleaved (see timing.ts); bare `node -e 0` is the floor.
 * 2. A first audit of a generated demo dataset (--images, 2,400 as the README reports)
 *    against a no-op re-run of the same command, which must take under a tenth of it;
 *    and where the re-run's time goes: each line it writes to stderr, timed from the
 *    start of the process (phase changes, the CSVs, the report), and with --profile
 *    the CPU time of the re-run by source file (a profile of the sources through tsx,
 *    whose file names are the modules').
 *
 *   npm run bench:startup [-- --runs 5] [-- --images 2400] [-- --quick] [-- --profile]
 */
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { measureInterleaved } from './timing';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = path.join(ROOT, 'bin/biascope.js');
const BUNDLE = path.join(ROOT, 'out/main/cli.js');
const SOURCES = path.join(ROOT, 'src/main/cli/main.ts');
const MODEL = path.join(ROOT, 'resources/demo/model/model.json');
const RESULTS = path.join(ROOT, 'bench/results/startup-latest.json');
const REPORTED_IMAGES = 2400;

const { values: flags } = parseArgs({
  options: { runs: { type: 'string' }, images: { type: 'string' }, quick: { type: 'boolean' }, profile: { type: 'boolean' } },
  strict: true,
});
const RUNS = Number(flags.runs ?? (flags.quick ? 3 : 5));
const IMAGES = Number(flags.images ?? (flags.quick ? 400 : REPORTED_IMAGES));
if (!Number.isInteger(RUNS) || RUNS < 1 || !Number.isInteger(IMAGES) || IMAGES < 0 || IMAGES % 2 !== 0) {
  console.error('--runs must be a whole number from 1, --images an even number (0 skips the audit)');
  process.exit(2);
}

const tmp = path.join(os.tmpdir(), `biascope-startup-bench-${process.pid}`);

/** The launcher runs the sources when they are newer than the build: the figures would be tsx's. */
function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(file) : statSync(file).mtimeMs);
  }
  return newest;
}

function checkBuild(): void {
  let built = 0;
  try {
    built = statSync(BUNDLE).mtimeMs;
  } catch {
    // missing: reported below
  }
  const newest = Math.max(newestSource(path.join(ROOT, 'src/main')), newestSource(path.join(ROOT, 'src/shared')));
  if (built < newest) {
    console.error('out/main/cli.js is missing or older than src/: run `npx electron-vite build` first (npm run bench:startup does)');
    process.exit(1);
  }
}

/** Runs node with `args` to the end; fails loudly on a non-zero exit, which would make the timing meaningless. */
function runNode(args: readonly string[]): void {
  const run = spawnSync(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`node ${args.join(' ')} exited with ${run.status}: ${run.stderr}`);
}

function runTsx(script: string, args: readonly string[]): void {
  runNode(['--import', 'tsx', path.join(ROOT, script), ...args]);
}

/** A demo dataset of `images` pictures, a twelfth of them the test split as in the demo (1,100 + 100 per class at 2,400). */
function generateDataset(dir: string, images: number): void {
  const perClass = images / 2;
  const test = Math.max(1, Math.round(perClass / 12));
  runTsx('scripts/demo-data.ts', [dir, '--count', String(perClass - test), '--test', String(test)]);
}

interface TimedLine {
  ms: number;
  line: string;
}

/** Runs the built CLI, timing each stderr line from the spawn. */
function timedRun(args: readonly string[], nodeOptions: readonly string[] = []): Promise<{ ms: number; lines: TimedLine[] }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [...nodeOptions, ...args], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    const lines: TimedLine[] = [];
    let pending = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      const at = performance.now() - started;
      pending += chunk;
      const parts = pending.split('\n');
      pending = parts.pop()!;
      for (const line of parts) lines.push({ ms: at, line });
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - started;
      if (code !== 0) reject(new Error(`biascope ${args.slice(1).join(' ')} exited with ${code}:\n${lines.map((l) => l.line).join('\n')}`));
      else resolve({ ms, lines });
    });
  });
}

/**
 * The re-run's stages, from the lines it writes: a progress line at each phase change
 * ("scanning...", ..., "finished..."), the summary once images.csv and errors.csv are
 * written ("audit done: ..."), then the report's lines. A stage runs from its line to the next.
 */
function stagesOf(lines: readonly TimedLine[], totalMs: number): { stage: string; ms: number }[] {
  const marks: { label: string; ms: number }[] = [];
  for (const { ms, line } of lines) {
    const label = /^([a-z-]+)\.\.\.$/.exec(line)?.[1] ?? (line.startsWith('audit done') || line.startsWith('audit cancelled') ? 'summary' : null);
    if (label && label !== marks.at(-1)?.label) marks.push({ label, ms });
  }
  const names: Record<string, string> = {
    scanning: 'scan: list the folder, read manifest.csv, regions.csv',
    hashing: 'hash: content ids (unchanged files keep theirs), store sync',
    planning: "plan: the model's identity, what is missing",
    'loading-model': 'load the model in the workers',
    explaining: 'explain',
    finished: 'write images.csv and errors.csv',
    summary: 'write report.html, exit',
  };
  const stages = [{ stage: 'start: node, modules, store open', ms: marks[0]?.ms ?? totalMs }];
  marks.forEach((mark, i) => stages.push({ stage: names[mark.label] ?? mark.label, ms: (marks[i + 1]?.ms ?? totalMs) - mark.ms }));
  return stages;
}

interface ProfileNode {
  id: number;
  callFrame: { url: string; functionName: string };
  children?: number[];
}

/** CPU time by the innermost project source file on the stack (else the package, else node itself), module loading apart. */
async function profileByFile(dir: string): Promise<{ where: string; ms: number }[]> {
  const file = (await readdir(dir)).find((f) => f.endsWith('.cpuprofile'));
  if (!file) return [];
  const profile = JSON.parse(await readFile(path.join(dir, file), 'utf8')) as {
    nodes: ProfileNode[];
    samples: number[];
    timeDeltas: number[];
  };
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const where = (id: number): string => {
    // Evaluating a module, a package's or the project's, runs under node's module loader:
    // that time is loading, whichever file's top level it is.
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      if (byId.get(at)!.callFrame.url.startsWith('node:internal/modules/')) return '(module loading)';
    }
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const url = byId.get(at)!.callFrame.url;
      const source = /\/(src\/.+)$/.exec(url)?.[1];
      if (source && !url.includes('node_modules')) return source;
    }
    const node = byId.get(id)!;
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(node.callFrame.url)?.[1];
    return pkg ? `(${pkg})` : node.callFrame.url.startsWith('node:') ? '(node)' : `(${node.callFrame.functionName || 'native'})`;
  };
  const totals = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const key = where(id);
    totals.set(key, (totals.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  return [...totals].map(([w, ms]) => ({ where: w, ms })).sort((a, b) => b.ms - a.ms);
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ')).join('\n');
}

const ms = (v: number) => `${v.toFixed(0)} ms`;

checkBuild();
await rm(tmp, { recursive: true, force: true });
await mkdir(tmp, { recursive: true });
try {
  // A small stored audit for the exports: 20 demo pictures.
  const small = path.join(tmp, 'small');
  const smallOut = path.join(tmp, 'small-audit');
  generateDataset(small, 20);
  runNode([BIN, 'audit', small, '--model', MODEL, '--out', smallOut, '--workers', '1']);
  const db = path.join(smallOut, 'audit.db');
  const exportOut = path.join(tmp, 'exports');

  const commands: Record<string, string[]> = {
    '--help': ['--help'],
    '--version': ['--version'],
    'export --help': ['export', '--help'],
    'export rebalance': ['export', 'rebalance', '--db', db, '--group-by', 'cue', '--out', exportOut],
    'export report': ['export', 'report', '--db', db, '--out', exportOut],
  };
  const cases: Record<string, () => void> = { 'node -e 0': () => runNode(['-e', '0']) };
  for (const [name, args] of Object.entries(commands)) {
    cases[`built ${name}`] = () => runNode([BIN, ...args]);
    cases[`tsx ${name}`] = () => runNode(['--import', 'tsx', SOURCES, ...args]);
  }
  cases['built --help, no launcher'] = () => runNode([BUNDLE, '--help']);
  console.log(`start-up: median of ${RUNS} runs each, interleaved (load average ${os.loadavg()[0]!.toFixed(1)} on ${os.availableParallelism()} cores)\n`);
  const timings = measureInterleaved(cases, { warmups: 1, minReps: RUNS, maxReps: RUNS, budgetMs: 0 });
  const startup = Object.fromEntries(
    Object.keys(commands).map((name) => {
      const built = timings[`built ${name}`].medianMs;
      const tsx = timings[`tsx ${name}`].medianMs;
      return [name, { builtMs: built, tsxMs: tsx, speedup: tsx / built }];
    }),
  );
  const rows = [['command', 'built', 'tsx', 'tsx / built']];
  for (const [name, t] of Object.entries(startup)) rows.push([name, ms(t.builtMs), ms(t.tsxMs), `${t.speedup.toFixed(1)}x`]);
  rows.push(['node -e 0 (the floor)', ms(timings['node -e 0'].medianMs), '', '']);
  rows.push(['out/main/cli.js --help (no launcher)', ms(timings['built --help, no launcher'].medianMs), '', '']);
  console.log(table(rows));

  let audit: Record<string, unknown> | { skipped: string } = { skipped: '--images 0' };
  if (IMAGES > 0) {
    const big = path.join(tmp, 'big');
    const bigOut = path.join(tmp, 'big-audit');
    const generated = performance.now();
    generateDataset(big, IMAGES);
    console.log(`\ngenerated ${IMAGES} demo images in ${((performance.now() - generated) / 1000).toFixed(1)} s`);
    const args = [BIN, 'audit', big, '--model', MODEL, '--out', bigOut];
    const first = await timedRun(args);
    const rerun = await timedRun(args);
    const ratio = rerun.ms / first.ms;
    const stages = stagesOf(rerun.lines, rerun.ms);
    console.log(`audit of ${IMAGES} images: first run ${(first.ms / 1000).toFixed(1)} s, no-op re-run ${(rerun.ms / 1000).toFixed(2)} s: ${(ratio * 100).toFixed(1)} % (target < 10 %) ${ratio < 0.1 ? 'PASS' : 'MISS'}`);
    console.log('\nwhere the re-run goes (wall clock, from its stderr lines):');
    console.log(table([['stage', 'time'], ...stages.map((s) => [s.stage, ms(s.ms)])]));
    let profile: { where: string; ms: number }[] | { skipped: string } = { skipped: 'run with --profile' };
    if (flags.profile) {
      const dir = path.join(tmp, 'profile');
      await timedRun(['--import', 'tsx', SOURCES, ...args.slice(1)], ['--cpu-prof', '--cpu-prof-dir', dir]);
      profile = (await profileByFile(dir)).slice(0, 15);
      console.log('\nre-run CPU time by source file (from the sources through tsx; (tsx) and (esbuild) are its compiling):');
      console.log(table([['file', 'CPU'], ...profile.map((p) => [p.where, ms(p.ms)])]));
    }
    audit = {
      images: IMAGES,
      firstMs: first.ms,
      rerunMs: rerun.ms,
      rerunShare: ratio,
      pass: ratio < 0.1,
      rerunStages: stages,
      rerunLines: rerun.lines,
      rerunProfile: profile,
    };
  }

  const record = {
    date: new Date().toISOString(),
    node: process.version,
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.availableParallelism(),
    loadAverage: os.loadavg(),
    runs: RUNS,
    floorMs: timings['node -e 0'].medianMs,
    bundleWithoutLauncherHelpMs: timings['built --help, no launcher'].medianMs,
    startup,
    audit,
  };
  await mkdir(path.dirname(RESULTS), { recursive: true });
  await writeFile(RESULTS, `${JSON.stringify(record, null, 2)}\n`);
  console.log(`\nwrote ${path.relative(ROOT, RESULTS)}`);
} finally {
  await rm(tmp, { recursive: true, force: true });
}
