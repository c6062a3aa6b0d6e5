/** What the audit runner sends its worker threads, and what they send back. */
import type { MethodName } from '../../shared/explain';
import type { EncodedMap } from '../../shared/map-codec';
import type { LayerInfo } from '../engine/model/network';
import type { BackendName } from '../engine/backend';
import type { RuntimeOptions } from '../engine/onnx/runtime';
import type { RegionBox } from '../library/types';
import type { ImageResult } from '../store/types';

export interface TaskImage {
  contentId: number;
  /** RGB bytes at the model's input size. */
  rgb: Uint8Array;
  /** The original image, oriented: statistics are over the map at this size. */
  width: number;
  height: number;
  regions: RegionBox[];
  /** Class explained besides the predicted one (the true label), or -1. */
  extraTarget: number;
}

export interface ExplainTask {
  modelPath: string;
  /** Identifies the model a worker holds: a changed file means a reload. */
  modelHash: string;
  backend?: BackendName;
  /** ONNX Runtime's threads and device, for ONNX models. */
  runtime?: RuntimeOptions;
  /** Absent: the model's default layer. */
  layer?: string;
  methods: MethodName[];
  targets: 'predicted' | 'label' | 'all';
  topK: number;
  /** Describe each map's evidence components by this descriptor layer (true: the default one). */
  concepts?: { layer: string | true };
  images: TaskImage[];
}

export interface ExplainReply {
  /** The backend that ran it, e.g. "wasm (SIMD)". */
  backend: string;
  /** The layer the maps read. */
  layer: string;
  results: ImageResult[];
  /** The descriptor layer the components were described by, when the task asked for concepts. */
  descriptorLayer?: string;
}

/** Loads a model and lists its layers, for the app's layer picker. */
export interface InspectTask {
  kind: 'inspect';
  modelPath: string;
  modelHash: string;
  backend?: BackendName;
  runtime?: RuntimeOptions;
}

export interface InspectReply {
  backend: string;
  layers: LayerInfo[];
  defaultLayer: string;
}

/** One map for one image, one method, one class: the app's image detail, on demand. */
export interface ExplainOneTask {
  kind: 'explain-one';
  modelPath: string;
  modelHash: string;
  backend?: BackendName;
  runtime?: RuntimeOptions;
  layer: string;
  method: MethodName;
  /** Class index explained. */
  target: number;
  /** RGB bytes at the model's input size. */
  rgb: Uint8Array;
}

export interface ExplainOneReply {
  backend: string;
  layer: string;
  map: EncodedMap;
}

/** The trust checks of an audit on a sample of its images, for the app's report. */
export interface TrustTask {
  kind: 'trust';
  modelPath: string;
  modelHash: string;
  backend?: BackendName;
  root: string;
  images: string[];
  layer: string;
  method: MethodName;
}

/** Class probabilities of images the main thread edited (the causal tests of concepts). */
export interface PredictTask {
  kind: 'predict';
  modelPath: string;
  modelHash: string;
  backend?: BackendName;
  runtime?: RuntimeOptions;
  /** RGB bytes at the model's input size, one per image. */
  images: Uint8Array[];
}

export interface PredictReply {
  /** One row of probabilities per image, in the model's class order. */
  probabilities: Float32Array[];
}

/** Every task a worker thread takes; a batch has no kind (the audit's own). */
export type WorkerTask = ExplainTask | InspectTask | ExplainOneTask | TrustTask | PredictTask;
