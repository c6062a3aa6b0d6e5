/** The --threads and --device lines shared by the help of explain and layers. */
import { DEVICES } from '../../../shared/devices';

export const RUNTIME_USAGE = `  --threads <n>     ONNX Runtime threads (ONNX models)  (default: the cores,
                    shared among audit workers)
  --device <d>      ${DEVICES.join(', ')}: where ONNX Runtime runs; cuda needs its
                    CUDA provider, auto uses it when installed (default: auto)`;
