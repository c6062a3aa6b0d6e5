/**
 * The audit report as one HTML document: inline CSS, images as data: URIs, charts as
 * inline SVG, no script, and a Content-Security-Policy that forbids fetching anything,
 * so it opens the same offline, attached to a mail or printed.
 */
import { percent, spuriousRuleText } from './headline-text';
import { esc, facts, pathHtml, pct, section, table } from './html';
import { conclusionsHtml, leadHtml, modelCardHtml } from './lead-html';
import { REPORT_CSS } from './report-css';
import { classHtml, classId, rebalanceHtml, tagsHtml, trustHtml } from './sections';
import type { ReportData } from './types';

export const REPORT_CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'";

/** A path in monospace that wraps after a slash, never inside a name (not even at a hyphen of one). */
const code = (value: string) => `<code class="path">${pathHtml(value)}</code>`;

function header(data: ReportData): string {
  const { dataset: d, model: m } = data;
  const perClass = d.classes.map((c) => `${esc(c.name)} ${c.images}`).join(', ');
  const datasetFacts = facts([
    ['images', `${d.images} (${perClass})`],
    ['hash', `<span class="hash">${esc(d.hash)}</span>`],
    ['attributes', d.attributes.map(esc).join(', ') || 'none'],
    ['regions', d.regions.map(esc).join(', ') || 'none'],
    ['skipped files', String(d.problems)],
  ]);
  const job = m.job;
  const modelFacts = facts([
    ['hash', `<span class="hash">${esc(m.hash)}</span>`],
    ['classes', m.classes.map(esc).join(', ')],
    ['layer · method', `${esc(m.layer)} · ${esc(m.method)}`],
    ['backend', m.backend === null ? 'not recorded (results do not depend on it)' : esc(m.backend)],
    ['audit', job ? `targets ${esc(job.targets)}, ${esc(job.status)}, ${esc(job.startedAt.slice(0, 19).replace('T', ' '))} UTC` : 'no job recorded'],
  ]);
  // The paths get the full width: in a column a long folder name would have to break.
  const paths = facts([
    ['dataset root', code(d.root)],
    ['model file', code(m.path)],
  ]);
  return `${paths}<div class="columns"><div><h3>Dataset</h3>${datasetFacts}</div><div><h3>Model</h3>${modelFacts}</div></div>`;
}

function settings(data: ReportData): string {
  const s = data.settings;
  const rules = s.spurious;
  return facts([
    ['spurious regions', rules && rules.spurious.length > 0 ? rules.spurious.map(esc).join(', ') : 'none named'],
    ['evidence regions', rules && rules.evidence.length > 0 ? rules.evidence.map(esc).join(', ') : 'none named'],
    [
      'spurious focus',
      rules && rules.spurious.length > 0
        ? `a map counts as spurious focus when at least ${pct(rules.threshold)} of its mass lies on the spurious regions, or that much on the marked regions with more of it on the spurious ones than on the evidence (the review queue's rule)`
        : 'no spurious region named',
    ],
    ['groups', s.groupBy === null ? 'SpRAy clusters (no group-by attribute given)' : `attribute ${esc(s.groupBy)}, policy ${esc(s.policy)}`],
    ['clusters', `maps on a ${s.clusterGrid}x${s.clusterGrid} grid, number of clusters from the eigengap`],
    ['statistics', `the predicted class's map of ${esc(data.model.method)} at ${esc(data.model.layer)}`],
  ]);
}

