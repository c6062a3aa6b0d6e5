/**
 * Conclusions and recommendations drawn from the report's figures: what to rebalance
 * (a group the model fails and the data under-represents), what to relabel (tagged
 * mislabeled, or confidently wrong), what to collect (groups too small to judge,
 * counterexamples to a spurious cue). Each sentence carries the numbers it rests on.
 */
import type { CellSummary } from '../../analysis/rebalance';
import type { AccuracyGap, Headline, HeadlineInput } from '../../analysis/headline';
import { percent, shareWithInterval, spuriousRuleText, subject } from './headline-text';
import type { Conclusion, SpuriousRules } from './types';

/** A mistake at this probability or more is worth a look at the label. */
export const CONFIDENT_WRONG = 0.9;
/** An interval wider than this (in share) says the group is too small to judge. */
export const WIDE_INTERVAL = 0.3;

export interface ConclusionInputs {
  headline: Headline;
  rows: readonly HeadlineInput[];
  rules: SpuriousRules | null;
  shortCells: readonly CellSummary[];
  /** Images with a tag that asks for a new label (mislabeled, relabel, mislabeled:*). */
  mislabeled: number;
}

const pct0 = (share: number) => `${Math.round(share * 100)} %`;

/** A gap worth rebalancing for: clear of chance, and at least this large (the subgroup tables mark the same). */
export const REBALANCE_GAP = 0.1;

const isTraining = (value: string | null) => value !== null && value.toLowerCase().startsWith('train');

/**
 * Share of `label`'s images with the worst group, and of the other classes' images,
 * in the data the model learns from: the training split when there is one, else all.
 */
function composition(g: AccuracyGap, inputs: ConclusionInputs): { inClass: number; elsewhere: number | null; training: boolean } {
  const split = inputs.headline.split;
  const training = split !== null && inputs.rows.some((row) => isTraining(row.attributes[split] ?? null));
  const rows = inputs.rows.filter((row) => row.attributes[g.attribute] !== undefined && (!training || isTraining(row.attributes[split!] ?? null)));
  const own = rows.filter((row) => row.label === g.label);
  const other = rows.filter((row) => row.label !== g.label);
  const share = (set: readonly HeadlineInput[]) => (set.length === 0 ? 0 : set.filter((row) => row.attributes[g.attribute] === g.worst.group).length / set.length);
  return { inClass: share(own), elsewhere: other.length === 0 ? null : share(other), training };
}

function rebalance(inputs: ConclusionInputs): Conclusion[] {
  // One recommendation per class, attribute and group: held-out evidence (a split other than train) first.
  const clear = inputs.headline.gaps
    .filter((g) => g.gap.low > 0 && g.gap.estimate >= REBALANCE_GAP)
    .sort((a, b) => Number(isTraining(a.split)) - Number(isTraining(b.split)));
  const seen = new Set<string>();
  const chosen = clear.filter((g) => {
    const key = `${g.label}\n${g.attribute}\n${g.worst.group}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const fromGaps = chosen.map((g): Conclusion => {
    const { inClass, elsewhere, training } = composition(g, inputs);
    const where = training ? 'In the training split, ' : '';
    const skew =
      elsewhere !== null && Math.abs(elsewhere - inClass) >= 0.2
        ? ` ${where}${g.attribute} = ${g.worst.group} is ${pct0(inClass)} of ${g.label} images but ${pct0(elsewhere)} of the other classes': the attribute tells the classes apart, so the model can learn it instead of what defines ${g.label}.`
        : '';
    return {
      kind: 'rebalance',
      text:
        `Rebalance ${g.label} over ${g.attribute}: ${g.split === null ? '' : `in the ${g.split} split, `}accuracy ${shareWithInterval(g.worst.accuracy)} when ${g.attribute} = ${g.worst.group} ` +
        `against ${percent(g.best.accuracy.estimate)} % when ${g.attribute} = ${g.best.group}, a gap clear of chance.${skew} ` +
        `Add or up-weight ${g.label} images with ${g.attribute} = ${g.worst.group}${training ? ' in the training data' : ''}, so the attribute no longer goes with the class.`,
    };
  });
  const fromCells = inputs.shortCells.map(
    (c): Conclusion => ({
      kind: 'rebalance',
      text:
        `Rebalance ${c.label} × ${c.groupBy} = ${c.group}: ${c.count} images (${pct0(c.share)} of the class), ${c.deficit} short of the ${c.targetCount} the policy asks for` +
        // The rebalancing plan counts every image of the dataset, whatever its split.
        `${inputs.headline.split === null ? '' : `, counted over all values of ${inputs.headline.split}`}.`,
    }),
  );
  return [...fromGaps, ...fromCells];
}

