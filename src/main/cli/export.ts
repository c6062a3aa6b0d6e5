/**
 * `biascope export <what>`: findings written from an audit database for a team to act
 * on. `rebalance` writes the rebalancing plan (see analysis/rebalance.ts).
 */
import { accessSync, constants, existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { REBALANCE_POLICIES } from '../analysis/rebalance';
import { openStore, type Store } from '../store';
import type { DatasetRow } from '../store/types';
import { parseChoice, parseCommandArgs, parseInteger } from './args';
import type { Command } from './command';
import { CliError, EXIT_OK, UsageError } from './errors';
import { exportBoxes, exportClusters, exportRebalance, exportReport, exportTrust, spuriousRules } from './export-kinds';
import { exportCompare } from './export-compare';
import type { CliIO } from './io';
import { EXPORT_USAGE } from './usage/export';

export { EXPORT_USAGE };

const OPTIONS = {
  db: { type: 'string' },
  'group-by': { type: 'string' },
  clusters: { type: 'string' },
  target: { type: 'string' },
  masks: { type: 'boolean' },
  sample: { type: 'string' },
  'spurious-region': { type: 'string', multiple: true },
  'evidence-region': { type: 'string', multiple: true },
  threshold: { type: 'string' },
  trust: { type: 'boolean' },
  pdf: { type: 'boolean' },
  title: { type: 'string' },
  'model-card': { type: 'string' },
  a: { type: 'string' },
  b: { type: 'string' },
  dataset: { type: 'string' },
  policy: { type: 'string' },
  out: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

function parseShare(value: string, option: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0 || n > 1) throw new UsageError(`${option} must be a number from 0 to 1, got "${value}"`);
  return n;
}

/** The dataset named by --dataset, or the database's only one. */
function pickDataset(store: Store, root: string | undefined): DatasetRow {
  const all = store.allDatasets();
  if (root !== undefined) {
    const wanted = path.resolve(root);
    const found = all.find((d) => d.root === wanted);
    if (!found) throw new CliError(`the database has no dataset at ${wanted}; it has: ${all.map((d) => d.root).join(', ') || 'none'}`);
    return found;
  }
  if (all.length === 1) return all[0]!;
  if (all.length === 0) throw new CliError('the database holds no dataset: audit one first');
  throw new UsageError(`the database holds ${all.length} datasets: choose one with --dataset (${all.map((d) => d.root).join(', ')})`);
}

async function runExport(argv: readonly string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, OPTIONS);
  if (values.help) {
    await io.out(EXPORT_USAGE);
    return EXIT_OK;
  }
  const [what, ...extra] = positionals;
  if (what !== 'rebalance' && what !== 'clusters' && what !== 'boxes' && what !== 'trust' && what !== 'report' && what !== 'compare') {
    throw new UsageError(
      what === undefined ? 'say what to export: rebalance, clusters, boxes, trust, report or compare' : `cannot export "${what}"; can export: rebalance, clusters, boxes, trust, report, compare`,
    );
  }
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
  if (!values.db) throw new UsageError('--db is required');
  const groupBy = values['group-by'];
  if (what === 'rebalance' && !groupBy) throw new UsageError('--group-by is required');
  const policy = parseChoice(values.policy ?? 'equal', '--policy', REBALANCE_POLICIES);
  const clusters = values.clusters === undefined ? undefined : parseInteger(values.clusters, '--clusters', 1, 50);
  const sample = values.sample === undefined ? undefined : parseInteger(values.sample, '--sample', 1, 200);
  const threshold = values.threshold === undefined ? 0.5 : parseShare(values.threshold, '--threshold');
  if (values.title !== undefined && values.title.trim() === '') throw new UsageError('--title must not be empty');
  if (values['model-card'] !== undefined && !existsSync(values['model-card'])) throw new CliError(`no model card at ${values['model-card']}`);
  if (!existsSync(values.db)) throw new CliError(`no database at ${values.db}`);
  const store = openForExport(values.db);
  try {
    const dataset = pickDataset(store, values.dataset);
    const out = values.out ?? path.dirname(path.resolve(values.db));
    await mkdir(out, { recursive: true });
    const context = { store, dataset, out, io };
    if (what === 'compare') {
      const { a, b, 'spurious-region': spurious, 'evidence-region': evidence } = values;
      const files = await exportCompare(context, { a, b, groupBy, spurious, evidence, threshold });
      io.err(`wrote ${files.join(', ')}`);
      return EXIT_OK;
    }
    const files =
      what === 'rebalance'
        ? await exportRebalance(context, groupBy!, policy)
        : what === 'clusters'
          ? await exportClusters(context, clusters)
          : what === 'boxes'
            ? await exportBoxes(context, values.target ?? 'predicted', values.masks ?? false)
            : what === 'trust'
              ? await exportTrust(context, sample)
              : await exportReport(context, {
                  groupBy,
                  spurious: spuriousRules(values['spurious-region'], values['evidence-region'], threshold),
                  threshold: values.threshold === undefined ? undefined : threshold,
                  trust: values.trust ?? false,
                  sample,
                  pdf: values.pdf ?? false,
                  title: values.title,
                  modelCard: values['model-card'],
                });
    io.err(`wrote ${files.join(', ')}`);
    return EXIT_OK;
  } finally {
    store.close();
  }
}

/**
 * Read-write where the file may be written, though an export writes nothing: SQLite
 * folds the write-ahead log back into the file and removes audit.db-wal and -shm only
 * when the last connection able to write closes. A read-only one leaves them behind.
 */
function openForExport(file: string): Store {
  try {
    accessSync(file, constants.W_OK);
    accessSync(path.dirname(path.resolve(file)), constants.W_OK);
  } catch {
    return openStore(file, { readonly: true });
  }
  return openStore(file);
}

export const exportCommand: Command = {
  name: 'export',
  summary: 'write findings from an audit database (rebalance, clusters, boxes, trust, report, compare)',
  usage: EXPORT_USAGE,
  run: runExport,
};
