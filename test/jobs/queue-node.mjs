// One node of a queued audit as its own process, from the sources, for the fault tests:
//   node queue-node.mjs worker <redis-url> <cache-dir>        (BIASCOPE_FAULT: a faulty thread script)
//   node queue-node.mjs coordinator <settings-json> <db-file> <lease-json>
// A coordinator prints its summary as one JSON line when the audit ends.
import { register } from 'tsx/esm/api';

register();
const [role, ...args] = process.argv.slice(2);

if (role === 'worker') {
  const { runQueueWorker } = await import('../../src/main/jobs/queue/remote-worker.ts');
  const [url, cacheDir] = args;
  const stop = new AbortController();
  process.on('SIGTERM', () => stop.abort());
  await runQueueWorker({
    url,
    concurrency: 1,
    cacheDir,
    ...(process.env.BIASCOPE_FAULT ? { workerFile: new URL('./faulty-worker.mjs', import.meta.url).href } : {}),
    log: (line) => process.stderr.write(`${line}\n`),
    signal: stop.signal,
  });
} else if (role === 'coordinator') {
  const { startAudit } = await import('../../src/main/jobs/audit.ts');
  const { openStore } = await import('../../src/main/store/index.ts');
  const [settings, db, lease] = args;
  const store = openStore(db);
  try {
    const summary = await startAudit(store, JSON.parse(settings), { lease: JSON.parse(lease) }).finished;
    process.stdout.write(`${JSON.stringify(summary)}\n`);
  } finally {
    store.close();
  }
} else {
  throw new Error(`unknown role ${role}`);
}
