/**
 * How `biascope audit` tells how it is going, in one of three modes:
 * - human (the default): a bar redrawn in place on a terminal, elsewhere a plain line
 *   at each phase change and every few seconds; then the summary, the files written
 *   and the report's lead sentences.
 * - quiet (`--quiet`): warnings and errors only. A run that ends well prints nothing
 *   (the exit status says it); a run with failed images ends with one warning that
 *   counts them; a run stopped by Ctrl-C still prints how to resume it, since that
 *   line is the only way to know.
 * - json (`--json-progress`): JSON Lines on stderr, one event per line, validated by
 *   ProgressEventSchema (src/shared/progress-events.ts). Nothing else is written to
 *   stderr through the reporter: notes (human lines) are dropped.
 *
 * Results on stdout are not the reporter's business: every mode writes through `io.err`
 * (and `io.status` in human mode on a terminal).
 */
import type { AuditPhase, AuditProgress, AuditSummary } from '../../shared/audit';
import { phaseWords } from '../../shared/audit-phases';
import type { UntimedEvent, WrittenFile } from '../../shared/progress-events';
import { UsageError } from './errors';
import type { CliIO } from './io';
import { formatDuration, formatProgress, PlainProgress } from './progress-line';

export const REPORTER_MODES = ['human', 'quiet', 'json'] as const;
export type ReporterMode = (typeof REPORTER_MODES)[number];

/** What a finished run produced besides its summary. */
export interface AuditOutputs {
  /** Files written, in the order to list them. */
  files: readonly WrittenFile[];
  /** The report's lead sentences; empty without a report. */
  headline: readonly string[];
}

export interface ProgressReporter {
  /** Every progress update of the run; phase changes are read from `p.phase`. */
  progress(p: AuditProgress): void;
  /** Something skipped or degraded; the run goes on. Shown in every mode. */
  warn(message: string): void;
  /** A line for people ("cancelling: finished batches are kept"); human mode only. */
  note(line: string): void;
  /** The run ended, done or cancelled, and wrote `outputs`. */
  done(summary: AuditSummary, outputs: AuditOutputs): void;
  /**
   * The user stopped the run: after done(), with the same summary, when the outcome
   * is cancelled because of Ctrl-C. `resume` is the command line (see resumeCommand).
   */
  interrupted(summary: AuditSummary, resume: string): void;
  /** The run failed; `exitCode` is what the process exits with. */
  error(message: string, exitCode: number): void;
}

/** The lines of a run's summary for people. */
export function summaryLines(summary: AuditSummary, outputs: AuditOutputs): string[] {
  const lines = [
    `${summary.outcome === 'cancelled' ? 'audit cancelled' : 'audit done'}: ${summary.images} images, ` +
      `${summary.computed} computed, ${summary.reused} reused from cache, ${summary.failed} failed`,
    `elapsed ${formatDuration(summary.elapsedSeconds)} (${summary.elapsedSeconds.toFixed(1)} s), ` +
      `${summary.imagesPerSecond.toFixed(1)} images/s, layer ${summary.layer}, backend ${summary.backend}`,
  ];
  if (summary.computed === 0 && summary.reused > 0) lines.push('every result was already in the cache: nothing recomputed');
  if (summary.regionStatsUpdated > 0) {
    lines.push(`regions changed: region statistics of ${summary.regionStatsUpdated} maps measured again from the stored maps`);
  }
  if (outputs.files.length > 0) {
    lines.push(`wrote ${outputs.files.map((f) => (f.rows === undefined ? f.path : `${f.path} (${f.rows} rows)`)).join(', ')}`);
  }
  return [...lines, ...outputs.headline];
}

/** Images whose results are in the cache after a run: reused ones and those computed now. */
function keptOf(summary: AuditSummary): number {
  return summary.computed + summary.reused;
}

export function interruptedLine(summary: AuditSummary, resume: string): string {
  return `stopped: ${keptOf(summary)} of ${summary.images} images kept; resume with: ${resume}`;
}

function errorLine(message: string): string {
  return `biascope audit: ${message}`;
}

/** Seconds between plain progress lines in a log: enough to see it move, not a flood. */
const PLAIN_EVERY_SECONDS = 5;

function humanReporter(io: CliIO, now: () => number): ProgressReporter {
  const plain = new PlainProgress(PLAIN_EVERY_SECONDS, now);
  return {
    progress(p) {
      if (io.status) io.status(formatProgress(p));
      else {
        const line = plain.lineFor(p);
        if (line) io.err(line);
      }
    },
    warn: (message) => io.err(`warning: ${message}`),
    note: (line) => io.err(line),
    done(summary, outputs) {
      for (const line of summaryLines(summary, outputs)) io.err(line);
    },
    interrupted: (summary, resume) => io.err(interruptedLine(summary, resume)),
    error: (message) => io.err(errorLine(message)),
  };
}

