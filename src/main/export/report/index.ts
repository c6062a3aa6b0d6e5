/**
 * The audit report: built from a store (report-data), rendered to one self-contained
 * HTML file (report-html) and, on request, printed to PDF with Chromium (pdf).
 */
import path from 'node:path';
import type { Store } from '../../store';
import type { AuditKey } from '../../../shared/views';
import { printPdf, type PdfPrinter } from './pdf';
import { buildReportData } from './report-data';
import { leadLines } from './headline-text';
import { renderReportHtml } from './report-html';
import type { ReportData, ReportOptions, SpuriousRules } from './types';
import { writeFileAtomic } from '../safe-write';

export { buildReportData, datasetHash, storedSpurious } from './report-data';
export { renderReportHtml, REPORT_CSP } from './report-html';
export { ChromiumMissingError, chromiumPath, pdfIsTagged, pdfPageCount, printPdf, type PdfPrinter } from './pdf';
export { MODEL_CARD_FILES, ModelCardError, readModelCard } from './model-card';
export { defaultTitle } from './report-data';
export { headlineLines, leadLines } from './headline-text';
export type * from './types';

export const REPORT_FILES = { html: 'report.html', pdf: 'report.pdf' } as const;


export interface WrittenReport {
  data: ReportData;
  html: string;
  htmlBytes: number;
  pdf?: { file: string; pages: number; bytes: number };
}

/**
 * Builds the report of an audit and writes report.html into `dir`, and report.pdf when
 * `pdf` is true (printed by Chromium through Playwright) or a printer of its own.
 */
export async function writeReport(
  store: Store,
  key: AuditKey,
  options: ReportOptions,
  dir: string,
  pdf: boolean | PdfPrinter = false,
): Promise<WrittenReport> {
  const data = await buildReportData(store, key, options);
  const html = path.join(dir, REPORT_FILES.html);
  const text = renderReportHtml(data);
  await writeFileAtomic(html, text);
  const written: WrittenReport = { data, html, htmlBytes: Buffer.byteLength(text) };
  if (pdf) {
    const file = path.join(dir, REPORT_FILES.pdf);
    const print = pdf === true ? printPdf : pdf;
    written.pdf = { file, ...(await print(html, file)) };
  }
  return written;
}

export interface AuditReportRequest {
  groupBy?: string;
  /** The dataset's region roles; null when none is marked. */
  spurious: SpuriousRules | null;
  /** The backend the audit ran on, or undefined when it computed nothing (every result was cached). */
  backend?: string;
}

/**
 * The report `biascope audit` writes at its end: no trust checks, no PDF. Returns the
 * line to print, and hands `lead` the first page's findings; a report that cannot be
 * written is a warning, the audit stays done.
 */
export async function writeAuditReport(store: Store, key: AuditKey, request: AuditReportRequest, dir: string, lead?: (line: string) => void): Promise<string> {
  try {
    // A group-by attribute no image has was warned about already: group by cluster then.
    const known = request.groupBy !== undefined && store.datasetOverview(key.datasetId).attributes.some((a) => a.name === request.groupBy);
    const options: ReportOptions = {
      ...(known ? { groupBy: request.groupBy } : {}),
      // The region named on the command line, else the roles marked in the app.
      spurious: request.spurious,
      ...(request.backend ? { backend: request.backend } : {}),
    };
    const report = await writeReport(store, key, options, dir);
    // The report's first page, as the audit's last words.
    if (lead) for (const line of leadLines(report.data)) lead(line);
    return `wrote ${report.html} (${Math.round(report.htmlBytes / 1024)} KiB)`;
  } catch (error) {
    return `warning: could not write the report: ${(error as Error).message}`;
  }
}