function relabel(inputs: ConclusionInputs): Conclusion[] {
  const out: Conclusion[] = [];
  if (inputs.mislabeled > 0) out.push({ kind: 'relabel', text: `Relabel the ${inputs.mislabeled} images tagged mislabeled (the rebalancing lists give them the action relabel).` });
  const wrong = new Map<string, number>();
  for (const row of inputs.rows) {
    if (row.predicted !== null && row.predicted !== row.label && (row.confidence ?? 0) >= CONFIDENT_WRONG) wrong.set(row.label, (wrong.get(row.label) ?? 0) + 1);
  }
  const total = [...wrong.values()].reduce((a, b) => a + b, 0);
  if (total > 0) {
    const per = [...wrong].sort((a, b) => b[1] - a[1]).map(([label, n]) => `${n} labelled ${label}`).join(', ');
    out.push({
      kind: 'relabel',
      text: `Check the labels of the ${total} images the model gets wrong with at least ${pct0(CONFIDENT_WRONG)} confidence (${per}): a confident mistake is often a wrong label, or a shortcut the image carries.`,
    });
  }
  return out;
}

function collect(inputs: ConclusionInputs): Conclusion[] {
  const out: Conclusion[] = [];
  // A gap that may be chance, measured on a group too small to tell: more images decide it.
  for (const g of inputs.headline.gaps.filter((g) => g.gap.low <= 0)) {
    const i = g.worst.accuracy;
    if (i.high - i.low > WIDE_INTERVAL) {
      out.push({
        kind: 'collect',
        text:
          `Collect more ${g.label} images with ${g.attribute} = ${g.worst.group}${g.split === null ? '' : ` for the ${g.split} split`}: with n = ${i.n} its accuracy ` +
          `is known only to within ${percent(i.low)}–${percent(i.high)} %, too wide to tell whether its gap to ${g.attribute} = ${g.best.group} is real.`,
      });
    }
  }
  const rules = inputs.rules;
  if (rules) {
    // One per class: on held-out images when the dataset has them, else on the training split.
    const focus = inputs.headline.focus.filter((f) => f.share.low > 0).sort((a, b) => Number(isTraining(a.split)) - Number(isTraining(b.split)));
    const said = new Set<string>();
    for (const f of focus) {
      if (said.has(f.label)) continue;
      said.add(f.label);
      out.push({
        kind: 'collect',
        text:
          `Collect ${f.label} images in which ${rules.spurious.join(' + ')} does not go with the class (or hide it): ${shareWithInterval(f.share)} of ${subject(f.label, f.split)} maps ` +
          `are spurious focus (${spuriousRuleText(rules)}).`,
      });
    }
  }
  return out;
}

export function conclusions(inputs: ConclusionInputs): Conclusion[] {
  const all = [...rebalance(inputs), ...relabel(inputs), ...collect(inputs)];
  if (all.length > 0) return all;
  return [
    {
      kind: 'check',
      text: 'No accuracy gap and no spurious-focus share is clear of chance, no image is tagged mislabeled and no cell is short at these settings: nothing to rebalance, relabel or collect from these figures.',
    },
  ];
}
