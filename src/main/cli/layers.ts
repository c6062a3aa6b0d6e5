/**
 * `biascope layers`: the layers of a model and which ones Grad-CAM can target, so a
 * user (or a UI) can pick one for --layer.
 */
import type { LayerInfo } from '../engine/model/network';
import { BACKENDS, type BackendName } from '../../shared/devices';
import { parseChoice, parseCommandArgs } from './args';
import { EXIT_OK, UsageError } from './errors';
import { RUNTIME_OPTIONS, parseRuntime } from './runtime-args';
import { LAYERS_USAGE } from './usage/layers';
import { withModel } from './model-path';
import type { CliIO } from './io';
import type { Command } from './command';

export { LAYERS_USAGE };

export function formatLayers(layers: readonly LayerInfo[], defaultLayer: string): string[] {
  const width = Math.max(...layers.map((l) => l.name.length), 5);
  const classWidth = Math.max(...layers.map((l) => l.className.length), 5);
  return layers.map((l) => {
    const mark = l.name === defaultLayer ? '*' : l.candidate ? '+' : ' ';
    const shape = l.shape ? `[${l.shape.join(', ')}]` : '?';
    return `${mark} ${l.name.padEnd(width)}  ${l.className.padEnd(classWidth)}  ${shape}`;
  });
}

async function runLayers(argv: readonly string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {
    model: { type: 'string' },
    backend: { type: 'string' },
    ...RUNTIME_OPTIONS,
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  });
  if (values.help) {
    await io.out(LAYERS_USAGE);
    return EXIT_OK;
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  if (!values.model) throw new UsageError('--model <model.onnx|model.json> is required');
  const backend = values.backend === undefined ? undefined : parseChoice<BackendName>(values.backend, '--backend', BACKENDS);
  return withModel(values.model, backend, io.err, parseRuntime(values), async (model) => {
    const { layers } = model.network;
    if (values.json) {
      for (const l of layers) await io.out(JSON.stringify({ ...l, default: l.name === model.defaultLayer }));
    } else {
      for (const line of formatLayers(layers, model.defaultLayer)) await io.out(line);
      await io.out('\n* default target layer   + can be targeted with --layer');
    }
    return EXIT_OK;
  });
}

export const layersCommand: Command = {
  name: 'layers',
  summary: "a model's layers, and which ones a CAM method can target",
  usage: LAYERS_USAGE,
  run: runLayers,
};
