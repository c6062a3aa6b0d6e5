/**
 * The command line of `biascope export <kind>`, derived from the contract: each kind's
 * options (shared/exports.ts) carry their flag and help, so the flags, the help text
 * and the checks of a new kind come with its entry there. Values are checked by the
 * kind's schema here, before anything is opened, and a problem names the flag.
 */
import type { ParseArgsOptionsConfig } from 'node:util';
import type { z } from 'zod';
import { EXPORT_KIND_NAMES, EXPORT_KINDS, isExportKind, optionMetas, type ExportKind, type OptionMeta } from '../../shared/exports';
import { parseCommandArgs } from './args';
import { UsageError } from './errors';

/** What every export takes, whatever its kind. */
const COMMON = {
  db: { type: 'string' },
  dataset: { type: 'string' },
  audit: { type: 'string' },
  out: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const COMMON_USAGE = `  --db <file>         the audit database (audit.db of biascope audit, or the app's library.db)
  --dataset <dir>     which dataset of the database (needed when it holds several)
  --audit <model[:layer[:method]]>
                      which stored audit to export (default: the dataset's latest);
                      --b is the same, for compare
  --out <dir>         where to write (default: the database's folder)
  -h, --help          show this help`;

type FieldType = 'string' | 'number' | 'boolean' | 'list';

/** The value type under a field's default/optional/nullable wrappers. */
function fieldType(schema: z.ZodType): FieldType {
  let inner = schema as unknown as { def: { type: string; innerType?: unknown } };
  while (['default', 'optional', 'nullable', 'prefault'].includes(inner.def.type)) inner = inner.def.innerType as typeof inner;
  const type = inner.def.type;
  if (type === 'boolean') return 'boolean';
  if (type === 'number') return 'number';
  if (type === 'array') return 'list';
  return 'string';
}

interface Flag {
  kind: ExportKind;
  option: string;
  meta: OptionMeta;
  type: FieldType;
}

function flagsOf(kind: ExportKind): Flag[] {
  return optionMetas(kind).map(([option, meta, schema]) => ({ kind, option, meta, type: fieldType(schema) }));
}

/** parseArgs' table: the common options and every kind's flags (a flag means the same in every kind). */
function optionTable(): ParseArgsOptionsConfig {
  const table: ParseArgsOptionsConfig = { ...COMMON, b: { type: 'string' } };
  for (const kind of EXPORT_KIND_NAMES) {
    for (const flag of flagsOf(kind)) {
      table[flag.meta.flag] = flag.type === 'boolean' ? { type: 'boolean' } : { type: 'string', multiple: flag.type === 'list' };
    }
  }
  return table;
}

const HELP_COLUMN = 22;
const HELP_WIDTH = 88;

/** Words of `text` in lines of at most `width` characters. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  return [...lines, line];
}

function usageLine(flag: Flag): string {
  const head = `  --${flag.meta.flag}${flag.meta.value ? ` <${flag.meta.value}>` : ''}`;
  const help = wrap(flag.meta.help, HELP_WIDTH - HELP_COLUMN).map((line) => ' '.repeat(HELP_COLUMN) + line);
  if (head.length < HELP_COLUMN) help[0] = head.padEnd(HELP_COLUMN) + help[0]!.trimStart();
  else help.unshift(head);
  return help.join('\n');
}

/** `biascope export --help`, or one kind's help. */
export function exportUsage(only?: ExportKind): string {
  const kinds = only ? [only] : EXPORT_KIND_NAMES;
  const width = Math.max(...EXPORT_KIND_NAMES.map((k) => k.length));
  const head = only
    ? [`Usage: biascope export ${only} --db <audit.db> [options]`, '', `${only} ${EXPORT_KINDS[only].description}`]
    : [
        'Usage: biascope export <kind> --db <audit.db> [options]',
        '',
        'Writes findings from an audit database for a team to act on. Kinds:',
        ...EXPORT_KIND_NAMES.map((kind) => `  ${kind.padEnd(width)}  ${EXPORT_KINDS[kind].summary}`),
      ];
  const perKind = kinds.flatMap((kind) => {
    const flags = flagsOf(kind);
    const about = only ? [] : ['', `${kind} ${EXPORT_KINDS[kind].description}`];
    return [...about, ...(flags.length > 0 ? ['', `Options of ${kind}:`, ...flags.map(usageLine)] : [])];
  });
  return [...head, '', 'Options:', COMMON_USAGE, ...perKind, '', 'Exit status: 0 when written, 1 when the export cannot be made, 2 for a wrong command line.'].join('\n');
}

export interface ExportArgs {
  help: false;
  kind: ExportKind;
  db: string;
  dataset?: string;
  /** The audit exported, as model[:layer[:method]]. */
  audit?: string;
  out?: string;
  /** The kind's options as given; audit-valued ones still as selectors (see `selectors`). */
  options: Record<string, unknown>;
  /** Options naming another audit: option name -> model[:layer[:method]]. */
  selectors: Record<string, string>;
}

export type ParsedExport = { help: true; kind?: ExportKind } | ExportArgs;

function parseNumber(value: string, flag: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new UsageError(`--${flag} must be a number, got "${value}"`);
  return n;
}

/** The kind's schema's verdict, in the words of the command line. */
function checkOptions(kind: ExportKind, options: Record<string, unknown>): void {
  const checked = EXPORT_KINDS[kind].options.safeParse(options);
  if (checked.success) return;
  const flags = new Map(flagsOf(kind).map((f) => [f.option, f.meta.flag]));
  const issue = checked.error.issues[0]!;
  const flag = `--${flags.get(String(issue.path[0])) ?? String(issue.path[0])}`;
  const given = options[String(issue.path[0])];
  if (issue.code === 'invalid_type' && given === undefined) throw new UsageError(`${flag} is required`);
  if (issue.code === 'too_big' && typeof given === 'number') throw new UsageError(`${flag} must be at most ${String(issue.maximum)}, got ${given}`);
  if (issue.code === 'too_small' && typeof given === 'number') throw new UsageError(`${flag} must be at least ${String(issue.minimum)}, got ${given}`);
  if (issue.code === 'invalid_type' && issue.expected === 'int') throw new UsageError(`${flag} must be a whole number, got ${String(given)}`);
  throw new UsageError(`${flag}: ${issue.message}`);
}

export function parseExportArgs(argv: readonly string[]): ParsedExport {
  const { values, positionals } = parseCommandArgs(argv, optionTable());
  const [kind, ...extra] = positionals;
  const given = values as Record<string, string | boolean | string[] | undefined>;
  if (kind !== undefined && !isExportKind(kind)) throw new UsageError(`cannot export "${kind}"; can export: ${EXPORT_KIND_NAMES.join(', ')}`);
  if (given['help']) return { help: true, ...(kind ? { kind } : {}) };
  if (kind === undefined) throw new UsageError(`say what to export: ${EXPORT_KIND_NAMES.join(', ')}`);
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
  const own = flagsOf(kind);
  const ownFlags = new Set(own.map((f) => f.meta.flag));
  const foreign = Object.keys(given).filter((name) => given[name] !== undefined && !(name in COMMON) && name !== 'b' && !ownFlags.has(name));
  if (foreign.length > 0) throw new UsageError(`--${foreign[0]} is not an option of export ${kind}`);
  if (given['b'] !== undefined && kind !== 'compare') throw new UsageError(`--b is an option of export compare; use --audit`);
  if (given['b'] !== undefined && given['audit'] !== undefined) throw new UsageError('--b and --audit name the same thing: give one');
  if (typeof given['db'] !== 'string') throw new UsageError('--db is required');
  const options: Record<string, unknown> = {};
  const selectors: Record<string, string> = {};
  for (const flag of own) {
    const value = given[flag.meta.flag];
    if (value === undefined) continue;
    if (flag.meta.audit) selectors[flag.option] = value as string;
    else options[flag.option] = flag.type === 'number' ? parseNumber(value as string, flag.meta.flag) : value;
  }
  checkOptions(kind, options);
  const audit = (given['audit'] ?? given['b']) as string | undefined;
  return {
    help: false,
    kind,
    db: given['db'],
    ...(typeof given['dataset'] === 'string' ? { dataset: given['dataset'] } : {}),
    ...(audit !== undefined ? { audit } : {}),
    ...(typeof given['out'] === 'string' ? { out: given['out'] } : {}),
    options,
    selectors,
  };
}
