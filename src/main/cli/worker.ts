/**
 * `biascope worker`: this machine computes for audits queued on a Redis server. The
 * work itself lives under the application layer (jobs/queue/remote-worker.ts); this
 * command reads its options and stops it on a signal.
 */
import os from 'node:os';
import { BACKENDS, DEVICES, type BackendName, type Device } from '../../shared/devices';
import { QueueSettingsSchema } from '../../shared/audit';
import { runQueueWorker } from '../backend';
import { parseChoice, parseCommandArgs, parseInteger } from './args';
import { EXIT_INTERRUPTED, EXIT_OK, UsageError } from './errors';
import type { CliIO } from './io';
import type { Command } from './command';
import { WORKER_USAGE } from './usage/worker';

export { WORKER_USAGE };

async function runWorker(argv: readonly string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {
    queue: { type: 'string' },
    concurrency: { type: 'string' },
    device: { type: 'string' },
    backend: { type: 'string' },
    cache: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  });
  if (values.help) {
    await io.out(WORKER_USAGE);
    return EXIT_OK;
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  if (values.queue === undefined) throw new UsageError('--queue <redis://host:port> is required');
  const url = QueueSettingsSchema.shape.url.safeParse(values.queue);
  if (!url.success) throw new UsageError(`--queue: ${url.error.issues[0]?.message ?? 'not a Redis address'}, got "${values.queue}"`);
  const concurrency = values.concurrency === undefined ? Math.max(1, os.availableParallelism()) : parseInteger(values.concurrency, '--concurrency', 1, 64);
  const device = values.device === undefined ? undefined : parseChoice<Device>(values.device, '--device', DEVICES);
  const backend = values.backend === undefined ? undefined : parseChoice<BackendName>(values.backend, '--backend', BACKENDS);
  const stop = new AbortController();
  let signals = 0;
  const onSignal = () => {
    signals++;
    if (signals > 1) process.exit(EXIT_INTERRUPTED);
    void io.err('biascope worker: finishing the chunks in hand (Ctrl-C again to stop at once)');
    stop.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    await runQueueWorker({
      url: url.data,
      concurrency,
      ...(device ? { device } : {}),
      ...(backend ? { backend } : {}),
      ...(values.cache ? { cacheDir: values.cache } : {}),
      log: (line) => void io.err(`biascope worker: ${line}`),
      signal: stop.signal,
    });
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  // A stop that finished and answered its chunks is a clean end.
  return EXIT_OK;
}

export const workerCommand: Command = {
  name: 'worker',
  summary: 'compute for audits queued on a Redis server (biascope audit --queue), on this machine',
  usage: WORKER_USAGE,
  run: runWorker,
};
