/**
 * The attribution engine: tensors in, typed arrays out. Knows nothing of files
 * beyond the model it loads, nor of SQLite.
 */
export { initBackend, ensureBackend, describeBackend, BACKENDS, type BackendInfo, type BackendName } from './backend';
export { EngineError, type EngineErrorKind } from './errors';
export { loadModel, type LoadedModel } from './model/load';
export type { LayerInfo, Network } from './model/network';
export { toInputTensor, type RgbImage } from './preprocess';
export { parseTarget, resolveTargets } from './targets';
export { predictBatch, argmax } from './predict';
export { explainBatch, liveTensors, type ExplainOptions, type ExplainedMap, type ImageExplanation } from './explain';
export type { Descriptor } from './descriptor';
export { randomizationSanityCheck, type SanityCheckResult, type RandomizationStep } from './sanity';
export { faithfulnessCurves, type FaithfulnessCurves, type FaithfulnessOptions } from './faithfulness';
