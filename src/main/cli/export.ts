/**
 * `biascope export <kind>`: findings written from an audit database for a team to act
 * on. Every kind of shared/exports.ts, through the application's exportFindings, the
 * call the app's Export dialog makes. What is written is named on stderr; what it found
 * goes to stdout.
 */
import { accessSync, constants, existsSync } from 'node:fs';
import path from 'node:path';
import { CallError } from '../../shared/errors';
import { isMethodName } from '../../shared/explain';
import { needsAudit, type ExportRequest } from '../../shared/exports';
import type { AuditKey, StoredAudit, StoredDataset } from '../../shared/views';
import { openApp, type CliApp } from './app';
import type { Command } from './command';
import { EXIT_OK, UsageError } from './errors';
import { exportUsage, parseExportArgs, type ExportArgs } from './export-args';
import type { CliIO } from './io';

const named = (audit: StoredAudit) => `${audit.modelPath}:${audit.layer}:${audit.method}`;

/** The user may name model.json or its folder, whichever the database holds. */
function samePath(stored: string, given: string): boolean {
  return stored === given || path.dirname(stored) === given || stored === path.dirname(given);
}

/**
 * A stored audit named as model[:layer[:method]]. Splits on the colons from the right,
 * so a path holding a colon (C:\models\...) still works: the longest prefix naming a
 * stored model is the path, what follows is the layer, then the method.
 */
export function selectAudit(audits: readonly StoredAudit[], selector: string, option: string): AuditKey {
  const parts = selector.split(':');
  for (let extra = 0; extra <= Math.min(2, parts.length - 1); extra++) {
    const modelPath = path.resolve(parts.slice(0, parts.length - extra).join(':'));
    const ofModel = audits.filter((audit) => samePath(audit.modelPath, modelPath));
    if (ofModel.length === 0) continue;
    const [layer, method] = parts.slice(parts.length - extra);
    const found = ofModel.find((audit) => (layer === undefined || audit.layer === layer) && (method === undefined || audit.method === method));
    if (found) return { datasetId: found.datasetId, modelId: found.modelId, layer: found.layer, method: found.method };
    throw new CallError('not-found', `${option} ${selector}: the model has no such audit; it has ${ofModel.map(named).join(', ')}`);
  }
  throw new CallError('not-found', `${option} ${selector}: no audit of that model is stored for this dataset; stored: ${audits.map(named).join(', ') || 'none'}`);
}

/** The dataset named by --dataset, or the database's only one. */
function pickDataset(all: readonly StoredDataset[], root: string | undefined): StoredDataset {
  if (root !== undefined) {
    const wanted = path.resolve(root);
    const found = all.find((d) => d.root === wanted);
    if (!found) throw new CallError('not-found', `the database has no dataset at ${wanted}; it has: ${all.map((d) => d.root).join(', ') || 'none'}`);
    return found;
  }
  if (all.length === 1) return all[0]!;
  if (all.length === 0) throw new CallError('not-found', 'the database holds no dataset: audit one first');
  throw new UsageError(`the database holds ${all.length} datasets: choose one with --dataset (${all.map((d) => d.root).join(', ')})`);
}

const sameKey = (a: AuditKey, b: AuditKey) => a.modelId === b.modelId && a.layer === b.layer && a.method === b.method;

/** The audit exported (--audit, else the dataset's latest), and the kind's options naming other audits. */
async function resolveAudits(app: CliApp, dataset: StoredDataset, args: ExportArgs): Promise<{ key: AuditKey | { datasetId: number }; options: Record<string, unknown> }> {
  const audits = (await app.call('storedAudits', { datasetId: dataset.id })).filter((a) => isMethodName(a.method));
  const options = { ...args.options };
  for (const [option, selector] of Object.entries(args.selectors)) options[option] = selectAudit(audits, selector, `--${option}`);
  if (args.audit !== undefined) return { key: selectAudit(audits, args.audit, args.kind === 'compare' ? '--b' : '--audit'), options };
  // Compared against a chosen audit, the exported one is the newest other.
  const against = options['a'] as AuditKey | undefined;
  if (against) {
    const other = audits.find((audit) => !sameKey(audit, against));
    if (!other) throw new CallError('not-found', `comparing needs two audits of ${dataset.root}; the database holds ${audits.length}: audit another model or layer first`);
    return { key: other, options };
  }
  if (dataset.latest) return { key: dataset.latest, options };
  // A plan from the manifest and the tags needs no audit.
  if (!needsAudit(args.kind)) return { key: { datasetId: dataset.id }, options };
  throw new CallError('not-found', `${dataset.root} has no audit in this database: run biascope audit first`);
}

/**
 * Read-write where the file may be written, though an export writes nothing: SQLite
 * folds the write-ahead log back into the file and removes audit.db-wal and -shm only
 * when the last connection able to write closes. A read-only one leaves them behind.
 */
function writable(file: string): boolean {
  try {
    accessSync(file, constants.W_OK);
    accessSync(path.dirname(path.resolve(file)), constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

async function runExport(args: ExportArgs, io: CliIO): Promise<number> {
  if (!existsSync(args.db)) throw new CallError('not-found', `no database at ${args.db}`);
  const app = await openApp({ dbFile: path.resolve(args.db), readonly: !writable(args.db) });
  try {
    const dataset = pickDataset(await app.call('storedDatasets'), args.dataset);
    const { key, options } = await resolveAudits(app, dataset, args);
    const dir = path.resolve(args.out ?? path.dirname(path.resolve(args.db)));
    const result = await app.call('exportFindings', { key, kind: args.kind, dir, options } as ExportRequest);
    for (const line of result.summary) await io.out(line);
    // The report's first page: the same sentences, for a log or a pull request.
    for (const line of result.lead) io.err(line);
    const files = result.files.map((f) => f.path).join(', ');
    io.err(result.unchanged ? `up to date: ${files} (nothing changed since they were written)` : `wrote ${files}`);
    return EXIT_OK;
  } finally {
    await app.close();
  }
}

export const exportCommand: Command = {
  name: 'export',
  summary: 'write findings from an audit database (report, rebalance, images, clusters, boxes, trust, compare)',
  usage: exportUsage(),
  async run(argv, io) {
    const parsed = parseExportArgs(argv);
    if (parsed.help) {
      await io.out(exportUsage(parsed.kind));
      return EXIT_OK;
    }
    return runExport(parsed, io);
  },
};
