/**
 * Reads manifest.csv: `path,label` and any further columns, which become attributes
 * (site, sex, scanner, ...) the audit can break results down by. A manifest wins over
 * folder names: only the files it lists are in the dataset.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { mapWithConcurrency } from '../util/concurrency';
import { fieldCountProblem, findColumns, readCsv } from './csv';
import { DatasetError, describeFsError } from './errors';
import { toRelativePath } from './paths';
import type { ListedFile, ScanProblem } from './types';

export const MANIFEST = 'manifest.csv';

/** Stats in flight at once: enough to hide latency on network drives. */
export const STAT_CONCURRENCY = 32;

export interface ManifestListing {
  files: ListedFile[];
  problems: ScanProblem[];
  attributeNames: string[];
}

interface ManifestRow {
  line: number;
  path: string;
  label: string;
  attributes: Record<string, string>;
}

interface Columns {
  path: number;
  label: number;
  /** Attribute name and its column, in file order. */
  attributes: [string, number][];
}

function columnsOf(header: readonly string[]): Columns {
  if (header.length === 0) throw new DatasetError(`${MANIFEST}: the file is empty; it needs a header with path and label columns`);
  const { found, missing } = findColumns(header, ['path', 'label']);
  if (missing.length > 0) {
    const names = missing.map((name) => `"${name}"`).join(' and ');
    throw new DatasetError(`${MANIFEST}: no ${names} column (the header has: ${header.join(', ')})`);
  }
  const attributes: [string, number][] = [];
  const seen = new Set<string>();
  header.forEach((name, index) => {
    // A trailing comma in the header (spreadsheets write them) makes an unnamed column: nothing to keep.
    if (index === found.path || index === found.label || name === '') return;
    if (seen.has(name)) throw new DatasetError(`${MANIFEST}: column "${name}" appears twice in the header`);
    seen.add(name);
    attributes.push([name, index]);
  });
  return { path: found.path, label: found.label, attributes };
}

/** The rows that name a file, or the problem with each row that does not. */
function rowsOf(text: string): { rows: ManifestRow[]; problems: ScanProblem[]; attributeNames: string[] } {
  const table = readCsv(text, MANIFEST);
  const columns = columnsOf(table.header);
  const problems = [...table.problems];
  const rows: ManifestRow[] = [];
  const firstLine = new Map<string, number>();
  for (const row of table.rows) {
    const written = row.fields[columns.path] ?? '';
    const problem = (reason: string, where = written || MANIFEST) => problems.push({ path: where, reason: `${MANIFEST} line ${row.line}: ${reason}` });
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
    const label = row.fields[columns.label]!;
    if (label === '') {
      problem('empty label', relative.path);
      continue;
    }
    const first = firstLine.get(relative.path);
    if (first !== undefined) {
      problem(`listed again (first on line ${first}), skipped`, relative.path);
      continue;
    }
    firstLine.set(relative.path, row.line);
    const attributes = Object.fromEntries(columns.attributes.map(([name, index]) => [name, row.fields[index]!]));
    rows.push({ line: row.line, path: relative.path, label, attributes });
  }
  return { rows, problems, attributeNames: columns.attributes.map(([name]) => name) };
}

/** The file a row names, with its size and time, or why it cannot be used. */
async function statRow(root: string, row: ManifestRow): Promise<ListedFile | ScanProblem> {
  const problem = (reason: string): ScanProblem => ({ path: row.path, reason: `${MANIFEST} line ${row.line}: ${reason}` });
  try {
    const info = await stat(path.join(root, row.path));
    if (!info.isFile()) return problem('not a file');
    return { path: row.path, size: info.size, mtimeMs: info.mtimeMs, label: row.label, attributes: row.attributes };
  } catch (error) {
    const reason = describeFsError(error);
    return problem(reason === 'not found' ? 'listed but not found' : reason);
  }
}

export async function listFromManifest(root: string, text: string): Promise<ManifestListing> {
  const { rows, problems, attributeNames } = rowsOf(text);
  const results = await mapWithConcurrency(rows, STAT_CONCURRENCY, (row) => statRow(root, row));
  const files: ListedFile[] = [];
  for (const result of results) {
    if ('label' in result) files.push(result);
    else problems.push(result);
  }
  return { files, problems, attributeNames };
}
