/**
 * Content hashes of a dataset's files: an image is known by its hash, so a renamed or
 * moved file keeps its cached results. A file whose size and modification time are
 * what a previous scan recorded keeps its hash unread, so re-opening an unchanged
 * dataset only stats its files.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { mapWithConcurrency } from '../util/concurrency';
import { DatasetError } from './errors';
import { hashImageFile } from './image-file';
import type { HashedFile, KnownFile, ListedFile, ScanProblem } from './types';

/** Reads in flight at once: enough to keep a disk or a network drive busy while the CPU hashes. */
export const HASH_CONCURRENCY = 8;

export interface HashOptions {
  concurrency?: number;
  /** Called after each file, hashed, reused or refused. */
  onProgress?: (done: number, total: number) => void;
  /** Stops hashing at the next file. */
  signal?: AbortSignal | undefined;
}

export interface HashResult {
  /** In the order given, without the refused ones. */
  files: HashedFile[];
  problems: ScanProblem[];
  /** Files read and hashed. */
  hashed: number;
  /** Files whose known hash still held, not read. */
  reused: number;
}

export const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

type Outcome = { file: HashedFile; read: boolean } | { problem: ScanProblem };

async function hashOne(root: string, file: ListedFile, known: KnownFile | undefined): Promise<Outcome> {
  if (file.size === 0) return { problem: { path: file.path, reason: 'empty file (0 bytes)' } };
  if (known && known.size === file.size && known.mtimeMs === file.mtimeMs) return { file: { ...file, hash: known.hash }, read: false };
  const outcome = await hashImageFile(path.join(root, file.path));
  if ('failure' in outcome) {
    const { kind, reason } = outcome.failure;
    return { problem: { path: file.path, reason: kind === 'not-found' ? 'file not found (removed since the folder was listed)' : reason } };
  }
  return { file: { ...file, hash: outcome.hash }, read: true };
}

export async function hashFiles(root: string, files: readonly ListedFile[], known: ReadonlyMap<string, KnownFile>, options: HashOptions = {}): Promise<HashResult> {
  const total = files.length;
  let done = 0;
  const outcomes = await mapWithConcurrency(files, Math.max(1, options.concurrency ?? HASH_CONCURRENCY), async (file) => {
    if (options.signal?.aborted) throw new DatasetError(`${root}: the scan was cancelled`);
    const outcome = await hashOne(root, file, known.get(file.path));
    options.onProgress?.(++done, total);
    return outcome;
  });
  const result: HashResult = { files: [], problems: [], hashed: 0, reused: 0 };
  for (const outcome of outcomes) {
    if ('problem' in outcome) {
      result.problems.push(outcome.problem);
      continue;
    }
    result.files.push(outcome.file);
    if (outcome.read) result.hashed++;
    else result.reused++;
  }
  return result;
}
