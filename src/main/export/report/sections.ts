/** The report's body sections: one per class, tags, rebalancing, trust checks. */
import { SANITY_THRESHOLD } from '../../analysis/sanity-threshold';
import type { TrustReport } from '../../analysis/trust-check';
import { areaBars, colormapGradient, eigenChart, sanityChart } from './charts';
import { esc, fixed, pct, section, table, thumbFigure } from './html';
import type { ClassSection, ReportData, TagSection } from './types';

/** A subgroup whose accuracy is this far under its class's is marked. */
const ACCURACY_GAP = 0.1;

export const classId = (index: number) => `class-${index + 1}`;

/** A heading with what it introduces: in print they move to the next page together. */
const keep = (html: string) => `<div class="keep">${html}</div>`;

const LEGEND =
  `<span class="legend"><span>map: low</span><span class="bar" style="background:${colormapGradient()}"></span><span>high</span>` +
  `<span>· red frame: misclassified</span></span>`;

function clusterCards(c: ClassSection, grid: number): string {
  if (c.clusters.length === 0) return '<p class="note">No map of this class\'s own label is stored: audit with --targets label to cluster it.</p>';
  const cards = c.clusters.map(
    (k) =>
      `<div class="card"><div class="mean"><img src="${esc(k.meanMap)}" alt="mean map of cluster ${k.cluster + 1}">` +
      `<p><b>cluster ${k.cluster + 1}</b><br>${k.size} images${k.misclassified > 0 ? `, ${k.misclassified} labelled otherwise` : ''}<br><span class="${k.accuracy <= 0.5 ? 'bad' : ''}">${pct(k.accuracy)} correct</span>` +
      `${k.flat ? '<br><span class="note">maps empty or flat: nothing here speaks for the class</span>' : ''}</p></div>` +
      `<div><p class="note">most typical maps</p><div class="grid">${k.exemplars.map((t) => thumbFigure(t)).join('')}</div></div></div>`,
  );
  const sampled = c.clustered < c.audited ? ` ${c.audited - c.clustered} audited images without a map of their own class are left out.` : '';
  return (
    `<div class="cluster-row"><div>${eigenChart(c.eigenvalues, c.suggested)}<p class="note">Smallest eigenvalues of the graph; the eigengap suggests ${c.suggested}.</p></div>` +
    `<p class="note explain">Each image's map of its own class, and this class's map of the ${c.misclassified} images labelled otherwise that the model predicts as it, ` +
    `on a ${grid}x${grid} grid with unit mass, clustered spectrally (SpRAy). ` +
    `A cluster the model gets wrong, or whose mean map sits off the object, is a strategy worth a look.${sampled}</p></div>` +
    `<div class="cards">${cards.join('')}</div>`
  );
}

function examples(c: ClassSection, data: ReportData): string {
  const rules = data.settings.spurious;
  if (c.examplesBy === 'spurious' && rules) {
    const on = rules.spurious.map(esc).join(' + ');
    const split = data.headline.split;
    // With a split attribute, one count per split: train and test are never pooled.
    const counted =
      split === null
        ? `${c.spuriousImages} of ${c.audited} audited maps (${pct(c.audited ? c.spuriousImages! / c.audited : null)})`
        : data.headline.focus
            .filter((f) => f.label === c.label)
            .map((f) => `${esc(split)} ${esc(f.split ?? '')}: ${f.images} of ${f.share.n} audited maps (${pct(f.share.estimate)})`)
            .join('; ');
    const count = `${counted} are spurious focus: at least ${pct(rules.threshold)} of their mass on ${on}${rules.evidence.length > 0 ? `, or that much on the marked regions with more on ${on} than on ${rules.evidence.map(esc).join(' + ')}` : ''}.`;
    const grid = c.examples.map((t) => thumbFigure(t, `${on} ${fixed(t.score ?? 0)}`)).join('');
    return keep(`<h3>Most spurious-focused maps</h3><p>${count}</p><p class="note">Ranked by the mass of the predicted class's map on ${on}; under each, what the model predicted and that mass.</p><div class="grid">${grid}</div>`);
  }
  const grid = c.examples.map((t) => thumbFigure(t, `unusual ${fixed(t.score ?? 0)}`)).join('');
  return keep(
    `<h3>Most unusual maps</h3><p class="note">No spurious region was named: these are the maps furthest from the class's typical map, ` +
      `each image explained for its own class.</p><div class="grid">${grid || '<p class="note">none</p>'}</div>`,
  );
}

function subgroups(c: ClassSection, regions: readonly string[]): string {
  if (c.subgroups.length === 0) return '';
  const rows = c.subgroups.map((s) => {
    const low = s.accuracy !== null && c.accuracy !== null && s.accuracy < c.accuracy - ACCURACY_GAP;
    return [esc(s.group), String(s.count), pct(s.share), `<span class="${low ? 'bad' : ''}">${pct(s.accuracy, 1)}</span>`, pct(s.meanConfidence), pct(s.flagged), ...s.mass.map((m) => fixed(m.mean))];
  });
  const head = [c.subgroupsBy, 'images', 'share', 'accuracy', 'confidence', 'flagged', ...regions.map((r) => `mass ${r}`)];
  const note = "Confidence: mean probability of the predicted class. Mass: mean share of the predicted class's map on the region. Flagged: tagged other than ok.";
  return keep(`<h3>Subgroups by ${esc(c.subgroupsBy)}</h3>${table(head, rows, { numeric: head.map((_, i) => i).slice(1) })}<p class="note">${note}</p>`);
}

