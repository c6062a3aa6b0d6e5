/**
 * CSV as every export writes it: cells a spreadsheet takes as text. A label, path or
 * attribute beginning with = + - @ (or a tab or carriage return) would otherwise be run
 * as a formula when the file is opened (CSV injection); such a cell gets a leading
 * apostrophe, as OWASP recommends. Numbers are written as numbers. Files are written
 * with util/atomic-write.ts.
 */
import { stringify } from 'csv-stringify/sync';

export { writeFileAtomic } from '../util/atomic-write';

const FORMULA_START = /^[=+\-@\t\r]/;

/** A cell as a spreadsheet should show it: text that looks like a formula is kept text. */
export function csvCell(value: unknown): unknown {
  return typeof value === 'string' && FORMULA_START.test(value) ? `'${value}` : value;
}

/** Rows as CSV text, every string cell guarded against formula injection. */
export function csvText(rows: readonly (readonly unknown[])[]): string {
  return stringify(rows.map((row) => row.map(csvCell)));
}
