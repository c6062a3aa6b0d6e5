/** The audit report: report.html, and report.pdf printed by the platform's printer. */
import { CallError } from '../../../shared/api';
import { resolveRoles } from '../../analysis/region-roles';
import { DEFAULT_CONCEPT_SEED } from '../../../shared/concepts';
import { ModelConfigSchema } from '../../../shared/model-config';
import { DEFAULT_CAUSAL_CAPS } from '../../analysis/concepts/causal';
import { conceptMeanColour } from '../concept-crops';
import type { AuditExportContext, Exporter } from '../exporter';
import type { ShortcutFinding } from '../report/shortcut-text';
import type { ShortcutSummary } from '../report/types';
import { ChromiumMissingError, headlineLines, leadLines, ModelCardError, writeReport } from '../report';

export const report: Exporter<'report'> = {
  async run({ store, key, dataset, overview, setId, dir, printPdf, checkTrust, conceptFindings, model }, options) {
    if (setId === undefined) throw new CallError('not-found', 'the audit stored no map yet');
    const attributes = overview.attributes.map((a) => a.name);
    if (options.groupBy !== null && !attributes.includes(options.groupBy)) {
      throw new CallError('invalid-input', `no image of ${dataset.root} has the attribute "${options.groupBy}"; it has ${attributes.join(', ') || 'none'}`);
    }
    const spurious = resolveRoles(options, store.spuriousRules(key.datasetId), overview.regions);
    const started = performance.now();
    const trust = options.trust ? await checkTrust(options.sample) : null;
    const trustLine = trust ? [`trust checks on ${trust.images.length} images: ${((performance.now() - started) / 1000).toFixed(1)} s`] : [];
    const shortcuts = options.noConcepts ? null : await shortcutSummary(conceptFindings, dataset.root, model.config);
    const title = options.title?.trim();
    try {
      const written = await writeReport(
        store,
        key,
        {
          spurious,
          trust,
          shortcuts,
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

/**
 * The concepts' causal tests for page 1, at the export's default caps and seed (so a
 * `biascope export concepts` run before, or after, shares the stored answer); null when
 * the audit described no map (made without --concepts).
 */
async function shortcutSummary(findingsOf: AuditExportContext['conceptFindings'], root: string, modelConfig: string): Promise<ShortcutSummary | null> {
  let findings;
  try {
    findings = await findingsOf({ seed: DEFAULT_CONCEPT_SEED, tests: DEFAULT_CAUSAL_CAPS });
  } catch (error) {
    if (error instanceof CallError && error.kind === 'not-found') return null;
    throw error;
  }
  const framing = ModelConfigSchema.parse(JSON.parse(modelConfig)).preprocess;
  const labels = findings.classes.map((c) => c.label);
  const flagged: ShortcutFinding[] = [];
  for (const [ci, c] of findings.classes.entries()) {
    for (const concept of c.concepts) {
      const test = findings.tests?.[ci]?.tests[concept.concept];
      if (!test?.shortcut) continue;
      flagged.push({
        label: c.label,
        concept: concept.concept,
        share: concept.share,
        where: concept.where,
        colour: await conceptMeanColour(concept, root, framing),
        otherClasses: labels.filter((l) => l !== c.label),
        test,
      });
    }
  }
  return { tested: findings.classes.reduce((n, c) => n + c.concepts.length, 0), flagged };
}

