/**
 * `biascope audit`: explains every image of a dataset folder into <out>/audit.db, then
 * writes images.csv, errors.csv and the report from it. Runs through the application
 * layer like the app: startAudit, its progress events, then exportFindings. Ctrl-C
 * cancels cleanly: what is done is kept and the same command picks up from there.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { CallError, type AuditState } from '../../shared/api';
import type { AuditSettings, AuditSummary } from '../../shared/audit';
import type { ExportRequest, ExportResult } from '../../shared/exports';
import type { WrittenFile } from '../../shared/progress-events';
import type { AuditKey } from '../../shared/views';
import { openApp, type CliApp } from './app';
import { AUDIT_USAGE, parseAuditArgs, type AuditRequest } from './audit-args';
import type { Command } from './command';
import { describeFailure, EXIT_FAILURE, EXIT_INTERRUPTED, EXIT_OK } from './errors';
import type { CliIO } from './io';
import { resolveModelPath } from './model-file';
import { createReporter, type ProgressReporter } from './progress-reporter';
import { resumeCommand } from './resume';

export const AUDIT_DB = 'audit.db';

const ENDED: readonly AuditState['status'][] = ['done', 'cancelled', 'failed'];

function settingsOf(request: AuditRequest, model: string): AuditSettings {
  const named = request.spuriousRegions.length + request.evidenceRegions.length > 0;
  return {
    dataset: path.resolve(request.dataset),
    model: path.resolve(model),
    ...(request.layer ? { layer: request.layer } : {}),
    methods: request.methods,
    targets: request.targets,
    ...(request.workers ? { workers: request.workers } : {}),
    ...(request.batch ? { batchSize: request.batch } : {}),
    ...(request.backend ? { backend: request.backend } : {}),
    ...(request.concepts ? { concepts: true } : {}),
    ...(request.conceptLayer ? { conceptLayer: request.conceptLayer } : {}),
    ...request.runtime,
    ...(request.queue ? { queue: request.queue } : {}),
    ...(named || request.spuriousThreshold !== undefined
      ? { roles: { spurious: request.spuriousRegions, evidence: request.evidenceRegions, ...(request.spuriousThreshold === undefined ? {} : { threshold: request.spuriousThreshold }) } }
      : {}),
  };
}

/** Starts the audit and follows its events to the end; Ctrl-C asks it to stop. */
async function runToEnd(app: CliApp, settings: AuditSettings, reporter: ProgressReporter): Promise<{ state: AuditState; interrupted: boolean }> {
  let interrupted = false;
  let stopListening = () => {};
  const ended = new Promise<AuditState>((resolve) => {
    stopListening = app.listen((event, payload) => {
      if (event !== 'audit') return;
      const state = payload as AuditState;
      reporter.progress(state.progress);
      if (ENDED.includes(state.status)) resolve(state);
    });
  });
  // A second Ctrl-C finds no listener and stops the process at once, as a shell expects.
  const cancel = () => {
    interrupted = true;
    reporter.note('stopping: finished batches are kept (Ctrl-C again to stop at once)');
    void app.call('cancelAudit');
  };
  process.once('SIGINT', cancel);
  try {
    await app.call('startAudit', settings);
    return { state: await ended, interrupted };
  } finally {
    process.off('SIGINT', cancel);
    stopListening();
  }
}

/** An export after the audit: a failure is a warning, the audit stays done. */
async function tryExport(app: CliApp, reporter: ProgressReporter, request: ExportRequest): Promise<ExportResult | null> {
  try {
    return await app.call('exportFindings', request);
  } catch (error) {
    reporter.warn(`could not write the ${request.kind} export: ${(error as Error).message}`);
    return null;
  }
}

async function writeOutputs(app: CliApp, request: AuditRequest, summary: AuditSummary, reporter: ProgressReporter): Promise<{ files: WrittenFile[]; headline: string[] }> {
  const key: AuditKey = { datasetId: summary.datasetId, modelId: summary.modelId, layer: summary.layer, method: request.methods[0]! };
  const dir = path.resolve(request.out);
  const files: WrittenFile[] = [{ path: path.join(request.out, AUDIT_DB) }];
  const images = await tryExport(app, reporter, { key, kind: 'images', dir, options: {} });
  if (images) files.push(...images.files.map((f) => ({ path: f.path })));
  let groupBy: string | null = null;
  if (request.groupBy !== undefined) {
    const plan = await tryExport(app, reporter, { key, kind: 'rebalance', dir, options: { groupBy: request.groupBy } });
    if (plan) {
      groupBy = request.groupBy;
      files.push(...plan.files.map((f) => ({ path: f.path })));
      reporter.note(`wrote ${plan.files.map((f) => f.path).join(', ')}: ${plan.summary.length} class x ${request.groupBy} cells short of their target`);
    }
  }
  const report = await tryExport(app, reporter, { key, kind: 'report', dir, options: { groupBy } });
  if (images?.unchanged && report?.unchanged) reporter.note('nothing changed since the last run: images.csv, errors.csv and the report were kept as they were');
  if (!report) return { files, headline: [] };
  files.push(...report.files.map((f) => ({ path: f.path })));
  // The report's headline and first page, as the audit's last words.
  const [, ...headline] = report.summary;
  return { files, headline: [...headline, ...report.lead] };
}

async function runAudit(request: AuditRequest, reporter: ProgressReporter): Promise<number> {
  const model = await resolveModelPath(request.model);
  try {
    await mkdir(request.out, { recursive: true });
  } catch (error) {
    throw new CallError('invalid-input', `cannot create --out folder ${request.out}: ${(error as Error).message}`);
  }
  const app = await openApp({ dbFile: path.join(request.out, AUDIT_DB), ...(request.workers ? { workers: request.workers } : {}) });
  try {
    const { state, interrupted } = await runToEnd(app, settingsOf(request, model), reporter);
    if (state.status === 'failed' || !state.summary) throw new CallError('invalid-input', state.error ?? 'the audit failed');
    const summary = state.summary;
    reporter.done(summary, await writeOutputs(app, request, summary, reporter));
    if (summary.outcome === 'done') return EXIT_OK;
    if (!interrupted) return EXIT_FAILURE;
    reporter.interrupted(summary, resumeCommand(request.argv));
    return EXIT_INTERRUPTED;
  } finally {
    await app.close();
  }
}

export async function auditMain(request: AuditRequest, io: CliIO): Promise<number> {
  const reporter = createReporter(request.mode, io);
  try {
    return await runAudit(request, reporter);
  } catch (error) {
    // In JSON mode the failure is an event too: stderr stays JSON Lines to the end.
    if (request.mode !== 'json') throw error;
    const failure = describeFailure(error);
    reporter.error(failure.message, failure.exitCode);
    return failure.exitCode;
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
    return auditMain(parsed, io);
  },
};
