/**
 * `biascope audit` as a tool sees it (JSON Lines on stderr) and as a person stops it
 * (Ctrl-C): the real launcher in a child process, a real dataset and model.
 */
import { spawn } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { parseProgressLine, type ProgressEvent } from '../../src/shared/progress-events';
import { tempDir } from '../fixtures/models';
import { DEMO_MODEL, demoSubset } from '../jobs/demo-subset';
import { BIN, runBiascope } from './run-cli';

const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

function folder(prefix: string): string {
  const dir = tempDir(prefix);
  made.push(dir);
  return dir;
}

describe('biascope audit --json-progress', () => {
  it('writes only JSON events on stderr: phases in words, progress, and a summary with the headline', async () => {
    const dataset = demoSubset(4, folder('biascope-data-'));
    const out = folder('biascope-out-');
    const run = await runBiascope(['audit', dataset, '--model', DEMO_MODEL, '--out', out, '--workers', '1', '--spurious-region', 'cue', '--json-progress']);
    expect(run.code).toBe(0);
    const events = run.stderr.trimEnd().split('\n').map(parseProgressLine);
    const phases = events.flatMap((e) => (e.event === 'phase' ? [e.words] : []));
    expect(phases).toEqual(['scanning the dataset', 'hashing images', 'planning what is missing', 'loading the model', 'explaining', 'finished']);
    const counts = events.filter((e): e is Extract<ProgressEvent, { event: 'progress' }> => e.event === 'progress');
    expect(counts.at(-1)).toMatchObject({ done: 8, total: 8 });
    const summary = events.at(-1)!;
    expect(summary.event).toBe('summary');
    if (summary.event !== 'summary') return;
    expect(summary).toMatchObject({ outcome: 'done', images: 8, computed: 8 });
    expect(summary.headline[0]).toMatch(/^largest accuracy gap: /);
    expect(summary.headline[1]).toMatch(/^spurious focus: [\d.]+ % of maps \(\d+ of 8\) on cue/);
    expect(summary.files.map((f) => path.basename(f.path))).toEqual(['audit.db', 'images.csv', 'errors.csv', 'report.html']);
    expect(run.stdout).toBe('');
  });

  it('reports a failure as an error event, and --quiet prints nothing on success', async () => {
    const dataset = demoSubset(1, folder('biascope-data-'));
    const out = folder('biascope-out-');
    const typo = await runBiascope(['audit', dataset, '--model', DEMO_MODEL, '--out', out, '--workers', '1', '--spurious-region', 'beard', '--json-progress']);
    expect(typo.code).toBe(1);
    const last = parseProgressLine(typo.stderr.trimEnd().split('\n').at(-1)!);
    expect(last).toMatchObject({ event: 'error', exitCode: 1, message: expect.stringContaining('no region named "beard"') });
    const quiet = await runBiascope(['audit', dataset, '--model', DEMO_MODEL, '--out', out, '--workers', '1', '--quiet']);
    expect(quiet).toMatchObject({ code: 0, stdout: '', stderr: '' });
  });
});

describe('biascope audit and Ctrl-C', () => {
  it('stops cleanly, keeps what is done, says how to resume, and the resumed run computes only the rest', async () => {
    const dataset = demoSubset(60, folder('biascope-data-'));
    const out = folder('biascope-out-');
    // The plain JavaScript backend keeps the run long enough to be stopped half way.
    const args = ['audit', dataset, '--model', DEMO_MODEL, '--out', out, '--workers', '1', '--batch', '2', '--backend', 'cpu'];
    const child = spawn(process.execPath, [BIN, ...args, '--json-progress'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let signalled = false;
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      // Once some images are done: the user presses Ctrl-C.
      if (!signalled && /"event":"progress"[^\n]*"done":([1-9]\d*)/.test(stderr)) {
        signalled = true;
        child.kill('SIGINT');
      }
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(signalled).toBe(true);
    expect(code).toBe(130);
    const events = stderr.trimEnd().split('\n').map(parseProgressLine);
    const summary = events.find((e) => e.event === 'summary');
    expect(summary).toMatchObject({ outcome: 'cancelled', images: 120 });
    const interrupted = events.at(-1)!;
    expect(interrupted.event).toBe('interrupted');
    if (interrupted.event !== 'interrupted' || summary?.event !== 'summary') return;
    expect(interrupted.kept).toBe(summary.computed);
    expect(interrupted.kept).toBeGreaterThan(0);
    expect(interrupted.kept).toBeLessThan(120);
    expect(interrupted.resume).toBe(`biascope ${args.join(' ')} --json-progress`);
    // What was kept is in the database, whole.
    const db = new Database(path.join(out, 'audit.db'), { readonly: true });
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(db.prepare("SELECT status FROM jobs ORDER BY id DESC LIMIT 1").pluck().get()).toBe('cancelled');
    } finally {
      db.close();
    }
    expect(existsSync(path.join(out, 'images.csv'))).toBe(true);
    // The command it printed, run again, picks up where it stopped.
    const resumed = await runBiascope(args);
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toContain(`audit done: 120 images, ${120 - interrupted.kept} computed, ${interrupted.kept} reused from cache, 0 failed`);
  });

  it('says how to resume in words', async () => {
    const dataset = demoSubset(60, folder('biascope-data-'));
    const out = folder('biascope-out-');
    const child = spawn(process.execPath, [BIN, 'audit', dataset, '--model', DEMO_MODEL, '--out', out, '--workers', '1', '--batch', '2', '--backend', 'cpu'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let signalled = false;
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      if (!signalled && /\d+\/120 /.test(stderr)) {
        signalled = true;
        child.kill('SIGINT');
      }
    });
    expect(await new Promise<number | null>((resolve) => child.on('close', resolve))).toBe(130);
    expect(stderr).toContain('stopping: finished batches are kept');
    expect(stderr).toMatch(/^stopped: \d+ of 120 images kept; resume with: biascope audit /m);
  });
});
