/**
 * The import graph of the source tree at the level of layers (scripts/layers.js): how
 * many imports go from each layer to each other, with every edge the layering forbids
 * marked and listed by file. Exits 1 if there is any such edge, or a file of src/main in
 * no layer. Relative imports only; packages are the lint config's business.
 *
 *   npx tsx scripts/import-graph.ts
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { LAYERS, forbiddenLayers, layerOf, type Layer } from './layers.js';

const root = path.resolve(import.meta.dirname, '..');
const SOURCE = /\.(?:[cm]?[jt]s|svelte)$/;

function* sourceFiles(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* sourceFiles(full);
    else if (SOURCE.test(entry.name)) yield full;
  }
}

/** Module specifiers of a file: imports (type-only too), `export ... from`, `import()`, `require()`. */
function specifiers(file: string): string[] {
  let text = readFileSync(file, 'utf8');
  if (file.endsWith('.svelte')) text = [...text.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]).join('\n');
  return ts.preProcessFile(text, true, true).importedFiles.map((ref) => ref.fileName);
}

interface Edge {
  from: Layer;
  to: Layer;
  count: number;
  forbidden: boolean;
  /** `file -> specifier` of each import, when forbidden */
  sites: string[];
}

const edges = new Map<string, Edge>();
const unplaced: string[] = [];
const rel = (file: string) => path.relative(root, file).split(path.sep).join('/');

for (const file of sourceFiles(path.join(root, 'src'))) {
  const from = layerOf(root, file);
  if (!from) {
    if (rel(file).startsWith('src/main/')) unplaced.push(rel(file));
    continue;
  }
  const forbidden = new Set(forbiddenLayers(from));
  for (const source of specifiers(file)) {
    if (!source.startsWith('.')) continue;
    const to = layerOf(root, path.resolve(path.dirname(file), source));
    if (!to || to === from) continue;
    const key = `${from.name}\0${to.name}`;
    const edge = edges.get(key) ?? { from, to, count: 0, forbidden: forbidden.has(to), sites: [] };
    edge.count += 1;
    if (edge.forbidden) edge.sites.push(`${rel(file)} -> '${source}'`);
    edges.set(key, edge);
  }
}

const order = (layer: Layer) => LAYERS.indexOf(layer);
const sorted = [...edges.values()].sort((a, b) => order(b.from) - order(a.from) || order(b.to) - order(a.to));
const width = Math.max(...LAYERS.map((layer) => layer.name.length));

console.log('rank  layer' + ' '.repeat(width - 5) + '  imports (count)');
for (const layer of [...LAYERS].reverse()) {
  const out = sorted.filter((edge) => edge.from === layer);
  const targets = out.map((edge) => `${edge.to.name} ${edge.count}${edge.forbidden ? ' FORBIDDEN' : ''}`).join(', ');
  console.log(`${String(layer.rank).padStart(4)}  ${layer.name.padEnd(width)}  ${targets || '-'}`);
}

const bad = sorted.filter((edge) => edge.forbidden);
for (const edge of bad) {
  console.log(`\n${edge.from.name} -> ${edge.to.name} (${edge.count}): ${edge.from.reason}`);
  for (const site of edge.sites) console.log(`  ${site}`);
}
for (const file of unplaced) console.log(`\nin no layer: ${file}`);

const violations = bad.reduce((sum, edge) => sum + edge.count, 0);
console.log(`\n${edges.size} edges between layers, ${violations} forbidden import(s)${unplaced.length ? `, ${unplaced.length} file(s) in no layer` : ''}`);
process.exitCode = violations > 0 || unplaced.length > 0 ? 1 : 0;
