// @ts-check
/**
 * The layering of the source tree (DESIGN.md, "Shape of the code"), in one table read by
 * eslint.config.js (rule biascope/no-cross-layer) and scripts/import-graph.ts.
 *
 * A layer may import its own paths and every layer of a lower rank; layers of equal rank
 * are peers and do not import each other (store and images, jobs and export). A layer with
 * `may` lists instead exactly the layers it may import besides itself: the transports,
 * which reach the application only through api.ts and backend.ts, and the two sides of
 * the window (preload, renderer), which see only the contract in src/shared.
 * Type-only imports count like any other: a type a transport needs goes through backend.ts.
 */
import path from 'node:path';

/**
 * @typedef {object} Layer
 * @property {string} name
 * @property {number} rank
 * @property {string[]} paths  folders, or single files (ending in .ts), relative to the root
 * @property {string[]} [may]  when set: the only other layers this one may import
 * @property {string} reason   why, in the words of the design; ends every lint message
 */

/** Transports see the contract, the app's entry points and the leaf services. */
const TRANSPORT = ['shared', 'util', 'images', 'api'];

/** @type {Layer[]} */
export const LAYERS = [
  // rank 0: both processes
  { name: 'shared', rank: 0, paths: ['src/shared'], reason: 'shared code runs on both sides and imports nothing outside src/shared' },
  // ranks 1-8: src/main, services from the bottom up
  { name: 'util', rank: 1, paths: ['src/main/util'], reason: 'util/ holds helpers for every layer and imports only src/shared' },
  { name: 'engine', rank: 2, paths: ['src/main/engine'], reason: 'the engine takes tensors and knows nothing of datasets, SQLite or the app' },
  { name: 'library', rank: 3, paths: ['src/main/library'], reason: 'a dataset on disk: it may use the engine (preprocess) but nothing that stores or serves it' },
  { name: 'store', rank: 4, paths: ['src/main/store'], reason: 'the store speaks SQL for the layers above and imports only what it persists (library types) and below' },
  { name: 'images', rank: 4, paths: ['src/main/images'], reason: 'the image service reads dataset files and knows nothing of the store or the app' },
  { name: 'analysis', rank: 5, paths: ['src/main/analysis'], reason: 'analysis computes over stored results and is used by jobs, export and the workspace, never the reverse' },
  { name: 'jobs', rank: 6, paths: ['src/main/jobs'], reason: 'the audit runner sits under the workspace and beside export' },
  { name: 'export', rank: 6, paths: ['src/main/export'], reason: 'export kinds sit under the workspace and beside the audit runner' },
  { name: 'workspace', rank: 7, paths: ['src/main/workspace'], reason: 'the workspace is the application layer, called by api.ts and never by the services under it' },
  { name: 'api', rank: 8, paths: ['src/main/api.ts', 'src/main/backend.ts'], reason: 'api.ts and backend.ts build the contract from the workspace and are what every transport calls' },
  // rank 9: transports, side by side, each over api.ts and backend.ts
  { name: 'electron', rank: 9, paths: ['src/main/electron'], may: TRANSPORT, reason: 'the desktop shell is a transport: it reaches the app only through api.ts and backend.ts' },
  { name: 'serve', rank: 9, paths: ['src/main/serve'], may: TRANSPORT, reason: 'the HTTP transport reaches the app only through api.ts and backend.ts' },
  { name: 'cli', rank: 9, paths: ['src/main/cli'], may: [...TRANSPORT, 'engine', 'library', 'serve'], reason: 'the command line is a transport: api.ts and backend.ts, plus the engine and image decoding (library/) for the engine tools `explain` and `layers`, and serve/ for `serve`' },
  { name: 'index', rank: 9, paths: ['src/main/index.ts'], may: [...TRANSPORT, 'electron'], reason: 'the desktop entry point starts the shell in electron/ over api.ts and backend.ts' },
  // the window's side: contract only
  { name: 'preload', rank: 10, paths: ['src/preload'], may: ['shared'], reason: 'the preload bridge exposes the contract and imports only src/shared' },
  { name: 'renderer', rank: 10, paths: ['src/renderer'], may: ['shared'], reason: 'the renderer talks only to the contract (window.biascope)' },
];

const byName = new Map(LAYERS.map((layer) => [layer.name, layer]));

/**
 * @param {string} name
 * @returns {Layer}
 */
export function layerNamed(name) {
  const layer = byName.get(name);
  if (!layer) throw new Error(`layers: unknown layer '${name}'`);
  return layer;
}

/**
 * The layers `layer` may not import.
 * @param {Layer} layer
 * @returns {Layer[]}
 */
export function forbiddenLayers(layer) {
  const allowed = layer.may
    ? new Set([layer.name, ...layer.may])
    : new Set(LAYERS.filter((other) => other.rank < layer.rank || other === layer).map((other) => other.name));
  for (const name of allowed) layerNamed(name);
  return LAYERS.filter((other) => !allowed.has(other.name));
}

/** Extensions an import may carry or omit. */
const EXTENSION = /\.(?:[cm]?[jt]s|svelte)$/;

/**
 * Whether an absolute path (a resolved import, extension or not) lies in a layer path.
 * @param {string} target absolute
 * @param {string} layerPath absolute: a folder, or a file
 */
export function isInPath(target, layerPath) {
  if (EXTENSION.test(layerPath)) return target.replace(EXTENSION, '') === layerPath.replace(EXTENSION, '');
  return target === layerPath || target.startsWith(layerPath + path.sep);
}

/**
 * The layer holding an absolute path, if any.
 * @param {string} root absolute repository root
 * @param {string} target absolute
 * @returns {Layer | undefined}
 */
export function layerOf(root, target) {
  return LAYERS.find((layer) => layer.paths.some((p) => isInPath(target, path.resolve(root, p))));
}

/**
 * ESLint `files` globs of a layer.
 * @param {Layer} layer
 */
export function layerGlobs(layer) {
  return layer.paths.map((p) => (EXTENSION.test(p) ? p : `${p}/**`));
}
