/**
 * The report's first page: the lead findings per class (accuracy, the largest
 * subgroup gaps, the spurious-focus share, each with its 95 % interval), the
 * conclusions drawn from them, and the model card.
 */
import { BOOTSTRAP_RESAMPLES } from '../../analysis/bootstrap';
import { GAPS_SHOWN, MIN_GROUP } from '../../analysis/headline';
import { ON_REGION_RULE } from '../../../shared/region-focus';
import { leadBlocks } from './headline-text';
import { esc, facts, pathHtml, section } from './html';
import type { Conclusion, ReportData } from './types';

/** A sentence as a list item; a number keeps its unit on its line. */
const item = (text: string) => `<li>${esc(text).replaceAll(' %', '\u00a0%')}</li>`;

export function leadHtml(data: ReportData): string {
  const h = data.headline;
  const blocks = leadBlocks(data).map((b) => `<h3>${esc(b.subject)}</h3><ul class="lead">${b.sentences.map(item).join('')}</ul>`);
  const splitNote =
    h.split === null
      ? ''
      : `<p class="note">The dataset's attribute <b>${esc(h.split)}</b> tells training images from test images: every figure is of one of its values, never of them pooled.</p>`;
  const method =
    `<p class="note">Largest gaps: per attribute, its most accurate group against its least accurate (groups of at least ${MIN_GROUP} audited images), the ` +
    `largest ${GAPS_SHOWN} per class. 95 % CI: percentile bootstrap, ${BOOTSTRAP_RESAMPLES.toLocaleString('en')} resamples, seeded; a gap resamples each group on its own; ` +
    `a group right every time (or never) takes the exact binomial bound at that end. ` +
    `On a region: ${esc(ON_REGION_RULE)}, as the app's sidebar counts.</p>`;
  const empty = h.accuracy.length === 0 ? '<p>No image is audited yet.</p>' : '';
  const shortcuts = data.shortcuts
    ? `<p class="note">Shortcuts: each class's maps are cut into their evidence regions, which are grouped into concepts by what they look like (no region drawn); ` +
      `each concept is then tested on the model: removed from the images it decides (filled with the image's mean colour) and pasted into images of other classes. ` +
      `A concept is flagged when removing it fixes at least half of the class's errors it was tried on (5 or more), or when pasting it turns at least half the images ` +
      `(95 % lower bound) into the class while the images it decides are less often right than the rest. These thresholds are judgement: the numbers are beside each flag, and in concepts.csv.</p>`
    : '';
  return section('lead', 'Key findings', splitNote + empty + blocks.join('') + method + shortcuts);
}

const KIND_TITLES: Record<Conclusion['kind'], string> = {
  rebalance: 'Rebalance',
  relabel: 'Relabel',
  collect: 'Collect',
  check: 'Nothing to act on',
};

export function conclusionsHtml(list: readonly Conclusion[]): string {
  const kinds = [...new Set(list.map((c) => c.kind))];
  const body = kinds.map((kind) => `<h3>${KIND_TITLES[kind]}</h3><ul class="conclusions">${list.filter((c) => c.kind === kind).map((c) => item(c.text)).join('')}</ul>`);
  return section('conclusions', 'Conclusions and recommendations', body.join(''));
}

export function modelCardHtml(data: ReportData): string {
  const card = data.model.card;
  if (!card || card.fields.length === 0) return '';
  const text = (t: string) => esc(t).replaceAll('\n', '<br>');
  return section('model-card', 'Model card', facts(card.fields.map((f) => [f.name, text(f.text)] as const)) + `<p class="note">From <code class="path">${pathHtml(card.file)}</code>.</p>`);
}
