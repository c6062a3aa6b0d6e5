/**
 * The workers of a queued audit as the progress bar lists them, and the queue fields of
 * the start panel checked against the contract. Pure, so both are tested without a page.
 */
import { QueueSettingsSchema, type QueueSettings, type WorkerPresence } from '../../../../shared/audit';

/** A worker silent this long is shown as stale (heartbeats come every 2 s; it is dropped after 60). */
export const STALE_AFTER_SECONDS = 10;

export interface WorkerRow {
  key: string;
  /** The host, with its process id when another worker shares the host. */
  name: string;
  images: number;
  imagesPerSecond: number;
  threads: number;
  backend: string | null;
  stale: boolean;
}

export function workerRows(workers: readonly WorkerPresence[]): WorkerRow[] {
  const perHost = new Map<string, number>();
  for (const w of workers) perHost.set(w.host, (perHost.get(w.host) ?? 0) + 1);
  return [...workers]
    .sort((a, b) => a.host.localeCompare(b.host) || a.pid - b.pid)
    .map((w) => ({
      key: w.id,
      name: (perHost.get(w.host) ?? 0) > 1 ? `${w.host}:${w.pid}` : w.host,
      images: w.images,
      imagesPerSecond: w.imagesPerSecond,
      threads: w.concurrency,
      backend: w.backend,
      stale: w.lastSeenSeconds > STALE_AFTER_SECONDS,
    }));
}

export type QueueField = { settings: QueueSettings | null; error: string | null };

/** The start panel's queue fields: none when the address is empty, else settings or what is wrong. */
export function queueField(url: string, sharedFs: boolean): QueueField {
  const trimmed = url.trim();
  if (trimmed === '') return { settings: null, error: null };
  const parsed = QueueSettingsSchema.safeParse({ url: trimmed, ...(sharedFs ? { sharedFs: true } : {}) });
  return parsed.success ? { settings: parsed.data, error: null } : { settings: null, error: parsed.error.issues[0]?.message ?? 'not a Redis address' };
}

/** The command that starts a worker for this address. */
export function workerCommand(url: string): string {
  return `biascope worker --queue ${url.trim() || 'redis://host:6379'}`;
}
