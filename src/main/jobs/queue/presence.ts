/**
 * Workers say they are alive every couple of seconds, in one Redis hash, stamped with
 * Redis's own clock: machines whose clocks disagree still agree on who is late.
 */
import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { WorkerPresence } from '../../../shared/audit';
import { WORKERS_KEY } from './protocol';

export const HEARTBEAT_MS = 2000;
/** A worker silent this long has gone: it is no longer listed, and its entry is removed. */
export const GONE_AFTER_MS = 60_000;

const HeartbeatSchema = z.object({
  id: z.string(),
  host: z.string(),
  pid: z.number().int(),
  concurrency: z.number().int().min(1),
  backend: z.string().nullable(),
  /** Per audit key: images explained and the recent pace. */
  audits: z.record(z.string(), z.object({ images: z.number().int().min(0), imagesPerSecond: z.number().min(0) })),
  seenAt: z.number(),
});
export type Heartbeat = z.infer<typeof HeartbeatSchema>;

export async function redisNow(redis: Redis): Promise<number> {
  const [seconds, micros] = await redis.time();
  return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
}

export async function beat(redis: Redis, heartbeat: Omit<Heartbeat, 'seenAt'>): Promise<void> {
  await redis.hset(WORKERS_KEY, heartbeat.id, JSON.stringify({ ...heartbeat, seenAt: await redisNow(redis) }));
}

export async function leave(redis: Redis, id: string): Promise<void> {
  await redis.hdel(WORKERS_KEY, id);
}

/** The workers serving one audit, freshest first; entries long silent are cleared away. */
export async function workersOf(redis: Redis, auditKey: string): Promise<WorkerPresence[]> {
  const [all, now] = await Promise.all([redis.hgetall(WORKERS_KEY), redisNow(redis)]);
  const present: WorkerPresence[] = [];
  for (const [id, text] of Object.entries(all)) {
    let parsed: Heartbeat | null = null;
    try {
      parsed = HeartbeatSchema.parse(JSON.parse(text));
    } catch {
      parsed = null;
    }
    if (!parsed || now - parsed.seenAt > GONE_AFTER_MS) {
      await redis.hdel(WORKERS_KEY, id);
      continue;
    }
    const audit = parsed.audits[auditKey];
    if (!audit) continue;
    present.push({
      id: parsed.id,
      host: parsed.host,
      pid: parsed.pid,
      concurrency: parsed.concurrency,
      backend: parsed.backend,
      images: audit.images,
      imagesPerSecond: audit.imagesPerSecond,
      lastSeenSeconds: Math.max(0, (now - parsed.seenAt) / 1000),
    });
  }
  return present.sort((a, b) => a.lastSeenSeconds - b.lastSeenSeconds || a.id.localeCompare(b.id));
}

/** Images over the last half minute (or since work began, when sooner), per second. */
export class RecentRate {
  private readonly samples: { at: number; images: number }[] = [];
  private began: number | null = null;
  total = 0;

  /** Work on something began: the pace counts from here. */
  begin(at = Date.now()): void {
    this.began ??= at;
  }

  add(images: number, at = Date.now()): void {
    this.begin(at);
    this.total += images;
    this.samples.push({ at, images });
  }

  perSecond(at = Date.now()): number {
    while (this.samples.length > 0 && at - this.samples[0]!.at > 30_000) this.samples.shift();
    if (this.began === null) return 0;
    const seconds = Math.min(30, (at - this.began) / 1000);
    return seconds <= 0 ? 0 : this.samples.reduce((n, s) => n + s.images, 0) / seconds;
  }
}
