/**
 * What travels through Redis between a coordinator and its workers, and the names it
 * travels under. Payloads are MessagePack (binary maps and image bytes as they are)
 * inside the JSON BullMQ stores, and every one is checked when it is read: the other
 * side may be another version of biascope, or not biascope at all.
 */
import { createHash } from 'node:crypto';
import { Packr } from 'msgpackr';
import { z } from 'zod';
import { AUDIT_TARGETS } from '../../../shared/audit';
import { BACKENDS, DEVICES } from '../../../shared/devices';
import { METHODS } from '../../../shared/explain';
import type { ImageError, ImageResult } from '../../store/types';

/** Bumped when a payload changes shape: workers of another version skip the audit and say why. */
export const PROTOCOL_VERSION = 1;

/** Audits being coordinated now: queue name -> announcement. */
export const REGISTRY_KEY = 'biascope:audits';
/** Published to when an audit is announced: waiting workers join at once instead of at their next look. */
export const ANNOUNCE_CHANNEL = 'biascope:announce';
/** Workers' heartbeats: worker id -> heartbeat. */
export const WORKERS_KEY = 'biascope:workers';
/** A model's files, sent once per model and shared by every audit of it. */
export const modelKey = (hash: string): string => `biascope:model:${hash}`;
export const workQueueName = (auditKey: string): string => `biascope-audit-${auditKey}`;
export const resultsQueueName = (auditKey: string): string => `biascope-audit-${auditKey}-results`;

/** A chunk is named by its images: the same images queued again are the same job, once. */
export function chunkIdOf(contentIds: readonly number[]): string {
  return `c${createHash('sha256').update(contentIds.join(',')).digest('hex').slice(0, 24)}`;
}

const packr = new Packr({ structuredClone: false, useRecords: false, moreTypes: true });

export function pack(value: unknown): string {
  return packr.pack(value).toString('base64');
}

export function unpack(text: unknown, what: string): unknown {
  if (typeof text !== 'string') throw new Error(`${what}: no payload`);
  try {
    return packr.unpack(Buffer.from(text, 'base64'));
  } catch (error) {
    throw new Error(`${what}: unreadable payload (${(error as Error).message})`, { cause: error });
  }
}

const bytes = z.custom<Uint8Array>((value) => value instanceof Uint8Array, "bytes");

/** What a worker needs to join an audit: where its model is and what to compute. */
export const AnnouncementSchema = z.object({
  version: z.number().int(),
  auditKey: z.string().regex(/^[0-9a-f]{16,64}$/),
  model: z.object({
    hash: z.string().regex(/^[0-9a-f]{64}$/),
    /** The file to load among the model's files (model.json or the .onnx). */
    entry: z.string().min(1),
    /** Workers see the same files: the model's absolute path instead of its bytes. */
    sharedPath: z.string().optional(),
  }),
  /** Workers see the same files: the dataset's root, and jobs carry paths only. */
  sharedRoot: z.string().optional(),
  task: z.object({
    layer: z.string().min(1),
    methods: z.array(z.enum(METHODS)).min(1),
    targets: z.enum(AUDIT_TARGETS),
    topK: z.number().int().min(1),
    conceptLayer: z.string().min(1).optional(),
    backend: z.enum(BACKENDS).optional(),
    threads: z.number().int().min(1).optional(),
    device: z.enum(DEVICES).optional(),
  }),
  batchSize: z.number().int().min(1).max(256),
  /** How long a chunk's lock lasts without renewal, and how often workers look for lapsed ones. */
  lease: z.object({ lockMs: z.number().int().min(1000).max(600_000), stalledCheckMs: z.number().int().min(500).max(600_000) }).optional(),
  coordinator: z.object({ host: z.string(), pid: z.number().int() }),
});
export type Announcement = z.infer<typeof AnnouncementSchema>;

/**
 * A worker renews its chunk's lock every half lease; a SIGKILLed worker's chunk goes back
 * to the queue after at most a lease and a check. Long enough for a stalled event loop.
 */
export const DEFAULT_LEASE = { lockMs: 30_000, stalledCheckMs: 15_000 };

export function leaseOf(announcement: Announcement): { lockMs: number; stalledCheckMs: number } {
  return announcement.lease ?? DEFAULT_LEASE;
}

const RegionSchema = z.object({ name: z.string(), x0: z.number(), y0: z.number(), x1: z.number(), y1: z.number() });

export const ChunkItemSchema = z.object({
  contentId: z.number().int(),
  // Relative to the dataset's root, never out of it (a worker reads it there with --shared-fs).
  path: z
    .string()
    .min(1)
    .max(4096)
    .refine((p) => !p.startsWith('/') && !/^[A-Za-z]:/.test(p) && !p.split(/[\\/]/).includes('..'), 'an image path outside the dataset'),
  labelIndex: z.number().int().min(-1),
  regions: z.array(RegionSchema),
  /** The image file's bytes; absent when workers read `path` under the shared root. */
  bytes: bytes.optional(),
});
export type ChunkItem = z.infer<typeof ChunkItemSchema>;

export const ChunkSchema = z.object({
  items: z.array(ChunkItemSchema).min(1),
  /**
   * A part of a chunk that failed: its worker runs it with nothing else beside it, so an
   * image that kills the process takes no innocent chunk down with it, and its own
   * innocent images are explained.
   */
  alone: z.boolean().optional(),
});
export type Chunk = z.infer<typeof ChunkSchema>;

/** A worker's answer for one chunk: results for the store, images that failed, and its pace. */
export const ChunkResultSchema = z.object({
  chunk: z.string(),
  worker: z.string(),
  backend: z.string(),
  /** Milliseconds the worker spent on the chunk, from taking it to answering. */
  workMs: z.number().min(0),
  // Checked in depth by the store (checks.ts) before anything is written.
  /** The image path of each result, in order (their errors from earlier runs are cleared). */
  paths: z.array(z.string()),
  results: z.array(z.custom<ImageResult>((value) => typeof value === 'object' && value !== null && 'contentId' in value && 'maps' in value)),
  failures: z.array(
    z.object({ path: z.string(), contentId: z.number().int().nullable(), stage: z.enum(['decode', 'explain']), reason: z.string() }),
  ),
});
export type ChunkResult = Omit<z.infer<typeof ChunkResultSchema>, 'results' | 'failures'> & { results: ImageResult[]; failures: ImageError[] };

export function readChunk(data: unknown): Chunk {
  const parsed = ChunkSchema.safeParse(unpack((data as { p?: unknown } | null)?.p, 'queued chunk'));
  if (!parsed.success) throw new Error(`queued chunk: ${parsed.error.issues[0]?.message ?? 'malformed'}`);
  return parsed.data;
}

export function readChunkResult(data: unknown): ChunkResult {
  const parsed = ChunkResultSchema.safeParse(unpack((data as { p?: unknown } | null)?.p, 'chunk result'));
  if (!parsed.success) throw new Error(`chunk result: ${parsed.error.issues[0]?.message ?? 'malformed'}`);
  return parsed.data as ChunkResult;
}