export function classHtml(c: ClassSection, index: number, data: ReportData): string {
  const split = data.headline.split;
  // With a split attribute, one accuracy per split: train and test are never pooled.
  const accuracy =
    split === null
      ? `accuracy <b>${pct(c.accuracy, 1)}</b> (${c.correct} of ${c.audited})`
      : data.headline.accuracy
          .filter((a) => a.label === c.label)
          .map((a) => `${esc(split)} ${esc(a.split ?? '')}: accuracy <b>${pct(a.accuracy.estimate, 1)}</b> (${a.correct} of ${a.accuracy.n})`)
          .join(' · ');
  const head = `<div class="class-head"><span>${c.images} images · ${c.audited} audited · ${accuracy}</span>${LEGEND}</div>`;
  const body = `${head}<h3>Clusters of its maps</h3>${clusterCards(c, data.settings.clusterGrid)}${examples(c, data)}${subgroups(c, data.settings.massRegions)}`;
  return section(classId(index), `Class ${c.label}`, body, 'class');
}

/** The user's notes, escaped, paragraphs kept. */
function notesHtml(notes: string): string {
  if (notes.trim() === '') return '';
  return `<div class="notes">${notes.trim().split(/\n\s*\n/).map((paragraph) => `<p>${esc(paragraph).replaceAll('\n', '<br>')}</p>`).join('')}</div>`;
}

export function tagsHtml(tags: readonly TagSection[], notes = ''): string {
  if (tags.length === 0) {
    return section('tags', 'Tags and notes', `${notesHtml(notes)}<p class="note">No image is tagged yet: tags added in the app show here with their images.</p>`, 'page');
  }
  const counts = table(['tag', 'images'], tags.map((t) => [esc(t.tag), String(t.images)]), { numeric: [1] });
  const lists = tags.map((t) => {
    const more = t.images > t.shown.length ? `<p class="note">and ${t.images - t.shown.length} more</p>` : '';
    return keep(`<h3>${esc(t.tag)}</h3><div class="grid">${t.shown.map((s) => thumbFigure(s)).join('')}</div>${more}`);
  });
  return section('tags', 'Tags and notes', notesHtml(notes) + counts + lists.join(''), 'page');
}

export function rebalanceHtml(data: ReportData): string {
  const plan = data.rebalance;
  if (!plan) return section('rebalance', 'Rebalancing', '<p class="note">No group-by attribute was given: run with --group-by &lt;attribute&gt; for the plan.</p>');
  const cells = table(
    ['class', plan.groupBy, 'images', 'share', 'target', 'short by'],
    plan.summary.map((c) => [esc(c.label), esc(c.group), String(c.count), pct(c.share, 1), String(c.targetCount), String(c.deficit)]),
    { numeric: [2, 3, 4, 5], rowClass: (i) => (plan.summary[i]!.deficit > 0 ? 'short' : '') },
  );
  const actionNames = Object.keys(plan.actions[0]?.counts ?? {});
  const actions = table(['class', ...actionNames], plan.actions.map((a) => [esc(a.label), ...actionNames.map((k) => String(a.counts[k as keyof typeof a.counts]))]), {
    numeric: actionNames.map((_, i) => i + 1),
  });
  const policy = plan.policy === 'equal' ? 'every group gets the same share of its class' : "every group gets the share it has in the whole dataset";
  return section(
    'rebalance',
    'Rebalancing',
    keep(`<p>Policy <b>${esc(plan.policy)}</b>: ${policy}. A cell short of its target needs that many more images.</p>${cells}`) +
      keep(
        `<h3>What to do with each image</h3><p class="note">Tags decide first (duplicate: remove, mislabeled: relabel, flagged or spurious: review), ` +
          `then the sampling weight that balances the groups.</p>${actions}`,
      ),
  );
}

export function trustHtml(trust: TrustReport | null): string {
  if (!trust) return section('trust', 'Can the maps be trusted?', '<p class="note">Not computed for this report: they run the model (biascope export report --trust).</p>');
  const { sanity, faithfulness: f } = trust;
  const sanityVerdict = sanity.passed
    ? `<div class="verdict">The maps can be trusted: they fall apart with the model${sanity.fellAt ? ` (under ${SANITY_THRESHOLD} once ${esc(sanity.fellAt)} is randomised)` : ''}.</div>`
    : '<div class="verdict failed">The maps cannot be trusted: they stay alike when the model is destroyed, so they show the image, not the model.</div>';
  const faithVerdict = f.passed
    ? '<div class="verdict">Removing what the map points at hurts the score sooner than removing pixels at random, and revealing it helps sooner.</div>'
    : '<div class="verdict failed">The map orders pixels no better than chance.</div>';
  const bars = areaBars([
    { name: 'deletion', map: f.deletionArea, random: f.randomDeletionArea },
    { name: 'insertion', map: f.insertionArea, random: f.randomInsertionArea },
  ]);
  return section(
    'trust',
    'Can the maps be trusted?',
    `<p class="note">On ${trust.images.length} images, evenly sampled.</p><h3>Model-randomisation sanity check</h3>` +
      `<p class="note">Weights re-initialised layer by layer from the output down; Spearman correlation of each map with the original (Adebayo et al. 2018).</p>` +
      `${sanityChart(sanity.steps, SANITY_THRESHOLD)}${sanityVerdict}<h3>Deletion and insertion</h3>` +
      `<p class="note">Area under the class probability as pixels are removed (lower is better) or revealed (higher is better) in the map's order, against a random order (Petsiuk et al. 2018).</p>` +
      `${bars}${faithVerdict}`,
    'page',
  );
}
