/**
 * `biascope audit`: explains every image of a dataset folder into <out>/audit.db,
 * then writes images.csv and errors.csv from it. Ctrl-C cancels cleanly: what is
 * done is kept and the next run picks up from there.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { AuditSummary } from '../../shared/audit';
import { startAudit } from '../jobs/audit';
import { writeErrorsCsv, writeImagesCsv } from '../export/audit-csv';
import { NO_GROUP } from '../analysis/rebalance';
import { rebalancePlanOf, writeRebalanceFiles } from '../export/rebalance-files';
import { writeAuditReport } from '../export/report';
import { openStore } from '../store';
import type { Command } from './command';
import { AUDIT_USAGE, parseAuditArgs, type AuditRequest } from './audit-args';
import { CliError, EXIT_FAILURE, EXIT_OK } from './errors';
import type { CliIO } from './io';
import { resolveModelPath } from './model-path';
import { checkRegionNames, regionRoles } from './region-roles';
import { formatDuration, formatProgress, PlainProgress } from './progress-line';

export const AUDIT_DB = 'audit.db';

function summaryLines(summary: AuditSummary, out: string, rows: number, errors: number): string[] {
  const lines = [
    `${summary.outcome === 'cancelled' ? 'audit cancelled' : 'audit done'}: ${summary.images} images, ` +
      `${summary.computed} computed, ${summary.reused} reused from cache, ${summary.failed} failed`,
    `elapsed ${formatDuration(summary.elapsedSeconds)} (${summary.elapsedSeconds.toFixed(1)} s), ` +
      `${summary.imagesPerSecond.toFixed(1)} images/s, layer ${summary.layer}, backend ${summary.backend}`,
  ];
  if (summary.computed === 0 && summary.reused > 0) lines.push('every result was already in the cache: nothing recomputed');
  if (summary.regionStatsUpdated > 0) {
    lines.push(`regions changed: region statistics of ${summary.regionStatsUpdated} maps measured again from the stored maps`);
  }
  lines.push(`wrote ${path.join(out, AUDIT_DB)}, ${path.join(out, 'images.csv')} (${rows} rows), ${path.join(out, 'errors.csv')} (${errors} rows)`);
  return lines;
}

async function runAudit(request: AuditRequest, io: CliIO): Promise<number> {
  const model = await resolveModelPath(request.model);
  try {
    await mkdir(request.out, { recursive: true });
  } catch (error) {
    throw new CliError(`cannot create --out folder ${request.out}: ${(error as Error).message}`);
  }
  const store = openStore(path.join(request.out, AUDIT_DB));
  try {
    const run = startAudit(
      store,
      {
        dataset: path.resolve(request.dataset),
        model,
        ...(request.layer ? { layer: request.layer } : {}),
        methods: request.methods,
        targets: request.targets,
        ...(request.workers ? { workers: request.workers } : {}),
        ...(request.batch ? { batchSize: request.batch } : {}),
        ...request.runtime,
      },
      request.backend ? { backend: request.backend } : {},
    );
    let refused: unknown = null;
    run.once('ready', (target) => {
      try {
        checkRegionNames(store, target.datasetId, request);
      } catch (error) {
        refused = error;
        run.cancel();
      }
    });
    const plain = new PlainProgress();
    run.on('progress', (p) => {
      if (io.status) io.status(formatProgress(p));
      else {
        const line = plain.lineFor(p);
        if (line) io.err(line);
      }
    });
    const cancel = () => {
      io.err('cancelling: finished batches are kept');
      run.cancel();
    };
    process.once('SIGINT', cancel);
    let summary: AuditSummary;
    try {
      summary = await run.finished;
    } finally {
      process.off('SIGINT', cancel);
    }
    if (refused) throw refused;
    const method = request.methods[0]!;
    const rules = regionRoles(store, summary.datasetId, request);
    const classes = store.modelClasses(summary.modelId);
    const rows = await writeImagesCsv(store, path.join(request.out, 'images.csv'), {
      datasetId: summary.datasetId,
      modelId: summary.modelId,
      layer: summary.layer,
      method,
      classes,
      rules,
    });
    const errors = await writeErrorsCsv(store, path.join(request.out, 'errors.csv'), summary.datasetId);
    for (const line of summaryLines(summary, request.out, rows, errors)) io.err(line);
    if (request.groupBy !== undefined) {
      const plan = rebalancePlanOf(store, summary.datasetId, request.groupBy, 'equal');
      if (plan.images.every((image) => image.group === NO_GROUP)) {
        io.err(`warning: no image has the attribute "${request.groupBy}": the rebalancing plan has a single group`);
      }
      const files = await writeRebalanceFiles(plan, request.out);
      const short = plan.summary.filter((cell) => cell.deficit > 0).length;
      io.err(`wrote ${files.join(', ')}: ${short} class x ${request.groupBy} cells short of their target`);
    }
    const key = { datasetId: summary.datasetId, modelId: summary.modelId, layer: summary.layer, method };
    const backend = summary.computed > 0 ? { backend: summary.backend } : {};
    const spurious = rules.spurious.length + rules.evidence.length > 0 ? rules : null;
    io.err(await writeAuditReport(store, key, { ...request, spurious, ...backend }, request.out, (line) => io.err(line)));
    return summary.outcome === 'done' ? EXIT_OK : EXIT_FAILURE;
  } finally {
    store.close();
  }
}

export const auditCommand: Command = {
  name: 'audit',
  summary: 'explain every image of a dataset folder, cached in SQLite, with CSV reports',
  usage: AUDIT_USAGE,
  async run(argv, io) {
    const parsed = parseAuditArgs(argv);
    if (parsed.help) {
      await io.out(AUDIT_USAGE);
      return EXIT_OK;
    }
    return runAudit(parsed, io);
  },
};
