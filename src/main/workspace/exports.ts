/**
 * The app's exports: the audit report and the rebalancing lists, written into a folder
 * the user names. The PDF is printed by whatever the platform offers (Electron's
 * printToPDF in the desktop app, Chromium through Playwright under `biascope serve`).
 */
import { mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { CallError } from '../../shared/api';
import type { ExportRequest, ExportResult } from '../../shared/exports';
import { NO_GROUP } from '../analysis/rebalance';
import { ChromiumMissingError, ModelCardError, storedSpurious, writeReport, type PdfPrinter } from '../export/report';
import { rebalancePlanOf, writeRebalanceFiles } from '../export/rebalance-files';
import type { TrustReport } from '../analysis/trust-check';
import type { Store } from '../store';

async function sized(files: readonly string[]): Promise<ExportResult['files']> {
  return Promise.all(files.map(async (file) => ({ path: file, bytes: (await stat(file)).size })));
}

/** @param trust runs the trust checks, asked for only when the request wants them in the report */
export async function writeFindings(
  store: Store,
  request: ExportRequest,
  printer: PdfPrinter,
  trust: () => Promise<TrustReport>,
): Promise<ExportResult> {
  if (!path.isAbsolute(request.dir)) throw new CallError('invalid-input', `the folder must be an absolute path, got ${JSON.stringify(request.dir)}`);
  const { key } = request;
  const attributes = store.datasetOverview(key.datasetId).attributes.map((a) => a.name);
  if (request.groupBy !== null && !attributes.includes(request.groupBy)) {
    throw new CallError('invalid-input', `no image has the attribute ${JSON.stringify(request.groupBy)}; the dataset has ${attributes.join(', ') || 'none'}`);
  }
  await mkdir(request.dir, { recursive: true }).catch((error: unknown) => {
    throw new CallError('invalid-input', `cannot create ${request.dir}: ${(error as Error).message}`);
  });
  if (request.kind === 'rebalance') {
    if (request.groupBy === null) throw new CallError('invalid-input', 'the rebalancing lists need an attribute to group by');
    const plan = rebalancePlanOf(store, key.datasetId, request.groupBy, request.policy);
    if (plan.images.every((image) => image.group === NO_GROUP)) throw new CallError('invalid-input', `no image has the attribute ${request.groupBy}`);
    return { files: await sized(await writeRebalanceFiles(plan, request.dir)), pages: null };
  }
  const options = {
    spurious: storedSpurious(store, key.datasetId),
    policy: request.policy,
    ...(request.groupBy === null ? {} : { groupBy: request.groupBy }),
    trust: request.trust ? await trust() : null,
    ...(request.title?.trim() ? { title: request.title.trim() } : {}),
  };
  try {
    const report = await writeReport(store, key, options, request.dir, request.pdf ? printer : false);
    const files = [report.html, ...(report.pdf ? [report.pdf.file] : [])];
    return { files: await sized(files), pages: report.pdf?.pages ?? null };
  } catch (error) {
    if (error instanceof ChromiumMissingError) throw new CallError('unsupported', error.message);
    if (error instanceof ModelCardError) throw new CallError('invalid-input', error.message);
    throw error;
  }
}
