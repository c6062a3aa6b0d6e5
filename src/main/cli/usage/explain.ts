/** The text of `biascope explain --help`, importable without the engine. */
import { METHODS } from '../../../shared/explain';
import { BACKENDS } from '../../../shared/devices';
import { RUNTIME_USAGE } from './runtime';

export const EXPLAIN_USAGE = `Usage: biascope explain <image>... --model <model.onnx|model.json> [options]

Explains a model's predictions for each image: the top predictions, and an
attribution map for each target class.

Options:
  --model <path>    a PyTorch model exported to ONNX (model.onnx), or a
                    TensorFlow.js model.json (or the folder of either), with a
                    biascope.json (or Teachable Machine metadata.json) beside it
  --target <t>      class to explain: an index, a class name, "predicted", or
                    "all" for one map per class             (default: predicted)
  --method <m>      ${METHODS.join(', ')}
                                                              (default: gradcam)
  --layer <name>    layer for CAM methods     (default: the model's default layer)
  --top <k>         predictions to report per image, best first     (default: 5)
  --batch <n>       images per forward pass                         (default: 8)
  --backend <b>     ${BACKENDS.join(', ')}          (default: best available)
${RUNTIME_USAGE}
  --json            JSON Lines on stdout: one object per (image, target), or
                    {"image", "error"} for an image that cannot be read
  -h, --help        show this help

Maps are raw (not normalised), at the layer's resolution for CAM methods and at
the model's input resolution for guided methods.
Exit status: 0 if at least one image was explained, 1 if none was or the model
cannot be used, 2 for a wrong command line.`;
