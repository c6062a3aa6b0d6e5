/**
 * The report's lead findings as plain sentences a reviewer can quote, numbers and
 * intervals included: "cross: accuracy 11.7 % (95 % CI 6.1–19.0 %, n = 60) when
 * badge = blue vs 100 % (94.0–100 %, n = 60) when badge = red". Escape before use in HTML.
 */
import type { AccuracyGap, ClassAccuracy, FocusShare } from '../../analysis/headline';
import type { Interval } from '../../analysis/bootstrap';
import { MIN_GROUP } from '../../analysis/headline';
import { onRegionLabel } from '../../../shared/region-focus';
import { shortcutSentence } from './shortcut-text';
import type { ReportData, ShortcutSummary, SpuriousRules } from './types';

/** A share in percent with one decimal; the ends of the scale without one. */
export function percent(share: number): string {
  if (share >= 1) return '100';
  if (share <= 0) return '0';
  return (share * 100).toFixed(1);
}

/** "11.7 % (95 % CI 6.1–19.0 %, n = 60)"; `ci` false writes "(6.1–19.0 %, n = 60)" for a second figure in a sentence. */
export function shareWithInterval(i: Interval, ci = true): string {
  return `${percent(i.estimate)} % (${ci ? '95 % CI ' : ''}${percent(i.low)}–${percent(i.high)} %, n = ${i.n})`;
}

/** Percentage points, with a true minus sign. */
const points = (x: number) => (x * 100).toFixed(1).replace(/^-/, '−');

/** Who a figure is about: the class, and the split when the dataset has one. */
export function subject(label: string, split: string | null): string {
  return split === null ? label : `${label} (${split} split)`;
}

export function accuracySentence(a: ClassAccuracy): string {
  return `${subject(a.label, a.split)}: accuracy ${shareWithInterval(a.accuracy)}, ${a.correct} of ${a.accuracy.n} right.`;
}

export function gapSentence(g: AccuracyGap): string {
  return (
    `${subject(g.label, g.split)}: accuracy ${shareWithInterval(g.worst.accuracy)} when ${g.attribute} = ${g.worst.group} ` +
    `vs ${shareWithInterval(g.best.accuracy, false)} when ${g.attribute} = ${g.best.group}; ` +
    `a gap of ${points(g.gap.estimate)} points (95 % CI ${points(g.gap.low)} to ${points(g.gap.high)}).`
  );
}

/** The spurious-focus rule in words, the same as the review queue applies. */
export function spuriousRuleText(rules: SpuriousRules): string {
  const on = rules.spurious.join(' + ');
  const share = `${Math.round(rules.threshold * 100)} %`;
  const overEvidence = rules.evidence.length > 0 ? `, or at least ${share} on the marked regions together with more on ${on} than on ${rules.evidence.join(' + ')}` : '';
  return `at least ${share} of the predicted class's map on ${on}${overEvidence}`;
}

export function focusSentence(f: FocusShare, rules: SpuriousRules): string {
  return `${subject(f.label, f.split)}: ${shareWithInterval(f.share)} of maps are spurious focus (${f.images} of ${f.share.n}: ${spuriousRuleText(rules)}).`;
}

/** The lead findings of one class (in one split): who they are about and their sentences. */
export interface LeadBlock {
  subject: string;
  sentences: string[];
}

/**
 * Page 1 as sentences: first the shortcuts the concepts' causal tests flagged (found with
 * no region drawn), then per class and split: accuracy, the largest gaps, the
 * spurious-focus share, the maps on each region.
 */
export function leadBlocks(data: Pick<ReportData, 'headline' | 'onRegion' | 'settings'> & Partial<Pick<ReportData, 'shortcuts'>>): LeadBlock[] {
  const { headline: h } = data;
  const rules = data.settings.spurious;
  const shortcuts = data.shortcuts ? [shortcutBlock(data.shortcuts)] : [];
  return [...shortcuts, ...h.accuracy.map((a) => {
    const same = <T extends { label: string; split: string | null }>(x: T) => x.label === a.label && x.split === a.split;
    const who = subject(a.label, a.split);
    const gaps = h.gaps.filter(same).map(gapSentence);
    const sentences = [accuracySentence(a), ...(gaps.length > 0 ? gaps : [`${who}: no attribute has two groups of at least ${MIN_GROUP} audited images to compare.`])];
    if (rules && rules.spurious.length > 0) sentences.push(...h.focus.filter(same).map((f) => focusSentence(f, rules)));
    const counts = data.onRegion.find(same);
    if (counts && counts.regions.length > 0) {
      sentences.push(`${who}: maps on each region, ${counts.regions.map((r) => onRegionLabel(r.region, r.images)).join(', ')} of ${counts.audited} audited.`);
    }
    return { subject: who, sentences };
  })];
}

/** The flagged concepts, one sentence each; or that none was, of how many. */
function shortcutBlock(summary: ShortcutSummary): LeadBlock {
  const subject = 'Shortcuts found with no region drawn (concepts and their causal tests)';
  if (summary.flagged.length > 0) return { subject, sentences: summary.flagged.map(shortcutSentence) };
  return { subject, sentences: [`No concept of the ${summary.tested} tested is flagged as a likely shortcut (the thresholds are judgement: concepts.csv has the numbers).`] };
}

/** The lead findings as lines of text, for the command line. */
export function leadLines(data: Pick<ReportData, 'headline' | 'onRegion' | 'settings'> & Partial<Pick<ReportData, 'shortcuts'>>): string[] {
  return leadBlocks(data).flatMap((block) => block.sentences);
}

/**
 * The audit's headline in two sentences, for the last words of `biascope audit`: the
 * largest accuracy gap between groups of any class, and the share of spurious-focus maps.
 */
export function headlineLines(data: Pick<ReportData, 'headline' | 'settings'>): string[] {
  const { gaps, focus } = data.headline;
  const largest = [...gaps].sort((a, b) => b.gap.estimate - a.gap.estimate)[0];
  const gap = largest
    ? `largest accuracy gap: ${gapSentence(largest)}`
    : `largest accuracy gap: none to state; no attribute has two groups of at least ${MIN_GROUP} audited images in a class.`;
  const rules = data.settings.spurious;
  if (!rules || rules.spurious.length === 0) {
    return [gap, 'spurious focus: no spurious region named (name one with --spurious-region, or mark it in the app).'];
  }
  const images = focus.reduce((sum, f) => sum + f.images, 0);
  const audited = focus.reduce((sum, f) => sum + f.share.n, 0);
  const most = [...focus].sort((a, b) => b.share.estimate - a.share.estimate)[0];
  const share = audited === 0 ? 'no audited map' : `${percent(images / audited)} % of maps (${images} of ${audited})`;
  const where = most && most.images > 0 ? `; most in ${subject(most.label, most.split)}: ${shareWithInterval(most.share)}` : '';
  return [gap, `spurious focus: ${share} on ${rules.spurious.join(' + ')}${where}.`];
}
