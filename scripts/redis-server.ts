/**
 * A real redis-server (the OS package) on a free loopback port, for the queued-audit
 * tests and bench: started in its own folder, stopped and restarted at will (a restart
 * keeps its data when `persist` is set: an append-only file in that folder).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';

export interface RedisServer {
  readonly url: string;
  readonly port: number;
  /** Stops the server (SIGKILL when `hard`, losing what it did not write). */
  stop(hard?: boolean): Promise<void>;
  /** Starts it again on the same port and folder. */
  start(): Promise<void>;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

export const REDIS_SERVER = process.env['BIASCOPE_REDIS_SERVER'] ?? 'redis-server';

async function waitForPing(url: string, child: ChildProcess): Promise<void> {
  let failed: Error | null = null;
  child.once('error', (error) => (failed = error));
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (failed) throw new Error(`cannot start ${REDIS_SERVER} (install Debian's redis-server, or name one in BIASCOPE_REDIS_SERVER): ${(failed as Error).message}`);
    if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}`);
    const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    redis.on('error', () => undefined);
    try {
      await redis.connect();
      if ((await redis.ping()) === 'PONG') return;
    } catch {
      // not listening yet
    } finally {
      redis.disconnect();
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('redis-server did not answer within 10 s');
}

export async function startRedis(dir: string, { persist = false }: { persist?: boolean } = {}): Promise<RedisServer> {
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  let child: ChildProcess | null = null;
  const start = async () => {
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', persist ? 'yes' : 'no', '--appendfsync', 'always', '--protected-mode', 'yes'];
    child = spawn(REDIS_SERVER, args, { stdio: 'ignore' });
    await waitForPing(url, child);
  };
  const stop = async (hard = false) => {
    const running = child;
    child = null;
    if (!running || running.exitCode !== null) return;
    running.kill(hard ? 'SIGKILL' : 'SIGTERM');
    await once(running, 'exit');
  };
  await start();
  return { url, port, start, stop };
}
