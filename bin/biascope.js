#!/usr/bin/env node
// Launcher. It runs the build, out/main/cli.js (written by `npm install`'s prepare
// script and by every `electron-vite build`), which starts in a fraction of the time
// tsx takes to compile the sources on each run.
//
// From a checkout whose sources changed since the last build, the build would run
// stale code: then tsx runs the sources instead. Telling "changed" costs one stat of
// the bundle plus a walk of src/ comparing modification times (some 250 files and
// folders, about 10 ms); it finds nothing to walk where src/ is absent, so an installed package,
// which ships no sources, goes straight to the bundle. BIASCOPE_FROM_SOURCES=1 forces
// the sources, BIASCOPE_FROM_SOURCES=0 the build.
import { readdirSync, statSync } from 'node:fs';
import module from 'node:module';
import { join } from 'node:path';

// V8 keeps the compiled code of the modules on disk (in the system's temp folder) and
// reuses it while they are unchanged: each later start skips parsing them again.
module.enableCompileCache?.();

const root = join(import.meta.dirname, '..');
const bundle = join(root, 'out', 'main', 'cli.js');
const sources = join(root, 'src');

function mtimeOf(file) {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return null;
  }
}

/**
 * Whether anything under `dir` changed after `time`: a file's time for an edit, a
 * folder's for a file added, removed or renamed in it. Stops at the first one.
 */
function changedAfter(dir, time) {
  if ((mtimeOf(dir) ?? 0) > time) return true;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return false;
  }
  for (const entry of entries) {
    const file = join(dir, entry.name);
    if (entry.isDirectory() ? changedAfter(file, time) : (mtimeOf(file) ?? 0) > time) return true;
  }
  return false;
}

function useSources() {
  const forced = process.env.BIASCOPE_FROM_SOURCES;
  if (forced === '1') return true;
  const built = mtimeOf(bundle);
  if (built === null) return true;
  if (forced === '0') return false;
  // Only the main process's sources and the shared ones go into cli.js.
  return changedAfter(join(sources, 'main'), built) || changedAfter(join(sources, 'shared'), built);
}

if (useSources()) {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/main/cli/main.ts');
} else {
  await import('../out/main/cli.js');
}
