/** The audit report: report.html, and report.pdf printed by the platform's printer. */
import { CallError } from '../../../shared/api';
import { resolveRoles } from '../../analysis/region-roles';
import type { Exporter } from '../exporter';
import { ChromiumMissingError, headlineLines, leadLines, ModelCardError, writeReport } from '../report';

export const report: Exporter<'report'> = {
  async run({ store, key, dataset, overview, setId, dir, printPdf, checkTrust }, options) {
    if (setId === undefined) throw new CallError('not-found', 'the audit stored no map yet');
    const attributes = overview.attributes.map((a) => a.name);
    if (options.groupBy !== null && !attributes.includes(options.groupBy)) {
      throw new CallError('invalid-input', `no image of ${dataset.root} has the attribute "${options.groupBy}"; it has ${attributes.join(', ') || 'none'}`);
    }
    const spurious = resolveRoles(options, store.spuriousRules(key.datasetId), overview.regions);
    const started = performance.now();
    const trust = options.trust ? await checkTrust(options.sample) : null;
    const trustLine = trust ? [`trust checks on ${trust.images.length} images: ${((performance.now() - started) / 1000).toFixed(1)} s`] : [];
    const title = options.title?.trim();
    try {
      const written = await writeReport(
        store,
        key,
        {
          spurious,
          trust,
          policy: options.policy,
          ...(options.groupBy === null ? {} : { groupBy: options.groupBy }),
          ...(title ? { title } : {}),
          ...(options.modelCard ? { modelCard: options.modelCard } : {}),
        },
        dir,
        options.pdf ? printPdf : false,
      );
      const pdf = written.pdf;
      return {
        files: [written.html, ...(pdf ? [pdf.file] : [])],
        ...(pdf ? { pages: pdf.pages } : {}),
        summary: [
          `report: ${written.data.classes.length} classes, ${Math.round(written.htmlBytes / 1024)} KiB${pdf ? `, PDF ${pdf.pages} pages` : ''}`,
          ...trustLine,
          ...headlineLines(written.data),
        ],
        lead: leadLines(written.data),
      };
    } catch (error) {
      if (error instanceof ChromiumMissingError) throw new CallError('unsupported', error.message);
      if (error instanceof ModelCardError) throw new CallError('invalid-input', error.message);
      throw error;
    }
  },
};
