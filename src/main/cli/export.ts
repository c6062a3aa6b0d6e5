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

export const EXPORT_USAGE = `Usage: biascope export rebalance --db <audit.db> --group-by <attribute> [options]
       biascope export clusters --db <audit.db> [options]
       biascope export boxes --db <audit.db> [--target predicted|label|<class>] [--masks]
       biascope export trust --db <audit.db> [--sample <n>]
       biascope export compare --db <audit.db> [--a <model.json[:layer[:method]]>] [--b <...>] [--group-by <attribute>]
           [--spurious-region <name>]... [--evidence-region <name>]... [--threshold <x>]
       biascope export report --db <audit.db> [--group-by <attribute>] [--spurious-region <name>]...
           [--evidence-region <name>]... [--threshold <x>] [--trust [--sample <n>]] [--pdf]
           [--title <text>] [--model-card <file>]

rebalance writes the rebalancing plan of a dataset, grouped by a manifest attribute (e.g. the
scrub colour of the demo): rebalance-summary.csv (label, group_by, group, count,
share, target_count, deficit), rebalance.csv (path, label, group, action, weight,
reason) and rebalance.json with both. Actions come from tags (duplicate: remove,
mislabeled: relabel, flagged or spurious:*: review), else from the weight that
balances the class's groups (upweight, downweight, keep).

clusters writes the SpRAy clusters of each class's maps (each image explained for
its own class; audit with --targets label to include misclassified images) for the
latest audit of the dataset: clusters.json (per class: eigenvalues, the suggested
number of clusters, each cluster's size, accuracy, mean map and exemplars, each
image's cluster, unusualness and 2-D embedding) and clusters.csv (one row per cluster).

boxes writes the weakly-supervised box of every image (around the largest region
of its map above 15% of the maximum, as in the Grad-CAM paper) as COCO-style
boxes.json, for the predicted class, the true label or one class; with --masks, a
binary mask per image, thresholded the same way, in masks/<image id>.png.

trust checks the latest audit's maps on an even sample of its images (default 8)
and writes trust.json: the model-randomisation sanity check (Adebayo et al. 2018:
Spearman correlation with the original maps as the weights are randomised from the
output layer down; it must fall under 0.5) and deletion and insertion curves
(Petsiuk et al. 2018) against a random order of the pixels.

report writes report.html, one self-contained file (images embedded as small
thumbnails, nothing fetched). Its first page states per class the largest accuracy
gaps between the groups of each attribute and the share of spurious-focus maps, with
95 % bootstrap confidence intervals, and the conclusions drawn from them (what to
rebalance, relabel, collect); with an attribute named split, subset or set (train,
test, ...) every figure is per split. Then the model card (model-card.json or .md
beside the model, or --model-card), the dataset, model and settings; per class its
accuracy, SpRAy clusters with mean maps, the maps most on the spurious regions (the
most unusual ones without --spurious-region) and a subgroup table; tags; the
rebalancing summary (with --group-by); the trust checks (with --trust, which runs
the model: 3 to 5 s on the demo's 8 images). Without --spurious-region or
--evidence-region, the region roles marked in the app are used. --pdf also prints
report.pdf with Chromium (Debian's chromium, or the binary BIASCOPE_CHROMIUM names).

compare sets two audits of the dataset side by side (say the model before and after
retraining on rebalanced data), by default the two latest (A the older, B the newer),
and writes compare.csv (per class, and per class and group with --group-by: each
audit's accuracy, spurious-focus share and mean mass per region, B minus A, and the
images fixed and broken) and compare.json. The spurious share needs spurious regions:
--spurious-region, or those marked in the app.

Options:
  --db <file>         the audit database (audit.db of biascope audit, or the app's library.db)
  --group-by <name>   the attribute whose values are the groups (rebalance, report)
  --clusters <n>      clusters per class instead of the eigengap's suggestion (clusters)
  --target <t>        predicted (default), label, or a class name (boxes)
  --masks             also write binary masks (boxes)
  --sample <n>        images checked (trust, report --trust; default 8)
  --spurious-region <name>  a region that should not decide a class; repeat for several (report, compare)
  --evidence-region <name>  a region that should (report, compare)
  --threshold <x>     share of a map on a region that counts as focus (report, compare; default 0.5)
  --trust             run the trust checks into the report (report)
  --pdf               also print report.pdf, tagged for screen readers (report)
  --title <text>      the report's title (report; default: "Bias audit report: <dataset folder>")
  --model-card <file> model-card fields, .json (an object of texts) or .md (a "## " heading per field) (report)
  --a, --b <model>    the audits to compare: model.json[:layer[:method]] (compare)
  --dataset <dir>     which dataset of the database (needed when it holds several)
  --policy <p>        ${REBALANCE_POLICIES.join(', ')}: equal shares within each class (default),
                      or each group's share of the whole dataset
  --out <dir>         where to write (default: the database's folder)
  -h, --help          show this help`;

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
