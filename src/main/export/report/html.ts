/**
 * Small HTML helpers for the report. Every string that comes from a dataset, a model
 * or a user (paths, class names, attribute values, tags) goes through `esc`: a
 * report is opened by people who did not make the dataset.
 */
import type { Thumb } from './types';

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function esc(value: string | number): string {
  return String(value).replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/** A path escaped, allowed to wrap after each slash rather than mid-name. */
export const breakable = (p: string): string => esc(p).replaceAll('/', '/<wbr>');

/**
 * A path that may wrap only after a slash: each name is kept whole (no break at its
 * hyphens either), so a reader never has to guess whether a line end is in the name.
 */
export const pathHtml = (p: string): string =>
  p
    .split('/')
    .map((name) => (name === '' ? '' : `<span class="name">${esc(name)}</span>`))
    .join('/<wbr>');

export const pct = (share: number | null, digits = 0): string => (share === null ? '–' : `${(share * 100).toFixed(digits)}%`);

export const fixed = (value: number | null, digits = 2): string => (value === null ? '–' : value.toFixed(digits));

/** A table; cells are HTML already (escape them when building), `numeric` columns align right. */
export function table(head: readonly string[], rows: readonly (readonly string[])[], options: { numeric?: readonly number[]; rowClass?: (i: number) => string } = {}): string {
  const numeric = new Set(options.numeric ?? []);
  const cell = (tag: 'th' | 'td', html: string, i: number) => `<${tag}${tag === 'th' ? ' scope="col"' : ''}${numeric.has(i) ? ' class="num"' : ''}>${html}</${tag}>`;
  const body = rows.map((row, r) => {
    const cls = options.rowClass?.(r) ?? '';
    return `<tr${cls ? ` class="${cls}"` : ''}>${row.map((html, i) => cell('td', html, i)).join('')}</tr>`;
  });
  return `<table><thead><tr>${head.map((h, i) => cell('th', esc(h), i)).join('')}</tr></thead><tbody>${body.join('')}</tbody></table>`;
}

/** A definition list of label -> HTML. */
export function facts(entries: readonly (readonly [string, string])[]): string {
  return `<dl class="facts">${entries.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${v}</dd>`).join('')}</dl>`;
}

/** What a screen reader says for a thumbnail: the picture, its label and what the model said. */
function thumbAlt(t: Thumb): string {
  const said = t.predicted === null ? 'not audited' : `predicted ${t.predicted}${t.prob === null ? '' : ` at ${pct(t.prob)}`}`;
  return `heatmap over ${t.path}, labelled ${t.label}, ${said}`;
}

/** One picture with its path and what the model said; `note` is the score it was picked by, as HTML. */
export function thumbFigure(t: Thumb, note = ''): string {
  const said = t.predicted === null ? 'not audited' : `→ ${esc(t.predicted)} ${pct(t.prob)}`;
  const wrong = t.predicted !== null && t.predicted !== t.label;
  return (
    `<figure class="thumb${wrong ? ' wrong' : ''}"><img src="${esc(t.src)}" alt="${esc(thumbAlt(t))}" title="${esc(t.path)}">` +
    `<figcaption><span class="path">${breakable(t.path)}</span><span>${said}${note ? ` · ${note}` : ''}</span></figcaption></figure>`
  );
}

export function section(id: string, title: string, body: string, extraClass = ''): string {
  return `<section id="${esc(id)}" class="${['block', extraClass].filter(Boolean).join(' ')}"><h2>${esc(title)}</h2>${body}</section>`;
}
