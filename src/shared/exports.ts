/**
 * What the app's Export dialog writes: the audit report (HTML, and PDF when the
 * platform can print) or the rebalancing lists, into a folder the user names.
 * Pure: no Node, no DOM.
 */
import { z } from 'zod';
import { AuditKeySchema } from './views';

export const EXPORT_KINDS = ['report', 'rebalance'] as const;
export type ExportKind = (typeof EXPORT_KINDS)[number];

export const EXPORT_POLICIES = ['equal', 'overall'] as const;

/** A report title longer than this is not a title. */
export const TITLE_MAX = 200;

export const ExportRequestSchema = z.object({
  key: AuditKeySchema,
  kind: z.enum(EXPORT_KINDS),
  /** An absolute folder; created when missing. */
  dir: z.string().min(1),
  /** The manifest attribute whose groups are balanced (rebalance) or tabled (report); null: SpRAy clusters in the report. */
  groupBy: z.string().min(1).nullable(),
  policy: z.enum(EXPORT_POLICIES),
  /** Also print the report to PDF. */
  pdf: z.boolean(),
  /** Run the trust checks for the report (the model runs on a sample: seconds). */
  trust: z.boolean(),
  /** The report's title; absent or blank: "Bias audit report: <dataset folder name>". */
  title: z.string().max(TITLE_MAX).optional(),
});
export type ExportRequest = z.infer<typeof ExportRequestSchema>;

/** Folder names that say nothing on their own: the export is named after the folder above too. */
const GENERIC_NAMES = new Set(['data', 'dataset', 'datasets', 'images', 'imgs', 'test', 'train', 'val', 'valid', 'validation']);

/**
 * The Export dialog's folder until the user names one: `<exports root>/<dataset>`. Not
 * beside or in the dataset, which may sit in a source checkout (the demo does) or on a
 * read-only disk, and whose folder is the data, not the findings. Paths of either
 * separator: the root comes from the machine the app runs on.
 */
export function defaultExportFolder(exportsRoot: string, datasetRoot: string): string {
  const separator = exportsRoot.includes('\\') && !exportsRoot.includes('/') ? '\\' : '/';
  const parts = datasetRoot.split(/[\\/]+/).filter((part) => part !== '' && !/^[A-Za-z]:$/.test(part));
  const last = parts.at(-1) ?? 'dataset';
  const parent = parts.at(-2);
  const name = GENERIC_NAMES.has(last.toLowerCase()) && parent ? `${parent}-${last}` : last;
  return `${exportsRoot.replace(/[\\/]+$/, '')}${separator}${name}`;
}

/** The user's notes on a dataset's audit, printed in the report: plain text. */
export const NOTES_MAX = 20_000;
export const NotesSchema = z.string().max(NOTES_MAX);

export const ExportResultSchema = z.object({
  files: z.array(z.object({ path: z.string(), bytes: z.number().int().nonnegative() })),
  /** Pages of the PDF, when one was printed. */
  pages: z.number().int().positive().nullable(),
});
export type ExportResult = z.infer<typeof ExportResultSchema>;
