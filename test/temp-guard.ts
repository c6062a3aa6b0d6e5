/**
 * Global setup: the run gets a temporary directory of its own, and fails if the tests
 * leave anything in it.
 *
 * TMPDIR (TMP, TEMP on Windows) points the whole run there: test workers, the CLI
 * children they spawn, `biascope serve`, Chromium and worker threads all inherit it, so
 * whatever they leave is this run's and nobody else's. Watching the shared directory
 * itself could not say that: other programs, and other checkouts running these same
 * tests, create and remove entries in it meanwhile.
 */
import { lstatSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const RUN_PREFIX = 'biascope-test-run-';

/**
 * Files that libraries keep in the temporary directory by design, made once and reused
 * by every later process rather than left by one: tsx's compiled sources, Node's
 * compile cache, ONNX Runtime's native library's `.ses` (a time and an id it writes on
 * first load and reads thereafter). They go with the run's directory.
 */
const CACHES = [/^tsx-\d+$/, /^node-compile-cache$/, /^\.ses$/];

/** Names the tests and what they run create in the shared directory if TMPDIR is ignored. */
const OURS = [/^biascope-/, /^playwright/, /^\.org\.chromium\./, /^\.com\.google\.Chrome\./];

const VARIABLES = ['TMPDIR', 'TMP', 'TEMP'] as const;

interface Entry {
  name: string;
  mtimeMs: number;
}

function entries(dir: string): Entry[] {
  const found: Entry[] = [];
  for (const name of readdirSync(dir)) {
    try {
      found.push({ name, mtimeMs: lstatSync(path.join(dir, name)).mtimeMs });
    } catch {
      // Removed between the listing and the stat: not left behind.
    }
  }
  return found;
}

/** Entries made since `started` that were not there before and are no cache. */
export function leftSince(dir: string, before: ReadonlySet<string>, started: number): string[] {
  return entries(dir)
    .filter((entry) => !before.has(entry.name) && entry.mtimeMs >= started && !CACHES.some((cache) => cache.test(entry.name)))
    .map((entry) => entry.name)
    .sort();
}

export default function setup(): () => void {
  const shared = os.tmpdir();
  // File systems keep mtimes coarser than Date.now() on some machines: a second of slack.
  const started = Date.now() - 1_000;
  const sharedBefore = new Set(readdirSync(shared));
  const runDir = mkdtempSync(path.join(shared, RUN_PREFIX));
  const runBefore = new Set(readdirSync(runDir));
  const saved = VARIABLES.map((name) => [name, process.env[name]] as const);
  for (const name of VARIABLES) process.env[name] = runDir;

  return () => {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    const left = leftSince(runDir, runBefore, started);
    const strays = leftSince(shared, sharedBefore, started).filter((name) => OURS.some((ours) => ours.test(name)) && !name.startsWith(RUN_PREFIX));
    rmSync(runDir, { recursive: true, force: true, maxRetries: 3 });
    if (strays.length > 0) {
      // Maybe this run's (something that ignores TMPDIR), maybe another run of the tests
      // on this machine: reported, not failed on.
      const shown = strays.slice(0, 10).join('\n  ') + (strays.length > 10 ? `\n  and ${strays.length - 10} more` : '');
      console.warn(`\nNew entries in ${shared} during the run that look like the tests' (they ignore TMPDIR, or another run made them):\n  ${shown}\n`);
    }
    if (left.length > 0) {
      // Thrown from the teardown, vitest prints it as an error during close and exits 1.
      throw new Error(
        `the tests left ${left.length} entr${left.length === 1 ? 'y' : 'ies'} in the temporary directory ` +
          `(remove them in afterAll/afterEach or finally, and end the processes that made them):\n  ${left.join('\n  ')}`,
      );
    }
  };
}
