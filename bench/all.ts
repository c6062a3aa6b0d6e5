/**
 * `npm run bench`: the engine, ONNX, audit, app, findings, concepts, concepts-validation, start-up, queue and faults benches, each in its own process
 * (each starts its own TensorFlow.js backend), with the same flags.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

for (const script of ['engine.bench.ts', 'onnx.bench.ts', 'audit.bench.ts', 'ui.bench.ts', 'findings.bench.ts', 'concepts.bench.ts', 'concepts-validation.bench.ts', 'startup.bench.ts', 'queue.bench.ts', 'faults.bench.ts']) {
  const file = fileURLToPath(new URL(script, import.meta.url));
  console.log(`\n== ${script}\n`);
  const run = spawnSync(process.execPath, ['--import', 'tsx', file, ...process.argv.slice(2)], { stdio: 'inherit' });
  if (run.status !== 0) process.exit(run.status ?? 1);
}
