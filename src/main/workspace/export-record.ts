/**
 * What each export last wrote into a folder, so the same export of unchanged findings
 * is not written again: `.biascope-exports.json` beside the files holds, per kind, the
 * fingerprint of what it was made from (the request, the store's revision, the files
 * read besides the store) and each file's size and modification time. A no-op re-run of
 * an audit then costs the check, not the report.
 */
import { createHash } from 'node:crypto';
import { readFile, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { ExportResultSchema, type ExportResult } from '../../shared/exports';
import { packageRoot, packageVersion } from '../util/package-root';

export const RECORD_FILE = '.biascope-exports.json';

const EntrySchema = z.object({
  fingerprint: z.string(),
  files: z.array(z.object({ path: z.string(), bytes: z.number(), mtimeMs: z.number() })),
  result: ExportResultSchema,
});
const RecordSchema = z.record(z.string(), EntrySchema);
type Record = z.infer<typeof RecordSchema>;

async function readRecord(dir: string): Promise<Record> {
  try {
    return RecordSchema.parse(JSON.parse(await readFile(path.join(dir, RECORD_FILE), 'utf8')));
  } catch {
    // Missing or damaged: every export is written afresh.
    return {};
  }
}

/** Modification times of files an export reads besides the store (a model card); null where absent. */
export async function fileStamps(files: readonly string[]): Promise<(number | null)[]> {
  return Promise.all(files.map((file) => stat(file).then((s) => s.mtimeMs, () => null)));
}

let version: string | undefined;

/** The fingerprint of an export's inputs; biascope's version is one: a new version may write its files otherwise. */
export function fingerprintOf(parts: unknown): string {
  version ??= packageVersion(packageRoot());
  return createHash('sha256').update(JSON.stringify({ version, parts })).digest('hex');
}

/** The result of the last identical export, when its files are all still as it left them. */
export async function unchangedExport(dir: string, kind: string, fingerprint: string): Promise<ExportResult | null> {
  const entry = (await readRecord(dir))[kind];
  if (!entry || entry.fingerprint !== fingerprint) return null;
  for (const file of entry.files) {
    const now = await stat(file.path).catch(() => null);
    if (!now || now.size !== file.bytes || now.mtimeMs !== file.mtimeMs) return null;
  }
  return entry.result;
}

export async function recordExport(dir: string, kind: string, fingerprint: string, result: ExportResult): Promise<void> {
  const record = await readRecord(dir);
  const files = await Promise.all(result.files.map(async (file) => ({ path: file.path, bytes: file.bytes, mtimeMs: (await stat(file.path)).mtimeMs })));
  record[kind] = { fingerprint, files, result };
  const target = path.join(dir, RECORD_FILE);
  const temporary = `${target}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(record, null, 1)}\n`);
  await rename(temporary, target);
}
