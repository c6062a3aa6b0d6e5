/**
 * The report's one stylesheet, inline. Light colours and system fonts; in print each
 * class starts a page, and figures, cards and table rows do not split across pages.
 */
export const REPORT_CSS = `
:root { --ink: #1e293b; --muted: #64748b; --line: #e2e8f0; --soft: #f8fafc; --accent: #2563eb; --alarm: #b91c1c; --ok: #15803d; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0 auto; max-width: 1040px; padding: 24px 32px 48px; color: var(--ink); background: #fff;
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; }
h1 { font-size: 26px; margin: 0 0 2px; }
h2 { font-size: 20px; margin: 0 0 10px; padding-bottom: 4px; border-bottom: 2px solid var(--line); }
h3 { font-size: 15px; margin: 18px 0 6px; }
p { margin: 6px 0; }
.sub, .note { color: var(--muted); }
.note { font-size: 12px; }
.notes { margin: 0 0 14px; padding: 8px 12px; border-left: 3px solid var(--muted); background: #f8fafc; }
.notes p { margin: 4px 0; }
section.block { margin-top: 28px; }
.columns { display: grid; grid-template-columns: 1fr 1fr; gap: 24px; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 3px 14px; margin: 0; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; overflow-wrap: break-word; }
code, .hash { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 12px; }
/* Paths wrap at their slashes (<wbr>); a name longer than the line is the only thing split. Hashes are not words. */
.path { overflow-wrap: break-word; hyphens: none; }
code.path .name { white-space: nowrap; }
.hash { overflow-wrap: anywhere; }
table { border-collapse: collapse; margin: 6px 0 10px; font-size: 13px; }
th, td { border-bottom: 1px solid var(--line); padding: 3px 10px 3px 0; text-align: left; vertical-align: top; }
th { color: var(--muted); font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; padding-left: 10px; }
tr.short td, td .bad { color: var(--alarm); font-weight: 600; }
ul.findings li, ul.lead li, ul.conclusions li { margin: 3px 0; }
ul.lead { padding-left: 20px; }
#lead h3 { margin-top: 10px; }
.verdict { padding: 6px 10px; border-left: 4px solid var(--ok); background: #f0fdf4; margin: 8px 0; }
.verdict.failed { border-color: var(--alarm); background: #fef2f2; }
.toc { font-size: 13px; margin-top: 6px; }
.toc a { color: var(--accent); text-decoration: none; }
.legend { display: flex; align-items: center; gap: 8px; font-size: 12px; color: var(--muted); }
.legend .bar { width: 110px; height: 10px; border: 1px solid var(--line); }
.grid { display: flex; flex-wrap: wrap; gap: 8px; }
figure.thumb { margin: 0; width: 104px; break-inside: avoid; }
figure.thumb img { display: block; width: 96px; height: 96px; object-fit: contain; background: var(--soft); border: 1px solid var(--line); }
figure.thumb.wrong img { border: 2px solid var(--alarm); }
figure.thumb figcaption { font-size: 10px; line-height: 1.25; color: var(--muted); }
figure.thumb figcaption span { display: block; }
figure.thumb .path { color: var(--ink); }
.cards { display: grid; gap: 10px; max-width: 720px; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: 8px; display: flex; gap: 10px; break-inside: avoid; background: var(--soft); }
.card .mean img { width: 112px; height: 112px; display: block; border: 1px solid var(--line); }
.card .mean p { font-size: 12px; margin: 4px 0 0; width: 112px; }
.card .grid figure.thumb { width: 64px; }
.card .grid figure.thumb img { width: 64px; height: 64px; }
.card .grid figure.thumb figcaption { display: none; }
.class-head { display: flex; justify-content: space-between; align-items: baseline; gap: 12px; flex-wrap: wrap; }
.chart { max-width: 100%; height: auto; font: 10px system-ui, "DejaVu Sans", sans-serif; fill: var(--ink); }
.cluster-row { display: flex; gap: 18px; align-items: flex-start; }
.cluster-row .explain { max-width: 420px; margin: 0; }
footer { margin-top: 36px; font-size: 12px; color: var(--muted); border-top: 1px solid var(--line); padding-top: 8px; }
@page { size: A4; margin: 14mm 12mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 12px; }
  section.class, section.page { break-before: page; }
  h2, h3 { break-after: avoid; }
  /* Small tables and thumbnail grids move whole to the next page; a longer one still splits. */
  .keep, table, .grid, tr, .verdict, .chart { break-inside: avoid; }
  a { color: inherit; }
  .toc { display: none; }
}
`;
