import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { AUDIT_PHASES, type AuditProgress, type AuditSummary } from '../../src/shared/audit';
import { phaseWords } from '../../src/shared/audit-phases';
import { parseProgressLine, type ProgressEvent } from '../../src/shared/progress-events';
import type { CliIO } from '../../src/main/cli/io';
import { formatDuration, formatProgress } from '../../src/main/cli/progress-line';
import {
  createReporter,
  parseReporterMode,
  type AuditOutputs,
  type ReporterMode,
} from '../../src/main/cli/progress-reporter';
import { resumeCommand, shellQuote } from '../../src/main/cli/resume';
import { UsageError } from '../../src/main/cli/errors';

/** A CliIO that keeps what each channel got; `tty` gives it a status line like a terminal's. */
function fakeIO(tty: boolean) {
  const out: string[] = [];
  const err: string[] = [];
  const status: string[] = [];
  const io: CliIO = {
    out: async (line) => void out.push(line),
    err: (line) => void err.push(line),
    ...(tty ? { status: (line: string) => void status.push(line) } : {}),
  };
  return { io, out, err, status };
}

/** A clock the test moves by hand, in milliseconds since the epoch. */
function fakeClock(start = Date.UTC(2026, 0, 2, 3, 4, 5)) {
  let at = start;
  return { now: () => at, advance: (ms: number) => void (at += ms) };
}

const base: AuditProgress = { phase: 'scanning', done: 0, total: 0, failed: 0, reused: 0, imagesPerSecond: 0, etaSeconds: null, paused: false };

const summary: AuditSummary = {
  outcome: 'done',
  jobId: 3,
  datasetId: 1,
  modelId: 2,
  layer: 'conv_last',
  images: 2400,
  computed: 2390,
  reused: 0,
  regionStatsUpdated: 0,
  failed: 10,
  elapsedSeconds: 95.25,
  imagesPerSecond: 25.2,
  backend: 'wasm',
};

const outputs: AuditOutputs = {
  files: [{ path: 'out/audit.db' }, { path: 'out/images.csv', rows: 2390 }, { path: 'out/errors.csv', rows: 10 }],
  headline: ['The model reads the watermark on 40% of nurse images.'],
};

/**
 * Drives a reporter through a whole run: the phases before explaining, then 100 images
 * at one every 100 ms (10 s), then finished. Returns the reporter's clock.
 */
function runThrough(mode: ReporterMode, tty: boolean) {
  const io = fakeIO(tty);
  const clock = fakeClock();
  const reporter = createReporter(mode, io.io, clock.now);
  for (const phase of ['scanning', 'hashing', 'hashing', 'planning', 'loading-model'] as const) {
    reporter.progress({ ...base, phase });
    clock.advance(300);
  }
  const total = 100;
  for (let done = 0; done <= total; done++) {
    reporter.progress({ ...base, phase: 'explaining', done, total, imagesPerSecond: done === 0 ? 0 : 10, etaSeconds: done === 0 ? null : (total - done) / 10 });
    clock.advance(100);
  }
  reporter.progress({ ...base, phase: 'finished', done: total, total, imagesPerSecond: 10, etaSeconds: 0 });
  reporter.warn('no image has the attribute "gender": the rebalancing plan has a single group');
  reporter.note('wrote out/report.html (120 KiB)');
  reporter.done(summary, outputs);
  return { ...io, reporter, clock };
}

