/** Rows and inputs of the store beyond types.ts: jobs, audit rows, reports. */
import type { EncodedMap } from '../../shared/map-codec';
import type { ImageError, JobStatus, MapStats, StoredPrediction } from './types';

export interface SyncCounts {
  /** New paths, and paths that had disappeared and are back. */
  added: number;
  /** Paths whose content, label, attributes or size differ from the last scan. */
  changed: number;
  /** Paths present before and not listed now. */
  removed: number;
}

export interface NewJob {
  datasetId: number;
  modelId: number;
  layer: string;
  methods: string[];
  /** Which targets the job explains, as the runner names them (e.g. 'predicted'). */
  targets: string;
  total: number;
}

export interface JobPatch {
  status?: JobStatus;
  done?: number;
  failed?: number;
  total?: number;
  /** null clears a previous error; absent leaves it. */
  error?: string | null;
  /** The backend that computed maps; absent leaves it. */
  backend?: string;
}

export interface JobRow {
  id: number;
  datasetId: number;
  modelId: number;
  layer: string;
  methods: string[];
  targets: string;
  status: JobStatus;
  total: number;
  done: number;
  failed: number;
  error: string | null;
  startedAt: string;
  finishedAt: string | null;
  /** The backend that computed its maps; null when it computed none. */
  backend: string | null;
}

export type StoredError = ImageError & { at: string };

/** One present image with what one (model, layer, method) found for its predicted class. */
export interface AuditRow {
  path: string;
  label: string;
  attributes: Record<string, string>;
  contentId: number;
  prediction: StoredPrediction | null;
  /** Statistics of the map whose target is the predicted class; region stats sorted by name. */
  stats: MapStats | null;
  map: EncodedMap | null;
}

export interface SizeReport {
  /** Bytes of the database file after a WAL checkpoint. */
  fileBytes: number;
  results: number;
  images: number;
}
