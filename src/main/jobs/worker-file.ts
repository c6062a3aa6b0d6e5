/** Where the worker threads' script is: apart from pool.ts, so that naming it loads no pool. */

/**
 * The worker script. From the TypeScript sources (CLI, tests) a small .mjs registers
 * tsx first; the built app ships the worker bundled beside the main bundle.
 */
export function defaultWorkerFile(): string {
  const here = import.meta.url;
  return here.endsWith('.ts') ? new URL('./worker-entry.mjs', here).href : new URL('./audit-worker.js', here).href;
}
