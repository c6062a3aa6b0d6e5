/**
 * `biascope explain`: predictions and an attribution map for each image and target,
 * as text for a person or JSON Lines for a script.
 */
import { explainBatch, type ExplainOptions, type ImageExplanation } from '../engine/explain';
import { EngineError } from '../engine/errors';
import type { LoadedModel } from '../engine/model/load';
import { parseTarget } from '../engine/targets';
import { EXIT_FAILURE, EXIT_OK } from './errors';
import { EXPLAIN_USAGE, parseExplainArgs, type ExplainRequest } from './explain-args';
import { formatMap, formatPredictions, indent } from './format';
import { isDecoded, readImages, type ReadImage } from './images';
import { withModel } from './model-path';
import { chunks } from '../util/chunks';
import { errorRecord, mapRecord } from './json-lines';
import type { CliIO } from './io';
import type { Command } from './command';

/**
 * Checks the layer, target and method against the model before any image is read,
 * so a wrong option fails at once with the engine's message.
 */
export function explainOptionsFor(model: LoadedModel, request: ExplainRequest): ExplainOptions {
  const target = parseTarget(request.target, model.config.classes);
  const readsLayer = request.method !== 'guided-backprop';
  const layer = request.layer ?? model.defaultLayer;
  if (readsLayer || request.layer !== undefined) model.network.split(layer);
  if (request.method === 'cam') {
    const head = model.network.camHead(layer);
    if ('reason' in head) throw new EngineError('method-unsupported', `cam: ${head.reason}`);
  }
  return { methods: [request.method], layer, target, topK: request.top };
}

async function report(io: CliIO, json: boolean, image: ReadImage, explanation: ImageExplanation | undefined): Promise<void> {
  if (!isDecoded(image)) {
    if (json) await io.out(JSON.stringify(errorRecord(image.path, image.error)));
    else io.err(`${image.path}: ${image.error}`);
    return;
  }
  if (!explanation) throw new Error(`no explanation for ${image.path}`);
  if (json) {
    for (const map of explanation.maps) await io.out(JSON.stringify(mapRecord(image.path, explanation, map)));
    return;
  }
  const lines = [image.path, ...indent(formatPredictions(explanation.predictions))];
  for (const map of explanation.maps) lines.push('', ...indent(formatMap(map)));
  for (const line of [...lines, '']) await io.out(line);
}

async function explainImages(io: CliIO, request: ExplainRequest, model: LoadedModel): Promise<number> {
  const options = explainOptionsFor(model, request);
  const inputSize = model.config.inputSize;
  const batches = chunks(request.images, request.batch);
  let explained = 0;
  // The next batch decodes (on sharp's threads) while this one runs through the model.
  let pending = batches.length > 0 ? readImages(batches[0]!, inputSize, model.config.preprocess) : null;
  for (let i = 0; pending; i++) {
    const images = await pending;
    pending = i + 1 < batches.length ? readImages(batches[i + 1]!, inputSize, model.config.preprocess) : null;
    const decoded = images.filter(isDecoded);
    const explanations = decoded.length > 0 ? await explainBatch(model, decoded.map((image) => image.rgb), options) : [];
    const explanationOf = new Map<ReadImage, ImageExplanation>(decoded.map((image, k) => [image, explanations[k]!]));
    for (const image of images) await report(io, request.json, image, explanationOf.get(image));
    explained += decoded.length;
  }
  if (explained === 0) {
    io.err('biascope explain: no image could be read; nothing was explained');
    return EXIT_FAILURE;
  }
  return EXIT_OK;
}

async function runExplain(argv: readonly string[], io: CliIO): Promise<number> {
  const parsed = parseExplainArgs(argv);
  if (parsed.help) {
    await io.out(EXPLAIN_USAGE);
    return EXIT_OK;
  }
  return withModel(parsed.model, parsed.backend, io.err, parsed.runtime, (model) => explainImages(io, parsed, model));
}

export const explainCommand: Command = {
  name: 'explain',
  summary: 'predictions and attribution maps (Grad-CAM, ...) for images',
  usage: EXPLAIN_USAGE,
  run: runExplain,
};
