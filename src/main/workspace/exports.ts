/**
 * Exports of an audit, for every transport: the request checked against the contract,
 * the audit resolved, the folder created, then the kind's module from export/registry.
 * The PDF is printed by whatever the platform offers (Electron's printToPDF in the
 * desktop app, Chromium through Playwright elsewhere); the trust checks run on the
 * model worker.
 */
import { mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { CallError, toApiError } from '../../shared/api';
import { systemFolderOfPath } from '../util/system-folders';
import { ExportRequestSchema, needsAudit, type CheckedExportRequest, type ExportKind, type ExportRequest, type ExportResult } from '../../shared/exports';
import type { AuditKey } from '../../shared/views';
import type { ConceptFindings, ConceptFindingsRequest } from '../analysis/concepts/causal';
import type { TrustReport } from '../analysis/trust-check';
import { EXPORTERS, type AuditExportContext, type DatasetExportContext, type ExportContext, type ExportOutput, type Exporter } from '../export/registry';
import { MODEL_CARD_FILES } from '../export/report/model-card';
import type { PdfPrinter } from '../export/report/pdf';
import { fileStamps, fingerprintOf, recordExport, unchangedExport } from './export-record';
import type { DatasetOverview, GridScope, Store } from '../store';

export interface ExportServices {
  store: Store;
  printPdf: PdfPrinter;
  /** Checks an audit key against the database and resolves its result set and classes. */
  scope(key: AuditKey): GridScope;
  /** Throws not-found for a dataset the database does not hold. */
  requireDataset(datasetId: number): void;
  overview(datasetId: number): DatasetOverview;
  checkTrust(key: AuditKey, sample: number | undefined): Promise<TrustReport>;
  conceptFindings(key: AuditKey, setId: number | undefined, request: ConceptFindingsRequest): Promise<ConceptFindings>;
}

async function sized(files: readonly string[]): Promise<ExportResult['files']> {
  return Promise.all(files.map(async (file) => ({ path: file, bytes: (await stat(file)).size })));
}

function runKind<K extends ExportKind>(request: Extract<CheckedExportRequest, { kind: K }>, context: ExportContext<K>): Promise<ExportOutput> {
  const load = EXPORTERS[request.kind] as () => Promise<Exporter<K>>;
  return load().then((exporter) => exporter.run(context, request.options as Parameters<Exporter<K>['run']>[1]));
}

const isAuditKey = (key: CheckedExportRequest['key']): key is AuditKey => 'modelId' in key;

export async function exportFindings(services: ExportServices, input: ExportRequest): Promise<ExportResult> {
  const parsed = ExportRequestSchema.safeParse(input);
  // A transport checked this already; a direct caller (a test, a script) gets the same answer.
  if (!parsed.success) throw new CallError('invalid-input', toApiError(parsed.error).message);
  const request = parsed.data;
  if (!path.isAbsolute(request.dir)) throw new CallError('invalid-input', `the folder must be an absolute path, got ${JSON.stringify(request.dir)}`);
  const { key } = request;
  const { store } = services;
  services.requireDataset(key.datasetId);
  if (needsAudit(request.kind) && !isAuditKey(key)) {
    throw new CallError('invalid-input', `the ${request.kind} export reads an audit: name one (model, layer, method), not only the dataset`);
  }
  const scope = isAuditKey(key) ? services.scope(key) : null;
  const system = await systemFolderOfPath(request.dir);
  if (system !== null) throw new CallError('invalid-input', `${request.dir} is in ${system}, the system's own files: export to a folder of your own`);
  await mkdir(request.dir, { recursive: true }).catch((error: unknown) => {
    throw new CallError('invalid-input', `cannot create ${request.dir}: ${(error as Error).message}`);
  });
  const datasetContext: DatasetExportContext = { store, dataset: store.dataset(key.datasetId)!, overview: services.overview(key.datasetId), dir: request.dir };
  const context: DatasetExportContext | AuditExportContext =
    scope && isAuditKey(key)
      ? {
          ...datasetContext,
          key,
          model: store.model(key.modelId)!,
          setId: scope.setId < 0 ? undefined : scope.setId,
          printPdf: services.printPdf,
          checkTrust: (sample) => services.checkTrust(key, sample),
          conceptFindings: (conceptRequest) => services.conceptFindings(key, scope.setId < 0 ? undefined : scope.setId, conceptRequest),
        }
      : datasetContext;
  // The same request over the same findings (and the same model card) gives the same files.
  const model = isAuditKey(key) ? store.model(key.modelId) : undefined;
  const cards = request.kind === 'report' ? [request.options.modelCard, ...(model ? MODEL_CARD_FILES.map((name) => path.join(path.dirname(model.path), name)) : [])] : [];
  const fingerprint = fingerprintOf({ kind: request.kind, key, options: request.options, revision: store.revision(), cards: await fileStamps(cards.filter((f) => f !== undefined)) });
  const unchanged = await unchangedExport(request.dir, request.kind, fingerprint);
  if (unchanged) return { ...unchanged, unchanged: true };
  // needsAudit above guarantees the kind gets the context it declares.
  const output = await runKind(request, context as ExportContext);
  const result = { files: await sized(output.files), pages: output.pages ?? null, summary: output.summary, lead: output.lead ?? [], unchanged: false };
  await recordExport(request.dir, request.kind, fingerprint, result);
  return result;
}
