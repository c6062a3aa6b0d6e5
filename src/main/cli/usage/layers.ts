/** The text of `biascope layers --help`, importable without the engine. */
import { BACKENDS } from '../../../shared/devices';
import { RUNTIME_USAGE } from './runtime';

export const LAYERS_USAGE = `Usage: biascope layers --model <model.onnx|model.json> [--json]

Lists a model's layers with their output shapes, marks the ones a CAM method can
target (4-D outputs) and the one used by default. ONNX models exported from
PyTorch list their layers by module path (layer4, features.18), as --layer takes
them; --layer also takes an ONNX node or tensor name.

Options:
  --model <path>    a PyTorch model exported to ONNX (model.onnx), or a
                    TensorFlow.js model.json (or the folder of either)
  --backend <b>     ${BACKENDS.join(', ')}          (default: best available)
${RUNTIME_USAGE}
  --json            one JSON object per layer: name, className, shape, candidate, default
  -h, --help        show this help`;