function quietReporter(io: CliIO): ProgressReporter {
  return {
    progress() {},
    warn: (message) => io.err(`warning: ${message}`),
    note() {},
    done(summary) {
      if (summary.failed > 0) io.err(`warning: ${summary.failed} of ${summary.images} images failed or were skipped (see errors.csv)`);
    },
    interrupted: (summary, resume) => io.err(interruptedLine(summary, resume)),
    error: (message) => io.err(errorLine(message)),
  };
}

/** At most this often a progress event, so a pipe reader is not flooded: about two a second. */
export const JSON_PROGRESS_EVERY_MS = 500;

/** Rounded for the wire: rates and times need no more, and lines stay short. */
function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

function countsEvent(p: AuditProgress): UntimedEvent {
  return {
    event: 'progress',
    done: p.done,
    total: p.total,
    failed: p.failed,
    reused: p.reused,
    imagesPerSecond: round(p.imagesPerSecond, 2),
    etaSeconds: p.etaSeconds === null ? null : round(p.etaSeconds, 1),
    paused: p.paused,
    ...(p.workers ? { workers: p.workers.map((w) => ({ host: w.host, pid: w.pid, images: w.images, imagesPerSecond: round(w.imagesPerSecond, 1) })) } : {}),
  };
}

function jsonReporter(io: CliIO, now: () => number): ProgressReporter {
  const write = (event: UntimedEvent) => {
    // `event` first, `time` second: a reader scanning the lines sees the kind at once.
    const { event: kind, ...rest } = event;
    io.err(JSON.stringify({ event: kind, time: new Date(now()).toISOString(), ...rest }));
  };
  let phase: AuditPhase | null = null;
  let lastSentAt = -Infinity;
  /** The counts last written, to write each state once. */
  let lastSent = '';
  let lastPaused = false;
  /** The latest counts held back by the throttle, written before the phase moves on. */
  let pending: AuditProgress | null = null;

  const sendCounts = (p: AuditProgress) => {
    const event = countsEvent(p);
    const key = JSON.stringify(event);
    pending = null;
    if (key === lastSent) return;
    lastSent = key;
    lastPaused = p.paused;
    lastSentAt = now();
    write(event);
  };

  return {
    progress(p) {
      if (p.phase !== phase) {
        // Leaving the explaining phase, the new state holds the final counts (an update
        // may have been folded into it upstream); any other change flushes what was held.
        if (phase === 'explaining') sendCounts(p);
        else if (pending) sendCounts(pending);
        phase = p.phase;
        write({ event: 'phase', phase: p.phase, words: phaseWords(p.phase) });
        if (p.phase === 'explaining') sendCounts(p);
        return;
      }
      // Counts move only while explaining; the other phases are told by their change.
      if (p.phase !== 'explaining') return;
      const last = p.done === p.total;
      if (last || p.paused !== lastPaused || now() - lastSentAt >= JSON_PROGRESS_EVERY_MS) sendCounts(p);
      else pending = p;
    },
    warn: (message) => write({ event: 'warning', message }),
    note() {},
    done(summary, outputs) {
      if (pending) sendCounts(pending);
      write({ event: 'summary', ...summary, headline: [...outputs.headline], files: [...outputs.files] });
    },
    interrupted: (summary, resume) => write({ event: 'interrupted', kept: keptOf(summary), images: summary.images, resume }),
    error: (message, exitCode) => write({ event: 'error', message, exitCode }),
  };
}

/**
 * The reporter for `mode`. `now` is the clock in milliseconds since the epoch: it
 * paces plain lines and JSON progress and stamps JSON events (tests pass their own).
 */
export function createReporter(mode: ReporterMode, io: CliIO, now: () => number = Date.now): ProgressReporter {
  switch (mode) {
    case 'human':
      return humanReporter(io, now);
    case 'quiet':
      return quietReporter(io);
    case 'json':
      return jsonReporter(io, now);
  }
}

/** The options that choose the mode, for a command's parseArgs table. */
export const REPORTER_OPTIONS = {
  quiet: { type: 'boolean', short: 'q' },
  'json-progress': { type: 'boolean' },
} as const;

export const REPORTER_USAGE = `  -q, --quiet                 print only warnings, errors and how to resume
  --json-progress             progress as JSON Lines on stderr (one event a line)`;

export function parseReporterMode(values: { quiet?: boolean; 'json-progress'?: boolean }): ReporterMode {
  if (values.quiet && values['json-progress']) throw new UsageError('--quiet and --json-progress cannot be combined');
  if (values['json-progress']) return 'json';
  return values.quiet ? 'quiet' : 'human';
}
