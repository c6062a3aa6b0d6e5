/**
 * Every export kind, by name. A kind is its options in the contract (shared/exports.ts)
 * and one module in kinds/; this table is the only other place that names it. Modules
 * load when first used, so a command that exports a CSV never loads the PDF printer.
 */
import type { ExportKind } from '../../shared/exports';
import type { Exporter } from './exporter';

type Registry = { readonly [K in ExportKind]: () => Promise<Exporter<K>> };

export const EXPORTERS: Registry = {
  report: async () => (await import('./kinds/report')).report,
  rebalance: async () => (await import('./kinds/rebalance')).rebalance,
  images: async () => (await import('./kinds/images')).images,
  clusters: async () => (await import('./kinds/clusters')).clusters,
  boxes: async () => (await import('./kinds/boxes')).boxes,
  trust: async () => (await import('./kinds/trust')).trust,
  compare: async () => (await import('./kinds/compare')).compare,
  concepts: async () => (await import('./kinds/concepts')).concepts,
};

export type { AuditExportContext, DatasetExportContext, ExportContext, ExportOutput, Exporter } from './exporter';
