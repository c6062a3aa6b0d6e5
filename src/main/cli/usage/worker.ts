/** The text of `biascope worker --help`, importable without the worker's implementation. */
import { BACKENDS, DEVICES } from '../../../shared/devices';

export const WORKER_USAGE = `Usage: biascope worker --queue <url> [options]

Computes for audits coordinated through a Redis server (biascope audit ... --queue
<url>) on this machine, until stopped. Joins every audit announced there, receives
its model once (checked by its hash, kept in the cache folder) and explains the
chunks of images it takes from the audit's queue with the same code as a local
audit. Workers may start and stop at any time: a chunk whose worker dies is taken
by another.

Options:
  --queue <url>       the Redis server, e.g. redis://host:6379 (required)
  --concurrency <n>   explaining threads      (default: the number of cores)
  --device <d>        ${DEVICES.join(', ')}: where ONNX Runtime runs here (default: auto)
  --backend <b>       ${BACKENDS.join(', ')}          (default: best available)
  --cache <dir>       where received models are kept
                      (default: ~/.cache/biascope/models)
  -h, --help          show this help

Ctrl-C (or SIGTERM) finishes the chunks in hand, answers them and stops; a second
Ctrl-C stops at once (the chunks go back to the queue).`;
