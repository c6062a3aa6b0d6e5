/**
 * The report's charts as inline SVG: no script, nothing fetched, crisp in print.
 */
import { colormapLut } from '../../../shared/colormap';
import { esc } from './html';

const ACCENT = '#2563eb';
const MUTED = '#94a3b8';
const ALARM = '#dc2626';

const n = (x: number) => Number(x.toFixed(1));

/**
 * The sanity check's curve: Spearman correlation with the original maps, from the
 * intact model (1 by definition) through each cumulative randomisation step, with
 * the line the maps must fall under.
 */
export function sanityChart(steps: readonly { layer: string; mean: number }[], threshold: number): string {
  const points = [{ layer: 'intact', mean: 1 }, ...steps];
  const width = 560;
  const height = 220;
  const left = 40;
  // Room for the last layer's slanted name.
  const right = 64;
  const top = 12;
  const bottom = 52;
  const x = (i: number) => left + (i * (width - left - right)) / Math.max(1, points.length - 1);
  const y = (v: number) => top + ((1 - v) / 2) * (height - top - bottom);
  // Long models have dozens of layers: label every few so names do not overlap.
  const every = Math.ceil(points.length / 12);
  const grid = [-1, -0.5, 0, 0.5, 1]
    .map((v) => `<line x1="${left}" x2="${width - right}" y1="${n(y(v))}" y2="${n(y(v))}" stroke="#e2e8f0"/><text x="${left - 6}" y="${n(y(v) + 3)}" text-anchor="end">${v}</text>`)
    .join('');
  const labels = points
    .map((p, i) => (i % every === 0 || i === points.length - 1 ? `<text transform="translate(${n(x(i))} ${height - bottom + 12}) rotate(30)">${esc(p.layer)}</text>` : ''))
    .join('');
  const line = points.map((p, i) => `${n(x(i))},${n(y(p.mean))}`).join(' ');
  const dots = points.map((p, i) => `<circle cx="${n(x(i))}" cy="${n(y(p.mean))}" r="3" fill="${i === 0 ? MUTED : p.mean < threshold ? ACCENT : ALARM}"/>`).join('');
  return (
    `<svg class="chart" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="Spearman correlation per randomisation step">` +
    `${grid}<line x1="${left}" x2="${width - right}" y1="${n(y(threshold))}" y2="${n(y(threshold))}" stroke="${ALARM}" stroke-dasharray="5 4"/>` +
    `<text x="${width - right}" y="${n(y(threshold) - 4)}" text-anchor="end" fill="${ALARM}">must fall under ${threshold}</text>` +
    `<polyline points="${line}" fill="none" stroke="${ACCENT}" stroke-width="2"/>${dots}${labels}</svg>`
  );
}

/**
 * The smallest eigenvalues of a class's graph Laplacian: the number of clusters is
 * where the largest jump (the eigengap) is, drawn in colour up to it.
 */
export function eigenChart(eigenvalues: readonly number[], suggested: number): string {
  const values = eigenvalues.slice(0, 10);
  if (values.length === 0) return '';
  const width = 240;
  const height = 110;
  const bottom = 16;
  const barWidth = width / values.length;
  const top = Math.max(...values, 1e-9);
  const bars = values
    .map((v, i) => {
      const h = (v / top) * (height - bottom - 6);
      return (
        `<rect x="${n(i * barWidth + 3)}" y="${n(height - bottom - h)}" width="${n(barWidth - 6)}" height="${n(Math.max(h, 1))}" fill="${i < suggested ? ACCENT : MUTED}"/>` +
        `<text x="${n(i * barWidth + barWidth / 2)}" y="${height - 4}" text-anchor="middle">${i + 1}</text>`
      );
    })
    .join('');
  const gap = suggested > 0 && suggested < values.length ? `<line x1="${n(suggested * barWidth)}" x2="${n(suggested * barWidth)}" y1="0" y2="${height - bottom}" stroke="${ALARM}" stroke-dasharray="3 3"/>` : '';
  return `<svg class="chart" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="eigenvalues">${bars}${gap}</svg>`;
}

/** Two horizontal bars per row, the map's order against chance, on 0..1. */
export function areaBars(rows: readonly { name: string; map: number; random: number }[]): string {
  const width = 420;
  const rowHeight = 40;
  const left = 80;
  const scale = (v: number) => (Math.min(1, Math.max(0, v)) * (width - left - 50));
  const body = rows
    .map((r, i) => {
      const y = i * rowHeight + 4;
      const bar = (v: number, dy: number, fill: string, label: string) =>
        `<rect x="${left}" y="${y + dy}" width="${n(scale(v))}" height="14" fill="${fill}"/><text x="${n(left + scale(v) + 4)}" y="${y + dy + 11}">${label} ${v.toFixed(3)}</text>`;
      return `<text x="0" y="${y + 18}">${esc(r.name)}</text>${bar(r.map, 0, ACCENT, 'map')}${bar(r.random, 16, MUTED, 'random')}`;
    })
    .join('');
  return `<svg class="chart" viewBox="0 0 ${width} ${rows.length * rowHeight + 4}" width="${width}" height="${rows.length * rowHeight + 4}" role="img" aria-label="curve areas">${body}</svg>`;
}

/** The colormap as a CSS gradient, for the legend. */
export function colormapGradient(): string {
  const lut = colormapLut('turbo');
  const stops = Array.from({ length: 9 }, (_, i) => {
    const at = Math.round((i / 8) * 255) * 4;
    return `rgb(${lut[at]},${lut[at + 1]},${lut[at + 2]}) ${i * 12.5}%`;
  });
  return `linear-gradient(to right, ${stops.join(', ')})`;
}