describe('phase words', () => {
  it('names every phase in words, and the bar uses them before explaining', () => {
    expect(AUDIT_PHASES.map(phaseWords)).toEqual([
      'scanning the dataset',
      'hashing images',
      'planning what is missing',
      'loading the model',
      'explaining',
      'finished',
    ]);
    expect(formatProgress({ ...base, phase: 'loading-model' })).toBe('loading the model...');
    expect(formatProgress({ ...base, phase: 'finished' })).toBe('finished');
    expect(formatProgress({ ...base, phase: 'explaining', done: 50, total: 100, imagesPerSecond: 12.5, etaSeconds: 4 })).toMatch(/^\[#{12}\.{12}\] {2}50% {2}50\/100 {2}12\.5 img\/s {2}ETA 0:04$/);
    expect(formatDuration(3725)).toBe('1:02:05');
  });
});

describe('human reporter', () => {
  it('redraws a bar on a terminal and writes only the ending as lines', () => {
    const { status, err, out } = runThrough('human', true);
    expect(status).toHaveLength(5 + 101 + 1);
    expect(status.slice(0, 5)).toEqual(['scanning the dataset...', 'hashing images...', 'hashing images...', 'planning what is missing...', 'loading the model...']);
    expect(status[5 + 100]).toMatch(/^\[#{24}\] 100% {2}100\/100/);
    expect(err[0]).toBe('warning: no image has the attribute "gender": the rebalancing plan has a single group');
    expect(err[1]).toBe('wrote out/report.html (120 KiB)');
    expect(err.slice(2)).toEqual([
      'audit done: 2400 images, 2390 computed, 0 reused from cache, 10 failed',
      'elapsed 1:35 (95.3 s), 25.2 images/s, layer conv_last, backend wasm',
      'wrote out/audit.db, out/images.csv (2390 rows), out/errors.csv (10 rows)',
      'The model reads the watermark on 40% of nurse images.',
    ]);
    expect(out).toEqual([]);
  });

  it('writes plain lines elsewhere: each phase change, every 5 s, and the last images', () => {
    const { status, err } = runThrough('human', false);
    expect(status).toEqual([]);
    const progress = err.slice(0, err.indexOf('finished') + 1);
    // Explaining takes 10 s: its first line, one 5 s later, the one at 100/100; "hashing" once.
    expect(progress.map((line) => line.replace(/^\[[#.]+\] +\d+% {2}(\d+\/\d+).*$/, '$1'))).toEqual([
      'scanning the dataset...',
      'hashing images...',
      'planning what is missing...',
      'loading the model...',
      '0/100',
      '50/100',
      '100/100',
      'finished',
    ]);
    expect(err.slice(progress.length, progress.length + 2)).toEqual(['warning: no image has the attribute "gender": the rebalancing plan has a single group', 'wrote out/report.html (120 KiB)']);
    expect(err.at(-1)).toBe('The model reads the watermark on 40% of nurse images.');
  });

  it('says how to resume a stopped run, and prints failures as the CLI does', () => {
    const { io, err } = fakeIO(false);
    const reporter = createReporter('human', io);
    const stopped = { ...summary, outcome: 'cancelled' as const, computed: 800, reused: 12 };
    reporter.note('cancelling: finished batches are kept');
    reporter.done(stopped, { files: [], headline: [] });
    reporter.interrupted(stopped, resumeCommand(['data', '--model', 'm.onnx', '--out', 'out']));
    reporter.error('cannot create --out folder out: permission denied', 1);
    expect(err[0]).toBe('cancelling: finished batches are kept');
    expect(err[1]).toMatch(/^audit cancelled: 2400 images, 800 computed, 12 reused/);
    expect(err.slice(-2)).toEqual([
      'stopped: 812 of 2400 images kept; resume with: biascope audit data --model m.onnx --out out',
      'biascope audit: cannot create --out folder out: permission denied',
    ]);
  });
});

describe('quiet reporter', () => {
  it('prints no progress and no notes: warnings, then the failed count as one', () => {
    for (const tty of [true, false]) {
      const { status, err, out } = runThrough('quiet', tty);
      expect(status).toEqual([]);
      expect(out).toEqual([]);
      expect(err).toEqual([
        'warning: no image has the attribute "gender": the rebalancing plan has a single group',
        'warning: 10 of 2400 images failed or were skipped (see errors.csv)',
      ]);
    }
  });

  it('is silent on a clean run, but still says how to resume and what failed', () => {
    const { io, err } = fakeIO(true);
    const reporter = createReporter('quiet', io);
    reporter.done({ ...summary, failed: 0 }, outputs);
    expect(err).toEqual([]);
    const stopped = { ...summary, outcome: 'cancelled' as const, failed: 0, computed: 800, reused: 12 };
    reporter.interrupted(stopped, 'biascope audit data');
    reporter.error('no dataset folder given', 2);
    expect(err).toEqual(['stopped: 812 of 2400 images kept; resume with: biascope audit data', 'biascope audit: no dataset folder given']);
  });
});

describe('JSON reporter', () => {
  const events = (err: string[]): ProgressEvent[] => err.map(parseProgressLine);

  it('writes only JSON on stderr, every line a valid event with its kind and time first', () => {
    for (const tty of [true, false]) {
      const { err, status, out } = runThrough('json', tty);
      expect(status).toEqual([]);
      expect(out).toEqual([]);
      expect(err.length).toBeGreaterThan(0);
      const parsed = events(err);
      for (const line of err) expect(Object.keys(JSON.parse(line)).slice(0, 2)).toEqual(['event', 'time']);
      expect(parsed[0]!.time).toBe('2026-01-02T03:04:05.000Z');
      // The note was for people: not written.
      expect(err.some((line) => line.includes('report.html'))).toBe(false);
      expect(parsed.map((e) => e.event).filter((e) => e !== 'progress')).toEqual(['phase', 'phase', 'phase', 'phase', 'phase', 'phase', 'warning', 'summary']);
    }
  });

  it('tells each phase once, in words', () => {
    const phases = events(runThrough('json', false).err).filter((e) => e.event === 'phase');
    expect(phases.map((e) => [e.phase, e.words])).toEqual([
      ['scanning', 'scanning the dataset'],
      ['hashing', 'hashing images'],
      ['planning', 'planning what is missing'],
      ['loading-model', 'loading the model'],
      ['explaining', 'explaining'],
      ['finished', 'finished'],
    ]);
  });

  it('throttles progress to two a second, keeping the first and the last', () => {
    const parsed = events(runThrough('json', false).err);
    const counts = parsed.filter((e) => e.event === 'progress');
    // 101 updates over 10 s, one every 100 ms: one each 500 ms from 0, then 100/100.
    expect(counts.map((e) => e.done)).toEqual([0, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 90, 95, 100]);
    const times = counts.map((e) => Date.parse(e.time));
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(500);
    expect(counts[0]).toMatchObject({ done: 0, total: 100, etaSeconds: null, imagesPerSecond: 0 });
    expect(counts.at(-1)).toMatchObject({ done: 100, total: 100, etaSeconds: 0, imagesPerSecond: 10, paused: false });
    // Progress comes between the explaining and finished phase events only.
    const kinds = parsed.map((e) => (e.event === 'phase' ? e.phase : e.event));
    expect(kinds.indexOf('progress')).toBe(kinds.indexOf('explaining') + 1);
    expect(kinds.lastIndexOf('progress')).toBe(kinds.indexOf('finished') - 1);
  });

  it('writes the held-back counts before the phase moves on, and pauses at once', () => {
    const { io, err } = fakeIO(false);
    const clock = fakeClock();
    const reporter = createReporter('json', io, clock.now);
    const explaining = { ...base, phase: 'explaining' as const, total: 10 };
    reporter.progress(explaining);
    clock.advance(100);
    reporter.progress({ ...explaining, done: 3 });
    reporter.progress({ ...explaining, done: 3, paused: true });
    reporter.progress({ ...explaining, done: 3, paused: true });
    clock.advance(100);
    reporter.progress({ ...explaining, done: 3, paused: false });
    clock.advance(100);
    reporter.progress({ ...explaining, done: 4 });
    // Cancelled here: finished comes with 4 of 10 done.
    reporter.progress({ ...explaining, phase: 'finished', done: 4 });
    const parsed = events(err);
    expect(parsed.map((e) => (e.event === 'progress' ? `${e.done}${e.paused ? 'p' : ''}` : e.event))).toEqual(['phase', '0', '3p', '3', '4', 'phase']);
  });

  it('ends with the summary, its files and headline; then interrupted, or an error', () => {
    const { io, err } = fakeIO(false);
    const reporter = createReporter('json', io, fakeClock().now);
    const stopped = { ...summary, outcome: 'cancelled' as const, computed: 800, reused: 12 };
    reporter.done(stopped, outputs);
    reporter.interrupted(stopped, resumeCommand(['my data', '--model', 'm.onnx']));
    reporter.error('internal error: boom', 1);
    const [done, interrupted, error] = events(err);
    expect(done).toMatchObject({ event: 'summary', ...stopped, headline: outputs.headline, files: outputs.files });
    expect(interrupted).toEqual({ event: 'interrupted', time: '2026-01-02T03:04:05.000Z', kept: 812, images: 2400, resume: "biascope audit 'my data' --model m.onnx" });
    expect(error).toMatchObject({ event: 'error', message: 'internal error: boom', exitCode: 1 });
  });

  it('rejects lines that are not events', () => {
    expect(() => parseProgressLine('audit done')).toThrow();
    expect(() => parseProgressLine(JSON.stringify({ event: 'phase', time: 'now', phase: 'explaining', words: 'explaining' }))).toThrow();
    expect(() => parseProgressLine(JSON.stringify({ event: 'progress', time: '2026-01-02T03:04:05.000Z', done: 1 }))).toThrow();
  });
});

describe('mode options', () => {
  it('chooses the mode, and refuses both at once', () => {
    expect(parseReporterMode({})).toBe('human');
    expect(parseReporterMode({ quiet: true })).toBe('quiet');
    expect(parseReporterMode({ 'json-progress': true })).toBe('json');
    expect(() => parseReporterMode({ quiet: true, 'json-progress': true })).toThrow(UsageError);
  });
});

describe('resumeCommand', () => {
  const tricky = [
    'plain',
    'my dataset',
    "it's",
    'say "hi"',
    '$HOME',
    '`date`',
    'a\\b',
    '*.png',
    '~/data',
    'tab\there',
    'new\nline',
    '',
    "''",
    '--out=/tmp/x y',
    'ünïcödé',
    '!history',
    'semi;colon & amp | pipe > out',
  ];

  it('leaves plain words bare and quotes the rest', () => {
    expect(resumeCommand(['data', '--model', 'models/m.onnx', '--out', 'out', '--method', 'gradcam'])).toBe('biascope audit data --model models/m.onnx --out out --method gradcam');
    expect(shellQuote('my dataset')).toBe("'my dataset'");
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
    expect(shellQuote('')).toBe("''");
  });

  it('gives each argument back unchanged through a POSIX shell', () => {
    const command = resumeCommand(tricky);
    const words = command.split(' ').slice(0, 2);
    expect(words).toEqual(['biascope', 'audit']);
    // The shell prints each argument it received on its own line, NUL-terminated so
    // arguments with newlines come back whole.
    const quoted = command.slice('biascope audit '.length);
    const ran = spawnSync('sh', ['-c', `printf '%s\\0' ${quoted}`], { encoding: 'utf8' });
    expect(ran.status).toBe(0);
    expect(ran.stdout.split('\0').slice(0, -1)).toEqual(tricky);
  });

  it("round-trips through sh -c 'printf \"%s\\n\" \"$@\"' sh <quoted>, in each shell there is", () => {
    const quoted = resumeCommand(tricky).slice('biascope audit '.length);
    const shells = ['sh', 'bash', 'dash'].filter((shell) => spawnSync(shell, ['-c', 'true']).status === 0);
    expect(shells).toContain('sh');
    for (const shell of shells) {
      // The outer shell parses the quoted words; the inner one prints the arguments it got.
      const ran = spawnSync(shell, ['-c', `sh -c 'printf "%s\\n" "$@"' sh ${quoted}`], { encoding: 'utf8' });
      expect(ran.status, shell).toBe(0);
      expect(ran.stdout, shell).toBe(tricky.map((arg) => `${arg}\n`).join(''));
    }
  });
});
