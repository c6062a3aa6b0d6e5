/**
 * Reads regions.csv: named boxes on images, `path,region,x0,y0,x1,y1`, in pixels of the
 * original image as displayed, x1 and y1 exclusive. One image may have several boxes,
 * several of them with the same name (two faces).
 */
import { fieldCountProblem, findColumns, readCsv } from './csv';
import { type PathIndex, toRelativePath } from './paths';
import type { RegionBox, ScanProblem } from './types';

export const REGIONS = 'regions.csv';

export interface PlacedBox {
  /** A listed path. */
  path: string;
  box: RegionBox;
}

export interface RegionsRead {
  boxes: PlacedBox[];
  problems: ScanProblem[];
}

const COLUMNS = ['path', 'region', 'x0', 'y0', 'x1', 'y1'] as const;

/** No image the audit decodes (at most 100 megapixels) reaches this far on a side: a corner beyond it is a typo or an attack. */
export const MAX_BOX_COORDINATE = 1_000_000;

/**
 * A box from its written corners, or why it is not one. Corners left of or above the
 * image are clamped to its edge: annotation tools write -1 for a box touching it.
 */
export function toBox(name: string, corners: readonly [unknown, unknown, unknown, unknown], cornerNames: readonly string[]): RegionBox | string {
  const values: number[] = [];
  for (const [i, written] of corners.entries()) {
    const value = typeof written === 'number' ? written : typeof written === 'string' && written.trim() !== '' ? Number(written) : NaN;
    if (!Number.isFinite(value)) return `${cornerNames[i]} is not a number (${JSON.stringify(written ?? null)})`;
    if (Math.abs(value) > MAX_BOX_COORDINATE) return `${cornerNames[i]} (${value}) is beyond any image (more than ${MAX_BOX_COORDINATE.toLocaleString('en')} pixels)`;
    values.push(value);
  }
  const [x0, y0, x1, y1] = values as [number, number, number, number];
  if (x1 <= x0) return `empty box: ${cornerNames[2]} (${x1}) must be greater than ${cornerNames[0]} (${x0})`;
  if (y1 <= y0) return `empty box: ${cornerNames[3]} (${y1}) must be greater than ${cornerNames[1]} (${y0})`;
  if (x1 <= 0 || y1 <= 0) return 'box lies outside the image (left of or above it)';
  return { name, x0: Math.max(0, x0), y0: Math.max(0, y0), x1, y1 };
}

export function readRegionsCsv(text: string, index: PathIndex): RegionsRead {
  const table = readCsv(text, REGIONS);
  const problems = [...table.problems];
  if (table.header.length === 0) return { boxes: [], problems };
  const { found, missing } = findColumns(table.header, COLUMNS);
  if (missing.length > 0) {
    const names = missing.map((name) => `"${name}"`).join(', ');
    problems.push({ path: REGIONS, reason: `${REGIONS}: no ${names} column (the header has: ${table.header.join(', ')}); no regions read from it` });
    return { boxes: [], problems };
  }
  const boxes: PlacedBox[] = [];
  for (const row of table.rows) {
    const field = (column: (typeof COLUMNS)[number]) => row.fields[found[column]] ?? '';
    const written = field('path');
    const problem = (reason: string, where = written || REGIONS) => problems.push({ path: where, reason: `${REGIONS} line ${row.line}: ${reason}` });
    const countProblem = fieldCountProblem(row, table.header);
    if (countProblem) {
      problem(countProblem);
      continue;
    }
    const relative = toRelativePath(written);
    if (!relative.ok) {
      problem(relative.reason);
      continue;
    }
    const listed = index.get(relative.path);
    if (listed === undefined) {
      problem('not an image of the dataset', relative.path);
      continue;
    }
    const name = field('region');
    if (name === '') {
      problem('empty region name', listed);
      continue;
    }
    const box = toBox(name, [field('x0'), field('y0'), field('x1'), field('y1')], ['x0', 'y0', 'x1', 'y1']);
    if (typeof box === 'string') problem(box, listed);
    else boxes.push({ path: listed, box });
  }
  return { boxes, problems };
}
