/**
 * Connections to the Redis server of a queued audit. ioredis retries for ever by
 * itself, which is what a worker wants once connected (a restarted Redis is picked up
 * again), but a first connection that fails must say so within seconds.
 */
import { Redis, type RedisOptions } from 'ioredis';

/** The address without its password, for messages and logs. */
export function redactRedisUrl(url: string): string {
  return url.replace(/^(rediss?:\/\/)([^@/]*)@/, (_all, scheme: string, auth: string) => `${scheme}${auth.includes(':') ? `${auth.split(':')[0]}:***` : '***'}@`);
}

/** Options for BullMQ's own connections (it opens several): blocking calls never give up. */
export function connectionOptions(url: string): RedisOptions {
  const parsed = new URL(url);
  const db = parsed.pathname.length > 1 ? Number(parsed.pathname.slice(1)) : 0;
  return {
    host: parsed.hostname.replace(/^\[|\]$/g, ''),
    port: parsed.port ? Number(parsed.port) : 6379,
    ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
    db,
    ...(parsed.protocol === 'rediss:' ? { tls: {} } : {}),
    // BullMQ's requirement for workers: a command waits for the reconnection instead of failing.
    maxRetriesPerRequest: null,
    // Back off up to 2 s between tries: a Redis restart is seen within seconds.
    retryStrategy: (times) => Math.min(100 * times, 2000),
  };
}

export class QueueConnectionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'QueueConnectionError';
  }
}

/** A connected client, or a clear error after `timeoutMs` (e.g. nothing listens there). */
export async function connectRedis(url: string, timeoutMs = 5000): Promise<Redis> {
  const redis = new Redis({ ...connectionOptions(url), lazyConnect: true });
  let last: unknown = null;
  redis.on('error', (error: unknown) => (last = error));
  const timer = new Promise<never>((_, reject) => {
    setTimeout(() => reject(new Error('no answer')), timeoutMs).unref();
  });
  try {
    await Promise.race([redis.connect().then(() => redis.ping()), timer]);
    return redis;
  } catch (error) {
    redis.disconnect();
    const cause = last ?? error;
    const reason = cause instanceof Error && cause.message !== 'no answer' ? cause.message : `no answer within ${Math.round(timeoutMs / 1000)} s`;
    throw new QueueConnectionError(`cannot reach Redis at ${redactRedisUrl(url)}: ${reason} (start one with: redis-server --port 6379)`);
  }
}
