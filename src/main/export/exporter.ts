/**
 * What an export kind is given and gives back. The application layer (workspace/)
 * resolves the audit, creates the folder and checks the options against the contract
 * (shared/exports.ts); a kind reads the store, writes its files and says in a few lines
 * what it found. It throws CallError for anything the caller can fix.
 */
import type { EXPORT_KINDS, ExportKind, ExportOptions } from '../../shared/exports';
import type { MethodName } from '../../shared/explain';
import type { AuditKey } from '../../shared/views';
import type { ConceptFindings, ConceptFindingsRequest } from '../analysis/concepts/causal';
import type { TrustReport } from '../analysis/trust-check';
import type { DatasetOverview, ModelRow, Store } from '../store';
import type { DatasetRow } from '../store/types';
import type { PdfPrinter } from './report';

/** What every kind is given: the dataset and where to write. */
export interface DatasetExportContext {
  store: Store;
  dataset: DatasetRow;
  overview: DatasetOverview;
  /** The folder written into: absolute, created. */
  dir: string;
}

/** What a kind that reads an audit is given besides. */
export interface AuditExportContext extends DatasetExportContext {
  /** The audit exported: a stored audit of `dataset` by `model`. */
  key: AuditKey & { method: MethodName };
  model: ModelRow;
  /** The result set of the key's model, layer and method; undefined when nothing is stored yet. */
  setId: number | undefined;
  printPdf: PdfPrinter;
  /** Runs the trust checks on an even sample of the audit's images (the model runs: seconds). */
  checkTrust(sample?: number): Promise<TrustReport>;
  /** The audit's concepts and, when asked, their causal tests (run on the model worker, or read from the store). */
  conceptFindings(request: ConceptFindingsRequest): Promise<ConceptFindings>;
}

export type ExportContext<K extends ExportKind = ExportKind> = (typeof EXPORT_KINDS)[K]['needsAudit'] extends true ? AuditExportContext : DatasetExportContext;

export interface ExportOutput {
  /** Absolute paths of the files written. */
  files: string[];
  /** Pages of a printed PDF. */
  pages?: number;
  /** What the export found, a few lines for a person. */
  summary: string[];
  /** A report's first-page findings as sentences. */
  lead?: string[];
}

export interface Exporter<K extends ExportKind> {
  run(context: ExportContext<K>, options: ExportOptions<K>): Promise<ExportOutput>;
}
