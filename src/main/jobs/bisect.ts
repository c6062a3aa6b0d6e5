/**
 * How a batch is explained when things go wrong, the same on this machine's threads
 * and on a queue worker elsewhere: a batch that throws, hangs or whose worker dies is
 * tried once more; if it fails again it is split in halves, each tried the same way,
 * so one poison image fails alone and its batch mates are explained.
 */
import type { DecodedBatch } from './decode-batch';
import type { ExplainReply, TaskImage } from './worker-protocol';

/** One try at explaining images (with its own timeout); throws when it fails. */
export type Attempt = (images: TaskImage[]) => Promise<ExplainReply>;

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Images start..end of a decoded batch, as a batch of their own. */
export function part(batch: DecodedBatch, start: number, end: number): DecodedBatch {
  return { images: batch.images.slice(start, end), paths: batch.paths.slice(start, end), failures: [] };
}

/** A try, and one more unless the work was cancelled meanwhile. */
export async function tryTwice(attempt: Attempt, images: TaskImage[], cancelled: () => boolean): Promise<ExplainReply> {
  try {
    return await attempt(images);
  } catch (error) {
    if (cancelled()) throw error;
    return await attempt(images);
  }
}

export interface BisectOutcome {
  /** A part of the batch that was explained, with its reply. */
  kept(batch: DecodedBatch, reply: ExplainReply): void;
  /** One image that failed twice on its own. */
  failed(batch: DecodedBatch, error: unknown): void;
}

/** Explains `batch`, splitting it until each failure is one image; nothing once cancelled. */
export async function explainBisecting(batch: DecodedBatch, attempt: Attempt, cancelled: () => boolean, outcome: BisectOutcome): Promise<void> {
  let reply: ExplainReply;
  try {
    reply = await tryTwice(attempt, batch.images, cancelled);
  } catch (error) {
    if (cancelled()) return;
    if (batch.images.length > 1) {
      const half = Math.ceil(batch.images.length / 2);
      await explainBisecting(part(batch, 0, half), attempt, cancelled, outcome);
      await explainBisecting(part(batch, half, batch.images.length), attempt, cancelled, outcome);
      return;
    }
    outcome.failed(batch, error);
    return;
  }
  outcome.kept(batch, reply);
}

/** The error rows of images that failed twice alone. */
export function explainFailures(batch: DecodedBatch, error: unknown): { path: string; contentId: number; stage: 'explain'; reason: string }[] {
  const reason = `explaining failed twice: ${messageOf(error)}`;
  return batch.images.map((image, i) => ({ path: batch.paths[i]!, contentId: image.contentId, stage: 'explain', reason }));
}