function findings(data: ReportData): string {
  const f = data.findings;
  const items: string[] = [];
  for (const c of f.shortCells) {
    items.push(`<b>${esc(c.label)} × ${esc(c.groupBy)}=${esc(c.group)}</b> is short: ${c.count} images (${pct(c.share, 1)} of the class), ${c.deficit} short of ${c.targetCount}.`);
  }
  const rules = data.settings.spurious;
  for (const s of f.spurious) {
    items.push(`<b>${esc(s.label)}</b>: ${s.images} of ${s.audited} maps (${pct(s.share)}) are spurious focus (${esc(spuriousRuleText(rules!))}).`);
  }
  if (rules && rules.spurious.length > 0 && f.spurious.length === 0) items.push(`No class has many maps that are spurious focus on ${rules.spurious.map(esc).join(' + ')}.`);
  for (const k of f.weakClusters) {
    items.push(`<b>${esc(k.label)}</b>, cluster ${k.cluster + 1}: ${k.size} images the model gets ${pct(k.accuracy)} right: a strategy of its own.`);
  }
  if (data.trust) items.push(data.trust.sanity.passed ? 'The sanity check passed: the maps can be trusted.' : '<b>The sanity check failed: the maps cannot be trusted.</b>');
  const tagged = data.tags.reduce((sum, t) => sum + t.images, 0);
  if (tagged > 0) items.push(`${data.tags.length} tags on ${tagged} image-tag pairs (see Tags and notes).`);
  if (items.length === 0) items.push('Nothing stands out at these settings.');
  return `<ul class="findings">${items.map((i) => `<li>${i}</li>`).join('')}</ul>`;
}

function contents(data: ReportData): string {
  const links = [
    ['lead', 'Key findings'],
    ['conclusions', 'Conclusions and recommendations'],
    ...(data.model.card ? [['model-card', 'Model card']] : []),
    ...data.classes.map((c, i) => [classId(i), `Class ${c.label}`]),
    ['tags', 'Tags and notes'],
    ['rebalance', 'Rebalancing'],
    ['trust', 'Can the maps be trusted?'],
  ];
  return `<nav class="toc">${links.map(([id, title]) => `<a href="#${esc(id!)}">${esc(title!)}</a>`).join(' · ')}</nav>`;
}

function accuracyTable(data: ReportData): string {
  const h = data.headline;
  if (h.split !== null) {
    const clusters = new Map(data.classes.map((c) => [c.label, c.clusters.length]));
    return table(
      ['class', h.split, 'audited', 'accuracy', '95 % CI', 'clusters'],
      h.accuracy.map((a) => [esc(a.label), esc(a.split ?? ''), String(a.accuracy.n), `${percent(a.accuracy.estimate)} %`, `${percent(a.accuracy.low)}–${percent(a.accuracy.high)} %`, String(clusters.get(a.label) ?? 0)]),
      { numeric: [2, 3, 4, 5] },
    );
  }
  return table(
    ['class', 'images', 'audited', 'accuracy', 'clusters'],
    data.classes.map((c) => [esc(c.label), String(c.images), String(c.audited), pct(c.accuracy, 1), String(c.clusters.length)]),
    { numeric: [1, 2, 3, 4] },
  );
}

export function renderReportHtml(data: ReportData): string {
  const title = data.title;
  const body = [
    `<header><h1>${esc(title)}</h1><p class="sub">biascope ${esc(data.version)} · ${esc(data.generatedAt.slice(0, 16).replace('T', ' '))} UTC · dataset ${esc(data.dataset.name)}</p>${contents(data)}</header>`,
    leadHtml(data),
    conclusionsHtml(data.conclusions),
    modelCardHtml(data),
    section('audit', 'What was audited', header(data)),
    section('settings', 'Settings and thresholds', settings(data)),
    section('findings', 'Summary of findings', findings(data) + accuracyTable(data)),
    ...data.classes.map((c, i) => classHtml(c, i, data)),
    tagsHtml(data.tags, data.notes),
    rebalanceHtml(data),
    trustHtml(data.trust),
    `<footer>Written by biascope ${esc(data.version)}. Heatmaps: ${esc(data.model.method)} at ${esc(data.model.layer)}, turbo colormap; the dataset hash is sha256 over the sorted content hashes of its images.</footer>`,
  ];
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${REPORT_CSP}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${esc(title)}</title><style>${REPORT_CSS}</style></head>`,
    `<body><main>${body.join('\n')}</main></body></html>`,
    '',
  ].join('\n');
}
