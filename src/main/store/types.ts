/** Rows and inputs of the store, as the rest of main sees them. */
import type { MethodName } from '../../shared/explain';
import type { RegionBox } from '../library/types';

export interface DatasetRow {
  id: number;
  /** Absolute root folder. */
  root: string;
  name: string;
}

export interface ModelRow {
  id: number;
  /** sha256 over model.json, its weight files and the sidecar. */
  hash: string;
  path: string;
  kind: 'layers' | 'graph' | 'onnx';
  /** Class names, in output order. */
  classes: string[];
  /** The validated sidecar config, as JSON text. */
  config: string;
}

/** An image of a dataset as the planner needs it. */
export interface ImageRow {
  id: number;
  path: string;
  contentId: number;
  hash: string;
  label: string;
  attributes: Record<string, string>;
  regions: RegionBox[];
}

/** Attention statistics of one map (see analysis/attention.ts). */
export interface MapStats {
  max: number;
  entropy: number;
  peakX: number;
  peakY: number;
  spread: number;
  /** Weakly-supervised box as fractions of the image, or null for an empty map. */
  box: { x0: number; y0: number; x1: number; y1: number } | null;
  regions: { name: string; mass: number; boxIou: number }[];
}

export interface StoredPrediction {
  /** Predicted class index. */
  predicted: number;
  prob: number;
  logit: number;
  /** Top-k, best first. */
  top: { index: number; logit: number; prob: number }[];
}

export interface MapToStore {
  method: MethodName;
  target: number;
  width: number;
  height: number;
  /** The map, encoded with shared/map-codec (uint16 little-endian scaled by stats.max). */
  blob: Uint8Array;
  stats: MapStats;
  /** Evidence components, when the audit describes its maps (concepts). */
  components?: MapComponents;
}

/** An evidence component of a map, as stored (see schema-6.ts and analysis/concepts). */
export interface StoredComponent {
  /** Share of the map's positive mass. */
  share: number;
  mass: number;
  /** Mass-weighted centre in [0, 1] of the map's width and height. */
  cx: number;
  cy: number;
  /** A bit per map cell, row-major, least significant bit first. */
  cells: Uint8Array;
  /** The descriptor as a unit vector scaled to int8 (x 127). */
  descriptor: Int8Array;
}

/** The components of one map for one descriptor layer (none for an empty map). */
export interface MapComponents {
  descriptorLayer: string;
  items: StoredComponent[];
}

export interface ImageResult {
  contentId: number;
  /** Original image size, oriented. */
  width: number;
  height: number;
  prediction: StoredPrediction;
  maps: MapToStore[];
  /** analysis/region-key of the boxes the maps' region statistics were measured on; absent: measured again at the next refresh. */
  regionsKey?: string;
}

export type ErrorStage = 'scan' | 'decode' | 'explain';

export interface ImageError {
  path: string;
  contentId: number | null;
  stage: ErrorStage;
  reason: string;
}

export type JobStatus = 'running' | 'paused' | 'done' | 'cancelled' | 'failed' | 'interrupted';
