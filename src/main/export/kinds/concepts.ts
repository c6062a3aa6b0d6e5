/**
 * Region-free concepts of an audit's maps (audited with --concepts) and their causal
 * tests: concepts.csv, concepts.json, and each concept's typical crops
 * (export/concept-crops.ts).
 */
import path from 'node:path';
import type { ExportOptions } from '../../../shared/exports';
import { ModelConfigSchema } from '../../../shared/model-config';
import { DEFAULT_CAUSAL_CAPS, QUICK_CAUSAL_CAPS, type CausalCaps } from '../../analysis/concepts/causal';
import { withMeanColours, writeConceptCrops } from '../concept-crops';
import type { Exporter } from '../exporter';
import { csvText, writeFileAtomic } from '../safe-write';

const round = (value: number | null | undefined) => (value === null || value === undefined ? '' : Number(value.toFixed(4)));
const percent = (x: number) => `${Math.round(x * 100)} %`;

/** The tests' caps the options ask for; null: no tests. */
export function testCaps(options: ExportOptions<'concepts'>): CausalCaps | null {
  if (options.noTests) return null;
  const base = options.quick ? QUICK_CAUSAL_CAPS : DEFAULT_CAUSAL_CAPS;
  return { flips: options.flipCap ?? base.flips, errors: options.errorCap ?? base.errors, transplant: options.transplantCap ?? base.transplant };
}

export const concepts: Exporter<'concepts'> = {
  async run({ model, key, dir, dataset, conceptFindings }, options) {
    const caps = testCaps(options);
    const findings = await conceptFindings({ seed: options.seed, ...(options.k === undefined ? {} : { k: options.k }), tests: caps });
    const { classes, descriptorLayer } = findings;
    const testOf = (c: number, k: number) => findings.tests?.[c]?.tests[k] ?? null;
    const framing = ModelConfigSchema.parse(JSON.parse(model.config)).preprocess;
    const crops = await writeConceptCrops(classes, dataset.root, dir, framing);
    const colourOf = (label: string, concept: number) => crops.meanColours.get(`${label}:${concept}`) ?? '';
    const csvFile = path.join(dir, 'concepts.csv');
    const jsonFile = path.join(dir, 'concepts.json');
    await writeFileAtomic(
      csvFile,
      csvText([
        [
          'class', 'concept', 'share', 'images', 'dominated', 'where', 'mean_x', 'mean_y', 'accuracy_dominated', 'accuracy_rest',
          'flip_rate', 'flip_low', 'flip_high', 'flips_tested',
          'errors_fixed', 'errors_tested', 'errors', 'errors_fixed_rate',
          'transplant_rate', 'transplant_low', 'transplant_high', 'transplant_tested',
          'shortcut', 'reasons', 'notes', 'typical', 'mean_colour',
        ],
        ...classes.flatMap((c, ci) =>
          c.concepts.map((k) => {
            const test = testOf(ci, k.concept);
            return [
              c.label,
              k.concept,
              round(k.share),
              k.images,
              k.dominated,
              k.where,
              round(k.meanCentroid.x),
              round(k.meanCentroid.y),
              round(k.accuracyDominated),
              round(k.accuracyRest),
              round(test?.flips?.rate),
              round(test?.flips?.low),
              round(test?.flips?.high),
              test?.flips?.n ?? '',
              test?.errorsFixed?.hits ?? '',
              test?.errorsFixed?.n ?? '',
              test ? test.errors : '',
              round(test?.errorsFixed?.rate),
              round(test?.transplant?.rate),
              round(test?.transplant?.low),
              round(test?.transplant?.high),
              test?.transplant?.n ?? '',
              test ? (test.shortcut ? 1 : 0) : '',
              test?.reasons.join('; ') ?? '',
              test?.notes.join('; ') ?? '',
              k.typical.map((t) => t.path).join(' '),
              colourOf(c.label, k.concept),
            ];
          }),
        ),
      ]),
    );
    const json = {
      model: model.path,
      layer: key.layer,
      method: key.method,
      descriptorLayer,
      tests: caps === null ? null : { seed: options.seed, caps, judgement: 'the shortcut thresholds are judgement: read the numbers beside the flag' },
      classes: withMeanColours(classes, colourOf).map((c, ci) => ({ ...c, concepts: c.concepts.map((k) => ({ ...k, test: testOf(ci, k.concept) })) })),
    };
    await writeFileAtomic(jsonFile, `${JSON.stringify(json, null, 1)}\n`);
    const summary = classes.map(
      (c) => `${c.label}: ${c.concepts.length} concepts in ${c.images} images: ${c.concepts.map((k) => `${k.concept} ${percent(k.share)} ${k.where}`).join(', ')}`,
    );
    // The crops are many (10 a concept): the files listed are the contact sheets, the summary counts the rest.
    summary.push(`${crops.files.length} crops of typical images in ${path.join(dir, 'crops')}, a contact sheet per class`);
    // The verdict last: it is what a person reads first in a terminal.
    if (findings.tests) {
      const flagged = classes.flatMap((c, ci) => c.concepts.flatMap((k) => (testOf(ci, k.concept)?.shortcut ? [`${c.label}:${k.concept} (${k.where}): ${testOf(ci, k.concept)!.reasons.join('; ')}`] : [])));
      summary.push(flagged.length === 0 ? 'no concept flagged as a likely shortcut (thresholds are judgement: see concepts.csv)' : `likely shortcuts (thresholds are judgement): ${flagged.join(' | ')}`);
    }
    return { files: [csvFile, jsonFile, ...crops.sheets], summary };
  },
};
