/**
 * The JSON progress of `biascope audit --json-progress`: JSON Lines on stderr, one
 * event object per line, every line of stderr one of these (stdout is untouched).
 * Every event has `event` (its kind) and `time` (ISO 8601, UTC, when it was written).
 *
 * A run writes, in order:
 * - `phase` at each phase change (scanning, hashing, planning, loading-model,
 *   explaining, finished);
 * - `progress` while explaining: at most about two a second, plus the first, the
 *   last (all images done), any pause or resume, and the last counts before the
 *   phase moves on;
 * - `warning` whenever something is skipped or degraded but the run goes on;
 * - then one of: `summary` (the run ended, done or cancelled; a cancelled run by
 *   Ctrl-C is followed by `interrupted`), or `error` (the run could not go on).
 *
 * Pure: no Node, no DOM.
 */
import { z } from 'zod';
import { AUDIT_PHASES, AuditSummarySchema } from './audit';

const time = z.iso.datetime();
const count = z.number().int().min(0);

/** A new phase began. `words` says it for people: "loading the model". */
export const PhaseEventSchema = z
  .object({
    event: z.literal('phase'),
    time,
    phase: z.enum(AUDIT_PHASES),
    words: z.string().min(1),
  })
  .strict();

/** How far explaining is. Counts are of this run: `total` is what the cache missed. */
export const CountsEventSchema = z
  .object({
    event: z.literal('progress'),
    time,
    /** Images explained or failed so far. */
    done: count,
    /** Images this run has to explain. */
    total: count,
    /** Files skipped and images whose explanation failed, so far. */
    failed: count,
    /** Images whose results were already cached, not counted in `total`. */
    reused: count,
    imagesPerSecond: z.number().min(0),
    /** Seconds left at the current pace; null until there is a pace. */
    etaSeconds: z.number().min(0).nullable(),
    paused: z.boolean(),
    /** A queued audit (--queue): the workers connected to it, with their images and pace. */
    workers: z.array(z.object({ host: z.string(), pid: z.number().int(), images: count, imagesPerSecond: z.number().min(0) }).strict()).optional(),
  })
  .strict();

/** Something was skipped or degraded; the run goes on. */
export const WarningEventSchema = z
  .object({
    event: z.literal('warning'),
    time,
    message: z.string(),
  })
  .strict();

/** A file the run wrote; `rows` for tables. */
export const WrittenFileSchema = z
  .object({
    path: z.string().min(1),
    rows: count.optional(),
  })
  .strict();
export type WrittenFile = z.infer<typeof WrittenFileSchema>;

/**
 * The run ended (`outcome` done or cancelled): the audit's summary, the files it
 * wrote, and `headline`, the report's lead sentences (empty when there is no report).
 */
export const SummaryEventSchema = AuditSummarySchema.extend({
  event: z.literal('summary'),
  time,
  headline: z.array(z.string()),
  files: z.array(WrittenFileSchema),
}).strict();

/** The run stopped on a failure; `exitCode` is the process's (1 failure, 2 wrong command line). */
export const ErrorEventSchema = z
  .object({
    event: z.literal('error'),
    time,
    message: z.string(),
    exitCode: z.number().int().min(1),
  })
  .strict();

/**
 * The user stopped the run (Ctrl-C). Finished images are kept (`kept` of `images`);
 * `resume` is the command line that picks up from there, quoted for a POSIX shell.
 */
export const InterruptedEventSchema = z
  .object({
    event: z.literal('interrupted'),
    time,
    kept: count,
    images: count,
    resume: z.string().min(1),
  })
  .strict();

export const ProgressEventSchema = z.discriminatedUnion('event', [
  PhaseEventSchema,
  CountsEventSchema,
  WarningEventSchema,
  SummaryEventSchema,
  ErrorEventSchema,
  InterruptedEventSchema,
]);
export type ProgressEvent = z.infer<typeof ProgressEventSchema>;
export type ProgressEventName = ProgressEvent['event'];

/** One event without its time: what a reporter builds before stamping and writing it. */
type Untimed<E> = E extends unknown ? Omit<E, 'time'> : never;
export type UntimedEvent = Untimed<ProgressEvent>;

/** Parses and checks one line of `--json-progress` output; throws on anything else. */
export function parseProgressLine(line: string): ProgressEvent {
  return ProgressEventSchema.parse(JSON.parse(line));
}
