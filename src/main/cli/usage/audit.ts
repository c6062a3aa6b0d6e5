/** The text of `biascope audit --help`, importable without the audit's implementation. */
import { GUIDED_METHODS, METHODS } from '../../../shared/explain';
import { BACKENDS } from '../../../shared/devices';
import { REPORTER_USAGE } from '../progress-reporter';

/** The methods `biascope audit` takes: all but the guided ones. */
export const AUDIT_METHODS = METHODS.filter((m) => !GUIDED_METHODS.includes(m));

export const AUDIT_USAGE = `Usage: biascope audit <dataset-dir> --model <model.json|model.onnx> --out <dir> [options]

Explains every image of a dataset folder and caches maps, predictions and
attention statistics in <dir>/audit.db. A second run computes only what is
missing. Writes <dir>/images.csv (one row per image) and <dir>/errors.csv (every
file skipped, with the reason).

The dataset is one sub-folder per class, or a manifest.csv (path,label,...) at its
root; regions.csv (path,region,x0,y0,x1,y1) or COCO JSON boxes name regions.

Options:
  --model <path>              a PyTorch model exported to ONNX (model.onnx), or a
                              TensorFlow.js model.json (or the folder of either),
                              with a biascope.json beside it
  --out <dir>                 where audit.db and the CSV files go (created)
  --method <m>                ${AUDIT_METHODS.join(', ')}; repeat for
                              several                      (default: gradcam)
  --layer <name>              target layer      (default: the model's default)
  --targets <t>               predicted, label (predicted and true label) or
                              all (every class)               (default: label)
  --workers <n>               worker threads     (default: the number of cores;
                              1 for ONNX models, which use the cores as threads)
  --threads <n>               ONNX Runtime threads per worker (ONNX models)
                              (default: the cores divided by the workers)
  --device <d>                cpu, cuda or auto: where ONNX Runtime runs; cuda needs
                              its CUDA provider (see the README), auto uses it
                              when installed                      (default: auto)
  --batch <n>                 images per worker task              (default: 8)
  --backend <b>               ${BACKENDS.join(', ')}   (default: best available)
  --spurious-region <name>    a region that should not decide the class (repeat for
                              several); kept as the dataset's region roles, which the
                              app's suggestions and the report use too
  --evidence-region <name>    a region that should decide it (repeat for several)
  --spurious-threshold <x>    share of the map on spurious regions from which an
                              image is spurious focus (default: the stored one, or 0.5)
  --group-by <attribute>      also write the rebalancing plan for the groups of this
                              manifest attribute: rebalance-summary.csv, rebalance.csv,
                              rebalance.json (see biascope export rebalance --help)
  --concepts                  also describe each map's evidence components, for the
                              region-free concepts of biascope export concepts
  --concept-layer <name>      the layer describing them (implies --concepts)
                              (default: the layer feeding the explained one)
  --queue <url>               compute on \`biascope worker\` processes on any
                              machine through a BullMQ queue on the Redis server
                              at <url> (redis://host:6379); this process scans,
                              plans and alone writes audit.db
  --shared-fs                 with --queue: workers read the images and the model
                              at the same paths (else their bytes travel in Redis)
  --chunk <n>                 with --queue: images per queued job    (default: 64)
${REPORTER_USAGE}
  -h, --help                  show this help

images.csv statistics are for the predicted class's map of the first method.
Ctrl-C stops cleanly: finished batches are kept, and the same command resumes.
Exit status: 0 when the audit completes (skipped files included), 1 when it
cannot run, 2 for a wrong command line, 130 when stopped with Ctrl-C.`;
