/**
 * Reads the small CSV files of a dataset (manifest.csv, regions.csv) into rows that
 * remember their line numbers, so every problem can name the line to fix.
 */
import { parse } from 'csv-parse/sync';
import type { ScanProblem } from './types';

export interface CsvRow {
  /** 1-based line where the record ends (where it starts, unless a quoted field spans lines). */
  line: number;
  fields: string[];
}

export interface CsvTable {
  /** Column names as written, trimmed; empty when the file has no records. */
  header: string[];
  rows: CsvRow[];
  /** Records the parser could not read (a stray quote, say), by line. */
  problems: ScanProblem[];
}

/** Past this many unreadable records the file is not worth reading on. */
const MAX_SYNTAX_ERRORS = 100;

interface Attempt {
  rows: CsvRow[];
  error: Error | null;
}

/** Parses from line `first` (1-based) to the end or to the first record it cannot read. */
function parseFrom(lines: readonly string[], first: number): Attempt {
  const rows: CsvRow[] = [];
  try {
    parse(lines.slice(first - 1).join('\n'), {
      trim: true,
      skip_empty_lines: true,
      relax_column_count: true,
      on_record: (record: string[], context) => {
        rows.push({ line: context.lines + first - 1, fields: record });
        return null;
      },
    });
    return { rows, error: null };
  } catch (error) {
    return { rows, error: error as Error };
  }
}

/**
 * The parser stops at a stray quote, and an unclosed one swallows the rest of the
 * file; so after a record it cannot read, reading resumes on the line after the one
 * where that record began, and only that record is lost.
 */
export function readCsv(text: string, fileName: string): CsvTable {
  // Plain LF also keeps line numbers right: the parser counts a CR LF inside quotes twice.
  const lines = text.replace(/^\ufeff/, '').replaceAll('\r\n', '\n').split('\n');
  const rows: CsvRow[] = [];
  const problems: ScanProblem[] = [];
  let first = 1;
  for (;;) {
    const attempt = parseFrom(lines, first);
    rows.push(...attempt.rows);
    if (!attempt.error) break;
    let broken = (attempt.rows.at(-1)?.line ?? first - 1) + 1;
    while (broken < lines.length && lines[broken - 1]!.trim() === '') broken++;
    const message = attempt.error.message.replace(/ at line \d+/, '');
    if (problems.length === MAX_SYNTAX_ERRORS) {
      problems.push({ path: fileName, reason: `${fileName} line ${broken}: too many unreadable records, the rest of the file was not read` });
      break;
    }
    problems.push({ path: fileName, reason: `${fileName} line ${broken}: ${message}` });
    first = broken + 1;
  }
  const [head, ...body] = rows;
  return { header: head ? head.fields : [], rows: body, problems };
}

/** Index of each required column, matched without regard to case; the missing ones are listed. */
export function findColumns<Name extends string>(header: readonly string[], names: readonly Name[]): { found: Record<Name, number>; missing: Name[] } {
  const lower = header.map((h) => h.toLowerCase());
  const found = {} as Record<Name, number>;
  const missing: Name[] = [];
  for (const name of names) {
    const index = lower.indexOf(name);
    if (index < 0) missing.push(name);
    else found[name] = index;
  }
  return { found, missing };
}

/** A row whose field count differs from the header's is usually an unquoted comma: refuse it. */
export function fieldCountProblem(row: CsvRow, header: readonly string[]): string | null {
  if (row.fields.length === header.length) return null;
  return `has ${row.fields.length} field${row.fields.length === 1 ? '' : 's'}, the header has ${header.length}`;
}
