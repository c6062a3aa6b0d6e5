/** The model-randomisation sanity check and the faithfulness curves of an audit's maps: trust.json. */
import path from 'node:path';
import { SANITY_THRESHOLD, type TrustReport } from '../../analysis/trust-check';
import type { Exporter } from '../exporter';
import { writeFileAtomic } from '../safe-write';

/** The checks' verdicts in words; the report prints the same figures. */
export function trustLines(report: TrustReport): string[] {
  const { sanity, faithfulness } = report;
  const curve = sanity.steps.map((s) => `${s.layer} ${s.mean.toFixed(2)}`).join(', ');
  const f = (x: number) => x.toFixed(3);
  return [
    `sanity check (${report.images.length} images, Spearman with the original maps as layers are randomised from the top): ${curve}`,
    sanity.passed
      ? `  passed: the maps fall apart with the model${sanity.fellAt ? ` (under ${SANITY_THRESHOLD} from ${sanity.fellAt})` : ''}`
      : '  FAILED: the maps stay alike when the model is destroyed; they show the image, not the model, and cannot be trusted',
    `faithfulness: deletion area ${f(faithfulness.deletionArea)} (random ${f(faithfulness.randomDeletionArea)}), insertion area ${f(faithfulness.insertionArea)} (random ${f(faithfulness.randomInsertionArea)})`,
    faithfulness.passed
      ? '  passed: removing what the map points at hurts the score sooner than removing pixels at random'
      : '  FAILED: the map orders pixels no better than chance',
  ];
}

export const trust: Exporter<'trust'> = {
  async run({ checkTrust, dir }, { sample }) {
    const report = await checkTrust(sample);
    const file = path.join(dir, 'trust.json');
    await writeFileAtomic(file, `${JSON.stringify(report, null, 2)}\n`);
    return { files: [file], summary: trustLines(report) };
  },
};
