/**
 * An audit as the UI and the CLI see it: what to run, how far it is, how it ended.
 * Schemas check these where they cross a process boundary. Pure: no Node, no DOM.
 */
import { z } from 'zod';
import { BACKENDS, DEVICES, type BackendName, type Device } from './devices';
import { METHODS } from './explain';

/**
 * Which classes each image's maps explain. The predicted class is always among them:
 * the statistics of images.csv and the grid read its map.
 * - predicted: the predicted class only;
 * - label: the predicted class and the true label (when the model knows that label);
 * - all: every class.
 */
export const AUDIT_TARGETS = ['predicted', 'label', 'all'] as const;
export type AuditTargets = (typeof AUDIT_TARGETS)[number];

/**
 * The app's and the CLI's default: the true label's map too, so a misclassified image
 * shows what the model saw of its real class, and the same dataset gives the same
 * clusters from either (SpRAy clusters maps of the label's class).
 */
export const DEFAULT_AUDIT_TARGETS: AuditTargets = 'label';

export { BACKENDS, DEVICES, type BackendName, type Device };


/**
 * Region roles an audit sets for its dataset once the scan knows its regions, before any
 * map is computed: a name the dataset lacks stops the audit there (a typo would
 * otherwise suggest nothing, silently, at the end of a long audit).
 */
export const AuditRolesSchema = z
  .object({
    spurious: z.array(z.string().min(1)),
    evidence: z.array(z.string().min(1)),
    /** Absent: the stored threshold. */
    threshold: z.number().min(0).max(1).optional(),
  })
  .strict();
export type AuditRoles = z.infer<typeof AuditRolesSchema>;
/**
 * An audit spread over machines: this process coordinates (scans, plans, writes the
 * store) and `biascope worker` processes anywhere compute, through a BullMQ queue on
 * this Redis server.
 */
export const QueueSettingsSchema = z
  .object({
    /** redis://[user:password@]host:port[/db], or rediss:// for TLS. */
    url: z
      .string()
      .max(2048)
      .regex(/^rediss?:\/\/[^\s/?#]+(\/\d{1,2})?$/, 'a Redis address such as redis://host:6379'),
    /** Workers read images by path (they see the same files); else the bytes travel in the jobs. */
    sharedFs: z.boolean().optional(),
    /** Images per job on the queue. */
    chunkSize: z.number().int().min(1).max(1024).optional(),
  })
  .strict();
export type QueueSettings = z.infer<typeof QueueSettingsSchema>;

export const AuditSettingsSchema = z
  .object({
    /** Absolute dataset root. */
    dataset: z.string().min(1),
    /** model.json or .onnx path. */
    model: z.string().min(1),
    /** Target layer; the model's default when absent. */
    layer: z.string().min(1).optional(),
    methods: z.array(z.enum(METHODS)).min(1),
    targets: z.enum(AUDIT_TARGETS),
    /** Worker threads; the number of cores when absent (1 for ONNX models, which thread inside). */
    workers: z.number().int().min(1).max(64).optional(),
    /** ONNX Runtime threads per worker; the cores divided by the workers when absent. */
    threads: z.number().int().min(1).max(256).optional(),
    /** Where ONNX Runtime runs: "cuda" needs its CUDA provider; "auto" uses it when present. */
    device: z.enum(DEVICES).optional(),
    /** Images per worker task. */
    batchSize: z.number().int().min(1).max(256).optional(),
    /** The TensorFlow.js backend of tfjs models; the best available when absent. */
    backend: z.enum(BACKENDS).optional(),
    /**
     * Also describe each map's evidence components for region-free concepts (analysis/
     * concepts), by the layer feeding the explained one, or by `conceptLayer`.
     */
    concepts: z.boolean().optional(),
    /** The descriptor layer of the concepts; implies `concepts`. */
    conceptLayer: z.string().min(1).optional(),
    /** Region roles to set for the dataset before computing (see AuditRolesSchema). */
    roles: AuditRolesSchema.optional(),
    /** Compute on `biascope worker` processes through Redis instead of this machine's threads. */
    queue: QueueSettingsSchema.optional(),
  })
  .strict();
export type AuditSettings = z.infer<typeof AuditSettingsSchema>;

export const AUDIT_PHASES = ['scanning', 'hashing', 'planning', 'loading-model', 'explaining', 'finished'] as const;
export type AuditPhase = (typeof AUDIT_PHASES)[number];

/** A `biascope worker` process serving a queued audit, as its last heartbeat said. */
export const WorkerPresenceSchema = z.object({
  id: z.string(),
  host: z.string(),
  pid: z.number().int(),
  /** Explaining threads (batches at once). */
  concurrency: z.number().int().min(1),
  /** What runs its model, once it has run one, e.g. "wasm (SIMD)". */
  backend: z.string().nullable(),
  /** Images it has explained for this audit. */
  images: z.number().int().min(0),
  /** Its pace over the last half minute. */
  imagesPerSecond: z.number().min(0),
  /** Seconds since its last heartbeat. */
  lastSeenSeconds: z.number().min(0),
});
export type WorkerPresence = z.infer<typeof WorkerPresenceSchema>;

export const AuditProgressSchema = z.object({
  phase: z.enum(AUDIT_PHASES),
  /** Images explained (or failed) so far in this run. */
  done: z.number().int().min(0),
  /** Images this run has to explain: what the cache misses. */
  total: z.number().int().min(0),
  failed: z.number().int().min(0),
  /** Images whose results were already cached. */
  reused: z.number().int().min(0),
  imagesPerSecond: z.number().min(0),
  /** Seconds left at the current pace; null until there is a pace. */
  etaSeconds: z.number().min(0).nullable(),
  paused: z.boolean(),
  /** A queued audit: the workers connected to it (none yet: an empty list). */
  workers: z.array(WorkerPresenceSchema).optional(),
});
export type AuditProgress = z.infer<typeof AuditProgressSchema>;

export const AUDIT_OUTCOMES = ['done', 'cancelled'] as const;

export const AuditSummarySchema = z.object({
  outcome: z.enum(AUDIT_OUTCOMES),
  jobId: z.number().int(),
  datasetId: z.number().int(),
  modelId: z.number().int(),
  layer: z.string(),
  /** Image files the dataset lists. */
  images: z.number().int().min(0),
  computed: z.number().int().min(0),
  reused: z.number().int().min(0),
  /** Maps whose region statistics were measured again, from the stored map, because the boxes changed. */
  regionStatsUpdated: z.number().int().min(0),
  /** Files skipped (unreadable, not images) and images whose explanation failed. */
  failed: z.number().int().min(0),
  elapsedSeconds: z.number().min(0),
  /** Images computed per second of the explaining phase. */
  imagesPerSecond: z.number().min(0),
  backend: z.string(),
});
export type AuditSummary = z.infer<typeof AuditSummarySchema>;
